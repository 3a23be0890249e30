"""Who needs a machine draft tonight, and why: one set-based read of the books.

A client needs a draft when all of these hold:

- she is active and in a stylist's book (an open BookAssignment: its stylist will be
  the draft's author and reviewer);
- her consent lets the model draft for her (``policy.may_draft_with_model``, asked once
  per tier: Essential clients get hand-made lookbooks only);
- no lookbook of hers is already waiting for review (draft or in review);
- and one of, in this order of priority:
  1. she has an open styling request with no lookbook answering it yet;
  2. an occasion of hers falls within ``OCCASION_WITHIN`` and has no lookbook yet;
  3. her last machine draft is older than ``STALE_AFTER`` (or she never had one);
  4. a stylist asked for her by name (``draft_lookbooks --client``), or something she just
     did (a purchase, a love, a styling request) asked for a fresh draft
     (``recommendations.services.refresh``): ``asked`` names which.

The nightly run (no clients named) drafts no more than each advisor can review while the
drafts are fresh: ``pipeline.capacity`` picks whom, by priority, from one narrow read of
the books; only the chosen clients are then read in full.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from clients.models import Occasion, OccasionKind
from consent import policy
from recommendations.models import Lookbook, LookbookStatus
from recommendations.pipeline import capacity as cap
from recommendations.pipeline.capacity import (  # noqa: F401 - REVIEWABLE re-exported
    OCCASION_WITHIN,
    REVIEWABLE,
    STALE_AFTER,
    draftable_tiers,
)
from stylists.models import StylingRequest, StylingRequestStatus

# How an occasion is named in a sentence when the stylist gave it no title.
OCCASION_NOUNS: dict[str, str] = {
    OccasionKind.BIRTHDAY: "birthday",
    OccasionKind.ANNIVERSARY: "anniversary",
    OccasionKind.WEDDING: "wedding",
    OccasionKind.GALA: "gala",
    OccasionKind.TRAVEL: "trip",
    OccasionKind.MILESTONE: "milestone",
    OccasionKind.HOLIDAY: "holidays",
    OccasionKind.OTHER: "occasion",
}


class Reason(StrEnum):
    STYLING_REQUEST = "styling_request"
    OCCASION = "occasion"
    STALE = "stale"
    MANUAL = "manual"
    REFRESH = "refresh"  # she just bought, loved or asked: her draft is redrafted now


@dataclass(frozen=True)
class OccasionInfo:
    pk: int
    kind: str
    label: str
    date: dt.date


@dataclass
class Audience:
    """The clients to draft for, as parallel columns (row i is one client)."""

    client_ids: np.ndarray
    author_ids: np.ndarray
    tiers: list[str]
    reasons: list[str]
    home_boutiques: np.ndarray
    sizes: list[dict[str, Any]]
    avoided: list[list[str]]
    price_min: np.ndarray  # nan when not stated
    price_max: np.ndarray
    preferences: list[dict[str, Any]]
    salutations: list[str]
    occasions: list[OccasionInfo | None]
    request_ids: np.ndarray  # -1 when none
    budgets: np.ndarray  # nan when none
    languages: list[str] = field(default_factory=list)  # each client's (drafts' titles)
    booked: int = 0
    not_allowed: int = 0
    already_open: int = 0
    up_to_date: int = 0
    deferred: int = 0  # need a draft, left for a later night: their advisor's queue is full
    by_reason: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.client_ids)


def _label(kind: str, title: str) -> str:
    noun = OCCASION_NOUNS.get(kind, "occasion")
    title = title.strip()
    # "Birthday" as a title says no more than the kind: "her birthday", not "her Birthday".
    return title if title and title.lower() not in (kind, noun) else noun


def _float(value: Decimal | None) -> float:
    return float(value) if value is not None else float("nan")


# The columns read for every booked client, in this order (rows are plain tuples).
BOOKED_COLUMNS = (
    "pk",
    "author",
    "consent_tier",
    "last_draft",
    "home_boutique_id",
    "sizes",
    "avoided",
    "price_band_min",
    "price_band_max",
    "preferred_categories",
    "preferred_colours",
    "preferred_materials",
    "style_keywords",
    "salutation",
    "has_open",
    "preferred_language",
)
PK, AUTHOR, TIER, LAST_DRAFT, HAS_OPEN, LANGUAGE = 0, 1, 2, 3, 14, 15


def _booked_rows(client_ids: list[int] | None) -> list[tuple[Any, ...]]:
    """Active clients in a stylist's book, with consent, open lookbooks and last draft."""
    # One read of the books: consent, open lookbooks and the last draft come along as
    # columns and are counted here, rather than re-running the query for each count.
    booked = (
        policy.annotate_tier(cap.booked_clients(client_ids))
        .annotate(has_open=cap.open_lookbook(), last_draft=cap.last_machine_draft())
        .order_by("pk")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")  # a one-off read: compiling costs more
        return list(booked.values_list(*BOOKED_COLUMNS))


def _booked_rows_of(client_ids: np.ndarray) -> list[tuple[Any, ...]]:
    """``_booked_rows`` for many clients, in chunks the database takes as parameters."""
    step = min(5000, max(100, (connection.features.max_query_params or 5000) - 100))
    ids = client_ids.tolist()
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), step):
        rows += _booked_rows(ids[start : start + step])
    return rows


