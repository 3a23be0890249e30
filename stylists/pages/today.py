"""Reads for Today: drafts, styling requests, follow-ups, live signals, appointments, messages.

Every list is a fixed number of queries however many rows it holds
(tests/stylists/test_today.py proves it with N and 3N rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from clients.models import Client, Interaction, Occasion
from clients.selectors import occasions_by_id
from consent import policy
from core.paging import first_with_total
from recommendations.models import Lookbook
from recommendations.selectors import review_queue_for
from recommendations.selectors.outlook import about_to_lapse
from stylists.models import (
    Appointment,
    AppointmentStatus,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Message,
    StylingRequest,
    StylingRequestStatus,
    Stylist,
)
from stylists.pages.conversations import unread_for
from stylists.selectors import book_of
from stylists.services.signals import LIVE_KINDS, live_signal_text

QUEUE_SHOWN = 8
FOLLOW_UPS_SHOWN = 10
FOLLOW_UPS_ALL = 200  # ?follow_ups=all
SIGNALS_SHOWN = 8
# What Today prints of a client on any list: her name and the link to her story.
CLIENT_SHOWN = ("client__public_id", "client__first_name", "client__last_name")
SIGNAL_WINDOW = dt.timedelta(hours=24)
APPOINTMENT_DAYS = 7
# Interaction kinds that become live signals, with the data kind consent must allow.
SIGNAL_KINDS: dict[str, policy.DataKind] = {kind: spec[0] for kind, spec in LIVE_KINDS.items()}


def next_occasion_id(client_ref: str = "client_id") -> Subquery:
    """The id of the client's next occasion (today or later), for .annotate()."""
    return Subquery(
        Occasion.objects.filter(client_id=OuterRef(client_ref), next_date__gte=timezone.localdate())
        .order_by("next_date", "pk")
        .values("pk")[:1]
    )


def review_queue_summary(user: Any) -> tuple[list[Lookbook], int]:
    """Drafts waiting, oldest first, each with .next_occasion, and how many (2 queries).

    Only what Today prints: a draft's row also holds its data basis and the model's
    alternates (JSON decoded for nothing), its author and occasion.
    """
    queue = (
        review_queue_for(user)
        .select_related(None)
        .select_related("client")
        .only("public_id", "title", "status", "created_at", "client_id", *CLIENT_SHOWN)
        .annotate(next_occasion_id=next_occasion_id())
    )
    rows, total = first_with_total(queue, QUEUE_SHOWN)
    occasions = occasions_by_id([getattr(row, "next_occasion_id", None) for row in rows])
    for row in rows:
        row.next_occasion = occasions.get(row.next_occasion_id)
    return rows, total


def open_styling_requests(stylist: Stylist) -> QuerySet[StylingRequest]:
    return (
        StylingRequest.objects.filter(stylist=stylist, status=StylingRequestStatus.OPEN)
        .select_related("client", "occasion")
        .only(
            "public_id",
            "message",
            "budget_max",
            "due_at",
            "client_id",
            "occasion_id",
            "occasion__kind",
            "occasion__title",
            "occasion__next_date",
            *CLIENT_SHOWN,
        )
        .order_by("due_at", "pk")
    )


