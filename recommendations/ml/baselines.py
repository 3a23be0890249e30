"""Reference recommenders: most-popular and item-item cosine nearest neighbours.

Both go through the same :func:`recommendations.ml.ranking.top_n` as ALS, so they filter
already-bought products exactly like the model they are compared with.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .matrix import binarize
from .ranking import top_n


def item_popularity(train: sp.csr_matrix) -> np.ndarray:
    """Distinct clients per product (float32)."""
    csr = sp.csr_matrix(train)
    return np.bincount(csr.indices, minlength=csr.shape[1]).astype(np.float32)


def recommend_popular(
    train: sp.csr_matrix,
    user_rows: np.ndarray,
    *,
    n: int = 10,
    filter_already_liked_items: bool = True,
    exclude: sp.csr_matrix | None = None,
    candidates: sp.csr_matrix | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Most-popular products (by distinct buyers) each client does not already have."""
    pop = item_popularity(train)

    def scorer(rows: np.ndarray) -> np.ndarray:
        return np.broadcast_to(pop, (len(rows), len(pop)))

    block = sp.csr_matrix(train) if filter_already_liked_items else None
    if exclude is not None:
        block = sp.csr_matrix(exclude) if block is None else block + sp.csr_matrix(exclude)
    return top_n(scorer, user_rows, n=n, exclude=block, candidates=candidates)


def fit_item_cosine(train: sp.csr_matrix, *, neighbours: int = 100) -> sp.csr_matrix:
    """Item x item cosine similarity on binarised purchases, keeping the ``neighbours``
    most similar products per product (the product itself excluded)."""
    item_users = binarize(train).T.tocsr()
    norms = np.sqrt(np.asarray(item_users.sum(axis=1)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    normed = sp.diags(inv.astype(np.float32)) @ item_users
    sim = (normed @ normed.T).tocsr().astype(np.float32)
    sim.setdiag(0)
    sim.eliminate_zeros()
    rows, cols, vals = [], [], []
    for r in range(sim.shape[0]):
        lo, hi = sim.indptr[r], sim.indptr[r + 1]
        data, idx = sim.data[lo:hi], sim.indices[lo:hi]
        if len(data) > neighbours:
            top = np.argpartition(-data, neighbours - 1)[:neighbours]
            data, idx = data[top], idx[top]
        rows.append(np.full(len(idx), r))
        cols.append(idx)
        vals.append(data)
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=sim.shape,
        dtype=np.float32,
    )


def recommend_item_cosine(
    train: sp.csr_matrix,
    similarity: sp.csr_matrix,
    user_rows: np.ndarray,
    *,
    n: int = 10,
    filter_already_liked_items: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Score = sum of similarities to the client's products (binary history)."""
    history = binarize(train)

    def scorer(rows: np.ndarray) -> np.ndarray:
        return np.asarray((history[rows] @ similarity).toarray(), dtype=np.float32)

    block = history if filter_already_liked_items else None
    return top_n(scorer, user_rows, n=n, exclude=block)