@dataclass(frozen=True)
class _Unanswered:
    """Occasions and styling requests that no lookbook has answered yet, per client."""

    next_occasion: dict[int, OccasionInfo]  # client -> her next occasion in the window
    open_request: dict[int, tuple[int, float, int | None]]  # client -> (pk, budget, occasion)
    request_occasions: dict[int, OccasionInfo]  # occasion pk -> the occasion a request names


def _unanswered(today: dt.date, client_ids: list[int] | None) -> _Unanswered:
    # Withdrawn lookbooks do not count: consent took them away, not a stylist.
    answered = Lookbook.objects.exclude(status=LookbookStatus.WITHDRAWN)
    occasions = Occasion.objects.filter(
        next_date__gte=today, next_date__lte=today + OCCASION_WITHIN
    ).exclude(Exists(answered.filter(occasion=OuterRef("pk"))))
    requests = StylingRequest.objects.filter(status=StylingRequestStatus.OPEN).exclude(
        Exists(answered.filter(styling_request=OuterRef("pk")))
    )
    if client_ids is not None:
        occasions = occasions.filter(client_id__in=client_ids)
        requests = requests.filter(client_id__in=client_ids)
    next_occasion: dict[int, OccasionInfo] = {}
    for pk, client_id, kind, title, day in occasions.order_by(
        "client_id", "next_date", "pk"
    ).values_list("pk", "client_id", "kind", "title", "next_date"):
        if day is not None:  # the window filter guarantees it; this tells the type checker
            next_occasion.setdefault(client_id, OccasionInfo(pk, kind, _label(kind, title), day))
    open_request: dict[int, tuple[int, float, int | None]] = {}
    for pk, client_id, budget, occasion_id in requests.order_by(
        "client_id", "due_at", "pk"
    ).values_list("pk", "client_id", "budget_max", "occasion_id"):
        open_request.setdefault(client_id, (pk, _float(budget), occasion_id))
    request_occasions = {
        pk: OccasionInfo(pk, kind, _label(kind, title), day or date)
        for pk, kind, title, day, date in Occasion.objects.filter(
            pk__in=[o for _, _, o in open_request.values() if o is not None]
        ).values_list("pk", "kind", "title", "next_date", "date")
    }
    return _Unanswered(next_occasion, open_request, request_occasions)


