"""Set-based reads of every client signal the pipeline uses, filtered by consent in the database.

SIGNALS below is the one table of what the engine learns from: each signal's data kind
(for the consent policy), its weight in the ALS matrix and whether it is a positive
signal or a filter. Each source query keeps only the clients whose *current* consent
allows that data kind for the purpose at hand (``policy.client_ids_allowing``, a subquery
evaluated by the database) and never erased clients, so data the policy forbids never
leaves the database. Rows come back as numpy arrays: on PostgreSQL through a binary
``COPY ... TO STDOUT`` parsed with a fixed-width dtype (no Python object per row),
elsewhere through a plain cursor (pipeline.rows).

Why these weights (see docs/recommendations.md for the long version):

- a purchase (5) is the strongest evidence of taste a house has: money and a fitting;
- "love" on a lookbook piece (3) is explicit, but costs nothing;
- a piece the stylist added (2.5) or kept (2) is an expert's judgement about this client;
- saving a piece (2) is deliberate; adding to the bag (1.5) is intent that often stalls;
- sharing (1) is ambiguous (a gift idea for someone else?), a view (0.5) is the weakest.

Negative evidence (a returned piece, "not for me", a stylist removing a piece) is not a
weight: implicit ALS reads every stored value as a confidence ``1 + alpha * w`` that the
client *likes* the item, so a negative weight would be a malformed confidence (and
implicit's own treatment of negatives only lowers preference towards 0, it cannot say
"never"). These signals become hard filters at drafting time instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Expression,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from clients.models import Interaction, InteractionKind, OrderLine, OrderStatus, WishlistItem
from consent import policy
from consent.policy import DataKind, Purpose
from recommendations.models import ReviewAction, ReviewEvent
from recommendations.pipeline.rows import read_rows
from recommendations.privacy import erased_client_ids


class Role(StrEnum):
    POSITIVE = "positive"  # a weight in the ALS matrix
    FILTER = "filter"  # never suggest this piece to this client again


@dataclass(frozen=True)
class Signal:
    name: str
    kind: DataKind
    weight: float
    role: Role


SIGNALS: tuple[Signal, ...] = (
    Signal("purchase", DataKind.PURCHASES, 5.0, Role.POSITIVE),
    Signal("love", DataKind.PREFERENCES, 3.0, Role.POSITIVE),
    Signal("stylist_added", DataKind.PREFERENCES, 2.5, Role.POSITIVE),
    Signal("stylist_kept", DataKind.PREFERENCES, 2.0, Role.POSITIVE),
    Signal("save", DataKind.SAVED_ITEMS, 2.0, Role.POSITIVE),
    Signal("cart", DataKind.BROWSING, 1.5, Role.POSITIVE),
    Signal("share", DataKind.BROWSING, 1.0, Role.POSITIVE),
    Signal("view", DataKind.BROWSING, 0.5, Role.POSITIVE),
    Signal("returned", DataKind.PURCHASES, 0.0, Role.FILTER),
    Signal("not_for_me", DataKind.PREFERENCES, 0.0, Role.FILTER),
    Signal("stylist_removed", DataKind.PREFERENCES, 0.0, Role.FILTER),
)
CODE: dict[str, int] = {signal.name: code for code, signal in enumerate(SIGNALS)}
WEIGHTS = np.array([s.weight for s in SIGNALS], dtype=np.float32)
IS_POSITIVE = np.array([s.role == Role.POSITIVE for s in SIGNALS], dtype=bool)
KIND_OF_CODE: tuple[DataKind, ...] = tuple(s.kind for s in SIGNALS)

# Where each signal comes from. A WishlistItem and a "save" interaction are the same act
# seen by two systems; both become "save" and count once per client and piece.
INTERACTION_SIGNALS: dict[str, str] = {
    InteractionKind.VIEW: "view",
    InteractionKind.CART: "cart",
    InteractionKind.SHARE: "share",
    InteractionKind.SAVE: "save",
    InteractionKind.LOVE: "love",
    InteractionKind.NOT_FOR_ME: "not_for_me",
}
# Stylist review decisions: the latest decision on a (client, piece) pair wins, so a
# piece removed and then restored counts as kept. "swap" records the piece swapped *in*
# (ReviewEvent.product), which is the stylist's choice. Removals for stock reasons say
# nothing about taste and are ignored (stock is checked live when drafting).
REVIEW_SIGNALS: dict[str, str] = {
    ReviewAction.KEEP: "stylist_kept",
    ReviewAction.RESTORE: "stylist_kept",
    ReviewAction.ADD: "stylist_added",
    ReviewAction.SWAP: "stylist_added",
    ReviewAction.REMOVE: "stylist_removed",
}
REVIEW_REASONS_IGNORED = ("out_of_stock",)
DEDUPLICATED = frozenset({"save", "stylist_added", "stylist_kept", "stylist_removed"})


@dataclass(frozen=True)
class SignalSet:
    """Consented signals as parallel arrays: one row per event."""

    client: np.ndarray  # int64 client pk
    product: np.ndarray  # int64 product pk
    ts: np.ndarray  # int64 unix seconds
    code: np.ndarray  # int8 index into SIGNALS
    purpose: str = Purpose.MODEL_TRAINING
    read_seconds: float = 0.0
    sources: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.client)

    @property
    def weights(self) -> np.ndarray:
        return WEIGHTS[self.code]

    @property
    def is_positive(self) -> np.ndarray:
        return IS_POSITIVE[self.code]

    def subset(self, mask: np.ndarray) -> SignalSet:
        return SignalSet(
            client=self.client[mask],
            product=self.product[mask],
            ts=self.ts[mask],
            code=self.code[mask],
            purpose=self.purpose,
        )

    def counts(self) -> dict[str, int]:
        per_code = np.bincount(self.code.astype(np.int64), minlength=len(SIGNALS))
        return {s.name: int(n) for s, n in zip(SIGNALS, per_code, strict=True)}

    def for_clients(self, client_ids: np.ndarray) -> SignalSet:
        return self.subset(np.isin(self.client, client_ids))


# --- Source queries -------------------------------------------------------------------


MANY_IDS = 1000  # more clients than this are passed as one array (PostgreSQL)


def allowed_clients(
    kind: DataKind, purpose: Purpose, client_ids: list[int] | None = None
) -> QuerySet:
    """Clients whose consent allows this kind for this purpose, minus erased clients."""
    allowed = policy.client_ids_allowing(kind, purpose).exclude(pk__in=erased_client_ids())
    return allowed if client_ids is None else allowed.filter(pk__in=_ids(client_ids))


def _ids(client_ids: list[int]) -> Any:
    """Client ids for an ``__in`` lookup: many as one array parameter (PostgreSQL)."""
    if connection.vendor == "postgresql" and len(client_ids) > MANY_IDS:
        return RawSQL("SELECT unnest(%s::bigint[])", [client_ids])
    return client_ids


# Where the allowed clients of a data kind are looked up: by default the policy's lazy
# subquery; on PostgreSQL extract_signals first materialises each distinct set once in
# a temporary table (the policy's own query, run once instead of once per source, and
# with real row counts for the planner) and passes a RawSQL lookup of it instead.
AllowedLookup = Callable[[DataKind], Any]


def _code_case(field_name: str, mapping: dict[str, str]) -> Case:
    return Case(
        *[When(**{field_name: key}, then=Value(CODE[name])) for key, name in mapping.items()],
        output_field=IntegerField(),
    )


def _shape(
    qs: QuerySet, *, client: str, product: str | Expression, when: str, code: Expression
) -> QuerySet:
    return (
        qs.order_by()
        .annotate(
            sig_c=F(client),
            sig_p=F(product) if isinstance(product, str) else product,
            sig_t=F(when),
            sig_k=code,
        )
        .values_list("sig_c", "sig_p", "sig_t", "sig_k")
    )


def _order_queries(allowed: AllowedLookup) -> dict[str, QuerySet]:
    """Completed order lines are purchases; returned ones are filters."""
    lines = OrderLine.objects.all()
    return {
        "orders": _shape(
            lines.filter(
                order__status=OrderStatus.COMPLETED,
                order__client_id__in=allowed(DataKind.PURCHASES),
            ),
            client="order__client_id",
            product="product_id",
            when="order__placed_at",
            code=Value(CODE["purchase"]),
        ),
        "returns": _shape(
            lines.filter(
                order__status=OrderStatus.RETURNED,
                order__client_id__in=allowed(DataKind.PURCHASES),
            ),
            client="order__client_id",
            product="product_id",
            when="order__placed_at",
            code=Value(CODE["returned"]),
        ),
    }


def _interaction_query(allowed: AllowedLookup) -> QuerySet:
    """One scan of the interactions table: each kind of interaction with its own consent."""
    by_kind: dict[DataKind, dict[str, str]] = {}
    for interaction_kind, name in INTERACTION_SIGNALS.items():
        by_kind.setdefault(SIGNALS[CODE[name]].kind, {})[interaction_kind] = name
    consented = Q()
    for kind, mapping in by_kind.items():
        consented |= Q(kind__in=list(mapping), client_id__in=allowed(kind))
    return _shape(
        Interaction.objects.filter(consented),
        client="client_id",
        product="product_id",
        when="occurred_at",
        code=_code_case("kind", INTERACTION_SIGNALS),
    )


def _wishlist_query(allowed: AllowedLookup) -> QuerySet:
    return _shape(
        WishlistItem.objects.filter(client_id__in=allowed(SIGNALS[CODE["save"]].kind)),
        client="client_id",
        product="product_id",
        when="added_at",
        code=Value(CODE["save"]),
    )


def _review_queries(allowed: AllowedLookup) -> dict[str, QuerySet]:
    """Stylist decisions, and the pieces a swap replaced."""
    review_kind = SIGNALS[CODE["stylist_kept"]].kind
    decisions = _shape(
        ReviewEvent.objects.filter(
            action__in=list(REVIEW_SIGNALS),
            product_id__isnull=False,
            lookbook__client_id__in=allowed(review_kind),
        ).exclude(action=ReviewAction.REMOVE, reason__in=REVIEW_REASONS_IGNORED),
        client="lookbook__client_id",
        product="product_id",
        when="created_at",
        code=_code_case("action", REVIEW_SIGNALS),
    )
    # A swap keeps the replaced piece as removed (ReviewEvent.payload["replaced_product"]);
    # like a removal it filters the piece when the stylist gave a reason about taste.
    swapped_out = _shape(
        ReviewEvent.objects.filter(
            action=ReviewAction.SWAP,
            reason__gt="",
            payload__has_key="replaced_product",
            lookbook__client_id__in=allowed(review_kind),
        ).exclude(reason__in=REVIEW_REASONS_IGNORED),
        client="lookbook__client_id",
        product=Cast(KeyTextTransform("replaced_product", "payload"), BigIntegerField()),
        when="created_at",
        code=Value(CODE["stylist_removed"]),
    )
    return {"reviews": decisions, "reviews:swapped_out": swapped_out}


def source_queries(
    purpose: Purpose,
    client_ids: list[int] | None = None,
    allowed: AllowedLookup | None = None,
) -> dict[str, QuerySet]:
    """One query per (table, data kind): each filtered by the consent for that kind.

    ``client_ids`` narrows every query to a few clients (drafting by hand).
    """

    def allowed_for(kind: DataKind) -> Any:
        return allowed(kind) if allowed is not None else allowed_clients(kind, purpose, client_ids)

    queries = {
        **_order_queries(allowed_for),
        "interactions": _interaction_query(allowed_for),
        "wishlist": _wishlist_query(allowed_for),
        **_review_queries(allowed_for),
    }
    if client_ids is None:
        return queries
    # The clients' own rows, found by index, before each kind's consent is checked (the
    # consent test alone, an OR over kinds, would scan a whole table for a few clients).
    return {name: qs.filter(sig_c__in=_ids(client_ids)) for name, qs in queries.items()}


def _latest_per_pair(
    client: np.ndarray, product: np.ndarray, ts: np.ndarray, *rest: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Keep the newest row of each (client, product) pair."""
    if len(client) == 0:
        return (client, product, ts, *rest)
    order = np.lexsort((ts, product, client))
    c, p = client[order], product[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (c[1:] != c[:-1]) | (p[1:] != p[:-1])
    keep = order[last]
    return (client[keep], product[keep], ts[keep], *(r[keep] for r in rest))


def _materialise_allowed(purpose: Purpose, client_ids: list[int] | None) -> AllowedLookup:
    """PostgreSQL: one temporary table of allowed client ids per distinct set of tiers."""
    tables: dict[tuple[str, ...], str] = {}
    with connection.cursor() as cursor:
        # Big one-off reads: JIT compilation costs seconds per query and saves nothing here.
        cursor.execute("SET LOCAL jit = off")
        for kind in sorted({s.kind for s in SIGNALS}):
            key = tuple(policy.tiers_allowing(kind, purpose))
            if key in tables:
                continue
            name = f"atelier_allowed_{len(tables)}"
            allowed = allowed_clients(kind, purpose, client_ids).order_by()
            sql, params = allowed.query.sql_with_params()
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TEMP TABLE {name} AS {sql}", params)
            cursor.execute(f"ANALYZE {name}")
            tables[key] = name

    def lookup(kind: DataKind) -> RawSQL:
        table = tables[tuple(policy.tiers_allowing(kind, purpose))]
        return RawSQL(f"SELECT pk FROM {table}", [])  # noqa: S608, S611 - our own table

    return lookup


def extract_signals(
    *, purpose: Purpose = Purpose.MODEL_TRAINING, client_ids: Iterable[int] | None = None
) -> SignalSet:
    """Every consented signal, as arrays (``client_ids`` narrows to some clients)."""
    started = time.perf_counter()
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    sources: dict[str, int] = {}
    wanted = None if client_ids is None else list(client_ids)
    reviews: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    with transaction.atomic():
        postgres = connection.vendor == "postgresql"
        lookup = _materialise_allowed(purpose, wanted) if postgres else None
        for name, qs in source_queries(purpose, wanted, lookup).items():
            rows = read_rows(qs)
            sources[name] = len(rows[0])
            (reviews if name.startswith("reviews") else parts).append(rows)
    if reviews:  # the latest stylist decision on each (client, piece) wins
        joined = [np.concatenate([r[i] for r in reviews]) for i in range(4)]
        parts.append(_latest_per_pair(*joined))  # type: ignore[arg-type]
    client = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, np.int64)
    product = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.int64)
    ts = np.concatenate([p[2] for p in parts]) if parts else np.empty(0, np.int64)
    code = np.concatenate([p[3] for p in parts]) if parts else np.empty(0, np.int8)

    # A save recorded both as an interaction and a wishlist row counts once.
    dedup = np.isin(code, [CODE[n] for n in DEDUPLICATED])
    if dedup.any():
        at = np.flatnonzero(dedup)
        order = np.lexsort((code[at], product[at], client[at]))
        c, p, k = client[at][order], product[at][order], code[at][order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (c[1:] != c[:-1]) | (p[1:] != p[:-1]) | (k[1:] != k[:-1])
        keep = np.sort(np.concatenate([np.flatnonzero(~dedup), at[order[first]]]))
        client, product, ts, code = client[keep], product[keep], ts[keep], code[keep]
    return SignalSet(
        client=client,
        product=product,
        ts=ts,
        code=code.astype(np.int8),
        purpose=purpose,
        read_seconds=time.perf_counter() - started,
        sources=sources,
    )
