"""Scoring clients against item factors: fold-in, implicit's top-k, and hold-out metrics.

Shared by training (judging a model on the hold-out window) and drafting (each client's
candidates from the active model):

- ``fold_in``: a client's vector from her confidence row, one least-squares half-step
  against the item factors (implicit's ``recalculate_user``, or a few conjugate-gradient
  steps from her trained vector);
- ``scaled_item_factors`` and ``top_items``: scores with the popularity penalty folded in,
  through implicit's threaded top-k;
- ``score_on_split`` and ``popularity_on_split``: nDCG/precision/recall/MAP/coverage@k of
  a model (or of most-popular) on a split's hold-out truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from implicit.cpu import _als
from implicit.cpu.topk import topk
from threadpoolctl import threadpool_limits

from recommendations.ml.als import ALSModel
from recommendations.ml.baselines import recommend_popular
from recommendations.ml.matrix import confidence, encode
from recommendations.ml.metrics import ndcg_per_user, ranking_metrics
from recommendations.ml.splits import Split

SCORE_FLOOR = -1e30  # implicit's topk marks filtered slots with -FLT_MAX


def fold_in(
    model: ALSModel,
    rows: sp.csr_matrix,
    *,
    start: np.ndarray | None = None,
    cg_steps: int = 3,
) -> np.ndarray:
    """Client vectors from confidence rows (in the model's item space): one half-step.

    Without ``start`` the least-squares problem is solved exactly (Cholesky, implicit's
    ``recalculate_user``). With ``start`` (the vectors the clients had at training time)
    a few conjugate-gradient steps move them to the solution for their current rows, as
    implicit's own fit does between iterations: far cheaper for tens of thousands of
    clients, and the same answer to within the fit's own tolerance.
    """
    rows = sp.csr_matrix(rows, dtype=np.float32)
    if rows.shape[0] == 0:
        return np.zeros((0, model.params.factors), dtype=np.float32)
    with threadpool_limits(1, "blas"):
        if start is None:
            factors = model.model.recalculate_user(np.arange(rows.shape[0]), rows)
            return np.asarray(factors, dtype=np.float32)
        factors = np.ascontiguousarray(start, dtype=np.float32).copy()
        _als.least_squares_cg(
            rows,
            factors,
            np.ascontiguousarray(model.item_factors, dtype=np.float32),
            float(model.model.regularization),
            num_threads=0,
            cg_steps=cg_steps,
        )
    return factors


def remap_columns(rows: sp.csr_matrix, codes: np.ndarray, n_columns: int) -> sp.csr_matrix:
    """Move each column c to codes[c]; columns with code -1 are dropped."""
    coo = sp.csr_matrix(rows).tocoo()
    target = codes[coo.col]
    keep = target >= 0
    out = sp.csr_matrix(
        (coo.data[keep], (coo.row[keep], target[keep])), shape=(rows.shape[0], n_columns)
    )
    out.sort_indices()
    return out


def scaled_item_factors(model: ALSModel, extra: np.ndarray | None = None) -> np.ndarray:
    """Item factors with the popularity penalty folded in (score = u . (s_i v_i))."""
    factors = model.item_factors
    scale = model.item_scale()
    if scale is not None:
        factors = factors * scale[:, None]
    if extra is not None and len(extra):
        factors = np.vstack([factors, extra])
    return np.ascontiguousarray(factors, dtype=np.float32)


def top_items(
    item_factors: np.ndarray,
    user_factors: np.ndarray,
    k: int,
    *,
    exclude: sp.csr_matrix | None = None,
    filter_items: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """implicit's threaded top-k; filtered or missing slots come back as id -1."""
    n_items = item_factors.shape[0]
    k = max(1, min(k, n_items))
    if len(user_factors) == 0 or n_items == 0:
        return np.full((len(user_factors), k), -1, np.int64), np.full(
            (len(user_factors), k), -np.inf, np.float32
        )
    with threadpool_limits(1, "blas"):
        ids, scores = topk(
            item_factors,
            np.ascontiguousarray(user_factors, dtype=np.float32),
            k,
            filter_query_items=None if exclude is None else sp.csr_matrix(exclude),
            filter_items=filter_items,
            num_threads=0,
        )
    ids = ids.astype(np.int64)
    bad = scores <= SCORE_FLOOR
    ids[bad] = -1
    scores = np.where(bad, -np.inf, scores).astype(np.float32)
    return ids, scores


@dataclass
class Scorable:
    """A model to be judged on a split: its item factors and product ids."""

    model: ALSModel
    item_ids: np.ndarray


def eval_users(split: Split, *, max_users: int, seed: int) -> np.ndarray:
    users = split.eval_users
    if len(users) > max_users:
        rng = np.random.default_rng(seed)
        users = np.sort(rng.choice(users, size=max_users, replace=False))
    return users


def ranked_on_split(split: Split, scorable: Scorable, users: np.ndarray, *, k: int) -> np.ndarray:
    """Each client's top ``k`` (split columns, -1 pads) from her pre-cutoff row, folded in."""
    train = split.train.csr
    conf = confidence(
        train, scheme=scorable.model.params.weighting, alpha=scorable.model.params.alpha
    )
    codes, _ = encode(split.train.item_ids, scorable.item_ids)
    n_model = len(scorable.item_ids)
    rows = remap_columns(conf[users], codes, n_model)
    user_factors = fold_in(scorable.model, rows)
    ids, _ = top_items(scaled_item_factors(scorable.model), user_factors, k, exclude=rows)
    back = np.full(n_model, -1, dtype=np.int64)
    known = codes >= 0
    back[codes[known]] = np.flatnonzero(known)
    return np.where(ids >= 0, back[np.maximum(ids, 0)], -1)


@dataclass(frozen=True)
class SplitScore:
    """A model's hold-out metrics and each judged client's nDCG (for the paired test)."""

    metrics: dict[str, float]
    per_client_ndcg: np.ndarray


def judge_on_split(split: Split, scorable: Scorable, users: np.ndarray, *, k: int) -> SplitScore:
    mapped = ranked_on_split(split, scorable, users, k=k)
    metrics = ranking_metrics(mapped, split.test, k=k, users=users, n_items=split.train.shape[1])
    return SplitScore(
        metrics={**metrics.as_dict(), "clients": int(metrics.users)},
        per_client_ndcg=ndcg_per_user(mapped, split.test, k=k, users=users),
    )


def score_on_split(
    split: Split, scorable: Scorable, users: np.ndarray, *, k: int
) -> dict[str, float]:
    """nDCG/precision/recall/MAP/coverage@k of a model on the split's hold-out truth."""
    return judge_on_split(split, scorable, users, k=k).metrics


def popularity_on_split(split: Split, users: np.ndarray, *, k: int) -> dict[str, float]:
    ids, _ = recommend_popular(split.train.csr, users, n=k)
    metrics = ranking_metrics(ids, split.test, k=k, users=users, n_items=split.train.shape[1])
    return {**metrics.as_dict(), "clients": int(metrics.users)}
