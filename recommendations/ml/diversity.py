"""Greedy maximal marginal relevance with a per-category cap: the balance of a drafted list.

Pure numpy, shared by drafting (recommendations.pipeline.draft.diversity) and the offline
evaluation (recommendations.ml.evaluation), so that the list scored offline is chosen the
way a draft is.
"""

from __future__ import annotations

import numpy as np

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
