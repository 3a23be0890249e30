"""Reads for the client story (/stylist/clients/<id>/): consent in plain words, and one timeline.

The timeline merges purchases from every channel (boutique, online, phone),
lookbooks (drafts marked as such: only staff ever see this page), messages
with their delivery status, appointments and styling requests, newest first.
Each source is one query, capped, whatever the client's history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch
from django.utils import timezone

from catalog.models import Category
from clients.models import (
    Client,
    Identity,
    IdentityKind,
    Interaction,
    InteractionKind,
    Occasion,
    Order,
    OrderLine,
    WishlistItem,
)
from clients.selectors import segment_of
from consent import policy
from recommendations.models import ItemState, Lookbook, LookbookItem
from recommendations.selectors.outlook import OutlookView, outlook_for
from recommendations.services.pending import materialise_listed
from stylists.models import (
    Appointment,
    ClientNote,
    Message,
    StylingRequest,
    Stylist,
)
from stylists.selectors import advisor_of

TIMELINE_PER_SOURCE = 40
NOTES_SHOWN = 50
SIZE_LABELS = {
    "ready_to_wear": "Ready-to-wear",
    "shoes": "Shoes",
    "ring": "Ring",
    "belt": "Belt",
    "gloves": "Gloves",
    "hat": "Hat",
}
CATEGORY_LABELS = {value: str(label) for value, label in Category.choices}
PREFERENCE_FIELDS = (
    ("preferred_categories", "Favourite categories"),
    ("preferred_colours", "Colours"),
    ("preferred_materials", "Materials"),
    ("style_keywords", "Style"),
    ("avoided", "Avoids"),
)


@dataclass(frozen=True)
class ChannelLine:
    """One contact channel, in plain words, for the story's consent panel."""

    channel: str
    label: str
    service: bool
    proactive: bool
    sentence: str


@dataclass(frozen=True)
class ConsentSummary:
    state: policy.ConsentState
    description: str
    channels: list[ChannelLine]
    uses_browsing: bool
    uses_saved_items: bool


def consent_summary(client: Client, state: policy.ConsentState | None = None) -> ConsentSummary:
    state = state or policy.current_consent(client.pk)
    name = client.preferred_name or client.first_name
    lines = []
    for channel in policy.CHANNELS:
        label = policy.channel_label(channel)
        service = bool(policy.may_contact(state, channel, policy.MessageKind.SERVICE))
        proactive = bool(policy.may_contact(state, channel, policy.MessageKind.PROACTIVE))
        title = label[:1].upper() + label[1:]
        if proactive:
            sentence = f"{title}: yes, also to reach out first."
        elif service:
            sentence = f"{title}: for service only (answers, confirmations)."
        else:
            sentence = f"{title}: no, {name} has not allowed it."
        lines.append(ChannelLine(str(channel), label, service, proactive, sentence))
    return ConsentSummary(
        state=state,
        description=policy.TIER_DESCRIPTIONS[state.tier],
        channels=lines,
        uses_browsing=bool(
            policy.may_use(state, policy.DataKind.BROWSING, policy.Purpose.PERSONALISATION)
        ),
        uses_saved_items=bool(
            policy.may_use(state, policy.DataKind.SAVED_ITEMS, policy.Purpose.SERVICE)
        ),
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # order | lookbook | message | appointment | request
    title: str
    meta: str
    text: str = ""
    tone: str = ""  # "" | accent | muted
    badge: str = ""  # a status for includes/_status_badge.html
    badge_label: str = ""
    obj: Any = None


def _order_entries(client: Client) -> list[TimelineEntry]:
    orders = (
        Order.objects.filter(client=client)
        .select_related("boutique", "credited_stylist__user")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("product")))
        .order_by("-placed_at", "-pk")[:TIMELINE_PER_SOURCE]
    )
    entries = []
    for order in orders:
        pieces = [line.product.name for line in order.lines.all()]
        where = order.boutique.city if order.boutique else order.get_channel_display()
        channel = order.get_channel_display()
        meta = f"{channel} · {where}" if order.boutique else channel
        if order.credited_stylist:
            meta += f" · with {order.credited_stylist.first_name}"
        title = "Purchased " + (", ".join(pieces[:3]) or "an order")
        if len(pieces) > 3:
            title += f" and {len(pieces) - 3} more"
        entries.append(
            TimelineEntry(
                at=order.placed_at,
                kind="order",
                title=title,
                meta=meta,
                text=f"{order.currency} {order.total:,.0f}",
                tone="accent" if order.status == "completed" else "muted",
                badge="" if order.status == "completed" else "cancelled",
                badge_label="" if order.status == "completed" else order.get_status_display(),
                obj=order,
            )
        )
    return entries


