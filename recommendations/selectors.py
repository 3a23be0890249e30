"""Reads of lookbooks and models, with the permission-checked getters.

A client never sees a draft: every client-facing read goes through
lookbooks_visible_to / lookbook_for_user, which for a client user return
only their own published lookbooks, and lookbook_items_for(for_client=True)
which leaves out removed pieces.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from catalog.models import Category, Product
from catalog.selectors import StockLine, product_search, stock_for_products
from clients.models import Client, ClientUserObjectPermission, Occasion, OrderLine
from clients.selectors import clients_visible_to, upcoming_occasions
from consent import policy
from recommendations.models import (
    ItemState,
    Lookbook,
    LookbookItem,
    LookbookOrigin,
    LookbookStatus,
    ModelVersion,
    ReviewEvent,
)

REVIEWABLE = (LookbookStatus.DRAFT, LookbookStatus.IN_REVIEW)


def _is_staff_side(user: Any) -> bool:
    return bool(user.is_superuser or getattr(user, "stylist", None) is not None)


def lookbooks_visible_to(user: Any) -> QuerySet[Lookbook]:
    if not user.is_authenticated or not user.is_active:
        return Lookbook.objects.none()
    if _is_staff_side(user):
        return Lookbook.objects.filter(client__in=clients_visible_to(user).values("pk"))
    return Lookbook.objects.filter(
        client__user=user, client__status="active", status=LookbookStatus.PUBLISHED
    )


def lookbook_for_user(user: Any, public_id: Any) -> Lookbook:
    try:
        return (
            lookbooks_visible_to(user)
            .select_related("client__home_boutique", "author__user", "occasion", "model_version")
            .get(public_id=public_id)
        )
    except (Lookbook.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such lookbook") from None


def lookbook_items_for(lookbook: Lookbook, *, for_client: bool) -> QuerySet[LookbookItem]:
    items = lookbook.items.select_related("product", "variant").order_by("position", "pk")
    if for_client:
        items = items.exclude(state=ItemState.REMOVED)
    return items


def published_lookbooks_for_client(client: Any) -> QuerySet[Lookbook]:
    visible = LookbookItem.objects.exclude(state=ItemState.REMOVED).select_related("product")
    return (
        Lookbook.objects.filter(client=client, status=LookbookStatus.PUBLISHED)
        .select_related("author__user", "occasion")
        .prefetch_related(Prefetch("items", queryset=visible.order_by("position", "pk")))
        .order_by("-published_at", "-pk")
    )


def review_queue_for(user: Any) -> QuerySet[Lookbook]:
    """Drafts waiting for the user's review, oldest first."""
    return (
        lookbooks_visible_to(user)
        .filter(status__in=REVIEWABLE)
        .select_related("client", "occasion", "author__user")
        .order_by("created_at", "pk")
    )


def active_model_version() -> ModelVersion | None:
    return ModelVersion.objects.filter(is_active=True).first()


def latest_model_version() -> ModelVersion | None:
    return ModelVersion.objects.order_by("-created_at", "-pk").first()


# --- Review: what a stylist needs to decide, in a constant number of queries -----------

# Where a product's size lives in Client.sizes: ready-to-wear and shoes by
# category, rings and belts by subcategory; everything else is one size.
_SIZE_KEY_BY_CATEGORY: dict[str, str] = {
    Category.READY_TO_WEAR: "ready_to_wear",
    Category.SHOES: "shoes",
}
_SIZE_KEY_BY_SUBCATEGORY: dict[str, str] = {"ring": "ring", "belt": "belt"}
SIZE_LABELS = {"ready_to_wear": "Ready-to-wear", "shoes": "Shoes", "ring": "Ring", "belt": "Belt"}
LOW_STOCK = 2  # units in her size, everywhere, at or under which stock is "low"
ALTERNATES_SHOWN = 8

# How a published lookbook may reach the client. The in-app concierge is
# always allowed; the others ask consent.policy.may_contact at publish time.
CONCIERGE = "concierge"
PUBLISH_CHANNELS: tuple[str, ...] = (
    CONCIERGE,
    policy.Channel.EMAIL.value,
    policy.Channel.SMS.value,
    policy.Channel.WHATSAPP.value,
)

