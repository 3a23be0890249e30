"""Reads for the client story (/stylist/clients/<id>/): consent in plain words, and one timeline.

The timeline (purchases, lookbooks, messages, appointments, styling requests, newest
first) is stylists.pages.story_timeline. Every read here is one query, capped, whatever
the client's history, and asks only for the columns the page shows (``only``): the
notes' and the advisor's user rows, the products' JSON lists, are not read at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from catalog.models import Category
from clients.models import (
    Client,
    Identity,
    IdentityKind,
    Interaction,
    InteractionKind,
    Occasion,
    WishlistItem,
)
from clients.selectors import segment_of
from consent import policy
from recommendations.selectors.outlook import OutlookView, outlook_for
from stylists.models import BookAssignment, ClientNote, Stylist
from stylists.pages.story_timeline import (
    TIMELINE_PER_SOURCE,
    TimelineEntry,
    client_timeline,
    stylist_user_columns,
)

__all__ = [
    "TIMELINE_PER_SOURCE",
    "StoryPage",
    "TimelineEntry",
    "client_notes",
    "client_occasions",
    "client_timeline",
    "consent_summary",
    "story_page",
]

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
    """Pinned first, then newest; only what _notes.html shows (one query)."""
    return list(
        ClientNote.objects.filter(client=client)
        .select_related("author__user")
        .only("category", "body", "pinned", "created_at", *stylist_user_columns("author"))
        .order_by("-pinned", "-created_at", "-pk")[:NOTES_SHOWN]
    )


def client_occasions(client: Client) -> list[Occasion]:
    return list(
        client.occasions.only(
            "client", "kind", "title", "date", "recurring_yearly", "next_date"
        ).order_by(F("next_date").asc(nulls_last=True), "date", "pk")
    )


def story_advisor(client: Client) -> Stylist | None:
    """The client's advisor now (stylists.selectors.advisor_of), with only the names the
    story shows (one query)."""
    assignment = (
        BookAssignment.objects.filter(client=client, ended_at__isnull=True)
        .select_related("stylist__user")
        .only(*stylist_user_columns("stylist"))
        .first()
    )
    return assignment.stylist if assignment else None


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
        .only("kind", "occurred_at", "product__name")
        .order_by("-occurred_at", "-pk")[:REACTIONS_SHOWN]
    )


def story_page(client: Client) -> StoryPage:
    state = policy.current_consent(client.pk)
    summary = consent_summary(client, state)
    wishlist: list[WishlistItem] = []
    if summary.uses_saved_items:
        wishlist = list(
            client.wishlist.select_related("product")
            .only("client", "added_at", "product__public_id", "product__name", "product__price")
            .order_by("-added_at")[:24]
        )
    identities = list(
        Identity.objects.filter(client=client, kind__in=[IdentityKind.EMAIL, IdentityKind.PHONE])
        .only("kind", "value", "is_primary")
        .order_by("kind", "-is_primary", "pk")
    )
    return StoryPage(
        client=client,
        consent=summary,
        advisor=story_advisor(client),
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
