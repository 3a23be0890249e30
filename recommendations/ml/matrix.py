"""Interaction data containers, client x product CSR matrices and confidence weighting.

Everything here is pure numpy/scipy: no Django, no ORM. Ids are opaque strings; the
matrices use dense integer indices and keep the id <-> index maps next to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp
from implicit.nearest_neighbours import bm25_weight, tfidf_weight

Weighting = Literal["none", "binary", "linear", "log", "bm25", "tfidf"]
WEIGHTINGS: tuple[str, ...] = ("none", "binary", "linear", "log", "bm25", "tfidf")


@dataclass(frozen=True)
class Interactions:
    """A flat list of (client, product, time, weight) events as parallel numpy arrays.

    ``timestamps`` are unix seconds (int64, UTC); ``weights`` are float32 (1.0 per event
    unless the source gave something else). ``report`` carries counts of dropped rows.
    """

    user_ids: np.ndarray
    item_ids: np.ndarray
    timestamps: np.ndarray
    weights: np.ndarray
    report: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.user_ids)
        if not (len(self.item_ids) == len(self.timestamps) == len(self.weights) == n):
            raise ValueError("Interactions arrays must all have the same length")

    def __len__(self) -> int:
        return len(self.user_ids)

    def subset(self, mask: np.ndarray) -> Interactions:
        """Rows selected by a boolean mask or an index array (report is not carried over)."""
        return Interactions(
            user_ids=self.user_ids[mask],
            item_ids=self.item_ids[mask],
            timestamps=self.timestamps[mask],
            weights=self.weights[mask],
        )

    @classmethod
    def from_lists(
        cls,
        user_ids: Sequence[str],
        item_ids: Sequence[str],
        *,
        timestamps: Sequence[int] | None = None,
        weights: Sequence[float] | None = None,
    ) -> Interactions:
        """Build from plain Python sequences (handy for callers and tests)."""
        n = len(user_ids)
        return cls(
            user_ids=np.asarray([str(u) for u in user_ids], dtype=str),
            item_ids=np.asarray([str(i) for i in item_ids], dtype=str),
            timestamps=np.asarray(timestamps if timestamps is not None else np.zeros(n), np.int64),
            weights=np.asarray(weights if weights is not None else np.ones(n), np.float32),
        )


@dataclass(frozen=True)
class InteractionMatrix:
    """A client x product CSR matrix of summed raw weights plus its id maps.

    Row ``r`` is client ``user_ids[r]``; column ``c`` is product ``item_ids[c]``.
    """

    csr: sp.csr_matrix
    user_ids: np.ndarray
    item_ids: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.csr.shape[0]), int(self.csr.shape[1]))

    @property
    def nnz(self) -> int:
        return int(self.csr.nnz)

    def user_index(self) -> dict[str, int]:
        return {str(u): i for i, u in enumerate(self.user_ids)}

    def item_index(self) -> dict[str, int]:
        return {str(p): i for i, p in enumerate(self.item_ids)}

    def item_popularity(self) -> np.ndarray:
        """Number of distinct clients per product (float64, length n_items)."""
        return np.bincount(self.csr.indices, minlength=self.shape[1]).astype(np.float64)


def build_csr(
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    shape: tuple[int, int],
) -> sp.csr_matrix:
    """CSR float32 matrix from integer index arrays; duplicate (row, col) pairs are summed."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    data = (
        np.ones(len(rows), dtype=np.float32)
        if weights is None
        else np.asarray(weights, dtype=np.float32)
    )
    mat = sp.coo_matrix((data, (rows, cols)), shape=shape).tocsr()
    mat.sum_duplicates()
    mat.sort_indices()
    return mat.astype(np.float32)


def encode(
    values: np.ndarray, vocabulary: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Map values to dense indices.

    Without ``vocabulary`` the sorted unique values become the vocabulary. With one,
    values outside it get index -1. Returns ``(codes, vocabulary)``.
    """
    values = np.asarray(values)
    if vocabulary is None:
        vocab, codes = np.unique(values, return_inverse=True)
        return codes.astype(np.int64), vocab
    vocab = np.asarray(vocabulary)
    if len(vocab) == 0:
        return np.full(len(values), -1, dtype=np.int64), vocab
    order = np.argsort(vocab, kind="stable")
    sorted_vocab = vocab[order]
    pos = np.minimum(np.searchsorted(sorted_vocab, values), len(vocab) - 1)
    codes = np.where(sorted_vocab[pos] == values, order[pos], -1)
    return codes.astype(np.int64), vocab


def interaction_matrix(
    interactions: Interactions,
    *,
    user_ids: np.ndarray | None = None,
    item_ids: np.ndarray | None = None,
) -> InteractionMatrix:
    """Aggregate events into a client x product matrix (weights summed per pair).

    If ``user_ids`` / ``item_ids`` are given they fix the row / column order, and events
    with ids outside them are dropped.
    """
    u_codes, u_vocab = encode(interactions.user_ids, user_ids)
    i_codes, i_vocab = encode(interactions.item_ids, item_ids)
    keep = (u_codes >= 0) & (i_codes >= 0)
    csr = build_csr(
        u_codes[keep],
        i_codes[keep],
        interactions.weights[keep],
        shape=(len(u_vocab), len(i_vocab)),
    )
    return InteractionMatrix(csr=csr, user_ids=u_vocab, item_ids=i_vocab)


def confidence(
    csr: sp.csr_matrix,
    *,
    scheme: str = "linear",
    alpha: float = 1.0,
    eps: float = 1.0,
    bm25_k1: float = 100.0,
    bm25_b: float = 0.8,
) -> sp.csr_matrix:
    """Turn raw summed weights into ALS confidences ``c = 1 + alpha * f(w)`` (float32 CSR).

    ``f`` per scheme: ``none``/``binary`` -> 1, ``linear`` -> w, ``log`` -> log1p(w / eps),
    ``bm25`` / ``tfidf`` -> implicit's bm25_weight / tfidf_weight (idf over products,
    length normalisation over clients). The value passed to implicit *is* the confidence,
    so the model itself is built with alpha = 1.
    """
    mat = sp.csr_matrix(csr, dtype=np.float32, copy=True)
    mat.eliminate_zeros()
    if scheme in ("none", "binary"):
        f = np.ones_like(mat.data)
    elif scheme == "linear":
        f = mat.data
    elif scheme == "log":
        f = np.log1p(mat.data / eps)
    elif scheme in ("bm25", "tfidf"):
        weighted = bm25_weight(mat, K1=bm25_k1, B=bm25_b) if scheme == "bm25" else tfidf_weight(mat)
        weighted = sp.csr_matrix(weighted, dtype=np.float32)
        weighted.sort_indices()
        # idf can go slightly negative for products almost everybody bought: clip.
        f = np.maximum(weighted.data, 0.0)
        mat = weighted
    else:
        raise ValueError(f"unknown weighting scheme {scheme!r}; choose one of {WEIGHTINGS}")
    out = sp.csr_matrix(
        ((1.0 + alpha * f).astype(np.float32), mat.indices.copy(), mat.indptr.copy()),
        shape=mat.shape,
    )
    out.sort_indices()
    return out


def binarize(csr: sp.csr_matrix) -> sp.csr_matrix:
    """Same sparsity pattern with every stored value set to 1 (float32)."""
    out = sp.csr_matrix(csr, dtype=np.float32, copy=True)
    out.eliminate_zeros()
    out.data[:] = 1.0
    return out
