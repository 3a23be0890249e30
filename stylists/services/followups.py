"""Follow-ups: the advisor's reminders, made nightly; each done, snoozed or dismissed in one click.

follow_ups_generate(today=...) is set-based and idempotent: every candidate
carries a dedupe_key, existing keys are read in one query and the rest are
bulk-inserted with ignore_conflicts, so running it twice (or two workers at
once) makes the same rows.

- Thank-you: FOLLOW_UP_THANK_YOU_DAYS (3) days after a day's completed
  purchases, for the advisor credited with the order, else the client's
  advisor. Thanking a client for their own order is service, so every tier.
- Occasion: N days before an occasion (FOLLOW_UP_OCCASION_LEAD_DAYS by kind:
  birthday and anniversary 21, wedding and gala 30), only for clients whose
  consent lets the house use occasions for proactive outreach (Personal and
  Bespoke): an Essential client's birthday serves only requests she makes.
- Lapsing ("who to contact"): VIC or high lifetime spend, no purchase and no
  contact in FOLLOW_UP_LAPSING_DAYS (90), and only clients the house may
  reach out to on at least one channel now. A reminder the advisor could not
  act on without breaching consent would be noise; Today shows, on each
  card, the channels the client allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clients.models import Client, ClientStatus, Occasion, OccasionKind, Order, OrderStatus
from consent import policy
from stylists.models import BookAssignment, FollowUp, FollowUpKind, FollowUpStatus, Stylist

# How far back the nightly run looks for purchases it has not thanked yet (a missed night).
THANK_YOU_CATCH_UP_DAYS = 2
SNOOZE_CHOICES = (1, 3, 7)


@dataclass(frozen=True)
class _Candidate:
    stylist_id: int
    client_id: int
    kind: str
    due_on: dt.date
    reason: str
    dedupe_key: str
    order_id: int | None = None
    occasion_id: int | None = None


def _advisors(client_ids: Iterable[int]) -> dict[int, int]:
    """client id → current advisor's stylist id (one query)."""
    rows = BookAssignment.objects.filter(
        client_id__in=list(client_ids), ended_at__isnull=True, stylist__active=True
    ).values_list("client_id", "stylist_id")
    return dict(rows)


def _thank_yous(today: dt.date) -> list[_Candidate]:
    delay = settings.FOLLOW_UP_THANK_YOU_DAYS
    last_day = today - dt.timedelta(days=delay)
    first_day = last_day - dt.timedelta(days=THANK_YOU_CATCH_UP_DAYS)
    tz = timezone.get_current_timezone()
    orders = (
        Order.objects.filter(
            status=OrderStatus.COMPLETED,
            client__status=ClientStatus.ACTIVE,
            placed_at__gte=dt.datetime.combine(first_day, dt.time.min, tzinfo=tz),
            placed_at__lt=dt.datetime.combine(
                last_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz
            ),
        )
        .order_by("client_id", "placed_at", "pk")
        .values_list(
            "pk",
            "client_id",
            "credited_stylist_id",
            "credited_stylist__active",
            "placed_at",
            "total",
        )
    )
    rows = list(orders)
    advisors = _advisors({row[1] for row in rows})
    # One thank-you at a time: a client with one still open is not thanked twice.
    waiting = set(
        FollowUp.objects.filter(
            client_id__in=advisors,
            kind=FollowUpKind.THANK_YOU,
            status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
        ).values_list("client_id", flat=True)
    )
    by_client_day: dict[tuple[int, dt.date], _Candidate] = {}
    best_total: dict[tuple[int, dt.date], Any] = {}
    for pk, client_id, credited_id, credited_active, placed_at, total in rows:
        day = timezone.localdate(placed_at)
        stylist_id = credited_id if credited_id and credited_active else advisors.get(client_id)
        if stylist_id is None or client_id in waiting:
            continue
        key = (client_id, day)
        if key in by_client_day and total <= best_total[key]:
            continue  # one thank-you per client and day, for the day's largest order
        # A client who bought on two days of the window is thanked once, for the latest.
        for other in [k for k in by_client_day if k[0] == client_id and k[1] < day]:
            del by_client_day[other]
        best_total[key] = total
        by_client_day[key] = _Candidate(
            stylist_id=stylist_id,
            client_id=client_id,
            kind=FollowUpKind.THANK_YOU,
            due_on=day + dt.timedelta(days=delay),
            reason=f"A note of thanks for the purchase of {day.day} {day:%B}.",
            dedupe_key=f"thank_you:{client_id}:{day.isoformat()}",
            order_id=pk,
        )
    return list(by_client_day.values())