def _lookbook_entries(client: Client) -> list[TimelineEntry]:
    visible = Prefetch(
        "items",
        queryset=LookbookItem.objects.exclude(state=ItemState.REMOVED).select_related("product"),
    )
    lookbooks = list(
        Lookbook.objects.filter(client=client)
        .select_related("author__user")
        .prefetch_related(visible)
        .order_by("-created_at", "-pk")[:TIMELINE_PER_SOURCE]
    )
    materialise_listed(lookbooks, prefetch=visible)  # a bulk draft's rows, on first read
    entries = []
    for lookbook in lookbooks:
        pieces = [item.product.name for item in lookbook.items.all()]
        published = lookbook.status == "published" and lookbook.published_at
        by = f" · {lookbook.author.first_name}" if lookbook.author else ""
        entries.append(
            TimelineEntry(
                at=lookbook.published_at if published else lookbook.created_at,  # type: ignore[arg-type]
                kind="lookbook",
                title=("Lookbook: " if published else "Lookbook draft: ")
                + (lookbook.title or "Untitled"),
                meta=f"{lookbook.get_origin_display()}{by}",
                text=", ".join(pieces[:4]) + (" …" if len(pieces) > 4 else ""),
                tone="" if published else "muted",
                badge=lookbook.status,
                obj=lookbook,
            )
        )
    return entries


def _message_entries(client: Client) -> list[TimelineEntry]:
    messages = (
        Message.objects.filter(client=client)
        .select_related("stylist__user")
        .order_by("-created_at", "-pk")[:TIMELINE_PER_SOURCE]
    )
    entries = []
    for message in messages:
        inbound = message.direction == "in"
        who = (
            (client.preferred_name or client.first_name)
            if inbound
            else (message.stylist.first_name if message.stylist else "The house")
        )
        entries.append(
            TimelineEntry(
                at=message.created_at,
                kind="message",
                title=f"{who} wrote" + (" (proactive)" if message.kind == "proactive" else ""),
                meta=message.get_channel_display(),
                text=message.body[:240] + ("…" if len(message.body) > 240 else ""),
                badge="" if inbound else message.status,
                badge_label="" if inbound else message.get_status_display(),
                obj=message,
            )
        )
    return entries


def _appointment_entries(client: Client) -> list[TimelineEntry]:
    appointments = (
        Appointment.objects.filter(client=client)
        .select_related("stylist__user", "boutique")
        .order_by("-starts_at", "-pk")[:TIMELINE_PER_SOURCE]
    )
    return [
        TimelineEntry(
            at=appointment.starts_at,
            kind="appointment",
            title=appointment.purpose or appointment.get_kind_display(),
            meta=f"{appointment.get_kind_display()} · {appointment.stylist.first_name}"
            + (f" · {appointment.boutique.city}" if appointment.boutique else ""),
            badge=appointment.status,
            badge_label=appointment.get_status_display(),
            obj=appointment,
        )
        for appointment in appointments
    ]


def _request_entries(client: Client) -> list[TimelineEntry]:
    rows = StylingRequest.objects.filter(client=client).order_by("-created_at", "-pk")[
        :TIMELINE_PER_SOURCE
    ]
    return [
        TimelineEntry(
            at=row.created_at,
            kind="request",
            title="Asked for styling",
            meta="Styling request",
            text=row.message[:240],
            badge="overdue" if row.status == "open" and row.due_at < timezone.now() else row.status,
            badge_label="" if row.status != "open" else "Waiting",
            obj=row,
        )
        for row in rows
    ]


