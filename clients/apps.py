from django.apps import AppConfig


class ClientsConfig(AppConfig):
    # What this app holds about a client for export and erasure (clients.privacy)
    # is registered by consent, the floor above (consent.services.registrations).
    name = "clients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from clients.selectors import permission_ids_forget

        # migrate and flush (each test that truncates tables) create permissions anew.
        post_migrate.connect(permission_ids_forget, dispatch_uid="clients-permission-ids")
