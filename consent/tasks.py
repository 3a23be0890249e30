"""Celery tasks for privacy requests: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from consent.services import privacy_export_build, privacy_exports_expire


@shared_task(
    name="consent.tasks.build_export",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def build_export(request_id: int) -> str | None:
    """Build one client's archive. A second run finds the request claimed and does nothing;
    a transient database fault hands the request back and retries."""
    built = privacy_export_build(request_id=request_id)
    return built.status if built is not None else None


@shared_task(name="consent.tasks.expire_exports")
def expire_exports() -> int:
    """Hourly (beat): delete archives whose 48-hour link has lapsed."""
    return privacy_exports_expire()