def due_follow_ups(stylist: Stylist, *, today: dt.date | None = None) -> QuerySet[FollowUp]:
    """Open follow-ups due today or overdue, and snoozed ones whose snooze has ended.

    Styling requests are left out: Today shows them with their SLA countdown.
    """
    today = today or timezone.localdate()
    return (
        FollowUp.objects.filter(stylist=stylist)
        .filter(
            Q(status=FollowUpStatus.OPEN, due_on__lte=today)
            | Q(status=FollowUpStatus.SNOOZED, snoozed_until__lte=today)
        )
        .exclude(kind=FollowUpKind.REQUEST)
        .select_related("client", "occasion", "order")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class ChannelHint:
    """What the advisor may do about a follow-up, given the client's consent now."""

    proactive: list[str]  # channel labels the house may reach out on
    service: list[str]  # channel labels for service messages (e.g. a thank-you)
    tier: str

    @property
    def sentence(self) -> str:
        if self.proactive:
            return "May be contacted by " + ", ".join(self.proactive) + "."
        if self.service:
            return (
                f"{policy.ConsentTier(self.tier).label} consent: service messages only, by "
                + ", ".join(self.service)
                + "."
            )
        return "No channel allowed: wait for the client to get in touch."


def channel_hints(client_ids: list[int]) -> dict[int, ChannelHint]:
    """Allowed channels for each client (one query, via consent.policy)."""
    states = policy.current_consents(client_ids)
    hints = {}
    for client_id, state in states.items():
        proactive, service = [], []
        for channel in policy.CHANNELS:
            label = policy.channel_label(channel)
            if policy.may_contact(state, channel, policy.MessageKind.PROACTIVE):
                proactive.append(label)
            if policy.may_contact(state, channel, policy.MessageKind.SERVICE):
                service.append(label)
        hints[client_id] = ChannelHint(proactive=proactive, service=service, tier=state.tier)
    return hints


def with_channel_hints(*groups: list[Any]) -> None:
    """Set .hint on every row of every group (rows with a client_id): one consent read."""
    hints = channel_hints(sorted({row.client_id for rows in groups for row in rows}))
    for rows in groups:
        for row in rows:
            row.hint = hints.get(row.client_id)


def recent_signals(stylist: Stylist, *, now: dt.datetime | None = None) -> list[Interaction]:
    """The last day's browsing and saves of clients in the book whose consent allows it."""
    now = now or timezone.now()
    allowed = Q()
    for data_kind in set(SIGNAL_KINDS.values()):
        kinds = sorted(k for k, v in SIGNAL_KINDS.items() if v == data_kind)
        allowed |= Q(kind__in=kinds) & policy.allowing(
            data_kind, policy.Purpose.PERSONALISATION, "client_id"
        )
    rows = list(
        Interaction.objects.filter(
            allowed,
            client__in=book_of(stylist).values("pk"),
            occurred_at__gte=now - SIGNAL_WINDOW,
        )
        .select_related("client", "product")
        .only("kind", "occurred_at", "client_id", "product_id", "product__name", *CLIENT_SHOWN)
        .order_by("-occurred_at", "-pk")[:SIGNALS_SHOWN]
    )
    for row in rows:
        row.text = live_signal_text(row.client.full_name, row.kind, row.product.name)  # type: ignore[attr-defined]
    return rows


def upcoming_appointments(
    stylist: Stylist, *, now: dt.datetime | None = None
) -> QuerySet[Appointment]:
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Appointment.objects.filter(
            stylist=stylist,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=APPOINTMENT_DAYS),
            status__in=[AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED],
        )
        .select_related("client")
        .only("public_id", "kind", "purpose", "starts_at", "client_id", *CLIENT_SHOWN)
        .order_by("starts_at", "pk")
    )


def unread_messages(stylist: Stylist) -> QuerySet[Message]:
    """Messages from clients in the advisor's book that nobody has read yet."""
    return (
        unread_for(stylist)
        .select_related("client")
        .only("body", "created_at", "client_id", *CLIENT_SHOWN)
        .order_by("-created_at", "-pk")
    )


@dataclass
class TodayPage:
    stylist: Stylist
    queue: list[Lookbook]
    queue_count: int
    requests: list[StylingRequest]
    overdue_requests: int
    follow_ups: list[FollowUp]
    follow_ups_count: int
    signals: list[Interaction]
    appointments: list[Appointment]
    unread: list[Message]
    unread_count: int
    book_count: int
    lapsing: list[Any] = field(default_factory=list)
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)


def today_page(user: Any, stylist: Stylist, *, all_follow_ups: bool = False) -> TodayPage:
    now = timezone.now()
    queue, queue_count = review_queue_summary(user)
    requests = list(open_styling_requests(stylist)[:20])
    follow_ups, follow_ups_count = first_with_total(
        due_follow_ups(stylist), FOLLOW_UPS_ALL if all_follow_ups else FOLLOW_UPS_SHOWN
    )
    unread_rows, unread_count = first_with_total(unread_messages(stylist), 3)
    lapsing = about_to_lapse(book_of(stylist))
    with_channel_hints(follow_ups, lapsing)
    return TodayPage(
        stylist=stylist,
        queue=queue,
        queue_count=queue_count,
        requests=requests,
        overdue_requests=sum(1 for r in requests if r.due_at < now),
        follow_ups=follow_ups,
        follow_ups_count=follow_ups_count,
        signals=recent_signals(stylist, now=now),
        appointments=list(upcoming_appointments(stylist, now=now)[:12]),
        unread=unread_rows,
        unread_count=unread_count,
        book_count=Client.objects.filter(pk__in=book_of(stylist).values("pk")).count(),
        lapsing=lapsing,
        now=now,
    )
