"""A fresh draft within seconds of what she just did: a purchase, a love, a styling request.

The event's own service commits first; then ``recommendations.tasks.refresh_client_draft``
(queued on commit, by her id) calls ``lookbook_refresh``. It folds her current history into
the active model (implicit's ``recalculate_user``, inside the drafting pipeline when it is
asked for named clients) and drafts her again, without a retrain.

Rules, all inside one transaction that first locks her client row (two refreshes for the
same client queue behind each other instead of both drafting):

- a lookbook an advisor has started on is never touched: any of her lookbooks in review,
  a draft made by hand, or a machine draft with a review event leaves everything as it is;
- an unreviewed machine draft is replaced in place: the new draft takes its public id, so
  a link in the advisor's queue still opens her (new) draft;
- idempotent: a draft written at or after the event already knows about it, so a second
  delivery of the same task changes nothing;
- if nothing can be drafted now (no active model, her consent, not in a book...), her old
  draft stays: the replacement is rolled back rather than leaving her without one.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from clients.models import Client, InteractionKind, OrderStatus
from core.tasks import enqueue_on_commit
from recommendations.models import (
    Lookbook,
    LookbookOrigin,
    LookbookStatus,
    ModelVersion,
    ReviewEvent,
)
from recommendations.pipeline.audience import REVIEWABLE, Reason
from recommendations.services.drafting import lookbooks_draft


class RefreshOutcome:
    REFRESHED = "refreshed"  # her unreviewed draft was replaced in place
    DRAFTED = "drafted"  # she had no open draft: a new one was written
    IN_REVIEW = "in_review"  # an advisor has started on a lookbook of hers: left alone
    UP_TO_DATE = "up_to_date"  # her draft was written after the event
    NOT_DRAFTED = "not_drafted"  # nothing could be drafted now; her old draft is kept
    NO_MODEL = "no_model"
    NO_CLIENT = "no_client"


@dataclass
class RefreshReport:
    client_id: int
    outcome: str
    lookbook: str | None = None  # public id of her draft after the refresh
    replaced: str | None = None  # public id of the draft that was replaced
    seconds: float = 0.0
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _NothingDrafted(Exception):
    """Raised inside the transaction to roll the removal of her old draft back."""


def _started_by_an_advisor(lookbooks: list[Lookbook]) -> bool:
    if any(
        lb.status != LookbookStatus.DRAFT or lb.origin != LookbookOrigin.MODEL for lb in lookbooks
    ):
        return True
    return ReviewEvent.objects.filter(lookbook__in=lookbooks).exists()


def lookbook_refresh(
    *, client_id: int, event_at: dt.datetime | None = None, now: dt.datetime | None = None
) -> RefreshReport:
    """Redraft her lookbook now, unless an advisor has started on one (see the module)."""
    started = time.perf_counter()
    report = RefreshReport(client_id=client_id, outcome=RefreshOutcome.NO_MODEL)
    if not ModelVersion.objects.filter(is_active=True).exists():
        return report
    now = now or timezone.now()
    try:
        with transaction.atomic():
            if not Client.objects.select_for_update(no_key=True).filter(pk=client_id).exists():
                report.outcome = RefreshOutcome.NO_CLIENT
                return report
            open_lookbooks = list(
                Lookbook.objects.select_for_update()
                .filter(client_id=client_id, status__in=REVIEWABLE)
                .order_by("-created_at", "-pk")
            )
            if open_lookbooks and _started_by_an_advisor(open_lookbooks):
                report.outcome = RefreshOutcome.IN_REVIEW
                report.lookbook = str(open_lookbooks[0].public_id)
                return report
            if event_at is not None and any(lb.created_at >= event_at for lb in open_lookbooks):
                report.outcome = RefreshOutcome.UP_TO_DATE
                report.lookbook = str(open_lookbooks[0].public_id)
                return report
            old = open_lookbooks[0] if open_lookbooks else None
            for lookbook in open_lookbooks:
                lookbook.delete()  # unreviewed machine drafts: their items go with them
            drafted = lookbooks_draft(client_ids=[client_id], now=now, asked=Reason.REFRESH)
            fresh = (
                Lookbook.objects.filter(
                    client_id=client_id,
                    status=LookbookStatus.DRAFT,
                    origin=LookbookOrigin.MODEL,
                )
                .order_by("-created_at", "-pk")
                .first()
            )
            if not drafted.drafted or fresh is None:
                report.detail = drafted.skipped or "; ".join(
                    f"{key}={value}"
                    for key, value in drafted.as_dict().items()
                    if key in ("booked", "not_allowed_by_consent", "too_few_candidates")
                )
                raise _NothingDrafted
            if old is not None:
                fresh.public_id = old.public_id
                fresh.save(update_fields=["public_id"])
                report.outcome = RefreshOutcome.REFRESHED
                report.replaced = str(old.public_id)
            else:
                report.outcome = RefreshOutcome.DRAFTED
            report.lookbook = str(fresh.public_id)
    except _NothingDrafted:
        report.outcome = RefreshOutcome.NOT_DRAFTED
    report.seconds = round(time.perf_counter() - started, 4)
    return report


# --- what asks for a refresh ----------------------------------------------------------------

REFRESH_TASK = "recommendations.tasks.refresh_client_draft"
# An import of more clients than this in one batch is a back-office load, not a moment in
# a client's day: the nightly run drafts them, rather than a burst of single refreshes.
REFRESH_AT_MOST = 200


def refresh_on_commit(client_ids: set[int] | list[int], *, event_at: dt.datetime) -> int:
    """Queue one refresh per client once the event's transaction commits; how many."""
    ids = sorted(set(client_ids))
    if not ids or len(ids) > REFRESH_AT_MOST:
        return 0
    for client_id in ids:
        enqueue_on_commit(REFRESH_TASK, client_id, event_at.isoformat())
    return len(ids)


def on_interaction_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A love (in a lookbook, the concierge or the boutique) refreshes her draft."""
    if created and not kwargs.get("raw") and instance.kind == InteractionKind.LOVE:
        refresh_on_commit([instance.client_id], event_at=timezone.now())


def on_styling_request_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A new styling request refreshes her draft (it then answers the request)."""
    if created and not kwargs.get("raw"):
        refresh_on_commit([instance.client_id], event_at=timezone.now())


def on_order_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A completed purchase saved one by one (the admin, a till integration)."""
    if created and not kwargs.get("raw") and instance.status == OrderStatus.COMPLETED:
        refresh_on_commit([instance.client_id], event_at=timezone.now())


def on_purchases_recorded(sender: Any, client_ids: set[int], **kwargs: Any) -> None:
    """Completed purchases from an import batch (bulk writes send no post_save)."""
    refresh_on_commit(client_ids, event_at=timezone.now())
