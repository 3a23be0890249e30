"""Styling requests: the client asks, the advisor answers within four hours (contract C3).

The four hours are the boutique's opening hours (services.opening_hours): a
request sent at 21:00 is due four working hours after the next opening. It is
answered by a published lookbook, by a message the advisor sends the client,
or by the advisor marking it answered (`answered_via` says which). A request
past its promise is escalated once to the boutique's manager
(`styling_requests_escalate`, a beat task): a follow-up on the manager's
Today and a live notice on their open pages.

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
from django.utils.translation import gettext as _

from catalog.models import Boutique
from clients.models import Client, Occasion
from core.text import has_visible_text
from stylists.models import (
    STYLING_REQUEST_SLA,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Role,
    StylingRequest,
    StylingRequestAnswer,
    StylingRequestStatus,
    Stylist,
)
from stylists.services.books import current_stylist_of
from stylists.services.opening_hours import add_opening_hours
from stylists.services.signals import request_escalation_publish


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
        errors["message"] = _("Please tell your advisor a little about what you are looking for.")
    elif len(message) > MESSAGE_MAX_LENGTH:
        errors["message"] = _("Please keep your request under %(count)d characters.") % {
            "count": MESSAGE_MAX_LENGTH
        }
    if occasion is not None and occasion.client_id != client.pk:
        errors["occasion"] = _("This occasion is not one of yours.")
    if budget_max is not None and budget_max <= 0:
        errors["budget_max"] = _("A budget, if you give one, is a positive amount.")
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
        due_at=add_opening_hours(now, STYLING_REQUEST_SLA, _boutique_of(stylist, client)),
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
    *,
    styling_request: StylingRequest,
    lookbook: ClientsAnswer | None = None,
    via: str | None = None,
) -> StylingRequest:
    """Mark the request answered (once: answering again changes nothing) and close its follow-up.

    The lookbook, when given, must be the same client's; the link itself lives on
    the lookbook (Lookbook.styling_request), set by the review flow. `via` says
    what answered it (a lookbook when one is given, else the advisor's own mark).
    """
    if lookbook is not None and lookbook.client_id != styling_request.client_id:
        raise ValidationError("This lookbook was prepared for another client.")
    if via is None:
        via = (
            StylingRequestAnswer.LOOKBOOK if lookbook is not None else StylingRequestAnswer.ADVISOR
        )
    if via not in StylingRequestAnswer.values:
        raise ValueError(f"Unknown answer {via!r}")
    locked = StylingRequest.objects.select_for_update().get(pk=styling_request.pk)
    if locked.status == StylingRequestStatus.OPEN:
        _answer(locked, via=via, now=timezone.now())
    _copy_state(locked, styling_request)
    return styling_request


def _answer(locked: StylingRequest, *, via: str, now: dt.datetime) -> None:
    locked.status = StylingRequestStatus.ANSWERED
    locked.answered_at = now
    locked.answered_via = via
    locked.full_clean()
    locked.save(update_fields=["status", "answered_at", "answered_via"])
    FollowUp.objects.filter(
        dedupe_key__in=[_follow_up_key(locked), _escalation_key(locked)],
        status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
    ).update(status=FollowUpStatus.DONE, completed_at=now)


def styling_requests_answer_by_message(*, client: Client, at: dt.datetime) -> int:
    """An advisor wrote to the client: her open requests (sent before) are answered."""
    rows = list(
        StylingRequest.objects.select_for_update()
        .filter(client=client, status=StylingRequestStatus.OPEN, created_at__lte=at)
        .order_by("pk")
    )
    for row in rows:
        _answer(row, via=StylingRequestAnswer.MESSAGE, now=at)
    return len(rows)


def _copy_state(source: StylingRequest, target: Any) -> None:
    for field in ("status", "answered_at", "answered_via"):
        setattr(target, field, getattr(source, field))


def _boutique_of(stylist: Stylist | None, client: Client) -> Boutique | None:
    if stylist is not None and stylist.boutique is not None:
        return stylist.boutique
    return client.home_boutique


def _escalation_key(styling_request: StylingRequest) -> str:
    return f"escalation:{styling_request.public_id}"


def _manager_of(styling_request: StylingRequest) -> Stylist | None:
    boutique = _boutique_of(styling_request.stylist, styling_request.client)
    if boutique is None:
        return None
    return (
        Stylist.objects.filter(boutique=boutique, role=Role.MANAGER, active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def styling_requests_escalate(*, now: dt.datetime | None = None) -> list[int]:
    """Tell the boutique manager, once, of each open request past its promise; the ids told.

    Each request is claimed with a conditional UPDATE (escalated_at still empty), so a
    task that runs twice or two workers racing escalate it once.
    """
    now = now or timezone.now()
    escalated: list[int] = []
    candidates = StylingRequest.objects.filter(
        status=StylingRequestStatus.OPEN, due_at__lt=now, escalated_at__isnull=True
    ).order_by("due_at", "pk")
    for pk in candidates.values_list("pk", flat=True):
        if _escalate_one(pk, now=now):
            escalated.append(pk)
    return escalated


@transaction.atomic
def _escalate_one(pk: int, *, now: dt.datetime) -> bool:
    claimed = StylingRequest.objects.filter(
        pk=pk, status=StylingRequestStatus.OPEN, escalated_at__isnull=True
    ).update(escalated_at=now)
    if not claimed:
        return False
    row = StylingRequest.objects.select_related(
        "client__home_boutique", "stylist__user", "stylist__boutique"
    ).get(pk=pk)
    manager = _manager_of(row)
    if manager is None:
        return True
    advisor = row.stylist.name if row.stylist is not None else "no advisor"
    late = now - row.due_at
    hours = int(late.total_seconds() // 3600)
    follow_up = FollowUp(
        stylist=manager,
        client=row.client,
        # Custom, not "request": Today lists request follow-ups through the advisor's own
        # requests panel, and the request is not the manager's.
        kind=FollowUpKind.CUSTOM,
        due_on=_local_day(now, manager, row.client),
        reason=_excerpt(
            f"Past the four-hour promise ({hours} h late, {advisor}): {row.message}", 280
        ),
        occasion=row.occasion,
        dedupe_key=_escalation_key(row),
    )
    follow_up.full_clean()
    follow_up.save()
    request_escalation_publish(styling_request=row, manager=manager)
    return True