def client_timeline(client: Client) -> list[TimelineEntry]:
    """Everything that happened with the client, newest first (6 queries)."""
    entries = [
        *_order_entries(client),
        *_lookbook_entries(client),
        *_message_entries(client),
        *_appointment_entries(client),
        *_request_entries(client),
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)


@dataclass
class StoryPage:
    client: Client
    consent: ConsentSummary
    advisor: Stylist | None
    segment: str
    identities: list[Identity]
    notes: list[ClientNote]
    occasions: list[Occasion]
    wishlist: list[WishlistItem]
    timeline: list[TimelineEntry]
    sizes: list[tuple[str, str, str]] = field(default_factory=list)
    preferences: list[tuple[str, str, list[str]]] = field(default_factory=list)
    average_order: Decimal | None = None
    reactions: list[Interaction] = field(default_factory=list)
    outlook: OutlookView | None = None


def client_notes(client: Client) -> list[ClientNote]:
    return list(
        ClientNote.objects.filter(client=client)
        .select_related("author__user")
        .order_by("-pinned", "-created_at", "-pk")[:NOTES_SHOWN]
    )


def client_occasions(client: Client) -> list[Occasion]:
    return list(client.occasions.order_by(F("next_date").asc(nulls_last=True), "date", "pk"))


def client_sizes(client: Client) -> list[tuple[str, str, str]]:
    """(key, label, value) for each size on file, known kinds first."""
    sizes = client.sizes or {}
    known = [(k, label, str(sizes[k])) for k, label in SIZE_LABELS.items() if sizes.get(k)]
    other = [
        (k, k.replace("_", " ").capitalize(), str(v))
        for k, v in sizes.items()
        if k not in SIZE_LABELS and v
    ]
    return known + other


def client_preferences(client: Client) -> list[tuple[str, str, list[str]]]:
    """(field, label, values); categories in words ("Ready-to-wear", not "ready_to_wear")."""
    rows = []
    for name, label in PREFERENCE_FIELDS:
        values = [str(v) for v in (getattr(client, name) or [])]
        if name == "preferred_categories":
            values = [CATEGORY_LABELS.get(v, v.replace("_", " ")) for v in values]
        rows.append((name, label, values))
    return rows


REACTIONS_SHOWN = 6


def lookbook_reactions_recent(client: Client) -> list[Interaction]:
    """The client's latest love / not-for-me on her lookbooks, with the piece (one query)."""
    return list(
        Interaction.objects.filter(
            client=client, kind__in=[InteractionKind.LOVE, InteractionKind.NOT_FOR_ME]
        )
        .exclude(context__lookbook=None)
        .select_related("product")
        .order_by("-occurred_at", "-pk")[:REACTIONS_SHOWN]
    )


def story_page(client: Client) -> StoryPage:
    state = policy.current_consent(client.pk)
    summary = consent_summary(client, state)
    wishlist: list[WishlistItem] = []
    if summary.uses_saved_items:
        wishlist = list(client.wishlist.select_related("product").order_by("-added_at")[:24])
    identities = list(
        Identity.objects.filter(
            client=client, kind__in=[IdentityKind.EMAIL, IdentityKind.PHONE]
        ).order_by("kind", "-is_primary", "pk")
    )
    return StoryPage(
        client=client,
        consent=summary,
        advisor=advisor_of(client),
        segment=segment_of(client),
        identities=identities,
        notes=client_notes(client),
        occasions=client_occasions(client),
        wishlist=wishlist,
        timeline=client_timeline(client),
        sizes=client_sizes(client),
        preferences=client_preferences(client),
        reactions=lookbook_reactions_recent(client),
        average_order=(
            (client.lifetime_spend / client.orders_count).quantize(Decimal("1"))
            if client.orders_count
            else None
        ),
        outlook=outlook_for(client, state),
    )
