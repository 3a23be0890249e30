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
        # What she just did refreshes her draft within seconds (services.refresh): a love,
        # a styling request, a completed purchase (one by one, or a batch of an import).
        from django.db.models.signals import post_save

        from clients.models import Interaction, Order
        from clients.signals import purchases_recorded
        from recommendations.services import refresh
        from stylists.models import StylingRequest

        post_save.connect(refresh.on_interaction_saved, sender=Interaction, dispatch_uid="rec-love")
        post_save.connect(
            refresh.on_styling_request_saved, sender=StylingRequest, dispatch_uid="rec-request"
        )
        post_save.connect(refresh.on_order_saved, sender=Order, dispatch_uid="rec-order")
        purchases_recorded.connect(refresh.on_purchases_recorded, dispatch_uid="rec-purchases")
