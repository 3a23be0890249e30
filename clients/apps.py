from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What this app holds about a client, for export and erasure (consent.privacy).
        from clients import privacy

        privacy.register()
