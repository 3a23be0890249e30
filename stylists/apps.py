from django.apps import AppConfig


class StylistsConfig(AppConfig):
    name = "stylists"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What this app holds about a client, for export and erasure (consent.privacy).
        from stylists import privacy

        privacy.register()
