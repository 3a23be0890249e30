"""Stage 4, diversity: greedy maximal marginal relevance, so a lookbook is not twelve trenches.

Relevance is a candidate's rank in her shortlist (1 for her best, falling evenly to 0,
whatever the scale of the scores: ALS for some clients, content similarity for others),
plus the occasion boost (stage 3). MMR then picks, one at a time, the piece maximising
``lambda * relevance - (1 - lambda) * its similarity to the pieces already picked``,
similarity being 0.7 for the same category plus 0.3 for the same subcategory. The first
``size`` picks are the draft, the next ``alternates`` are offered to the stylist.

Balance, a hard rule on the draft (not the alternates): no category fills more than
``category_cap`` (5) of its ``size`` (12) pieces, unless 80% or more of her purchases are
in that category (``ClientHistory.dominant_category``): a client who buys almost only
fragrance may be shown mostly fragrance, one who bought two may not. When her valid
candidates cannot fill the draft within the cap, the best over-cap piece is taken rather
than a shorter draft, and the row is reported (``over_cap``) so that the drafter can
draw her a deeper pool first.
"""

from __future__ import annotations

import numpy as np

from recommendations.pipeline.draft.candidates import Offer
from recommendations.pipeline.draft.occasion import Occasions
from recommendations.pipeline.draft.plans import DraftSettings
from recommendations.pipeline.draft.rules import Shortlist

SAME_CATEGORY = 0.7
SAME_SUBCATEGORY = 0.3


def mmr_select(
    relevance: np.ndarray,
    valid: np.ndarray,
    category: np.ndarray,
    subcategory: np.ndarray,
    *,
    need: int,
    lam: float,
    cap: int | None = None,
    capped: int = 0,
    exempt: np.ndarray | None = None,
) -> np.ndarray:
    """Greedy maximal marginal relevance for many clients at once.

    Each step picks, per row, the valid candidate maximising
    ``lam * relevance - (1 - lam) * max similarity to the pieces already picked``, where
    similarity is 0.7 for the same category plus 0.3 for the same subcategory. Returns
    (rows, need) positions into the candidate arrays, -1 where a row ran out.

    With ``cap``, the first ``capped`` picks hold at most ``cap`` pieces of one category,
    except the row's ``exempt`` category (-1: none); a row with nothing left under the
    cap takes its best over-cap candidate.
    """
    n = relevance.shape[0]
    chosen = np.full((n, need), -1, dtype=np.int64)
    available = valid.copy()
    max_similarity = np.zeros(relevance.shape, dtype=np.float64)
    every = np.arange(n)
    counts: np.ndarray | None = None
    if cap is not None and capped > 0 and n:
        # per row, how many draft pieces each category already has
        counts = np.zeros((n, int(category.max()) + 1 if category.size else 1), dtype=np.int64)
    for step in range(need):
        value = lam * relevance - (1.0 - lam) * max_similarity
        value[~available] = -np.inf
        if counts is not None and step < capped:
            full = np.take_along_axis(counts, np.maximum(category, 0), axis=1) >= cap
            if exempt is not None:
                full &= category != exempt[:, None]
            under = np.where(full, -np.inf, value)
            # rows with something left under the cap must take it
            has_under = np.asarray(np.isfinite(under).any(axis=1), dtype=bool)
            value = np.where(has_under[:, None], under, value)
        pick = np.argmax(value, axis=1)
        ok = available[every, pick]
        chosen[ok, step] = pick[ok]
        available[every[ok], pick[ok]] = False
        picked_category = category[every, pick]
        if counts is not None and step < capped:
            np.add.at(counts, (every[ok], np.maximum(picked_category[ok], 0)), 1)
        similarity = SAME_CATEGORY * (category == picked_category[:, None]) + (
            SAME_SUBCATEGORY * (subcategory == subcategory[every, pick][:, None])
        )
        max_similarity = np.where(
            ok[:, None], np.maximum(max_similarity, similarity), max_similarity
        )
    return chosen


def over_cap(
    chosen: np.ndarray,
    category: np.ndarray,
    *,
    size: int,
    cap: int,
    exempt: np.ndarray,
) -> np.ndarray:
    """Rows whose draft (the first ``size`` picks) breaks the balance rule."""
    draft = chosen[:, :size]
    picked = np.where(draft >= 0, np.take_along_axis(category, np.maximum(draft, 0), 1), -1)
    worst = np.zeros(len(chosen), dtype=bool)
    for value in np.unique(picked[picked >= 0]).tolist():
        many = (picked == value).sum(axis=1) > cap
        worst |= many & (exempt != value)
    return worst


def relevance_by_rank(valid: np.ndarray) -> np.ndarray:
    """1 for her best valid candidate, falling evenly to 0 (the shortlist is sorted)."""
    n_valid = np.maximum(valid.sum(axis=1, keepdims=True), 1)
    rank = np.arange(valid.shape[1])[None, :]
    return np.where(valid, 1.0 - rank / n_valid, 0.0)


def diversify(
    rows: np.ndarray,
    short: Shortlist,
    occasions: Occasions,
    offer: Offer,
    settings: DraftSettings,
    exempt: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(len(rows), need) positions into the shortlist, in the order picked (-1 pads), and
    the rows whose draft still breaks the balance rule.

    ``exempt`` is each audience row's dominant category in the catalogue's codes (-1: none).
    """
    relevance = relevance_by_rank(short.valid)
    occasions.boost(rows, short.ids, short.valid, relevance, settings.occasion_boost)
    columns = np.maximum(short.ids, 0)
    category = offer.category[columns].astype(np.int64)
    category[~short.valid] = -1
    chosen = mmr_select(
        relevance,
        short.valid,
        category,
        offer.subcategory[columns],
        need=settings.need,
        lam=settings.mmr_lambda,
        cap=settings.category_cap,
        capped=settings.size,
        exempt=exempt[rows],
    )
    broken = over_cap(
        chosen, category, size=settings.size, cap=settings.category_cap, exempt=exempt[rows]
    )
    return chosen, broken
