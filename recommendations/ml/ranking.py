"""Batched top-N selection from any scorer, with per-client exclusions and candidate masks.

Shared by the ALS model and the baselines so that every recommender filters exactly the
same way (already-bought products, per-client exclusions, global filters, candidate sets).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

Scorer = Callable[[np.ndarray], np.ndarray]
"""Maps an int array of client rows to a (len(rows), n_items) float32 score matrix."""


def mask_rows(scores: np.ndarray, matrix: sp.csr_matrix, rows: np.ndarray) -> None:
    """In place: set ``scores[r, j] = -inf`` for every product j stored in ``matrix[rows[r]]``."""
    sub = matrix[rows]
    if sub.nnz:
        r = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
        scores[r, sub.indices] = -np.inf


def _allow_only(
    scores: np.ndarray, candidates: sp.csr_matrix | np.ndarray, rows: np.ndarray
) -> None:
    if isinstance(candidates, np.ndarray) and candidates.ndim == 1:
        scores[:, ~candidates.astype(bool)] = -np.inf
        return
    sub = sp.csr_matrix(candidates)[rows]
    allowed = np.zeros(scores.shape, dtype=bool)
    r = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
    allowed[r, sub.indices] = True
    scores[~allowed] = -np.inf


def select_top(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Top ``n`` columns per row, best first (ties: lower index first); -inf -> id -1."""
    n_rows, n_items = scores.shape
    n_eff = min(n, n_items)
    ids = np.full((n_rows, n), -1, dtype=np.int64)
    out = np.full((n_rows, n), -np.inf, dtype=np.float32)
    if n_eff == 0 or n_rows == 0:
        return ids, out
    if n_eff < n_items:
        part = np.argpartition(-scores, n_eff - 1, axis=1)[:, :n_eff]
        part.sort(axis=1)
    else:
        part = np.broadcast_to(np.arange(n_items), (n_rows, n_items)).copy()
    vals = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    top_ids = np.take_along_axis(part, order, axis=1)
    top_vals = np.take_along_axis(vals, order, axis=1)
    valid = np.isfinite(top_vals)
    ids[:, :n_eff] = np.where(valid, top_ids, -1)
    out[:, :n_eff] = np.where(valid, top_vals, -np.inf)
    return ids, out


def top_n(
    scorer: Scorer,
    user_rows: np.ndarray,
    *,
    n: int = 10,
    exclude: sp.csr_matrix | None = None,
    filter_items: np.ndarray | None = None,
    candidates: sp.csr_matrix | np.ndarray | None = None,
    batch_size: int = 1024,
) -> tuple[np.ndarray, np.ndarray]:
    """Recommend ``n`` products for each client row in ``user_rows``, in batches.

    ``exclude``: CSR indexed by client row; stored products are never recommended to that
    client (e.g. already bought, returned, declined). ``filter_items``: product indices never
    recommended to anyone. ``candidates``: either a bool mask over products (one candidate
    set for all) or a CSR indexed by client row listing the only products allowed for that
    client (e.g. in stock in their size). Returns ``(ids, scores)`` of shape
    (len(user_rows), n); missing slots are id -1 / score -inf.
    """
    rows = np.asarray(user_rows, dtype=np.int64)
    ids_out = np.full((len(rows), n), -1, dtype=np.int64)
    scores_out = np.full((len(rows), n), -np.inf, dtype=np.float32)
    blocked = None if filter_items is None else np.asarray(filter_items, dtype=np.int64)
    excluded = None if exclude is None else sp.csr_matrix(exclude)
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        scores = np.array(scorer(batch), dtype=np.float32, copy=True)
        if excluded is not None:
            mask_rows(scores, excluded, batch)
        if blocked is not None and len(blocked):
            scores[:, blocked] = -np.inf
        if candidates is not None:
            _allow_only(scores, candidates, batch)
        ids, vals = select_top(scores, n)
        ids_out[start : start + len(batch)] = ids
        scores_out[start : start + len(batch)] = vals
    return ids_out, scores_out
