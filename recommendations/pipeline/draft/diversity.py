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

from recommendations.ml.diversity import SAME_CATEGORY as SAME_CATEGORY
from recommendations.ml.diversity import SAME_SUBCATEGORY as SAME_SUBCATEGORY
from recommendations.ml.diversity import mmr_select, over_cap
from recommendations.pipeline.draft.candidates import Offer
from recommendations.pipeline.draft.occasion import Occasions
from recommendations.pipeline.draft.plans import DraftSettings
from recommendations.pipeline.draft.rules import Shortlist


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
