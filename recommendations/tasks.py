"""Celery tasks of the recommendation engine: thin, by id, retried on transient faults.

The first two run nightly from the one beat schedule (clienteling.settings.base) and on demand:
``train_recommender`` from the admin ("Train a new model now") and the command of the same
name, ``draft_lookbooks`` from its command. Safe to run twice: a second training run finds
the lock taken (or, after the first finished, trains a version that is promoted only if it
is strictly better); a second drafting run finds every draft key already written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from clients.models import Client
from recommendations.pipeline.outlook import client_outlooks_refresh
from recommendations.services import TrainingInProgress, lookbooks_draft, model_train
from recommendations.services.refresh import lookbook_refresh
from recommendations.services.review.publishing import notify_client_of_lookbook

RETRY = {"max_retries": 3}


@shared_task(
    name="recommendations.tasks.train_recommender",
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_kwargs=RETRY,
)
def train_recommender(
    self: Any, triggered_by_id: int | None = None, tune: bool | None = None
) -> dict[str, Any]:
    """Train a model version; promoted only if it beats the active one on the hold-out."""
    user = (
        get_user_model().objects.filter(pk=triggered_by_id).first()
        if triggered_by_id is not None
        else None
    )
    try:
        version = model_train(triggered_by=user, tune=tune)
    except TrainingInProgress:
        return {"skipped": "another training run is in progress"}
    return {
        "model_version": version.pk,
        "status": version.status,
        "promoted": version.is_active,
        "seconds": version.training_seconds,
    }


@shared_task(
    name="recommendations.tasks.draft_lookbooks",
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_kwargs=RETRY,
)
def draft_lookbooks(self: Any, client_ids: list[str] | None = None) -> dict[str, Any]:
    """Draft for everyone who needs it, or for the clients with these public ids."""
    pks = None
    if client_ids is not None:
        pks = list(Client.objects.filter(public_id__in=client_ids).values_list("pk", flat=True))
    return lookbooks_draft(client_ids=pks).as_dict()


@shared_task(
    name="recommendations.tasks.refresh_client_draft",
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_kwargs=RETRY,
)
def refresh_client_draft(self: Any, client_id: int, event_at: str | None = None) -> dict[str, Any]:
    """Redraft one client after a purchase, love or request (safe to deliver twice)."""
    when = dt.datetime.fromisoformat(event_at) if event_at else None
    return lookbook_refresh(client_id=client_id, event_at=when).as_dict()


@shared_task(
    name="recommendations.tasks.client_outlooks",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_kwargs=RETRY,
)
def client_outlooks() -> int:
    """Nightly: stage, churn risk and value of every client whose consent allows analytics.

    Safe to run twice: each run rewrites every outlook of the audience (upsert by client).
    """
    return client_outlooks_refresh()


@shared_task(
    name="recommendations.tasks.notify_lookbook_published",
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_kwargs=RETRY,
)
def notify_lookbook_published(
    self: Any, lookbook_id: int, channels: list[str], user_id: int | None = None
) -> None:
    """A published lookbook's notices, one per channel (safe twice: sent ones are skipped)."""
    notify_client_of_lookbook(lookbook_id, channels, user_id)