def _lead_days(kind: str) -> int:
    table: dict[str, int] = settings.FOLLOW_UP_OCCASION_LEAD_DAYS
    return int(table.get(kind, table.get("*", 21)))


def _occasion_reminders(today: dt.date) -> list[_Candidate]:
    longest = max(settings.FOLLOW_UP_OCCASION_LEAD_DAYS.values())
    allowed = policy.client_ids_allowing(
        policy.DataKind.OCCASIONS, policy.Purpose.PROACTIVE_OUTREACH
    )
    rows = list(
        Occasion.objects.filter(
            next_date__gte=today,
            next_date__lte=today + dt.timedelta(days=longest),
            client__status=ClientStatus.ACTIVE,
            client_id__in=allowed,
        ).values_list("pk", "client_id", "kind", "title", "next_date")
    )
    advisors = _advisors({row[1] for row in rows})
    out = []
    for pk, client_id, kind, title, next_date in rows:
        lead = _lead_days(kind)
        if next_date is None or next_date > today + dt.timedelta(days=lead):
            continue
        if client_id not in advisors:
            continue
        label = title or (OccasionKind(kind).label if kind in OccasionKind.values else kind)
        out.append(
            _Candidate(
                stylist_id=advisors[client_id],
                client_id=client_id,
                kind=FollowUpKind.OCCASION,
                due_on=max(today, next_date - dt.timedelta(days=lead)),
                reason=f"{label} on {next_date.day} {next_date:%B}: prepare something in time.",
                dedupe_key=f"occasion:{pk}:{next_date.isoformat()}",
                occasion_id=pk,
            )
        )
    return out


def _reachable_ids() -> Any:
    """Clients the house may reach out to first on at least one channel (a subquery union)."""
    query = Q()
    for channel in policy.CHANNELS:
        reachable = policy.filter_clients_reachable(
            Client.objects.all(), channel, policy.MessageKind.PROACTIVE
        ).values("pk")
        query |= Q(pk__in=reachable)
    return query


