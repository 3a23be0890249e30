"""Offline, the list a draft would show: the model's best re-chosen for balance, against raw.

The drafting stage re-chooses a client's best candidates with MMR under a category cap
(recommendations.pipeline.draft.diversity). ``balanced_block`` does the same to the
model's top ``BALANCE_POOL`` on an evaluation split and scores the result, so that the
cost of balance in nDCG is measured, not guessed: the cap alone, MMR alone, and both
(what is drafted), each with its share of lists breaking the rule and the mean share of
the largest category.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .als import ALSModel, recommend
from .diversity import mmr_select, over_cap
from .metrics import ranking_metrics
from .ranking import select_top
from .splits import Split

BALANCE_POOL = 48  # DraftSettings.mmr_pool: the candidates drafting chooses from
BALANCE_LAMBDA = 0.6  # DraftSettings.mmr_lambda
BALANCE_SHARE = 5 / 12  # DraftSettings.category_share
DOMINANT_SHARE = 0.8  # DraftSettings.dominant_share


def top_per_category(
    scores: np.ndarray, category: np.ndarray, per_category: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best ``per_category`` columns in every category, merged best first.

    ``scores`` is (rows, columns), -inf where a column may not be offered to that row;
    ``category`` gives each column's category code. The answer is (ids, scores), both
    (rows, categories x per_category): column ids best score first, -1 / -inf padding
    at the end. When a client's best candidates all fall in one or two categories, this
    is the widened pool her draft is balanced from: the model's (or content's) own
    ranking, read on in every category she has not yet been offered.
    """
    n_rows = scores.shape[0]
    codes = np.unique(category[category >= 0])
    if n_rows == 0 or not len(codes) or per_category < 1:
        return np.full((n_rows, 0), -1, np.int64), np.full((n_rows, 0), -np.inf, np.float32)
    id_blocks: list[np.ndarray] = []
    score_blocks: list[np.ndarray] = []
    for code in codes.tolist():
        columns = np.flatnonzero(category == code)
        ids, best = select_top(scores[:, columns], per_category)
        id_blocks.append(np.where(ids >= 0, columns[np.maximum(ids, 0)], -1))
        score_blocks.append(best)
    ids, best = np.hstack(id_blocks), np.hstack(score_blocks)
    order = np.argsort(-best, axis=1, kind="stable")  # -inf (padding) sorts last
    return np.take_along_axis(ids, order, 1), np.take_along_axis(best, order, 1)


def _dominant(train: Any, category: np.ndarray) -> np.ndarray:
    """Per client row, the category of 80%+ of her training lines, else -1."""
    coo = train.tocoo()
    n_categories = int(category.max()) + 1
    counts = np.zeros((train.shape[0], n_categories), dtype=np.float64)
    np.add.at(counts, (coo.row, category[coo.col]), 1.0)
    total = counts.sum(axis=1)
    top = counts.argmax(axis=1)
    ok = (total > 0) & (counts[np.arange(len(top)), top] >= DOMINANT_SHARE * total)
    return np.where(ok, top, -1)


def _balance(ids: np.ndarray, category: np.ndarray, exempt: np.ndarray, k: int) -> dict[str, float]:
    picked = np.where(ids >= 0, category[np.maximum(ids, 0)], -1)
    cap = max(1, round(k * BALANCE_SHARE))
    largest = np.array(
        [
            np.bincount(row[row >= 0]).max() / max(1, (row >= 0).sum()) if (row >= 0).any() else 0
            for row in picked
        ]
    )
    breaking = over_cap(
        np.tile(np.arange(k), (len(ids), 1)), picked, size=k, cap=cap, exempt=exempt
    )
    return {
        "breaking_share": round(float(breaking.mean()), 4),
        "mean_largest_category_share": round(float(largest.mean()), 4),
    }


def balanced_block(
    model: ALSModel, data: Split, users: np.ndarray, *, k: int, categories: list[str]
) -> dict[str, Any]:
    """nDCG@k of the balanced list (MMR + category cap, as drafted) against the raw top-k."""
    train, test = data.train.csr, data.test
    names = sorted(set(categories))
    code = {c: i for i, c in enumerate(names)}
    category = np.array([code[c] for c in categories], dtype=np.int64)
    pool, _ = recommend(model, train, users, n=BALANCE_POOL)
    raw = ranking_metrics(pool[:, :k], test, k=k, users=users, n_items=train.shape[1]).ndcg
    valid = pool >= 0
    n_valid = np.maximum(valid.sum(axis=1, keepdims=True), 1)
    relevance = np.where(valid, 1.0 - np.arange(pool.shape[1])[None, :] / n_valid, 0.0)
    pool_category = np.where(valid, category[np.maximum(pool, 0)], -1)
    exempt = _dominant(train, category)[users]
    cap = max(1, round(k * BALANCE_SHARE))
    out: dict[str, Any] = {
        "k": k,
        "pool": BALANCE_POOL,
        "cap": cap,
        "category": "product type: last word of the description",
        "categories": len(names),
        "raw": {"ndcg": round(raw, 4), **_balance(pool[:, :k], category, exempt, k)},
    }
    for name, lam, capped in (
        ("cap_only", 1.0, True),
        ("mmr_only", BALANCE_LAMBDA, False),
        ("drafted", BALANCE_LAMBDA, True),
    ):
        chosen = mmr_select(
            relevance,
            valid,
            pool_category,
            pool_category,
            need=k,
            lam=lam,
            cap=cap if capped else None,
            capped=k if capped else 0,
            exempt=exempt,
        )
        ids = np.where(chosen >= 0, np.take_along_axis(pool, np.maximum(chosen, 0), 1), -1)
        metrics = ranking_metrics(ids, test, k=k, users=users, n_items=train.shape[1])
        out[name] = {
            "ndcg": round(metrics.ndcg, 4),
            "ndcg_vs_raw": round(metrics.ndcg / raw, 4) if raw > 0 else None,
            "coverage": round(metrics.coverage, 4),
            **_balance(ids, category, exempt, k),
        }
    return out
