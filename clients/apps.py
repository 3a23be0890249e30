from django.apps import AppConfig


class ClientsConfig(AppConfig):
    # What this app holds about a client for export and erasure (clients.privacy)
    # is registered by consent, the floor above (consent.services.registrations).
    name = "clients"
    default_auto_field = "django.db.models.BigAutoField"
