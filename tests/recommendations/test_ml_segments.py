"""Segments (recommendations.ml.segments): k by silhouette, names by rules over the centroid."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from recommendations.ml.segments import (
    BuyerFeatures,
    buyer_features,
    choose_k,
    segment_buyers,
    segment_name,
    taste_words,
)

TODAY = dt.date(2026, 6, 30)
CATEGORIES = ["leather_goods", "fragrance", "jewellery"]
WORDS = {"leather_goods": "leather goods", "fragrance": "fragrance", "jewellery": "jewellery"}


def blobs(k: int, per: int = 40, dims: int = 4, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.eye(k, dims) * 12
    return np.vstack([c + rng.normal(0, 0.5, (per, dims)) for c in centres])


@pytest.mark.parametrize("k", [3, 4, 5])
def test_k_is_the_one_of_best_silhouette_on_known_clusters(k):
    chosen, scores, model = choose_k(blobs(k, dims=6), range(3, 9))
    assert chosen == k
    assert max(scores, key=scores.__getitem__) == k
    assert len(set(model.labels_.tolist())) == k


def three_kinds_of_buyer() -> list[tuple[int, dt.date, str, float, float]]:
    """Loyal leather collectors, lapsing one-off fragrance buyers, recent jewellery buyers."""
    rng = np.random.default_rng(7)
    lines = []
    for client in range(40):  # every month for two years, bags
        for month in range(0, 24, 2):
            day = TODAY - dt.timedelta(days=int(month * 30 + rng.integers(0, 10)))
            lines.append((client, day, "leather_goods", 2400.0 + rng.normal(0, 100), 2400.0))
    for client in range(100, 140):  # once, long ago, a bottle
        day = TODAY - dt.timedelta(days=int(700 + rng.integers(0, 60)))
        lines.append((client, day, "fragrance", 180.0 + rng.normal(0, 10), 180.0))
    for client in range(200, 240):  # once or twice lately, a ring
        for _ in range(int(rng.integers(1, 3))):
            day = TODAY - dt.timedelta(days=int(rng.integers(5, 40)))
            lines.append((client, day, "jewellery", 900.0, 900.0))
    return lines


def test_three_kinds_of_buyer_are_found_and_named_in_plain_words():
    features = buyer_features(three_kinds_of_buyer(), TODAY, CATEGORIES)
    result = segment_buyers(features, WORDS)

    assert result.k == 3
    names = {s.name for s in result.segments}
    assert names == {
        "Loyal high-spending collectors of leather goods",
        "Lapsing occasional buyers of fragrance",
        "Occasional buyers of jewellery",
    }
    by_client = dict(zip(features.ids.tolist(), result.labels.tolist(), strict=True))
    assert len({by_client[c] for c in range(40)}) == 1  # each kind stays together
    assert len({by_client[c] for c in range(100, 140)}) == 1
    for segment in result.segments:
        assert segment.description.endswith(".")
        assert segment.description.count(".") == 1  # one sentence
        assert "40 clients" in segment.description
    assert sorted(s.size for s in result.segments) == [40, 40, 40]


def test_segments_are_deterministic():
    features = buyer_features(three_kinds_of_buyer(), TODAY, CATEGORIES)
    first, second = segment_buyers(features, WORDS), segment_buyers(features, WORDS)
    assert first.labels.tolist() == second.labels.tolist()
    assert [s.name for s in first.segments] == [s.name for s in second.segments]


def test_too_few_buyers_make_no_segment():
    lines = [(i, TODAY, "fragrance", 100.0, 100.0) for i in range(10)]
    with pytest.raises(ValueError, match="at least 30 are needed"):
        segment_buyers(buyer_features(lines, TODAY, CATEGORIES), WORDS)


@pytest.mark.parametrize(
    ("recency", "frequency", "monetary", "shares", "name"),
    [
        (-1.0, 1.2, 0.0, [0.8, 0.1, 0.1], "Loyal collectors of leather goods"),
        (1.0, -1.0, 0.0, [0.1, 0.9, 0.0], "Lapsing occasional buyers of fragrance"),
        (1.0, 1.0, 0.0, [0.1, 0.9, 0.0], "Lapsing regular collectors of fragrance"),
        (-1.0, 0.0, 1.0, [0.0, 0.0, 1.0], "Recent high-spending buyers of jewellery"),
        (0.0, 0.0, -1.0, [0.45, 0.35, 0.2], "Light-spending buyers of leather goods and fragrance"),
        (0.0, 0.0, 0.0, [0.34, 0.33, 0.33], "Steady buyers across the collections"),
    ],
)
def test_naming_rules(recency, frequency, monetary, shares, name):
    centre = np.array([recency, frequency, monetary, 0.0, 0.0, 0.0, 0.0])
    assert segment_name(centre, np.array(shares), CATEGORIES, WORDS) == name


def test_taste_without_categories_reads_across_the_collections():
    assert taste_words(np.zeros(3), CATEGORIES, WORDS) == "across the collections"


def test_features_are_rfm_and_shares_of_spend():
    lines = [
        (5, TODAY - dt.timedelta(days=10), "leather_goods", 3000.0, 3000.0),
        (5, TODAY - dt.timedelta(days=10), "fragrance", 1000.0, 200.0),  # same day: one purchase
        (5, TODAY - dt.timedelta(days=100), "fragrance", 1000.0, 200.0),
    ]
    features = buyer_features(lines, TODAY, CATEGORIES)
    assert isinstance(features, BuyerFeatures)
    assert features.ids.tolist() == [5]
    assert features.recency_days.tolist() == [10]
    assert features.frequency.tolist() == [2]
    assert features.monetary.tolist() == [2500]
    assert features.price.tolist() == [200]
    assert features.shares.tolist() == [[0.6, 0.4, 0.0]]


def test_many_buyers_are_placed_by_centroids_learnt_on_a_sample(monkeypatch):
    from recommendations.ml import segments

    monkeypatch.setattr(segments, "FIT_SAMPLE", 60)
    features = buyer_features(three_kinds_of_buyer(), TODAY, CATEGORIES)
    result = segment_buyers(features, WORDS)
    assert result.k == 3
    assert sorted(s.size for s in result.segments) == [40, 40, 40]
    assert len(result.labels) == len(features) == 120


def test_a_segment_with_no_leading_category_says_so():
    lines = [(i, TODAY - dt.timedelta(days=i), "other", 100.0 + i, 50.0) for i in range(40)]
    result = segment_buyers(buyer_features(lines, TODAY, CATEGORIES), WORDS)
    assert all("no one category" in s.description for s in result.segments)
    assert all("across the collections" in s.name for s in result.segments)
