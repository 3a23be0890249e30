"""Vectorised top-k ranking metrics: nDCG, precision, recall, MAP and catalogue coverage.

Conventions (all at cut-off k, averaged over clients whose ground truth is non-empty):

* ``recommended`` is an int array (n_clients, >= k) of product indices, best first, padded
  with -1; row r belongs to truth row ``users[r]`` (or truth row r if ``users`` is None).
* ``truth`` is a CSR client x product matrix; any stored entry is a relevant product.
* ``exclude`` (optional CSR, same shape as truth) lists products the client already had in
  training: they are removed from the truth AND from the recommendation lists (later items
  move up), so neither side gets credit for re-recommending known items.
* precision = hits / k; recall = hits / |truth|; nDCG uses binary gains and log2
  discounts with the ideal list of min(|truth|, k) hits; AP@k = sum of precision@i at each
  hit / min(|truth|, k); coverage = distinct recommended products / ``n_items``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class RankingMetrics:
    ndcg: float
    precision: float
    recall: float
    map: float
    coverage: float
    users: int

    def as_dict(self, *, digits: int = 4) -> dict[str, float]:
        out = asdict(self)
        out.pop("users")
        return {name: round(float(value), digits) for name, value in out.items()}


def _rows(truth: sp.csr_matrix, users: np.ndarray | None, n: int) -> sp.csr_matrix:
    truth = sp.csr_matrix(truth)
    sub = truth if users is None else truth[np.asarray(users, dtype=np.int64)]
    if sub.shape[0] != n:
        raise ValueError("recommended must have one row per evaluated client")
    sub = sub.tocsr()
    sub.eliminate_zeros()
    sub.sort_indices()
    return sub


def _membership(recommended: np.ndarray, rows: sp.csr_matrix) -> np.ndarray:
    """Boolean (n, k): is recommended[r, j] stored in row r of ``rows``?"""
    n_items = max(int(rows.shape[1]), int(recommended.max(initial=-1)) + 1, 1)
    row_of = np.repeat(np.arange(rows.shape[0], dtype=np.int64), np.diff(rows.indptr))
    keys = row_of * n_items + rows.indices.astype(np.int64)  # sorted: rows, then indices
    rec_keys = np.arange(len(recommended), dtype=np.int64)[:, None] * n_items + recommended
    if len(keys) == 0:
        return np.zeros(recommended.shape, dtype=bool)
    pos = np.minimum(np.searchsorted(keys, rec_keys), len(keys) - 1)
    return (keys[pos] == rec_keys) & (recommended >= 0)


def _drop_excluded(recommended: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """Remove flagged entries from each row, shifting later ones forward, pad with -1."""
    keep = (recommended >= 0) & ~excluded
    order = np.argsort(~keep, axis=1, kind="stable")
    out = np.take_along_axis(recommended, order, axis=1)
    out[~np.take_along_axis(keep, order, axis=1)] = -1
    return out


def _prepare(
    recommended: np.ndarray,
    truth: sp.csr_matrix,
    *,
    k: int,
    users: np.ndarray | None,
    exclude: sp.csr_matrix | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (recommended[:, :k] after exclusion, hits bool (n, k), truth sizes) for
    clients with a non-empty truth only."""
    if k <= 0:
        raise ValueError("k must be positive")
    rec = np.atleast_2d(np.asarray(recommended, dtype=np.int64))
    truth_rows = _rows(truth, users, len(rec))
    if exclude is not None:
        seen = _rows(exclude, users, len(rec))
        seen.data[:] = 1
        truth_rows = (truth_rows - truth_rows.multiply(seen)).tocsr()
        truth_rows.eliminate_zeros()
        truth_rows.sort_indices()
        rec = _drop_excluded(rec, _membership(rec, seen))
    rec = rec[:, :k]
    if rec.shape[1] < k:
        rec = np.pad(rec, ((0, 0), (0, k - rec.shape[1])), constant_values=-1)
    sizes = np.diff(truth_rows.indptr)
    # de-duplicate within a row: a product listed twice only counts once
    srt = np.sort(rec, axis=1)
    dup_sorted = np.zeros_like(srt, dtype=bool)
    dup_sorted[:, 1:] = (srt[:, 1:] == srt[:, :-1]) & (srt[:, 1:] >= 0)
    hits = _membership(rec, truth_rows)
    if dup_sorted.any():
        first = np.zeros_like(hits)
        for r in np.flatnonzero(dup_sorted.any(axis=1)):
            _, idx = np.unique(rec[r], return_index=True)
            first[r, idx] = True
        hits &= first
    active = sizes > 0
    return rec[active], hits[active], sizes[active]


