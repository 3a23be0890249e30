"""Reads for Messages: conversations (unread first), one thread, and what the composer may offer."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from catalog.models import Product
from clients.models import Client, ClientStatus, Identity, IdentityKind, Occasion
from clients.selectors import upcoming_occasions
from consent import policy
from recommendations.models import ItemState, LookbookItem, LookbookStatus
from recommendations.selectors import review_queue_for
from stylists.models import Message, MessageChannel, MessageDirection, OutreachTemplate, Stylist
from stylists.selectors import book_of
from stylists.selectors.messaging import KINDS, channel_decision, frequency_reason
from stylists.services.outreach import templates_for_client

THREAD_SHOWN = 100
logger = logging.getLogger(__name__)


def conversations_for(stylist: Stylist) -> QuerySet[Client]:
    """Clients of the advisor's book who have messages: unread first, then most recent."""
    latest = Message.objects.filter(client_id=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Client.objects.filter(pk__in=book_of(stylist).values("pk"), status=ClientStatus.ACTIVE)
        .annotate(
            last_message_at=Max("messages__created_at"),
            unread=Count(
                "messages",
                filter=Q(
                    messages__direction=MessageDirection.INBOUND,
                    messages__read_at__isnull=True,
                ),
            ),
            last_message_id=Subquery(latest.values("pk")[:1]),
        )
        .filter(last_message_at__isnull=False)
        .annotate(
            has_unread=Case(When(unread__gt=0, then=1), default=0, output_field=IntegerField())
        )
        .order_by("-has_unread", "-last_message_at", "pk")
    )


def attach_last_messages(rows: list[Client]) -> list[Client]:
    """Put each conversation's latest message on it as .last_message (one query)."""
    ids = [row.last_message_id for row in rows]  # type: ignore[attr-defined]
    messages = Message.objects.in_bulk([pk for pk in ids if pk])
    for row in rows:
        row.last_message = messages.get(row.last_message_id)  # type: ignore[attr-defined]
    return rows


# What the thread (_conversation_body.html) shows of a message, and the advisor's name;
# not the provider's ids, the template and its context, nor every column of her record.
THREAD_FIELDS = (
    "public_id",
    "client",
    "direction",
    "channel",
    "kind",
    "subject",
    "body",
    "status",
    "status_detail",
    "created_at",
    "read_at",
    "stylist__user__first_name",
    "stylist__user__last_name",
    "stylist__user__username",
)
# What the composer offers of a piece to name ({piece}): its id and name. A query through
# a related manager (client.wishlist) adds the row's own key to it (see pieces_for).
PIECE_FIELDS = ("product__public_id", "product__name")


def thread_of(client: Client) -> list[Message]:
    """The last messages with the client, oldest first (one query)."""
    rows = list(
        Message.objects.filter(client=client)
        .select_related("stylist__user")
        .only(*THREAD_FIELDS)
        .order_by("-created_at", "-pk")[:THREAD_SHOWN]
    )
    rows.reverse()
    return rows


@dataclass(frozen=True)
class ChannelOption:
    channel: str
    label: str
    allowed: dict[str, bool]  # kind → allowed
    reasons: dict[str, str]  # kind → reason (plain words)

    @property
    def any_allowed(self) -> bool:
        return any(self.allowed.values())

    @property
    def why_not(self) -> str:
        """Why this channel is not offered (or not for proactive messages)."""
        if not self.allowed.get("service"):
            return self.reasons["service"]
        if not self.allowed.get("proactive"):
            return "Service messages only: " + self.reasons["proactive"]
        return ""


@dataclass(frozen=True)
class ComposeOptions:
    channels: list[ChannelOption]
    templates: list[OutreachTemplate]
    pieces: list[Product]
    occasions: list[Occasion]
    guard: str = ""  # why a proactive message would be held back now (frequency), if it would

    @property
    def allowed_channels(self) -> list[ChannelOption]:
        return [option for option in self.channels if option.any_allowed]

    @property
    def refused_channels(self) -> list[ChannelOption]:
        return [option for option in self.channels if option.why_not]


