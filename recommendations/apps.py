from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Consent sits below us: when a client's consent narrows, withdraw the
        # drafts built on data the new tier forbids, inside consent's transaction.
        from consent.services import register_consent_change_handler
        from recommendations.services import lookbooks_withdraw_on_consent_change

        register_consent_change_handler(lookbooks_withdraw_on_consent_change)
        # What this app holds about a client, for export and erasure (consent.privacy).
        from recommendations import privacy

        privacy.register()
