"""Atelier's project package: settings, URLs, ASGI routing and the Celery app."""

from clienteling.celery import app as celery_app

__all__ = ["celery_app"]
