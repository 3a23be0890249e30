"""Random (seeded, per-client) and temporal splits."""

from __future__ import annotations

import numpy as np
import pytest

from recommendations.ml.matrix import Interactions
from recommendations.ml.splits import random_split, temporal_split


def _many_clients(n_clients: int = 30, per_client: int = 8) -> Interactions:
    users, items = [], []
    for u in range(n_clients):
        for t in range(per_client):
            users.append(f"u{u}")
            items.append(f"p{(u * 3 + t) % 25}")
    users.append("single")
    items.append("p0")
    return Interactions.from_lists(users, items)


def _pairs(split, rows_matrix) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    coo = rows_matrix.tocoo()
    return {
        (str(split.train.user_ids[r]), str(split.train.item_ids[c]))
        for r, c in zip(coo.row, coo.col, strict=True)
    }


def test_random_split_is_seeded() -> None:
    data = _many_clients()
    a = random_split(data, test_fraction=0.25, seed=1)
    b = random_split(data, test_fraction=0.25, seed=1)
    c = random_split(data, test_fraction=0.25, seed=2)
    assert _pairs(a, a.test) == _pairs(b, b.test)
    assert _pairs(a, a.test) != _pairs(c, c.test)


def test_random_split_holds_out_a_fraction_of_each_client() -> None:
    data = _many_clients(per_client=8)
    split = random_split(data, test_fraction=0.25, seed=7)
    test_sizes = np.diff(split.test.indptr)
    train_sizes = np.diff(split.train.csr.indptr)
    by_user = dict(
        zip(split.train.user_ids.tolist(), zip(train_sizes, test_sizes, strict=True), strict=True)
    )
    for u in range(30):
        n_train, n_test = by_user[f"u{u}"]
        assert n_train == 6  # 8 - round(0.25 * 8); every product also has other buyers
        assert n_test == 2
    # a client with one interaction stays in training and is not evaluated
    assert by_user["single"] == (1, 0)
    assert split.info["clients_evaluated"] == 30
    # nothing held out is also in that client's training data
    assert not (_pairs(split, split.test) & _pairs(split, split.train.csr))


def test_random_split_is_per_client() -> None:
    """A client's hold-out depends on the seed and their own products only."""
    data = _many_clients()
    extra = Interactions.from_lists(
        list(data.user_ids) + ["newcomer"] * 5, list(data.item_ids) + [f"p{i}" for i in range(5)]
    )
    a = random_split(data, test_fraction=0.25, seed=3)
    b = random_split(extra, test_fraction=0.25, seed=3)
    pairs_b = {p for p in _pairs(b, b.test) if p[0] != "newcomer"}
    assert _pairs(a, a.test) == pairs_b


def test_random_split_rejects_bad_fraction() -> None:
    with pytest.raises(ValueError, match="test_fraction"):
        random_split(_many_clients(), test_fraction=1.0, seed=1)


def test_temporal_split_excludes_bought_items_unseen_clients_and_new_products() -> None:
    data = Interactions.from_lists(
        ["a", "a", "b", "b", "a", "a", "b", "c", "a"],
        ["x", "y", "y", "z", "x", "z", "w", "x", "new"],
        timestamps=[10, 20, 15, 25, 100, 110, 120, 130, 140],
    )
    split = temporal_split(data, cutoff=100)
    assert split.train.user_ids.tolist() == ["a", "b"]
    assert split.train.item_ids.tolist() == ["x", "y", "z"]
    truth = _pairs(split, split.test)
    # a re-bought x (excluded), bought z (new to a: kept) and "new" (not in catalogue);
    # b bought w (not in catalogue); c was never seen in training
    assert truth == {("a", "z")}
    assert split.eval_users.tolist() == [0]
    assert split.info["test_clients_unseen_in_train"] == 1
    assert split.info["test_pairs_already_bought_dropped"] == 1
    assert split.info["test_pairs_new_product_dropped"] == 2
    assert split.info["clients_evaluated"] == 1
    assert len(split.train_events) == 4


def test_temporal_split_needs_training_data() -> None:
    data = Interactions.from_lists(["a"], ["x"], timestamps=[50])
    with pytest.raises(ValueError, match="before the cutoff"):
        temporal_split(data, cutoff=10)
