"""Erasure: every step the apps registered in consent.privacy, in one transaction."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from consent import privacy
from consent.models import (
    AccessAction,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
)
from consent.services.access_log import access_log_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from clients.models import Client

logger = logging.getLogger(__name__)


@transaction.atomic
def privacy_erase(*, client: Client, requested_by: User | None, reason: str = "") -> PrivacyRequest:
    """Erase the client's personal data everywhere, in one transaction; idempotent.

    Runs every registered erasure step (consent.privacy), then leaves one
    completed erasure row counting what each step removed, never what it was.
    Erasing an erased client again runs the steps (in case anything arrived
    since) and, when nothing was left, returns the earlier row.
    """
    from clients.models import Client as ClientModel  # consent refers to clients lazily

    locked = (
        ClientModel.objects.select_for_update(of=("self",)).select_related("user").get(pk=client.pk)
    )
    already_erased = locked.status == "erased"
    counts = {step.name: int(step.erase(locked)) for step in privacy.erasure_steps()}
    if already_erased and not any(counts.values()):
        previous = (
            PrivacyRequest.objects.filter(
                client_id=locked.pk,
                kind=PrivacyRequestKind.ERASURE,
                status=PrivacyRequestStatus.COMPLETED,
            )
            .order_by("-completed_at", "-pk")
            .first()
        )
        if previous is not None:
            return previous
    now = timezone.now()
    privacy_request = PrivacyRequest(
        client=locked,
        kind=PrivacyRequestKind.ERASURE,
        status=PrivacyRequestStatus.COMPLETED,
        requested_by=requested_by,
        requested_at=now,
        completed_at=now,
        reason=reason[:280],
        counts=counts,
    )
    privacy_request.full_clean()
    privacy_request.save()
    if requested_by is not None and requested_by.pk != client.user_id:
        access_log_record(actor=requested_by, client=locked, action=AccessAction.ERASED)
    logger.info("Erasure %s completed for client %s.", privacy_request.public_id, locked.pk)
    return privacy_request
