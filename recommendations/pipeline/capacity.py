"""Review capacity: the nightly run drafts no more than each advisor can review while fresh.

A machine draft is worth something only while an advisor can still review it: its stock,
its prices and the client's last purchases move on within days. So the nightly run keeps
at most ``RECOMMENDER_DRAFTS_PER_ADVISOR`` machine drafts waiting in one advisor's queue
(drafts and lookbooks in review that the machine wrote and she authors), and picks whom to
draft, per advisor, in this order:

1. never capped: an open styling request (answered within hours) and an occasion within
   ``OCCASION_URGENT`` (three weeks: a few days to review, the rest for the client to come
   in, order or have it altered). These come first and take queue space like any draft;
2. then, within what is left of her capacity: occasions further out (within the drafting
   window), soonest first;
3. then routine clients (no draft for ``STALE_AFTER``, or never drafted), by need: the
   client outlook's churn risk × predicted value when there is one (highest first), then
   never drafted, then the oldest draft.

The others are *deferred*: they still need a draft and get one on a later night, as the
queue clears. Everything here is a handful of queries and numpy over the booked clients
(one row each, no Python per client); only the chosen clients are read in full
(``audience``). Asking for clients by hand (``draft_lookbooks --client``, the refresh
after a purchase) is never capped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from clients.models import Client, ClientStatus, Occasion
from consent import policy
from consent.models import ConsentTier
from recommendations.models import ClientOutlook, Lookbook, LookbookOrigin, LookbookStatus
from recommendations.pipeline.rows import read_rows
from stylists.models import BookAssignment

REVIEWABLE = (LookbookStatus.DRAFT, LookbookStatus.IN_REVIEW)
STALE_AFTER = dt.timedelta(days=28)
OCCASION_WITHIN = dt.timedelta(days=60)
OCCASION_URGENT = dt.timedelta(days=21)
# Priority groups, in order (lower first); the first two are never capped.
REQUEST, URGENT_OCCASION, OCCASION, ROUTINE = 0, 1, 2, 3


def draftable_tiers() -> list[str]:
    """The tiers for which the consent policy lets the model draft (asked, not copied)."""
    return [
        tier
        for tier in ConsentTier.values
        if policy.may_draft_with_model(policy.ConsentState(client_id=0, tier=tier))
    ]


def booked_clients(client_ids: list[int] | None = None) -> QuerySet[Client]:
    """Active clients in a stylist's book, with ``author``: the stylist of that book."""
    booked = Client.objects.filter(status=ClientStatus.ACTIVE)
    if client_ids is not None:
        booked = booked.filter(pk__in=client_ids)
    open_book = BookAssignment.objects.filter(client=OuterRef("pk"), ended_at__isnull=True)
    return booked.annotate(author=Subquery(open_book.values("stylist_id")[:1])).filter(
        author__isnull=False
    )


def open_lookbook() -> Exists:
    return Exists(Lookbook.objects.filter(client=OuterRef("pk"), status__in=REVIEWABLE))


def last_machine_draft() -> Subquery:
    return Subquery(
        Lookbook.objects.filter(client=OuterRef("pk"), origin=LookbookOrigin.MODEL)
        .order_by("-created_at")
        .values("created_at")[:1]
    )


@dataclass(frozen=True)
class Books:
    """Every booked client as one row of narrow columns (row i is one client)."""

    client_ids: np.ndarray  # int64, ascending
    author_ids: np.ndarray  # int64
    allowed: np.ndarray  # bool: her consent lets the model draft for her
    has_open: np.ndarray  # bool: a lookbook of hers already waits for review
    last_draft: np.ndarray  # float unix seconds of her last machine draft, nan: never
    need: np.ndarray  # float churn risk x predicted value, nan: no outlook

    def __len__(self) -> int:
        return len(self.client_ids)