def _discounts(k: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, k + 2, dtype=np.float64))


def _ndcg(hits: np.ndarray, sizes: np.ndarray, k: int) -> np.ndarray:
    disc = _discounts(k)
    dcg = (hits * disc).sum(axis=1)
    idcg = np.cumsum(disc)[np.minimum(sizes, k) - 1]
    return dcg / idcg


def _ap(hits: np.ndarray, sizes: np.ndarray, k: int) -> np.ndarray:
    prec_at_i = np.cumsum(hits, axis=1) / np.arange(1, k + 1)
    return (prec_at_i * hits).sum(axis=1) / np.minimum(sizes, k)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else 0.0


def ranking_metrics(
    recommended: np.ndarray,
    truth: sp.csr_matrix,
    *,
    k: int,
    n_items: int | None = None,
    users: np.ndarray | None = None,
    exclude: sp.csr_matrix | None = None,
) -> RankingMetrics:
    """All metrics at once. ``n_items`` (catalogue size) defaults to truth's column count."""
    rec, hits, sizes = _prepare(recommended, truth, k=k, users=users, exclude=exclude)
    catalogue = int(truth.shape[1] if n_items is None else n_items)
    distinct = np.unique(rec[rec >= 0])
    return RankingMetrics(
        ndcg=_mean(_ndcg(hits, sizes, k)),
        precision=_mean(hits.sum(axis=1) / k),
        recall=_mean(hits.sum(axis=1) / sizes),
        map=_mean(_ap(hits, sizes, k)),
        coverage=float(len(distinct) / catalogue) if catalogue else 0.0,
        users=len(sizes),
    )


def ndcg_per_user(
    recommended: np.ndarray,
    truth: sp.csr_matrix,
    *,
    k: int,
    users: np.ndarray | None = None,
    exclude: sp.csr_matrix | None = None,
) -> np.ndarray:
    """nDCG@k of each client with a non-empty truth, in ``users`` order (for paired tests)."""
    _, hits, sizes = _prepare(recommended, truth, k=k, users=users, exclude=exclude)
    return _ndcg(hits, sizes, k)


def ndcg_at_k(
    recommended: np.ndarray,
    truth: sp.csr_matrix,
    *,
    k: int,
    users: np.ndarray | None = None,
    exclude: sp.csr_matrix | None = None,
) -> float:
    _, hits, sizes = _prepare(recommended, truth, k=k, users=users, exclude=exclude)
    return _mean(_ndcg(hits, sizes, k))


def precision_at_k(
    recommended: np.ndarray,
    truth: sp.csr_matrix,
    *,
    k: int,
    users: np.ndarray | None = None,
    exclude: sp.csr_matrix | None = None,
) -> float:
    _, hits, _ = _prepare(recommended, truth, k=k, users=users, exclude=exclude)
    return _mean(hits.sum(axis=1) / k)


def recall_at_k(
    recommended: np.ndarray,
    truth: sp.csr_matrix,
    *,
    k: int,
    users: np.ndarray | None = None,
    exclude: sp.csr_matrix | None = None,
) -> float:
    _, hits, sizes = _prepare(recommended, truth, k=k, users=users, exclude=exclude)
    return _mean(hits.sum(axis=1) / sizes)


def map_at_k(
    recommended: np.ndarray,
    truth: sp.csr_matrix,
    *,
    k: int,
    users: np.ndarray | None = None,
    exclude: sp.csr_matrix | None = None,
) -> float:
    _, hits, sizes = _prepare(recommended, truth, k=k, users=users, exclude=exclude)
    return _mean(_ap(hits, sizes, k))


def coverage_at_k(recommended: np.ndarray, *, k: int, n_items: int) -> float:
    """Distinct products appearing in the top-k lists / products in the catalogue."""
    rec = np.atleast_2d(np.asarray(recommended, dtype=np.int64))[:, :k]
    return float(len(np.unique(rec[rec >= 0])) / n_items) if n_items else 0.0
