from django.apps import AppConfig


class ClientelingConfig(AppConfig):
    """The project package as an app: it holds the commands that compose every app."""

    name = "clienteling"
    verbose_name = "Atelier"

    def ready(self) -> None:
        # Decide at sign-in whether the session needs a two-factor code (see two_factor.py).
        from django.contrib.auth.signals import user_logged_in

        from accounts.two_factor import remember_policy

        user_logged_in.connect(remember_policy, dispatch_uid="atelier-two-factor-policy")
        # The sign-in account's part of a client's export and erasure (consent.privacy).
        from clienteling import privacy

        privacy.register()
        # Services hand jobs to Celery by name (core.tasks): register every app's
        # tasks module now, in the web process as in the worker.
        from clienteling.celery import app as celery_app

        celery_app.autodiscover_tasks(force=True)
