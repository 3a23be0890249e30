"""Styling requests: the client asks, the advisor answers within four hours (contract C3).

How the advisor hears of a request: `styling_request_create` writes, in the
same transaction, a FollowUp of kind "request" in the advisor's list
(dedupe key ``request:<public_id>``, due on the advisor's local day of the
deadline, the client's words as its reason). The request row itself, with its
`due_at`, is what the dashboard counts down; `styling_request_mark_answered`
closes both. No message is sent: the client sees the promise on their page,
and the answer arrives as a published lookbook (contract C5 calls
`styling_request_mark_answered` on publish) or a message from the advisor.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.models import Client, Occasion
from core.text import has_visible_text
from stylists.models import (
    STYLING_REQUEST_SLA,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    StylingRequest,
    StylingRequestStatus,
    Stylist,
)
from stylists.services.books import current_stylist_of


class ClientsAnswer(Protocol):
    """What answers a request: anything prepared for one client (a published Lookbook).

    Recommendations sits above this floor, so the answer is described, not imported.
    """

    client_id: int


MESSAGE_MAX_LENGTH = 2000
# A second identical request within this window is the same request (a double tap).
DUPLICATE_WINDOW = dt.timedelta(minutes=5)


def _follow_up_key(styling_request: StylingRequest) -> str:
    return f"request:{styling_request.public_id}"


def _local_day(moment: dt.datetime, stylist: Stylist | None, client: Client) -> dt.date:
    zone_name = (
        stylist.boutique.timezone
        if stylist is not None and stylist.boutique is not None
        else client.effective_timezone
    )
    return moment.astimezone(ZoneInfo(zone_name)).date()


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@transaction.atomic
def styling_request_create(
    *,
    client: Client,
    message: str,
    occasion: Occasion | None = None,
    budget_max: Decimal | None = None,
) -> StylingRequest:
    """Open a request for styling, due four hours from now, with the client's advisor.

    Refuses (ValidationError, nothing stored) an empty message, another client's
    occasion or a budget that is not a positive amount. The same words sent twice
    within a few minutes return the first request instead of a second one.
    """
    message = (message or "").strip()
    errors: dict[str, str] = {}
    if not has_visible_text(message):
        errors["message"] = "Please tell your advisor a little about what you are looking for."
    elif len(message) > MESSAGE_MAX_LENGTH:
        errors["message"] = f"Please keep your request under {MESSAGE_MAX_LENGTH} characters."
    if occasion is not None and occasion.client_id != client.pk:
        errors["occasion"] = "This occasion is not one of yours."
    if budget_max is not None and budget_max <= 0:
        errors["budget_max"] = "A budget, if you give one, is a positive amount."
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    recent = StylingRequest.objects.filter(
        client=client,
        status=StylingRequestStatus.OPEN,
        created_at__gte=now - DUPLICATE_WINDOW,
        occasion=occasion,
        budget_max=budget_max,
    ).order_by("-created_at")
    for earlier in recent:  # message is encrypted: compare in Python, few rows
        if earlier.message == message:
            return earlier

    stylist = current_stylist_of(client)
    styling_request = StylingRequest(
        client=client,
        stylist=stylist,
        occasion=occasion,
        message=message,
        budget_max=budget_max,
        status=StylingRequestStatus.OPEN,
        created_at=now,
        due_at=now + STYLING_REQUEST_SLA,
    )
    styling_request.full_clean()
    styling_request.save()
    if stylist is not None:
        follow_up = FollowUp(
            stylist=stylist,
            client=client,
            kind=FollowUpKind.REQUEST,
            due_on=_local_day(styling_request.due_at, stylist, client),
            reason=_excerpt(f"Styling request: {message}", 280),
            occasion=occasion,
            dedupe_key=_follow_up_key(styling_request),
        )
        follow_up.full_clean()
        follow_up.save()
    return styling_request


@transaction.atomic
def styling_request_mark_answered(
    *, styling_request: StylingRequest, lookbook: ClientsAnswer | None = None
) -> StylingRequest:
    """Mark the request answered (once: answering again changes nothing) and close its follow-up.

    The lookbook, when given, must be the same client's; the link itself lives on
    the lookbook (Lookbook.styling_request), set by the review flow.
    """
    if lookbook is not None and lookbook.client_id != styling_request.client_id:
        raise ValidationError("This lookbook was prepared for another client.")
    locked = StylingRequest.objects.select_for_update().get(pk=styling_request.pk)
    if locked.status == StylingRequestStatus.OPEN:
        now = timezone.now()
        locked.status = StylingRequestStatus.ANSWERED
        locked.answered_at = now
        locked.full_clean()
        locked.save(update_fields=["status", "answered_at"])
        FollowUp.objects.filter(
            dedupe_key=_follow_up_key(locked),
            status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
        ).update(status=FollowUpStatus.DONE, completed_at=now)
    _copy_state(locked, styling_request)
    return styling_request


def _copy_state(source: StylingRequest, target: Any) -> None:
    for field in ("status", "answered_at"):
        setattr(target, field, getattr(source, field))