def _lapsing(today: dt.date) -> list[_Candidate]:
    days = settings.FOLLOW_UP_LAPSING_DAYS
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min, tzinfo=tz)
    rows = list(
        Client.objects.filter(
            Q(is_vic=True) | Q(lifetime_spend__gte=settings.FOLLOW_UP_LAPSING_MIN_SPEND),
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=since),
            _reachable_ids(),
            status=ClientStatus.ACTIVE,
            last_purchase_at__lt=since,
        ).values_list("pk", "is_vic", "last_purchase_at", "last_contact_at")
    )
    advisors = _advisors({row[0] for row in rows})
    out = []
    for client_id, is_vic, last_purchase_at, last_contact_at in rows:
        if client_id not in advisors:
            continue
        quiet_since = max(filter(None, [last_purchase_at, last_contact_at]))
        months = max(3, (today - timezone.localdate(quiet_since)).days // 30)
        who = "A VIC" if is_vic else "A valued client"
        contact = f"{last_contact_at:%Y%m%d}" if last_contact_at else "never"
        out.append(
            _Candidate(
                stylist_id=advisors[client_id],
                client_id=client_id,
                kind=FollowUpKind.LAPSING,
                due_on=today,
                reason=f"{who}, quiet for {months} months: no purchase and no contact.",
                dedupe_key=f"lapsing:{client_id}:{last_purchase_at:%Y%m%d}:{contact}",
            )
        )
    return out


def follow_ups_generate(*, today: dt.date | None = None) -> dict[str, int]:
    """Create the day's follow-ups (idempotent); wake snoozed ones. Returns counts created."""
    today = today or timezone.localdate()
    candidates = [*_thank_yous(today), *_occasion_reminders(today), *_lapsing(today)]
    existing = set(
        FollowUp.objects.filter(dedupe_key__in=[c.dedupe_key for c in candidates]).values_list(
            "dedupe_key", flat=True
        )
    )
    fresh = [c for c in candidates if c.dedupe_key not in existing]
    with transaction.atomic():
        FollowUp.objects.bulk_create(
            [
                FollowUp(
                    stylist_id=c.stylist_id,
                    client_id=c.client_id,
                    kind=c.kind,
                    due_on=c.due_on,
                    reason=c.reason[:280],
                    dedupe_key=c.dedupe_key,
                    order_id=c.order_id,
                    occasion_id=c.occasion_id,
                )
                for c in fresh
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        woken = FollowUp.objects.filter(
            status=FollowUpStatus.SNOOZED, snoozed_until__lte=today
        ).update(status=FollowUpStatus.OPEN)
    counts: dict[str, int] = {
        str(kind): 0
        for kind in (FollowUpKind.THANK_YOU, FollowUpKind.OCCASION, FollowUpKind.LAPSING)
    }
    for candidate in fresh:
        counts[str(candidate.kind)] += 1
    return {**counts, "woken": woken}


# --- One click each -------------------------------------------------------------------------


def follow_up_for_stylist(stylist: Stylist, pk: Any) -> FollowUp:
    """The advisor's own follow-up; FollowUp.DoesNotExist for anyone else's (views: 404)."""
    return FollowUp.objects.select_related("client").get(pk=pk, stylist=stylist)


@transaction.atomic
def follow_up_complete(*, follow_up: FollowUp) -> FollowUp:
    if follow_up.status != FollowUpStatus.DONE:
        follow_up.status = FollowUpStatus.DONE
        follow_up.completed_at = timezone.now()
        follow_up.save(update_fields=["status", "completed_at"])
    return follow_up


@transaction.atomic
def follow_up_snooze(*, follow_up: FollowUp, days: int, today: dt.date | None = None) -> FollowUp:
    if days not in SNOOZE_CHOICES:
        raise ValidationError(f"Snooze for {', '.join(map(str, SNOOZE_CHOICES))} days.")
    if follow_up.status in (FollowUpStatus.DONE, FollowUpStatus.DISMISSED):
        raise ValidationError("This follow-up is already closed.")
    until = (today or timezone.localdate()) + dt.timedelta(days=days)
    follow_up.status = FollowUpStatus.SNOOZED
    follow_up.snoozed_until = until
    follow_up.due_on = until
    follow_up.save(update_fields=["status", "snoozed_until", "due_on"])
    return follow_up


@transaction.atomic
def follow_up_dismiss(*, follow_up: FollowUp) -> FollowUp:
    if follow_up.status != FollowUpStatus.DISMISSED:
        follow_up.status = FollowUpStatus.DISMISSED
        follow_up.completed_at = timezone.now()
        follow_up.save(update_fields=["status", "completed_at"])
    return follow_up


@transaction.atomic
def follow_up_add(*, stylist: Stylist, client: Client, due_on: dt.date, reason: str) -> FollowUp:
    """A personal reminder the advisor sets on a client's story."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say what to remember."})
    follow_up = FollowUp(
        stylist=stylist,
        client=client,
        kind=FollowUpKind.CUSTOM,
        due_on=due_on,
        reason=reason[:280],
        dedupe_key=f"custom:{stylist.pk}:{client.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up
