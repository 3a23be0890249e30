"""Train/test splits for offline evaluation: per-client random hold-out and temporal cutoff.

Both return a :class:`Split` whose ``test`` matrix is aligned with ``train`` (same rows =
training clients, same columns = training catalogue) and holds the binary ground truth with
every product the client already had in training removed. Clients whose truth ends up
empty are simply not evaluated.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .matrix import InteractionMatrix, Interactions, binarize, build_csr, encode, interaction_matrix

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Split:
    """Training matrix, aligned binary test truth and the training events (for tuning)."""

    train: InteractionMatrix
    test: sp.csr_matrix
    train_events: Interactions
    strategy: str
    info: dict[str, int] = field(default_factory=dict)

    @property
    def eval_users(self) -> np.ndarray:
        """Row indices of clients with a non-empty test truth."""
        return np.flatnonzero(np.diff(self.test.indptr) > 0)


def _truth_without_seen(test: sp.csr_matrix, train: sp.csr_matrix) -> tuple[sp.csr_matrix, int]:
    test_bin = binarize(test)
    overlap = test_bin.multiply(binarize(train)).tocsr()
    truth = (test_bin - overlap).tocsr()
    truth.eliminate_zeros()
    truth.sort_indices()
    return truth.astype(np.float32), int(overlap.nnz)


def temporal_split(interactions: Interactions, *, cutoff: int) -> Split:
    """Train = events before ``cutoff`` (unix seconds), test = events on/after it.

    Only clients seen in training are tested; test products the client already bought in
    training are removed from the truth, and so are products absent from the training
    catalogue (no model trained on the past can recommend them).
    """
    before = interactions.timestamps < cutoff
    train_events = interactions.subset(before)
    test_events = interactions.subset(~before)
    if len(train_events) == 0:
        raise ValueError("temporal split: no interactions before the cutoff")
    train = interaction_matrix(train_events)
    u_codes, _ = encode(test_events.user_ids, train.user_ids)
    i_codes, _ = encode(test_events.item_ids, train.item_ids)
    known_user = u_codes >= 0
    known = known_user & (i_codes >= 0)
    test = build_csr(u_codes[known], i_codes[known], shape=train.shape)
    truth, overlap = _truth_without_seen(test, train.csr)
    new_product = known_user & ~known
    info = {
        "train_events": len(train_events),
        "test_events": len(test_events),
        "train_clients": train.shape[0],
        "train_products": train.shape[1],
        "test_clients": len(np.unique(test_events.user_ids)),
        "test_clients_unseen_in_train": len(np.unique(test_events.user_ids[~known_user])),
        "test_pairs_already_bought_dropped": overlap,
        "test_pairs_new_product_dropped": len(
            set(
                zip(
                    u_codes[new_product].tolist(),
                    test_events.item_ids[new_product].tolist(),
                    strict=True,
                )
            )
        ),
        "clients_evaluated": int((np.diff(truth.indptr) > 0).sum()),
    }
    logger.info("temporal split at %d: %s", cutoff, info)
    return Split(train=train, test=truth, train_events=train_events, strategy="temporal", info=info)


def _pair_keys(user_ids: np.ndarray, item_ids: np.ndarray, seed: int) -> np.ndarray:
    """A seeded pseudo-random uniform key per (client, product): stable per client."""
    salt = str(seed).encode()
    out = np.empty(len(user_ids), dtype=np.float64)
    for n, (u, i) in enumerate(zip(user_ids.tolist(), item_ids.tolist(), strict=True)):
        digest = hashlib.blake2b(f"{u}\x1f{i}".encode(), digest_size=8, key=salt).digest()
        out[n] = int.from_bytes(digest, "little") / 2.0**64
    return out


def random_split(
    interactions: Interactions, *, test_fraction: float = 0.25, seed: int = 42
) -> Split:
    """Per-client seeded random hold-out of distinct (client, product) pairs.

    Each client with n >= 2 distinct products holds out ``round(test_fraction * n)`` of
    them (at least 1, at most n - 1); clients with a single product stay in training. The
    choice for a client depends only on the seed and that client's own products. Held-out
    products that nobody has in training are dropped from the truth.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError("test_fraction must be strictly between 0 and 1")
    full = interaction_matrix(interactions)
    coo = full.csr.tocoo()
    rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
    keys = _pair_keys(full.user_ids[rows], full.item_ids[cols], seed)
    order = np.lexsort((keys, rows))
    counts = np.diff(full.csr.indptr)
    starts = np.repeat(full.csr.indptr[:-1], counts)
    rank = np.empty(len(rows), dtype=np.int64)
    rank[order] = np.arange(len(rows)) - starts  # rows are already grouped, lexsort keeps it
    n_test = np.where(
        counts >= 2, np.clip(np.rint(test_fraction * counts), 1, np.maximum(counts - 1, 1)), 0
    ).astype(np.int64)
    is_test = rank < n_test[rows]

    # training events = events whose pair is in train (keeps their timestamps)
    n_items = full.shape[1]
    ev_u, _ = encode(interactions.user_ids, full.user_ids)
    ev_i, _ = encode(interactions.item_ids, full.item_ids)
    test_pair_keys = np.sort(rows[is_test] * n_items + cols[is_test])
    ev_keys = ev_u * n_items + ev_i
    pos = np.minimum(np.searchsorted(test_pair_keys, ev_keys), max(len(test_pair_keys) - 1, 0))
    ev_is_test = (
        test_pair_keys[pos] == ev_keys if len(test_pair_keys) else np.zeros(len(ev_keys), bool)
    )
    train_events = interactions.subset(~ev_is_test)
    train = interaction_matrix(train_events)

    test_users = full.user_ids[rows[is_test]]
    test_items = full.item_ids[cols[is_test]]
    u_codes, _ = encode(test_users, train.user_ids)
    i_codes, _ = encode(test_items, train.item_ids)
    known = (u_codes >= 0) & (i_codes >= 0)
    test = build_csr(u_codes[known], i_codes[known], shape=train.shape)
    truth, _ = _truth_without_seen(test, train.csr)
    info = {
        "pairs": len(rows),
        "train_pairs": train.nnz,
        "test_pairs": int(is_test.sum()),
        "test_pairs_new_product_dropped": int((~known).sum()),
        "train_clients": train.shape[0],
        "train_products": train.shape[1],
        "clients_evaluated": int((np.diff(truth.indptr) > 0).sum()),
    }
    logger.info("random split (fraction %.2f, seed %d): %s", test_fraction, seed, info)
    return Split(train=train, test=truth, train_events=train_events, strategy="random", info=info)
