"""Confidence weighting, ALS fit/recommend/save/load, baselines and tuning."""

from __future__ import annotations

import warnings
from pathlib import Path

import implicit.utils
import numpy as np
import pytest
import scipy.sparse as sp

from recommendations.ml.als import (
    ALSParams,
    append_items,
    file_sha256,
    fit_als,
    load_model,
    recommend,
    save_model,
)
from recommendations.ml.baselines import (
    fit_item_cosine,
    item_popularity,
    recommend_item_cosine,
    recommend_popular,
)
from recommendations.ml.matrix import Interactions, build_csr, confidence, interaction_matrix
from recommendations.ml.tuning import tune_als

FAST = ALSParams(factors=8, regularization=0.1, alpha=2.0, iterations=8, weighting="linear")


def _blocks(n_blocks: int = 3, size: int = 8, per_client: int = 5) -> sp.csr_matrix:
    """Client j of block b bought products b*size + (j + t) % size, t < per_client."""
    rows, cols = [], []
    for b in range(n_blocks):
        for j in range(size):
            for t in range(per_client):
                rows.append(b * size + j)
                cols.append(b * size + (j + t) % size)
    n = n_blocks * size
    return build_csr(np.array(rows), np.array(cols), shape=(n, n))


def test_build_csr_sums_duplicates() -> None:
    m = build_csr(np.array([0, 0, 1]), np.array([2, 2, 0]), np.array([1.0, 2.5, 1.0]), shape=(2, 3))
    assert m.dtype == np.float32
    assert m.toarray().tolist() == [[0, 0, 3.5], [1, 0, 0]]


def test_interaction_matrix_keeps_id_maps() -> None:
    data = Interactions.from_lists(["b", "a", "b"], ["y", "x", "y"], weights=[1, 2, 3])
    m = interaction_matrix(data)
    assert m.user_ids.tolist() == ["a", "b"]
    assert m.item_ids.tolist() == ["x", "y"]
    assert m.csr.toarray().tolist() == [[2, 0], [0, 4]]
    assert m.user_index() == {"a": 0, "b": 1}
    restricted = interaction_matrix(data, item_ids=np.array(["y"]))
    assert restricted.csr.toarray().tolist() == [[0], [4]]


def test_confidence_schemes() -> None:
    raw = sp.csr_matrix(np.array([[3.0, 0.0], [1.0, 7.0]], dtype=np.float32))
    assert confidence(raw, scheme="binary", alpha=4).toarray().tolist() == [[5, 0], [5, 5]]
    assert confidence(raw, scheme="linear", alpha=2).toarray().tolist() == [[7, 0], [3, 15]]
    log = confidence(raw, scheme="log", alpha=1, eps=1).toarray()
    assert log[0, 0] == pytest.approx(1 + np.log1p(3.0))
    for scheme in ("bm25", "tfidf"):
        weighted = confidence(raw, scheme=scheme, alpha=1)
        assert weighted.nnz == 3
        assert (weighted.data >= 1).all()
    with pytest.raises(ValueError, match="unknown weighting"):
        confidence(raw, scheme="cubic")


def test_fit_is_deterministic_and_float32() -> None:
    train = _blocks()
    a = fit_als(train, params=FAST, random_state=3)
    b = fit_als(train, params=FAST, random_state=3)
    assert a.item_factors.dtype == np.float32
    assert a.user_factors.shape == (24, 8)
    np.testing.assert_allclose(a.item_factors, b.item_factors, rtol=1e-5, atol=1e-6)


