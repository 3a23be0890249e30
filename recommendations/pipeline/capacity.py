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

import numpy as np
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast
from django.utils import timezone

from clients.models import Client, ClientStatus, Occasion
from consent import policy
from consent.models import ConsentTier
from recommendations.models import Lookbook, LookbookOrigin, LookbookStatus
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


def read_books(draftable: list[str]) -> Books:
    """One narrow read of the books (no JSON, no wide columns)."""
    rows = (
        policy.annotate_tier(booked_clients())
        .annotate(
            has_open=open_lookbook(),
            last_draft=last_machine_draft(),
            need=F("outlook__churn_risk") * Cast("outlook__predicted_value", FloatField()),
        )
        .order_by("pk")
        .values_list("pk", "author", "consent_tier", "has_open", "last_draft", "need")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")  # a one-off read: compiling costs more
        every = list(rows)
    tiers = set(draftable)
    return Books(
        client_ids=np.array([r[0] for r in every], dtype=np.int64),
        author_ids=np.array([r[1] for r in every], dtype=np.int64),
        allowed=np.array([r[2] in tiers for r in every], dtype=bool),
        has_open=np.array([bool(r[3]) for r in every], dtype=bool),
        last_draft=np.array(
            [r[4].timestamp() if r[4] is not None else np.nan for r in every], dtype=np.float64
        ),
        need=np.array([r[5] if r[5] is not None else np.nan for r in every], dtype=np.float64),
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
