"""Stage 4, diversity: greedy maximal marginal relevance, so a lookbook is not twelve trenches.

Relevance is a candidate's rank in her shortlist (1 for her best, falling evenly to 0,
whatever the scale of the scores: ALS for some clients, content similarity for others),
plus the occasion boost (stage 3). MMR then picks, one at a time, the piece maximising
``lambda * relevance - (1 - lambda) * its similarity to the pieces already picked``,
similarity being 0.7 for the same category plus 0.3 for the same subcategory. The first
``size`` picks are the draft, the next ``alternates`` are offered to the stylist.
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
) -> np.ndarray:
    """Greedy maximal marginal relevance for many clients at once.

    Each step picks, per row, the valid candidate maximising
    ``lam * relevance - (1 - lam) * max similarity to the pieces already picked``, where
    similarity is 0.7 for the same category plus 0.3 for the same subcategory. Returns
    (rows, need) positions into the candidate arrays, -1 where a row ran out.
    """
    n = relevance.shape[0]
    chosen = np.full((n, need), -1, dtype=np.int64)
    available = valid.copy()
    max_similarity = np.zeros(relevance.shape, dtype=np.float64)
    every = np.arange(n)
    for step in range(need):
        value = lam * relevance - (1.0 - lam) * max_similarity
        value[~available] = -np.inf
        pick = np.argmax(value, axis=1)
        ok = available[every, pick]
        chosen[ok, step] = pick[ok]
        available[every[ok], pick[ok]] = False
        similarity = SAME_CATEGORY * (category == category[every, pick][:, None]) + (
            SAME_SUBCATEGORY * (subcategory == subcategory[every, pick][:, None])
        )
        max_similarity = np.where(
            ok[:, None], np.maximum(max_similarity, similarity), max_similarity
        )
    return chosen


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
) -> np.ndarray:
    """(len(rows), need) positions into the shortlist, in the order picked; -1 pads."""
    relevance = relevance_by_rank(short.valid)
    occasions.boost(rows, short.ids, short.valid, relevance, settings.occasion_boost)
    columns = np.maximum(short.ids, 0)
    return mmr_select(
        relevance,
        short.valid,
        offer.category[columns],
        offer.subcategory[columns],
        need=settings.need,
        lam=settings.mmr_lambda,
    )