_KIND_WORDS = {
    "purchases": "purchases",
    "preferences": "stated preferences and reactions to lookbooks",
    "sizes": "sizes",
    "occasions": "occasions",
    "browsing": "browsing",
    "saved_items": "saved pieces",
    "cross_device": "activity across devices",
}
_METRIC_WORDS = {
    "precision": "precision",
    "recall": "recall",
    "ndcg": "NDCG",
    "map": "MAP",
    "coverage": "catalogue coverage",
    "hit_rate": "hit rate",
}


def size_key_for(product: Product) -> str:
    """The Client.sizes key for this product ("" when it comes in one size)."""
    key = _SIZE_KEY_BY_CATEGORY.get(product.category)
    if key:
        return key
    return _SIZE_KEY_BY_SUBCATEGORY.get((product.subcategory or "").strip().lower(), "")


@dataclass(frozen=True)
class StockInSize:
    """A piece's stock in the client's size, by place: '38 · Paris (2), online (5)'."""

    size: str  # her size; "" for one-size pieces or when her size is not on file
    one_size: bool
    lines: tuple[StockLine, ...]

    @property
    def size_known(self) -> bool:
        return self.one_size or bool(self.size)

    @property
    def total(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def in_stock(self) -> bool:
        return self.total > 0

    @property
    def low(self) -> bool:
        return self.size_known and 0 < self.total <= LOW_STOCK

    @property
    def out_of_stock(self) -> bool:
        return self.size_known and not self.in_stock

    @property
    def places(self) -> str:
        return ", ".join(f"{line.place} ({line.quantity})" for line in self.lines)

    @property
    def sizes_in_stock(self) -> list[str]:
        return sorted({line.size for line in self.lines if line.size}, key=_size_order)

    @property
    def label(self) -> str:
        if not self.size_known:
            sizes = self.sizes_in_stock
            if sizes:
                return f"Size not on file · in stock in {', '.join(sizes)}"
            return "Size not on file · out of stock"
        head = "One size" if self.one_size else self.size
        return f"{head} · {self.places}" if self.in_stock else f"{head} · out of stock"

    @property
    def tone(self) -> str:
        """The badge tone: stock-in, stock-low, stock-out, or neutral when her size is unknown."""
        if not self.size_known:
            return "neutral"
        if not self.in_stock:
            return "stock-out"
        return "stock-low" if self.low else "stock-in"


def _size_order(size: str) -> tuple[float, str]:
    try:
        return (float(size), size)
    except ValueError:
        return (float("inf"), size)


def _by_place(lines: Iterable[StockLine], home_city: str) -> tuple[StockLine, ...]:
    """One line per (size, place), quantities summed; her boutique first, online last."""
    summed: dict[tuple[str, str], StockLine] = {}
    for line in lines:
        key = (line.size, line.place)
        if key in summed:
            line = StockLine(
                size=line.size,
                place=line.place,
                boutique_id=line.boutique_id,
                quantity=summed[key].quantity + line.quantity,
            )
        summed[key] = line
    return tuple(
        sorted(
            summed.values(),
            key=lambda s: (s.place == "online", s.place != home_city, s.place, s.size),
        )
    )


def stock_in_size(client: Client, product: Product, lines: Iterable[StockLine]) -> StockInSize:
    """Stock of `product` in the client's size from stock_for_products' lines (no query)."""
    home_city = client.home_boutique.city if client.home_boutique_id else ""
    key = size_key_for(product)
    if not key:
        return StockInSize(size="", one_size=True, lines=_by_place(lines, home_city))
    size = str((client.sizes or {}).get(key) or "")
    if not size:
        return StockInSize(size="", one_size=False, lines=tuple(lines))
    mine = [line for line in lines if line.size == size]
    return StockInSize(size=size, one_size=False, lines=_by_place(mine, home_city))


@dataclass(frozen=True)
class Candidate:
    """A piece the stylist may bring in: a next candidate of the model, or a search result."""

    product: Product
    stock: StockInSize
    score: float | None = None
    why: str = ""


@dataclass(frozen=True)
class ChannelOption:
    value: str
    label: str
    allowed: bool
    reason: str


@dataclass(frozen=True)
class DataBasisView:
    """Why the draft looks the way it does, in plain words."""

    lines: tuple[str, ...]
    kinds_used: tuple[str, ...]
    kinds_not_used: tuple[str, ...]
    model: ModelVersion | None
    metrics: tuple[tuple[str, str], ...]
    baseline: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ClientSnapshot:
    client: Client
    consent: policy.ConsentState
    sizes: tuple[tuple[str, str], ...]
    price_band: str
    next_occasion: Occasion | None
    recent_purchases: tuple[OrderLine, ...]


@dataclass
class ReviewPage:
    lookbook: Lookbook
    pieces: list[LookbookItem]  # to be published, in order; each has .stock (StockInSize)
    removed: list[LookbookItem]  # each has .stock too
    alternates: list[Candidate]
    client: ClientSnapshot
    basis: DataBasisView
    channels: list[ChannelOption]
    message_kind: str
    history: list[ReviewEvent] = field(default_factory=list)
    # Why a notice would be held back if she were told now (C1's guard), or "".
    notice_held: str = ""

    @property
    def editable(self) -> bool:
        return self.lookbook.status in REVIEWABLE

    @property
    def out_of_stock(self) -> list[LookbookItem]:
        return [item for item in self.pieces if item.stock.out_of_stock]  # type: ignore[attr-defined]

    @property
    def unreviewed(self) -> list[LookbookItem]:
        return [item for item in self.pieces if item.state == ItemState.PROPOSED]


def lookbook_for_review(user: Any, public_id: Any) -> Lookbook:
    """The lookbook with what its review page reads; 404 outside the user's reach."""
    try:
        return (
            lookbooks_visible_to(user)
            .select_related(
                "client__home_boutique",
                "author__user",
                "occasion",
                "model_version",
                "styling_request",
                "published_by",
            )
            .get(public_id=public_id)
        )
    except (Lookbook.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such lookbook") from None


def message_kind_for(lookbook: Lookbook) -> str:
    """Answering the client's own styling request is service; anything else is proactive."""
    if lookbook.styling_request_id:
        return policy.MessageKind.SERVICE.value
    return policy.MessageKind.PROACTIVE.value


def channel_label(channel: str) -> str:
    return "Style Story (concierge)" if channel == CONCIERGE else policy.channel_label(channel)


def channel_decisions(
    lookbook: Lookbook, state: policy.ConsentState | None = None
) -> dict[str, policy.Decision]:
    """For each publish channel: may it carry this lookbook's notice now, and why (not).

    The concierge is always allowed (the lookbook lives in her Style Story); the
    others need consent.policy.may_contact for the message kind and an address
    to send to (one query for the addresses).
    """
    from clients.models import Identity, IdentityKind
    from stylists.services.messaging import channel_decision  # C1: the concierge notice

    client = lookbook.client
    state = state or policy.current_consent(client.pk)
    kind = policy.MessageKind(message_kind_for(lookbook))
    notice = channel_decision(client, CONCIERGE, kind.value, state=state)
    concierge = "Always: the lookbook appears in the client's Style Story."
    if not notice:
        concierge = f"{concierge} No separate notice: {notice.reason}"
    decisions = {CONCIERGE: policy.Decision(True, concierge)}
    kinds = set(
        Identity.objects.filter(
            client_id=client.pk, kind__in=[IdentityKind.EMAIL, IdentityKind.PHONE]
        ).values_list("kind", flat=True)
    )
    for channel in PUBLISH_CHANNELS[1:]:
        decision = policy.may_contact(state, policy.Channel(channel), kind)
        needs = IdentityKind.EMAIL if channel == policy.Channel.EMAIL else IdentityKind.PHONE
        if decision and needs not in kinds:
            what = "e-mail address" if needs == IdentityKind.EMAIL else "mobile number"
            decision = policy.Decision(False, f"We have no {what} for the client.")
        decisions[channel] = decision
    return decisions


def _format_metric(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


def _metric_label(name: str) -> str:
    base, _, k = name.partition("@")
    words = _METRIC_WORDS.get(base.lower(), base.replace("_", " "))
    return f"{words} at {k}" if k else words


def _metrics(values: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(values, dict):
        return ()
    return tuple(
        (_metric_label(str(name)), _format_metric(value))
        for name, value in values.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    )


# The pipeline's signals (recommendations.pipeline.extract.SIGNALS), in words: (one, many).
_SIGNAL_WORDS = {
    "purchase": ("purchase", "purchases"),
    "returned": ("return", "returns"),
    "love": ("piece loved", "pieces loved"),
    "not_for_me": ("“not for me”", "“not for me”s"),
    "stylist_added": ("piece added by an advisor", "pieces added by advisors"),
    "stylist_kept": ("piece kept by an advisor", "pieces kept by advisors"),
    "stylist_removed": ("piece removed by an advisor", "pieces removed by advisors"),
    "save": ("saved piece", "saved pieces"),
    "cart": ("bag addition", "bag additions"),
    "share": ("share", "shares"),
    "view": ("view", "views"),
}
# Why the pipeline drafted now (recommendations.pipeline.audience.Reason).
_REASON_WORDS = {
    "styling_request": "the client asked for styling.",
    "occasion": "an occasion is coming.",
    "stale": "no new lookbook for a while.",
    "manual": "an advisor asked for a draft.",
}


def _signal_words(signals: dict[str, Any]) -> list[str]:
    words = []
    for name, count in signals.items():
        if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
            continue
        one, many = _SIGNAL_WORDS.get(name, (name.replace("_", " "), name.replace("_", " ")))
        words.append(f"{count} {one if count == 1 else many}")
    return words


def describe_data_basis(lookbook: Lookbook, state: policy.ConsentState) -> DataBasisView:
    """The draft's data basis in plain words: tier then, data kinds and signals, the model.

    Reads what recommendations.pipeline writes: {"tier", "kinds", "signals": {name: n},
    "model_version", "cold_start", "reason"} (per-kind "counts" are read too).
    """
    basis = lookbook.data_basis if isinstance(lookbook.data_basis, dict) else {}
    kinds = [str(k) for k in basis.get("kinds") or [] if isinstance(k, str)]
    raw_counts, raw_signals = basis.get("counts"), basis.get("signals")
    counts: dict[str, Any] = raw_counts if isinstance(raw_counts, dict) else {}
    signals: dict[str, Any] = raw_signals if isinstance(raw_signals, dict) else {}
    lines: list[str] = []
    if lookbook.origin == LookbookOrigin.STYLIST:
        author = lookbook.author.name if lookbook.author else "an advisor"
        lines.append(f"Made by hand by {author}: no model, only the advisor's own eye.")
    else:
        used = []
        for kind in kinds:
            words = _KIND_WORDS.get(kind, kind.replace("_", " "))
            count = counts.get(kind)
            used.append(f"{words} ({count})" if isinstance(count, int) else words)
        drafted = timezone.localtime(lookbook.created_at).strftime("%-d %B %Y")
        if used:
            lines.append(f"Drafted by the model on {drafted} from {_join(used)}.")
        else:
            lines.append(f"Drafted by the model on {drafted}; it did not record its data.")
        heard = _signal_words(signals)
        if heard:
            lines.append(f"What it learned from: {_join(heard)}.")
        if basis.get("cold_start"):
            lines.append(
                "Few signals of the client's own: it leaned on stated preferences and on "
                "what clients with similar tastes chose."
            )
    tier_then = str(basis.get("tier") or "")
    if tier_then:
        label_then = _tier_label(tier_then)
        if tier_then != state.tier:
            lines.append(
                f"Consent was {label_then} when it was drafted; it is {state.tier_label} now."
            )
        else:
            lines.append(f"Consent: {label_then}, then and now.")
    reason = basis.get("reason") or basis.get("trigger")
    if isinstance(reason, str) and reason:
        lines.append(f"Why now: {_REASON_WORDS.get(reason, reason)}")
    not_used = [
        _KIND_WORDS.get(kind.value, kind.value)
        for kind in policy.DataKind
        if kind.value not in kinds
        and not policy.tier_allows(tier_then or state.tier, kind, policy.Purpose.PERSONALISATION)
    ]
    if lookbook.origin == LookbookOrigin.MODEL and not_used:
        lines.append(f"Never used, as consent does not cover it: {_join(not_used)}.")
    model = lookbook.model_version
    return DataBasisView(
        lines=tuple(lines),
        kinds_used=tuple(kinds),
        kinds_not_used=tuple(not_used),
        model=model,
        metrics=_metrics(model.metrics) if model else (),
        baseline=_metrics(model.baseline_metrics) if model else (),
    )


def _tier_label(tier: str) -> str:
    from consent.models import ConsentTier  # labels only

    try:
        return str(ConsentTier(tier).label)
    except ValueError:
        return tier


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _price_band(client: Client) -> str:
    low, high = client.price_band_min, client.price_band_max
    if low is None and high is None:
        return ""
    if low is None:
        return f"up to €{high:,.0f}"
    if high is None:
        return f"from €{low:,.0f}"
    return f"€{low:,.0f} – €{high:,.0f}"


def client_snapshot(client: Client, state: policy.ConsentState) -> ClientSnapshot:
    """Who the lookbook is for: sizes, price band, next occasion, recent purchases (2 queries)."""
    sizes = tuple(
        (SIZE_LABELS.get(key, key.replace("_", " ").capitalize()), str(value))
        for key, value in (client.sizes or {}).items()
        if value
    )
    purchases = (
        OrderLine.objects.filter(order__client=client, order__status="completed")
        .select_related("product", "order")
        .order_by("-order__placed_at", "-pk")[:4]
    )
    return ClientSnapshot(
        client=client,
        consent=state,
        sizes=sizes,
        price_band=_price_band(client),
        next_occasion=upcoming_occasions(client).first(),
        recent_purchases=tuple(purchases),
    )


def lookbook_review_page(lookbook: Lookbook, *, history: int = 8) -> ReviewPage:
    """Everything the review page shows, in a constant number of queries.

    Expects the lookbook from lookbook_for_review (client, author, occasion and
    model already joined). Queries: items with products and variants; the
    alternates' products; stock for both at once; consent; next occasion;
    recent purchases; the latest review events.
    """
    client = lookbook.client
    items = list(lookbook.items.select_related("product", "variant").order_by("position", "pk"))
    taken = {item.product_id for item in items}
    alternates_by_key = {
        str(alternate.get("product")): alternate
        for alternate in reversed(lookbook.alternates or [])
        if isinstance(alternate, dict) and alternate.get("product") is not None
    }
    keys = [str(a.get("product")) for a in lookbook.alternates or [] if isinstance(a, dict)]
    # The pipeline stores product primary keys; public ids are accepted too.
    pks = [int(key) for key in keys if key.isdigit()]
    uuids = [key for key in keys if _is_uuid(key)]
    found = Product.objects.filter(Q(pk__in=pks) | Q(public_id__in=uuids), active=True)
    products: dict[int, Product] = {}
    by_id: dict[int, dict[str, Any]] = {}
    for product in found:
        products[product.pk] = product
        key = str(product.pk) if str(product.pk) in alternates_by_key else str(product.public_id)
        by_id[product.pk] = alternates_by_key[key]
    order = {key: n for n, key in reversed(list(enumerate(keys)))}
    shown = sorted(
        (pid for pid in products if pid not in taken),
        key=lambda pid: min(
            order.get(str(pid), len(keys)), order.get(str(products[pid].public_id), len(keys))
        ),
    )[:ALTERNATES_SHOWN]
    stock = stock_for_products([*taken, *shown])
    for item in items:
        item.stock = stock_in_size(client, item.product, stock.get(item.product_id, []))  # type: ignore[attr-defined]
    alternates = [
        Candidate(
            product=products[pid],
            stock=stock_in_size(client, products[pid], stock.get(pid, [])),
            score=_float_or_none(by_id[pid].get("score")),
            why=str(by_id[pid].get("explanation") or by_id[pid].get("why") or ""),
        )
        for pid in shown
    ]
    state = policy.current_consent(client)
    decisions = channel_decisions(lookbook, state)
    events = list(
        lookbook.events.select_related("actor", "product").order_by("-created_at", "-pk")[:history]
    )
    return ReviewPage(
        lookbook=lookbook,
        pieces=[item for item in items if item.state != ItemState.REMOVED],
        removed=[item for item in items if item.state == ItemState.REMOVED],
        alternates=alternates,
        client=client_snapshot(client, state),
        basis=describe_data_basis(lookbook, state),
        channels=[
            ChannelOption(
                value=channel,
                label=channel_label(channel),
                allowed=decision.allowed,
                reason=decision.reason,
            )
            for channel, decision in decisions.items()
        ],
        message_kind=message_kind_for(lookbook),
        history=events,
        notice_held=notice_held_reason(lookbook) if lookbook.status in REVIEWABLE else "",
    )


def notice_held_reason(lookbook: Lookbook) -> str:
    """Why a proactive notice of this lookbook would be held back now (C1's guard), or ""."""
    if message_kind_for(lookbook) != policy.MessageKind.PROACTIVE:
        return ""
    from stylists.services.messaging import proactive_guard  # C1: frequency, quiet hours

    blocked = proactive_guard(lookbook.client)
    return blocked.reason if blocked is not None else ""


def lookbook_notices_sent(lookbook: Lookbook) -> list[str]:
    """The channels a published lookbook's notice actually went out on (one query)."""
    from stylists.models import Message

    return sorted(
        set(
            Message.objects.filter(
                client_id=lookbook.client_id, context__lookbook=str(lookbook.public_id)
            ).values_list("channel", flat=True)
        )
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _float_or_none(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def lookbook_search_candidates(
    lookbook: Lookbook, query: str, *, limit: int = 12
) -> list[Candidate]:
    """Catalogue search results not yet in the lookbook, with stock in her size (3 queries)."""
    query = " ".join((query or "").split())
    if not query:
        return []
    taken = set(lookbook.items.values_list("product_id", flat=True))
    products = [p for p in product_search(query, limit=limit + len(taken)) if p.pk not in taken]
    products = products[:limit]
    stock = stock_for_products([p.pk for p in products])
    return [
        Candidate(product=p, stock=stock_in_size(lookbook.client, p, stock.get(p.pk, [])))
        for p in products
    ]


def review_queue_rows(user: Any, *, mine_only: bool = False) -> QuerySet[Lookbook]:
    """Drafts waiting, oldest first, with their client, author, request and piece count.

    `mine_only` keeps the clients in the user's own book (what they may change).
    """
    queue = review_queue_for(user).select_related(
        "client", "occasion", "author__user", "styling_request"
    )
    if mine_only:
        in_book = ClientUserObjectPermission.objects.filter(
            user=user,
            permission__content_type__app_label="clients",
            permission__codename="change_client",
        ).values("content_object_id")
        queue = queue.filter(client__in=in_book)
    return queue.annotate(pieces_count=Count("items", filter=~Q(items__state=ItemState.REMOVED)))


def next_occasions(
    client_ids: Iterable[int], *, today: dt.date | None = None
) -> dict[int, Occasion]:
    """Each client's next occasion (today or later), for many clients in one query."""
    today = today or timezone.localdate()
    ids = list(client_ids)
    if not ids:
        return {}
    first = (
        Occasion.objects.filter(client_id=OuterRef("client_id"), next_date__gte=today)
        .order_by("next_date", "pk")
        .values("pk")[:1]
    )
    rows = Occasion.objects.filter(client_id__in=ids, pk=Subquery(first))
    return {row.client_id: row for row in rows}
