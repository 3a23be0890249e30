"""Ranking metrics on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from recommendations.ml.metrics import (
    coverage_at_k,
    map_at_k,
    ndcg_at_k,
    precision_at_k,
    ranking_metrics,
    recall_at_k,
)


def _truth(rows: list[list[int]], n_items: int = 10) -> sp.csr_matrix:
    r = [u for u, items in enumerate(rows) for _ in items]
    c = [i for items in rows for i in items]
    return sp.csr_matrix((np.ones(len(c)), (r, c)), shape=(len(rows), n_items))


# user 0: truth {1, 3}, recs [1, 2, 3] -> hits 1 0 1
# user 1: truth {0},    recs [2, 0, 4] -> hits 0 1 0
# user 2: truth {5, 6, 7, 8}, recs [9, 4, 2] -> no hits
TRUTH = _truth([[1, 3], [0], [5, 6, 7, 8]])
RECS = np.array([[1, 2, 3], [2, 0, 4], [9, 4, 2]])

NDCG_U0 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
NDCG_U1 = 1 / math.log2(3)


def test_hand_computed_toy() -> None:
    m = ranking_metrics(RECS, TRUTH, k=3)
    assert m.users == 3
    assert m.ndcg == pytest.approx((NDCG_U0 + NDCG_U1 + 0) / 3)
    assert m.ndcg == pytest.approx(0.516883, abs=1e-6)
    assert m.precision == pytest.approx((2 / 3 + 1 / 3 + 0) / 3)
    assert m.recall == pytest.approx((1 + 1 + 0) / 3)
    # AP@3: user 0 (1/1 + 2/3) / min(2, 3); user 1 (1/2) / 1; user 2 0
    assert m.map == pytest.approx(((1 + 2 / 3) / 2 + 0.5 + 0) / 3)
    assert m.coverage == pytest.approx(6 / 10)


def test_single_metric_functions_agree() -> None:
    assert ndcg_at_k(RECS, TRUTH, k=3) == pytest.approx(0.516883, abs=1e-6)
    assert precision_at_k(RECS, TRUTH, k=3) == pytest.approx(1 / 3)
    assert recall_at_k(RECS, TRUTH, k=3) == pytest.approx(2 / 3)
    assert map_at_k(RECS, TRUTH, k=3) == pytest.approx(((1 + 2 / 3) / 2 + 0.5) / 3)
    assert coverage_at_k(RECS, k=1, n_items=10) == pytest.approx(3 / 10)


def test_cutoff_k_truncates_lists() -> None:
    m = ranking_metrics(RECS, TRUTH, k=1)
    assert m.precision == pytest.approx(1 / 3)  # only user 0's first item is a hit
    assert m.ndcg == pytest.approx(1 / 3)
    assert m.recall == pytest.approx((1 / 2) / 3)


def test_users_with_empty_truth_are_not_averaged() -> None:
    truth = _truth([[1, 3], [], [0]])
    recs = np.array([[1, 3, 5], [1, 2, 3], [4, 5, 6]])
    m = ranking_metrics(recs, truth, k=3)
    assert m.users == 2
    assert m.ndcg == pytest.approx(0.5)
    assert m.precision == pytest.approx((2 / 3) / 2)


def test_padding_and_duplicates_earn_nothing() -> None:
    truth = _truth([[1, 2]])
    recs = np.array([[1, 1, -1]])
    m = ranking_metrics(recs, truth, k=3)
    assert m.precision == pytest.approx(1 / 3)
    assert m.recall == pytest.approx(1 / 2)
    assert m.coverage == pytest.approx(1 / 10)


def test_exclude_removes_training_items_from_recommendations() -> None:
    truth = _truth([[1, 3]])
    seen = _truth([[2]])
    recs = np.array([[1, 2, 3]])
    # without the exclusion 2 wastes slot 2 of the top-2
    assert ranking_metrics(recs, truth, k=2).ndcg == pytest.approx(1 / (1 + 1 / math.log2(3)))
    # with it, 2 leaves the list and 3 moves up
    m = ranking_metrics(recs, truth, k=2, exclude=seen)
    assert m.ndcg == pytest.approx(1.0)
    assert m.precision == pytest.approx(1.0)


def test_exclude_removes_training_items_from_truth() -> None:
    truth = _truth([[1, 3, 2]])
    seen = _truth([[2]])
    recs = np.array([[1, 3, 4]])
    assert ranking_metrics(recs, truth, k=3).recall == pytest.approx(2 / 3)
    assert ranking_metrics(recs, truth, k=3, exclude=seen).recall == pytest.approx(1.0)


def test_users_argument_maps_rows() -> None:
    m_all = ranking_metrics(RECS, TRUTH, k=3)
    m_sub = ranking_metrics(RECS[[1]], TRUTH, k=3, users=np.array([1]))
    assert m_sub.ndcg == pytest.approx(NDCG_U1)
    assert m_sub.users == 1
    assert m_all.users == 3


def test_shape_mismatch_and_bad_k_raise() -> None:
    with pytest.raises(ValueError, match="one row per"):
        ranking_metrics(RECS[:2], TRUTH, k=3)
    with pytest.raises(ValueError, match="positive"):
        ranking_metrics(RECS, TRUTH, k=0)
