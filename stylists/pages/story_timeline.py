"""The client story's timeline: everything that happened with the client, newest first.

It merges purchases from every channel (boutique, online, phone), lookbooks (drafts
marked as such: only staff ever see this page), messages with their delivery status,
appointments and styling requests. Each source is read as plain tuples of the columns
the page shows (``values_list``), capped at TIMELINE_PER_SOURCE: building model
instances with every column of every joined row (the stylist's user, the product's
JSON lists) cost about five times the reads themselves. Orders come with their lines and
lookbooks with their pieces (one LEFT JOIN each): 5 queries whatever the client's
history (more only when a bulk draft's pieces are written on this first read).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Field, FilteredRelation, Model, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from clients.models import Client, Order
from core.l10n import format_price
from recommendations.models import ItemState, Lookbook, LookbookItem
from recommendations.services.pending import materialise_pieces
from stylists.models import Appointment, Message, StylingRequest

TIMELINE_PER_SOURCE = 40
# A stylist's first name as Stylist.first_name spells it, from (first, last, username).
STYLIST_NAME = ("user__first_name", "user__last_name", "user__username")


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # order | lookbook | message | appointment | request
    title: str
    meta: str
    text: str = ""
    tone: str = ""  # "" | accent | muted
    badge: str = ""  # a status for the {% status_badge %} tag
    badge_label: str = ""
    url: str = ""  # a lookbook's review page
    detail: str = ""  # why a message failed


def stylist_first_name(first: str | None, last: str | None, username: str | None) -> str:
    """Stylist.first_name from its user's columns: the first name, else the full name,
    else the username (User.get_full_name strips the space a blank first name leaves)."""
    if first:
        return first
    return f"{first or ''} {last or ''}".strip() or (username or "")


def _labels(model: type[Model], name: str) -> dict[Any, str]:
    """value → label of a choices field, as get_FOO_display gives it (in today's language)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return {value: str(label) for value, label in field.flatchoices}


def stylist_user_columns(relation: str) -> list[str]:
    """The user columns Stylist.name and Stylist.first_name read, through ``relation``."""
    return [f"{relation}__{column}" for column in STYLIST_NAME]


def _order_entries(client: Client) -> list[TimelineEntry]:
    """One query: the newest orders, one row per line (LEFT JOIN: an order without lines
    is one row with no piece), lines in their own order as ``order.lines.all()`` gives them."""
    newest = (Order.objects.filter(client=client).order_by("-placed_at", "-pk").values("pk"))[
        :TIMELINE_PER_SOURCE
    ]
    rows = (
        Order.objects.filter(pk__in=Subquery(newest))
        .order_by("-placed_at", "-pk", "lines__id")
        .values_list(
            "pk",
            "placed_at",
            "channel",
            "boutique_id",
            "boutique__city",
            "credited_stylist_id",
            *stylist_user_columns("credited_stylist"),
            "status",
            "currency",
            "total",
            "lines__product__name",
        )
    )
    orders, pieces = _rows_with_pieces(rows)
    channels, statuses = _labels(Order, "channel"), _labels(Order, "status")
    entries = []
    for (
        pk,
        at,
        channel_value,
        boutique,
        city,
        credited,
        *name,
        status,
        currency,
        total,
        _,
    ) in orders.values():
        names = pieces[pk]
        channel = channels.get(channel_value, channel_value)
        meta = f"{channel} · {city}" if boutique else channel
        if credited:
            meta += f" · with {stylist_first_name(*name)}"
        title = "Purchased " + (", ".join(names[:3]) or "an order")
        if len(names) > 3:
            title += f" and {len(names) - 3} more"
        completed = status == "completed"
        entries.append(
            TimelineEntry(
                at=at,
                kind="order",
                title=title,
                meta=meta,
                text=format_price(round(total), currency),
                tone="accent" if completed else "muted",
                badge="" if completed else "cancelled",
                badge_label="" if completed else statuses.get(status, status),
            )
        )
    return entries


def _review_url(public_id: Any) -> str:
    try:
        return reverse("stylists:lookbook_review", args=[public_id])
    except NoReverseMatch:  # a build without the review pages: the title, unlinked
        return ""


def _lookbook_pieces(lookbook_ids: list[int]) -> dict[int, list[str]]:
    """The names of the lookbooks' pieces not removed, in their order (one query)."""
    pieces: dict[int, list[str]] = defaultdict(list)
    items = (
        LookbookItem.objects.filter(lookbook_id__in=lookbook_ids)
        .exclude(state=ItemState.REMOVED)
        .order_by("lookbook_id", "position", "id")
        .values_list("lookbook_id", "product__name")
    )
    for lookbook_id, name in items:
        pieces[lookbook_id].append(name)
    return pieces


def _lookbook_entries(client: Client) -> list[TimelineEntry]:
    """One query: the newest lookbooks, one row per piece not removed (LEFT JOIN through a
    FilteredRelation). A bulk draft's pending pieces are written first, as every reader of
    ``lookbook.items`` would, then read back (one more query, on that first read only)."""
    newest = (Lookbook.objects.filter(client=client).order_by("-created_at", "-pk").values("pk"))[
        :TIMELINE_PER_SOURCE
    ]
    rows = (
        Lookbook.objects.filter(pk__in=Subquery(newest))
        .annotate(shown=FilteredRelation("items", condition=~Q(items__state=ItemState.REMOVED)))
        .order_by("-created_at", "-pk", "shown__position", "shown__id")
        .values_list(
            "pk",
            "public_id",
            "status",
            "title",
            "origin",
            "created_at",
            "published_at",
            "author_id",
            *stylist_user_columns("author"),
            "pending_pieces",
            "shown__product__name",
        )
    )
    lookbooks, pieces = _rows_with_pieces(rows)
    pending = [pk for pk, row in lookbooks.items() if row[-2]]
    for pk in pending:  # a bulk draft's rows, on first read (recommendations.services.pending)
        materialise_pieces(Lookbook(pk=pk))  # it reads and locks the row itself
    if pending:
        pieces.update(_lookbook_pieces(pending))
    origins = _labels(Lookbook, "origin")
    entries = []
    for row in lookbooks.values():
        pk, public_id, status, title, origin, created, published_at, author, *name, _, _ = row
        names = pieces[pk]
        published = status == "published" and published_at
        by = f" · {stylist_first_name(*name)}" if author else ""
        entries.append(
            TimelineEntry(
                at=published_at if published else created,
                kind="lookbook",
                title=("Lookbook: " if published else "Lookbook draft: ") + (title or "Untitled"),
                meta=f"{origins.get(origin, origin)}{by}",
                text=", ".join(names[:4]) + (" …" if len(names) > 4 else ""),
                tone="" if published else "muted",
                badge=status,
                url=_review_url(public_id),
            )
        )
    return entries


def _message_entries(client: Client) -> list[TimelineEntry]:
    rows = (
        Message.objects.filter(client=client)
        .order_by("-created_at", "-pk")
        .values_list(
            "created_at",
            "direction",
            "kind",
            "channel",
            "body",
            "status",
            "status_detail",
            "stylist_id",
            *stylist_user_columns("stylist"),
        )[:TIMELINE_PER_SOURCE]
    )
    channels, statuses = _labels(Message, "channel"), _labels(Message, "status")
    her_name = client.preferred_name or client.first_name
    entries = []
    for at, direction, kind, channel, body, status, detail, stylist, *name in rows:
        inbound = direction == "in"
        house = stylist_first_name(*name) if stylist else "The house"
        who = her_name if inbound else house
        entries.append(
            TimelineEntry(
                at=at,
                kind="message",
                title=f"{who} wrote" + (" (proactive)" if kind == "proactive" else ""),
                meta=channels.get(channel, channel),
                text=body[:240] + ("…" if len(body) > 240 else ""),
                badge="" if inbound else status,
                badge_label="" if inbound else statuses.get(status, status),
                detail=detail if status == "failed" else "",
            )
        )
    return entries


def _appointment_entries(client: Client) -> list[TimelineEntry]:
    rows = (
        Appointment.objects.filter(client=client)
        .order_by("-starts_at", "-pk")
        .values_list(
            "starts_at",
            "purpose",
            "kind",
            "status",
            "boutique_id",
            "boutique__city",
            *stylist_user_columns("stylist"),
        )[:TIMELINE_PER_SOURCE]
    )
    kinds, statuses = _labels(Appointment, "kind"), _labels(Appointment, "status")
    entries = []
    for at, purpose, kind, status, boutique, city, *name in rows:
        kind_label = kinds.get(kind, kind)
        entries.append(
            TimelineEntry(
                at=at,
                kind="appointment",
                title=purpose or kind_label,
                meta=f"{kind_label} · {stylist_first_name(*name)}"
                + (f" · {city}" if boutique else ""),
                badge=status,
                badge_label=statuses.get(status, status),
            )
        )
    return entries


def _request_entries(client: Client) -> list[TimelineEntry]:
    rows = (
        StylingRequest.objects.filter(client=client)
        .order_by("-created_at", "-pk")
        .values_list("created_at", "message", "status", "due_at")[:TIMELINE_PER_SOURCE]
    )
    now = timezone.now()
    return [
        TimelineEntry(
            at=at,
            kind="request",
            title="Asked for styling",
            meta="Styling request",
            text=message[:240],
            badge="overdue" if status == "open" and due_at < now else status,
            badge_label="" if status != "open" else "Waiting",
        )
        for at, message, status, due_at in rows
    ]


def client_timeline(client: Client) -> list[TimelineEntry]:
    """Everything that happened with the client, newest first (5 queries)."""
    entries = [
        *_order_entries(client),
        *_lookbook_entries(client),
        *_message_entries(client),
        *_appointment_entries(client),
        *_request_entries(client),
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _rows_with_pieces(
    rows: Any,
) -> tuple[dict[int, tuple[Any, ...]], dict[int, list[str]]]:
    """One row per parent (first column its key) and the piece names joined to it (last column).

    The rows come from one LEFT JOIN of a parent with its pieces: a parent repeats once per
    piece, or appears once with None when it has none.
    """
    parents: dict[int, tuple[Any, ...]] = {}
    pieces: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        parents.setdefault(row[0], row)
        if row[-1] is not None:
            pieces[row[0]].append(row[-1])
    return parents, pieces
