from django.apps import AppConfig


class ClientelingConfig(AppConfig):
    """The project package as an app: it holds the commands that compose every app."""

    name = "clienteling"
    verbose_name = "Atelier"

    def ready(self) -> None:
        # The house's deploy checks (SITE_URL must be the public https URL).
        # Decide at sign-in whether the session needs a two-factor code (see two_factor.py).
        from django.contrib.auth.signals import user_logged_in

        from accounts.two_factor import remember_policy
        from clienteling import checks  # noqa: F401

        user_logged_in.connect(remember_policy, dispatch_uid="atelier-two-factor-policy")
        # List staff sessions as they start, so a role change or deactivation can end them.
        from accounts.views import remember_staff_session

        user_logged_in.connect(remember_staff_session, dispatch_uid="atelier-staff-sessions")
        # Two-factor reset (an admin deletes the device): the API tokens taken before go.
        from accounts.two_factor import connect_device_reset

        connect_device_reset()
        # The sign-in account's part of a client's export and erasure (consent.privacy).
        from clienteling import privacy

        privacy.register()
        # Services hand jobs to Celery by name (core.tasks): register every app's
        # tasks module now, in the web process as in the worker.
        from clienteling.celery import app as celery_app

        celery_app.autodiscover_tasks(force=True)
