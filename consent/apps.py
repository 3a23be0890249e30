from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Consent's own part of a client's export and erasure (see consent.privacy).
        from consent.services import register_privacy

        register_privacy()