def compose_options(client: Client, *, state: policy.ConsentState | None = None) -> ComposeOptions:
    """Channels with consent decisions, templates, pieces, occasions, guard (≤ 7 queries)."""
    state = state or policy.current_consent(client.pk)
    held = set(
        Identity.objects.filter(
            client=client, kind__in=[IdentityKind.EMAIL, IdentityKind.PHONE]
        ).values_list("kind", flat=True)
    )
    name = client.preferred_name or client.first_name
    options = []
    for channel, label in MessageChannel.choices:
        allowed, reasons = {}, {}
        needs = {
            MessageChannel.EMAIL: IdentityKind.EMAIL,
            MessageChannel.SMS: IdentityKind.PHONE,
            MessageChannel.WHATSAPP: IdentityKind.PHONE,
        }.get(MessageChannel(channel))
        for kind in KINDS:
            decision = channel_decision(client, channel, kind, state=state)
            if decision and needs is not None and needs not in held:
                what = "e-mail address" if needs == IdentityKind.EMAIL else "mobile number"
                decision = policy.Decision(False, f"We have no {what} for {name}.")
            allowed[kind], reasons[kind] = bool(decision), decision.reason
        options.append(ChannelOption(channel, str(label), allowed, reasons))
    return ComposeOptions(
        channels=options,
        templates=templates_for_client(client),
        pieces=pieces_for(client, state=state),
        occasions=list(upcoming_occasions(client, within_days=180)[:10]),
        guard=frequency_reason(client) or "",
    )


def pieces_for(client: Client, *, state: policy.ConsentState) -> list[Product]:
    """Pieces a template's {piece} may name: the latest published lookbook's, then the wishlist."""
    items = (
        LookbookItem.objects.filter(
            lookbook__client=client, lookbook__status=LookbookStatus.PUBLISHED
        )
        .exclude(state=ItemState.REMOVED)
        .select_related("product")
        .only(*PIECE_FIELDS)
        .order_by("-lookbook__published_at", "position")[:12]
    )
    products: dict[int, Product] = {item.product_id: item.product for item in items}
    if policy.may_use(state, policy.DataKind.SAVED_ITEMS, policy.Purpose.SERVICE):
        # "client" too: the related manager sets each row's client (a query per row if deferred)
        saved_pieces = client.wishlist.select_related("product").only("client", *PIECE_FIELDS)
        for saved in saved_pieces.order_by("-added_at")[:12]:
            products.setdefault(saved.product_id, saved.product)
    return list(products.values())


def badge_counts(user: Any, stylist: Stylist) -> tuple[int, int]:
    """(drafts waiting for review, unread messages in the book): the sidebar's two badges.

    Every stylist page shows them, and counting costs a few milliseconds (two
    visibility subqueries to build and plan), so each user's pair is kept in the cache
    for settings.SIDEBAR_BADGES_SECONDS (10): a draft or message someone else adds shows
    within that; what she does herself (reads, publishes, sets aside, drafts) shows at
    once, as badges_forget drops her pair. Without the cache (Redis down, or 0
    seconds) they are counted on every page.
    """
    seconds = settings.SIDEBAR_BADGES_SECONDS
    if seconds <= 0:
        return _badge_counts(user, stylist)
    key = _badges_key(user)
    try:
        cached = cache.get(key)
    except Exception:  # the cache (Redis) is down: count, the page still answers
        logger.warning("Sidebar badges counted without the cache (unreachable).")
        cached = None
    if cached is not None:
        return int(cached[0]), int(cached[1])
    counts = _badge_counts(user, stylist)
    with contextlib.suppress(Exception):  # down: the next page counts again
        cache.set(key, counts, seconds)
    return counts


def badges_forget(user: Any) -> None:
    """Her badges are counted afresh on her next page (after this transaction commits)."""

    def forget() -> None:
        with contextlib.suppress(Exception):  # down: nothing is cached either
            cache.delete(_badges_key(user))

    transaction.on_commit(forget)


def _badges_key(user: Any) -> str:
    return f"sidebar-badges:{user.pk}"


def _badge_counts(user: Any, stylist: Stylist) -> tuple[int, int]:
    """Both counts in one SELECT of two scalar subqueries (each what ``.count()`` answers)."""
    row = (
        Stylist.objects.filter(pk=stylist.pk)
        .order_by()  # Stylist's default order joins auth_user only to sort one row
        .annotate(queue=_counted(review_queue_for(user)), unread=_counted(unread_for(stylist)))
        .values_list("queue", "unread")
        .first()
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _counted(queryset: QuerySet[Any]) -> Subquery:
    counted = queryset.order_by().annotate(
        n=Func(Value(1), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("n"), output_field=IntegerField())


def unread_for(stylist: Stylist) -> QuerySet[Message]:
    """Inbound messages in her book she has not read yet."""
    return Message.objects.filter(
        client__in=book_of(stylist).values("pk"),
        direction=MessageDirection.INBOUND,
        read_at__isnull=True,
    )
