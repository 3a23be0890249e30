"""What drafting is told and what it hands on: settings, planned drafts, counts and titles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from clients.models import OccasionKind
from core.l10n import format_when
from recommendations.pipeline.audience import OCCASION_NOUNS, OccasionInfo


@dataclass(frozen=True)
class DraftSettings:
    """The knobs of a drafting run; each stage reads the ones it needs."""

    size: int = 12  # pieces in a draft
    alternates: int = 12  # further pieces offered to the stylist for swaps
    pool: int = 64  # candidates drawn per client
    refill_pool: int = 512  # the deeper pool for a client the rules leave short
    mmr_pool: int = 48  # her best valid candidates, which MMR chooses from
    per_category: int = 24  # still unbalanced after refill_pool: her best in every category
    mmr_lambda: float = 0.6  # relevance against diversity
    occasion_boost: float = 0.5  # added to the relevance of pieces tagged for her occasion
    price_multiple: float = 2.5  # derived price ceiling: this x her purchase quantile
    price_quantile: float = 0.9
    min_items: int = 6  # fewer pieces than this (or than ``size``): no draft
    batch: int = 2048  # clients planned together
    cold_batch: int = 512  # clients without history scored by content together
    history: int = 16  # strongest pieces of her history kept for explanations
    explain_with: int = 2
    category_share: float = 5 / 12  # at most this share of a draft in one category...
    dominant_share: float = 0.8  # ...unless this share of her purchases is in it

    @property
    def category_cap(self) -> int:
        """Pieces of one category a draft may hold: 5 of 12."""
        return max(1, round(self.size * self.category_share))

    @property
    def need(self) -> int:
        """Pieces picked per client: the draft and its alternates."""
        return self.size + self.alternates


@dataclass
class DraftedItem:
    product_id: int
    variant_id: int | None
    score: float
    why: str


@dataclass
class PlannedDraft:
    row: int
    client_id: int
    author_id: int
    reason: str
    occasion: OccasionInfo | None
    request_id: int | None
    items: list[DraftedItem]
    alternates: list[DraftedItem]
    data_basis: dict[str, Any]
    cold: bool
    language: str = "en"  # the client's: the language of the draft's title


@dataclass
class DraftStats:
    candidates: int = 0
    new_products_placed: int = 0
    warm: int = 0
    cold: int = 0
    refilled: int = 0
    rebalanced: int = 0  # clients given a deeper pool because the cap left them short
    widened: int = 0  # ...chosen again from her best in every category
    over_cap: int = 0  # drafts MMR could not balance (too few categories)...
    shortened: int = 0  # ...shipped shorter and balanced, the over-cap pieces as alternates
    too_few: int = 0
    stages: dict[str, float] = field(default_factory=dict)


# The title a draft arrives with, in the client's language: she reads it (the stylist may
# change it before publishing). An occasion of a known kind is named by the kind; one
# the advisor named herself keeps its name (audience._label).
_FOR_KIND = {
    OccasionKind.BIRTHDAY: gettext_noop("For the birthday, %(date)s"),
    OccasionKind.ANNIVERSARY: gettext_noop("For the anniversary, %(date)s"),
    OccasionKind.WEDDING: gettext_noop("For the wedding, %(date)s"),
    OccasionKind.GALA: gettext_noop("For the gala, %(date)s"),
    OccasionKind.TRAVEL: gettext_noop("For the trip, %(date)s"),
    OccasionKind.MILESTONE: gettext_noop("For the milestone, %(date)s"),
    OccasionKind.HOLIDAY: gettext_noop("For the holidays, %(date)s"),
    OccasionKind.OTHER: gettext_noop("For the occasion, %(date)s"),
}
_FOR_NAMED = gettext_noop("For the %(occasion)s, %(date)s")
_FOR_REQUEST = gettext_noop("In answer to your styling request")
_SELECTED = gettext_noop("Selected for you, %(month)s")


def lookbook_title(plan: PlannedDraft, *, now: dt.datetime) -> str:
    """The draft's first title, in the client's language ("Pour l’anniversaire, 13 décembre")."""
    with translation.override(plan.language):
        occasion = plan.occasion
        if occasion is not None:
            day = _day(occasion.date, plan.language)
            if occasion.label == OCCASION_NOUNS.get(occasion.kind):
                return gettext(_FOR_KIND[OccasionKind(occasion.kind)]) % {"date": day}
            return gettext(_FOR_NAMED) % {"occasion": occasion.label, "date": day}
        if plan.request_id is not None:
            return gettext(_FOR_REQUEST)
        return gettext(_SELECTED) % {"month": _month(now, plan.language)}


def _day(day: dt.date, language: str) -> str:
    # English keeps the house's day-month order ("13 December"), not CLDR's "December 13"
    return f"{day.day} {day:%B}" if language == "en" else format_when(day, "day_month", language)


def _month(now: dt.datetime, language: str) -> str:
    return f"{now:%B %Y}" if language == "en" else format_when(now, "month_year", language)