@dataclass
class _Chosen:
    """The clients who need a draft, with why and what the draft answers."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    occasions: list[OccasionInfo | None] = field(default_factory=list)
    request_ids: list[int] = field(default_factory=list)
    budgets: list[float] = field(default_factory=list)
    up_to_date: int = 0


def _choose(
    rows: list[tuple[Any, ...]],
    unanswered: _Unanswered,
    *,
    now: dt.datetime,
    by_hand: bool,
    asked: str = Reason.MANUAL,
) -> _Chosen:
    """Her reason, in order of priority: request, occasion, stale, asked for by hand."""
    stale_before = now - STALE_AFTER
    chosen = _Chosen()
    for row in rows:
        client_id, last = row[PK], row[LAST_DRAFT]
        reason: str
        request = unanswered.open_request.get(client_id)
        occasion = unanswered.next_occasion.get(client_id)
        if request is not None:
            reason = Reason.STYLING_REQUEST
            occasion = (
                unanswered.request_occasions.get(request[2]) if request[2] is not None else None
            )
        elif occasion is not None:
            reason = Reason.OCCASION
        elif last is None or last < stale_before:
            reason = Reason.STALE
        elif by_hand:
            reason = asked
        else:
            chosen.up_to_date += 1
            continue
        chosen.rows.append(row)
        chosen.reasons.append(str(reason))
        chosen.occasions.append(occasion)
        chosen.request_ids.append(request[0] if request else -1)
        chosen.budgets.append(request[1] if request else float("nan"))
    return chosen


def _audience(chosen: _Chosen) -> Audience:
    picked = chosen.rows
    by_reason: dict[str, int] = {}
    for reason in chosen.reasons:
        by_reason[str(reason)] = by_reason.get(str(reason), 0) + 1
    return Audience(
        client_ids=np.array([r[0] for r in picked], dtype=np.int64),
        author_ids=np.array([r[1] for r in picked], dtype=np.int64),
        tiers=[str(r[2]) for r in picked],
        reasons=chosen.reasons,
        home_boutiques=np.array([r[4] for r in picked], dtype=np.int64),
        sizes=[r[5] if isinstance(r[5], dict) else {} for r in picked],
        avoided=[list(r[6] or []) for r in picked],
        price_min=np.array([_float(r[7]) for r in picked], dtype=np.float64),
        price_max=np.array([_float(r[8]) for r in picked], dtype=np.float64),
        preferences=[
            {"categories": r[9], "colours": r[10], "materials": r[11], "keywords": r[12]}
            for r in picked
        ],
        salutations=[r[13] or "" for r in picked],
        languages=[r[LANGUAGE] or "en" for r in picked],
        occasions=chosen.occasions,
        request_ids=np.array(chosen.request_ids, dtype=np.int64),
        budgets=np.array(chosen.budgets, dtype=np.float64),
        up_to_date=chosen.up_to_date,
        by_reason=by_reason,
    )


def _priorities(
    books: cap.Books, unanswered: _Unanswered, *, now: dt.datetime
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """Who needs a draft (a mask over the books), her priority group and ordering keys."""
    ids = books.client_ids
    requested = np.isin(ids, np.fromiter(unanswered.open_request, dtype=np.int64))
    occasion_day = np.full(len(ids), np.inf)
    if unanswered.next_occasion:
        with_occasion = np.fromiter(unanswered.next_occasion, dtype=np.int64)
        days = np.array([o.date.toordinal() for o in unanswered.next_occasion.values()])
        at = np.searchsorted(ids, with_occasion)
        found = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == with_occasion)
        occasion_day[at[found]] = days[found]
    stale_before = (now - STALE_AFTER).timestamp()
    stale = np.isnan(books.last_draft) | (books.last_draft < stale_before)
    has_occasion = np.isfinite(occasion_day)
    needing = books.allowed & ~books.has_open & (requested | has_occasion | stale)
    urgent = occasion_day <= (timezone.localdate(now) + cap.OCCASION_URGENT).toordinal()
    group = np.select(
        [requested, has_occasion & urgent, has_occasion],
        [cap.REQUEST, cap.URGENT_OCCASION, cap.OCCASION],
        default=cap.ROUTINE,
    )
    keys = (
        occasion_day,  # soonest occasion first
        np.where(np.isnan(books.need), np.inf, -books.need),  # greatest need first
        np.where(np.isnan(books.last_draft), -np.inf, books.last_draft),  # never, then oldest
        ids,
    )
    return needing, group, keys


def _nightly(*, now: dt.datetime, capacity: int) -> Audience:
    """The nightly audience: who needs a draft, within each advisor's review capacity."""
    books = cap.read_books(draftable_tiers())
    unanswered = _unanswered(timezone.localdate(now), None)
    needing, group, keys = _priorities(books, unanswered, now=now)
    at = np.flatnonzero(needing)
    chosen = cap.within_capacity(
        books.author_ids[at],
        group[at],
        tuple(k[at] for k in keys),
        capacity=capacity,
        waiting=cap.waiting_per_advisor() if capacity > 0 else {},
    )
    tiers = set(draftable_tiers())
    rows = [
        r
        for r in _booked_rows_of(books.client_ids[at[chosen]])
        if r[TIER] in tiers and not r[HAS_OPEN]
    ]
    audience = _audience(_choose(rows, unanswered, now=now, by_hand=False))
    audience.booked = len(books)
    audience.not_allowed = int((~books.allowed).sum())
    audience.already_open = int((books.allowed & books.has_open).sum())
    audience.up_to_date = int((books.allowed & ~books.has_open & ~needing).sum())
    audience.deferred = int((~chosen).sum())
    return audience


def find_audience(
    *,
    now: dt.datetime,
    client_ids: list[int] | None = None,
    asked: str = Reason.MANUAL,
    capacity: int | None = None,
) -> Audience:
    """Everyone who needs a draft now; ``client_ids`` asks for those clients by hand.

    ``asked`` is the reason recorded when nothing more pressing applies to a client asked
    for by id: "manual" (an advisor) or "refresh" (her own purchase, love or request).
    Without ``client_ids``, each advisor's queue holds at most ``capacity`` machine drafts
    (default ``RECOMMENDER_DRAFTS_PER_ADVISOR``; 0: no cap; see ``pipeline.capacity``);
    clients asked for by hand are never capped.
    """
    if client_ids is None:
        if capacity is None:
            capacity = int(settings.RECOMMENDER_DRAFTS_PER_ADVISOR)
        return _nightly(now=now, capacity=capacity)
    every = _booked_rows(client_ids)
    tiers = set(draftable_tiers())
    allowed = [r for r in every if r[TIER] in tiers]
    rows = [r for r in allowed if not r[HAS_OPEN]]
    unanswered = _unanswered(timezone.localdate(now), client_ids)
    audience = _audience(_choose(rows, unanswered, now=now, by_hand=True, asked=asked))
    audience.booked = len(every)
    audience.not_allowed = len(every) - len(allowed)
    audience.already_open = len(allowed) - len(rows)
    return audience
