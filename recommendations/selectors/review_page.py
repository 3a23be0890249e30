"""The lookbook review page: all a stylist needs to decide, in a constant number of queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from catalog.models import Product
from catalog.selectors import stock_for_products
from clients.models import Client, Occasion, OrderLine
from clients.selectors import lookbook_reactions, upcoming_occasions
from consent import policy
from recommendations.models import ItemState, Lookbook, LookbookItem, LookbookStatus, ReviewEvent
from recommendations.selectors.access import REVIEWABLE
from recommendations.selectors.channels import (
    ChannelOption,
    channel_decisions,
    channel_options,
    message_kind_for,
    notice_held_reason,
)
from recommendations.selectors.stock import SIZE_LABELS, Candidate, stock_in_size
from recommendations.selectors.wording import DataBasisView, describe_data_basis, price_band_words

ALTERNATES_SHOWN = 8
# What the page's history (_history.html) reads of each event: who, what, when, why and
# the piece's name; not the payload, nor every column of the advisor and of the product.
HISTORY_FIELDS = (
    "lookbook",  # the related manager sets each row's lookbook (a query per row if deferred)
    "action",
    "reason",
    "reason_text",
    "created_at",
    "actor__first_name",
    "actor__last_name",
    "actor__username",
    "product__name",
)
# What the client panel (_client_panel.html) reads of a recent purchase line: when, the
# piece's name, and what she paid for it (not the catalogue's price today).
PURCHASE_FIELDS = (
    "order__placed_at",
    "order__currency",
    "unit_price",
    "product__name",
)


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
    # None on the htmx answer to an action (for_update): it redraws the pieces, the
    # summary and the history, never the side panel's client, basis or channels.
    client: ClientSnapshot | None
    basis: DataBasisView | None
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
        .only(*PURCHASE_FIELDS)
        .order_by("-order__placed_at", "-pk")[:4]
    )
    return ClientSnapshot(
        client=client,
        consent=state,
        sizes=sizes,
        price_band=price_band_words(client),
        next_occasion=upcoming_occasions(client).first(),
        recent_purchases=tuple(purchases),
    )


def _alternates_shown(
    lookbook: Lookbook, taken: set[int]
) -> tuple[list[int], dict[int, Product], dict[int, dict[str, Any]]]:
    """The model's next candidates still offered: (ids shown, products, their entries) (1 query)."""
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
    return shown, products, by_id


def lookbook_review_page(
    lookbook: Lookbook, *, history: int = 8, for_update: bool = False
) -> ReviewPage:
    """Everything the review page shows, in a constant number of queries.

    Expects the lookbook from lookbook_for_review (client, author, occasion and
    model already joined). Queries: items with products and variants; the
    alternates' products; stock for both at once; consent (once, for every
    answer on the page); addresses; next occasion; recent purchases; the
    latest review events. `for_update`: what an htmx action redraws only (no consent,
    addresses, occasion or purchases: the side panel stays as it was).
    """
    client = lookbook.client
    items = list(lookbook.items.select_related("product", "variant").order_by("position", "pk"))
    taken = {item.product_id for item in items}
    shown, products, by_id = _alternates_shown(lookbook, taken)
    stock = stock_for_products([*taken, *shown])
    # The client's reactions, once she has seen the lookbook (a draft has none: no query).
    seen = lookbook.status in (LookbookStatus.PUBLISHED, LookbookStatus.WITHDRAWN)
    reactions = lookbook_reactions(client, lookbook.public_id) if seen else {}
    for item in items:
        item.stock = stock_in_size(client, item.product, stock.get(item.product_id, []))  # type: ignore[attr-defined]
        item.reaction = reactions.get(item.pk, "")  # type: ignore[attr-defined]
    alternates = [
        Candidate(
            product=products[pid],
            stock=stock_in_size(client, products[pid], stock.get(pid, [])),
            score=_float_or_none(by_id[pid].get("score")),
            why=str(by_id[pid].get("explanation") or by_id[pid].get("why") or ""),
        )
        for pid in shown
    ]
    events = list(
        lookbook.events.select_related("actor", "product")
        .only(*HISTORY_FIELDS)
        .order_by("-created_at", "-pk")[:history]
    )
    snapshot, basis, channels = None, None, []
    if not for_update:
        consent = policy.consent_decision(client)
        snapshot = client_snapshot(client, consent.state)
        basis = describe_data_basis(lookbook, consent.state)
        channels = channel_options(channel_decisions(lookbook, consent))
    return ReviewPage(
        lookbook=lookbook,
        pieces=[item for item in items if item.state != ItemState.REMOVED],
        removed=[item for item in items if item.state == ItemState.REMOVED],
        alternates=alternates,
        client=snapshot,
        basis=basis,
        channels=channels,
        message_kind=message_kind_for(lookbook),
        history=events,
        notice_held=notice_held_reason(lookbook) if lookbook.status in REVIEWABLE else "",
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
