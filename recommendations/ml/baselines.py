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
    if candidates is None:
        shortlist = _popular_shortlist(pop, block, user_rows, n)
        if shortlist is not None:
            return _top_of_shortlist(pop, shortlist, block, user_rows, n)
    return top_n(scorer, user_rows, n=n, exclude=block, candidates=candidates)


def _popular_shortlist(
    pop: np.ndarray, block: sp.csr_matrix | None, user_rows: np.ndarray, n: int
) -> np.ndarray | None:
    """The products that can reach anyone's top ``n``, ascending, or None if that is all.

    Everyone gets the same scores, so a client's top ``n`` lies within the ``n + b`` most
    popular products, ``b`` the most products any of these clients has blocked. Ranking
    only those gives the same lists as ranking the catalogue (ties: lower index first, as
    ``select_top``), in a fraction of the time: a hold-out of 5,000 clients over 20,000
    products spent two seconds sorting 100 million scores.
    """
    rows = np.asarray(user_rows, dtype=np.int64)
    most_blocked = 0
    if block is not None and len(rows):
        most_blocked = int(np.diff(block.indptr)[rows].max())
    size = n + most_blocked
    if size >= len(pop):
        return None
    order = np.argsort(-pop, kind="stable")
    return np.sort(order[:size])


def _top_of_shortlist(
    pop: np.ndarray,
    shortlist: np.ndarray,
    block: sp.csr_matrix | None,
    user_rows: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    scores = pop[shortlist]

    def scorer(rows: np.ndarray) -> np.ndarray:
        return np.broadcast_to(scores, (len(rows), len(scores)))

    narrowed = None if block is None else block[:, shortlist].tocsr()
    ids, vals = top_n(scorer, user_rows, n=n, exclude=narrowed)
    return np.where(ids >= 0, shortlist[np.maximum(ids, 0)], -1), vals


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