def _lookup(keys: np.ndarray, table_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` of ``table_keys`` (ascending, unique) for each of ``keys``; nan if absent."""
    out = np.full(len(keys), np.nan)
    if len(table_keys):
        at = np.minimum(np.searchsorted(table_keys, keys), len(table_keys) - 1)
        found = table_keys[at] == keys
        out[found] = values[at[found]]
    return out


def _shaped(qs: QuerySet[Any], *, other: Any, when: str, code: Any) -> QuerySet[Any]:
    """Four integer columns, as pipeline.rows reads them (binary COPY on PostgreSQL)."""
    return (
        qs.order_by()
        .annotate(sig_c=F("client_id") if qs.model is not Client else F("pk"))
        .annotate(sig_p=other, sig_t=F(when), sig_k=code)
        .values_list("sig_c", "sig_p", "sig_t", "sig_k")
    )


def _flag(condition: Q, value: int) -> Case:
    return Case(When(condition, then=Value(value)), default=Value(0), output_field=IntegerField())


def _last_per_client(client: np.ndarray, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(clients ascending, each one's latest ts)."""
    order = np.lexsort((ts, client))
    c, t = client[order], ts[order]
    last = np.ones(len(c), dtype=bool)
    last[:-1] = c[1:] != c[:-1]
    return c[last], t[last]


def read_books(draftable: list[str]) -> Books:
    """The books as a few set-based reads (no correlated subquery per row but the tier's).

    Her advisor (her open assignment), her tier (consent.policy), whether a lookbook of
    hers waits for review, her last machine draft and her outlook's need; joined here.
    """
    zero = Value(0, output_field=BigIntegerField())
    open_book = BookAssignment.objects.filter(ended_at__isnull=True)
    booked = Client.objects.filter(status=ClientStatus.ACTIVE, pk__in=open_book.values("client_id"))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")  # one-off reads: compiling costs more
        book_c, book_s, _, _ = read_rows(
            _shaped(open_book, other=F("stylist_id"), when="started_at", code=zero)
        )
        tier_c, _, _, tier_ok = read_rows(
            _shaped(
                policy.annotate_tier(booked),
                other=zero,
                when="created_at",
                code=_flag(Q(consent_tier__in=draftable), 1),
            )
        )
        lb_c, _, lb_t, lb_k = read_rows(
            _shaped(
                Lookbook.objects.filter(Q(status__in=REVIEWABLE) | Q(origin=LookbookOrigin.MODEL)),
                other=zero,
                when="created_at",
                code=_flag(Q(status__in=REVIEWABLE), 1) + _flag(Q(origin=LookbookOrigin.MODEL), 2),
            )
        )
        need = list(
            ClientOutlook.objects.order_by("client_id")
            .annotate(need=F("churn_risk") * Cast("predicted_value", FloatField()))
            .values_list("client_id", "need")
        )
    ids = np.sort(tier_c)  # active booked clients
    first = np.unique(book_c, return_index=True)[1]  # one open assignment per client
    authors = _lookup(ids, book_c[first], book_s[first].astype(np.float64))
    machine = (lb_k & 2) > 0
    last_c, last_t = _last_per_client(lb_c[machine], lb_t[machine])
    need_c = np.array([c for c, _ in need], dtype=np.int64)
    need_v = np.array([n if n is not None else np.nan for _, n in need], dtype=np.float64)
    return Books(
        client_ids=ids,
        author_ids=authors.astype(np.int64),
        allowed=np.isin(ids, tier_c[tier_ok > 0]),
        has_open=np.isin(ids, lb_c[(lb_k & 1) > 0]),
        last_draft=_lookup(ids, last_c, last_t.astype(np.float64)),
        need=_lookup(ids, need_c, need_v),
    )


def waiting_per_advisor() -> dict[int, int]:
    """Machine drafts waiting for review (draft or in review), per author."""
    return dict(
        Lookbook.objects.filter(
            Q(status__in=REVIEWABLE), origin=LookbookOrigin.MODEL, author__isnull=False
        )
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values_list("author", "n")
    )


def within_capacity(
    author_ids: np.ndarray,
    group: np.ndarray,
    keys: tuple[np.ndarray, ...],
    *,
    capacity: int,
    waiting: dict[int, int],
) -> np.ndarray:
    """Which rows get a draft: groups 0-1 always, the rest per author while she has room.

    ``keys`` order the rows within a group (first key first, lower first); a row's room is
    ``capacity`` minus the drafts already waiting for its author minus tonight's uncapped
    ones, taken in order of (group, keys). ``capacity`` 0 means no cap.
    """
    n = len(author_ids)
    chosen = np.ones(n, dtype=bool)
    if capacity <= 0 or n == 0:
        return chosen
    uncapped = group <= URGENT_OCCASION
    authors, inverse = np.unique(author_ids, return_inverse=True)
    held = np.array([waiting.get(int(a), 0) for a in authors], dtype=np.int64)
    held += np.bincount(inverse[uncapped], minlength=len(authors))
    room = np.maximum(capacity - held, 0)
    capped = np.flatnonzero(~uncapped)
    # lexsort sorts by its last key first: the author, then the group, then each key.
    order = capped[
        np.lexsort((*(k[capped] for k in reversed(keys)), group[capped], inverse[capped]))
    ]
    by_author = inverse[order]
    first = np.searchsorted(by_author, by_author, side="left")
    rank = np.arange(len(order)) - first
    chosen[order] = rank < room[by_author]
    return chosen


def due_in_book(stylist_id: int, *, now: dt.datetime) -> int:
    """Her clients who need a machine draft and have none waiting: what later nights draft.

    The same rule as the nightly audience (consent, nothing waiting for review, stale or
    never drafted, or an occasion within the window not answered yet), as one count.
    """
    today = timezone.localdate(now)
    answered = Lookbook.objects.exclude(status=LookbookStatus.WITHDRAWN)
    occasion = Occasion.objects.filter(
        client=OuterRef("pk"), next_date__gte=today, next_date__lte=today + OCCASION_WITHIN
    ).exclude(Exists(answered.filter(occasion=OuterRef("pk"))))
    recent = Lookbook.objects.filter(
        client=OuterRef("pk"), origin=LookbookOrigin.MODEL, created_at__gte=now - STALE_AFTER
    )
    book = BookAssignment.objects.filter(stylist_id=stylist_id, ended_at__isnull=True)
    clients = Client.objects.filter(status=ClientStatus.ACTIVE, pk__in=book.values("client_id"))
    return (
        policy.annotate_tier(clients)
        .filter(consent_tier__in=draftable_tiers())
        .exclude(open_lookbook())
        .filter(~Exists(recent) | Exists(occasion))
        .count()
    )