def test_fit_does_not_trigger_implicits_blas_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(implicit.utils, "_checked_blas_config", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_als(_blocks(), params=FAST)
    assert not [w for w in caught if "threads" in str(w.message)]


def test_recommend_stays_in_block_and_filters() -> None:
    train = _blocks()
    model = fit_als(train, params=FAST, random_state=0)
    users = np.arange(24)
    ids, scores = recommend(model, train, users, n=2)
    assert ids.shape == (24, 2)
    for u in users:
        block = u // 8
        assert all(i // 8 == block for i in ids[u]), (u, ids[u])
        assert not set(ids[u]) & set(train[u].indices)
        assert np.all(np.diff(scores[u]) <= 1e-6)
    # per-client exclusion, global filter and candidate masks
    exclude = sp.csr_matrix((np.ones(1), ([0], [ids[0, 0]])), shape=train.shape)
    ids2, _ = recommend(model, train, np.array([0]), n=2, exclude=exclude)
    assert ids[0, 0] not in ids2[0]
    ids3, _ = recommend(model, train, np.array([0]), n=2, filter_items=ids[0, :2])
    assert not set(ids[0, :2]) & set(ids3[0])
    allowed = np.zeros(24, dtype=bool)
    allowed[[20, 21]] = True
    ids4, _ = recommend(model, train, np.array([0]), n=3, candidates=allowed)
    assert sorted(ids4[0, :2]) == [20, 21]
    assert ids4[0, 2] == -1


def test_popularity_penalty_rescales_scores() -> None:
    train = _blocks().tolil()
    for u in range(24):  # product 1 becomes a best-seller bought by every client
        train[u, 1] = 1
    train = train.tocsr()
    model = fit_als(train, params=FAST.with_(popularity_penalty=1.0), random_state=0)
    scale = model.item_scale()
    assert scale is not None
    assert scale[1] == pytest.approx(1 / 24)
    assert scale[0] == pytest.approx(1 / 5)
    assert model.item_scale(0.0) is None
    raw = model.score_users(np.array([9]), penalty=0.0)
    np.testing.assert_allclose(model.score_users(np.array([9])), raw * scale, rtol=1e-5)


def test_save_load_roundtrip_and_checksum(tmp_path: Path) -> None:
    train = _blocks()
    model = fit_als(train, params=FAST, random_state=0)
    checksum = save_model(model, tmp_path / "als", metadata={"item_ids": ["a", "b"]})
    npz = tmp_path / "als.npz"
    assert npz.exists()
    assert checksum == file_sha256(npz)
    loaded, meta = load_model(npz)
    assert meta == {"item_ids": ["a", "b"]}
    assert loaded.params == FAST
    np.testing.assert_array_equal(loaded.item_factors, model.item_factors)
    ids_a, _ = recommend(model, train, np.arange(5), n=4)
    ids_b, _ = recommend(loaded, train, np.arange(5), n=4)
    np.testing.assert_array_equal(ids_a, ids_b)
    with pytest.raises(ValueError, match="checksum"):
        load_model(npz, expected_sha256="0" * 64)


def test_append_items_makes_new_products_recommendable() -> None:
    train = _blocks()
    model = fit_als(train, params=FAST, random_state=0)
    clone = append_items(model, model.item_factors[[0]] * 3)  # a strong block-0 newcomer
    assert clone.item_factors.shape == (25, 8)
    ids, _ = recommend(
        clone, sp.hstack([train, sp.csr_matrix((24, 1))]).tocsr(), np.array([0]), n=1
    )
    assert ids[0, 0] == 24


def test_popular_and_cosine_baselines() -> None:
    train = _blocks().tolil()
    train[0, 20] = 1
    train[9, 20] = 1
    train = train.tocsr()
    assert item_popularity(train)[20] == 7
    ids, _ = recommend_popular(train, np.array([1]), n=1)
    assert ids[0, 0] == 20
    ids, _ = recommend_popular(train, np.array([0]), n=1)  # already has 20
    assert ids[0, 0] != 20
    sim = fit_item_cosine(train, neighbours=3)
    assert sim.shape == (24, 24)
    assert sim.diagonal().sum() == 0
    assert max(np.diff(sim.indptr)) <= 3
    ids, _ = recommend_item_cosine(train, sim, np.array([3]), n=2)
    assert all(i < 8 for i in ids[0])


def test_tuning_is_deterministic_and_reports_a_table() -> None:
    rows, cols, times = [], [], []
    for b in range(3):
        for j in range(8):
            for t in range(6):
                rows.append(f"u{b}{j}")
                cols.append(f"p{b}{(j + t) % 8}")
                times.append(t)
    events = Interactions.from_lists(rows, cols, timestamps=times)
    grid = [
        ALSParams(factors=4, regularization=r, alpha=1, iterations=5, weighting=w)
        for w in ("binary", "bm25")
        for r in (0.1, 100.0)
    ]
    a = tune_als(events, strategy="random", k=3, seed=5, coarse=grid, refine_top=1)
    b = tune_als(events, strategy="random", k=3, seed=5, coarse=grid, refine_top=1)
    assert a.best == b.best
    assert a.best.regularization != 100.0  # a huge penalty cannot win on block data
    assert a.fits >= len(grid)
    assert len(a.table) == a.fits * 4  # one row per popularity penalty
    assert a.validation_ndcg > 0.3
    temporal = tune_als(events, strategy="temporal", k=3, seed=5, coarse=grid, refine_top=1)
    assert temporal.validation_info["clients_evaluated"] == 24


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_most_popular_ranks_a_shortlist_exactly_as_the_whole_catalogue(seed):
    """The shortlist path (top n + most blocked) gives the lists ranking everything gives.

    Equal scores at the list's end may be any of the tied products (argpartition picks
    one either way), so the scores must match exactly and every product be a fair pick."""
    import scipy.sparse as sp

    from recommendations.ml.baselines import item_popularity, recommend_popular
    from recommendations.ml.ranking import top_n

    rng = np.random.default_rng(seed)
    users, items = 300, 2_000
    # Zipf-like popularity with many ties (small integer counts), heavy and light clients.
    density = rng.random((users, items)) < rng.zipf(1.6, items).clip(max=60) / 400
    train = sp.csr_matrix(density.astype(np.float32))
    exclude = sp.csr_matrix((rng.random((users, items)) < 0.002).astype(np.float32))
    rows = rng.choice(users, size=120, replace=False)
    pop = item_popularity(train)
    block = train + exclude

    def everything(batch):
        return np.broadcast_to(pop, (len(batch), items))

    expected = top_n(everything, rows, n=10, exclude=block)
    got = recommend_popular(train, rows, n=10, exclude=exclude)
    np.testing.assert_array_equal(got[1], expected[1])
    ids = got[0]
    assert (ids >= 0).all()
    np.testing.assert_array_equal(pop[ids], got[1])  # each product's own popularity
    blocked = block.tocsr()[rows].toarray() > 0
    assert not np.take_along_axis(blocked, ids, axis=1).any()
    assert all(len(set(row)) == len(row) for row in ids.tolist())
