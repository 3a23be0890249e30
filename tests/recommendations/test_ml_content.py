"""Cold start from product content: stated preferences and new-product factors."""

from __future__ import annotations

import numpy as np
import pytest

from recommendations.ml.content import (
    ContentFeaturizer,
    FactorRegressor,
    StatedPreferences,
    place_new_items,
    preference_scores,
    rank_for_preferences,
)

CATALOGUE = [
    {
        "id": 1,
        "category": "bags",
        "subcategory": "tote",
        "materials": ["leather"],
        "colours": ["black"],
        "occasion_tags": ["work"],
        "description": "Structured leather tote.",
    },
    {
        "id": 2,
        "category": "shoes",
        "subcategory": "pump",
        "materials": ["leather"],
        "colours": ["black"],
        "occasion_tags": ["gala"],
        "description": "Pointed black leather pump.",
    },
    {
        "id": 3,
        "category": "dresses",
        "subcategory": "gown",
        "materials": ["silk"],
        "colours": ["red"],
        "occasion_tags": ["gala"],
        "description": "Bias-cut silk evening gown.",
    },
    {
        "id": 4,
        "category": "shoes",
        "subcategory": "loafer",
        "materials": ["suede"],
        "colours": ["brown"],
        "occasion_tags": ["weekend"],
        "description": "Soft suede loafer.",
    },
    {
        "id": 5,
        "category": "shoes",
        "subcategory": "boot",
        "materials": ["leather"],
        "colours": ["black"],
        "occasion_tags": ["travel"],
        "description": "Black leather ankle boot.",
    },
    {
        "id": 6,
        "category": "knitwear",
        "subcategory": "cardigan",
        "materials": ["cashmere"],
        "colours": ["camel"],
        "occasion_tags": ["weekend"],
        "description": "Cashmere cardigan.",
    },
    {
        "id": 7,
        "category": "scarves",
        "subcategory": "carre",
        "materials": ["silk"],
        "colours": ["black", "gold"],
        "occasion_tags": [],
        "description": "",
    },
]


def test_features_are_normalised_and_cover_all_blocks() -> None:
    feats = ContentFeaturizer().fit(CATALOGUE)
    x = feats.transform(CATALOGUE)
    assert x.shape == (7, feats.n_features)
    np.testing.assert_allclose(np.sqrt(x.multiply(x).sum(axis=1)).A1, 1.0, rtol=1e-5)
    # labels are case-insensitive and unknown labels are ignored without warnings
    odd = feats.transform([{"category": "SHOES", "colours": ["Black", "ultraviolet"]}])
    assert odd.nnz == 2


def test_black_leather_shoes_rank_first() -> None:
    prefs = StatedPreferences(categories=["shoes"], colours=["black"], materials=["leather"])
    ranked = rank_for_preferences(CATALOGUE, prefs, n=7)
    ids = [pid for pid, _ in ranked]
    assert set(ids[:2]) == {2, 5}  # the black leather shoes
    assert ids.index(1) < ids.index(4)  # a black leather bag before brown suede shoes
    assert ids.index(4) < ids.index(7)  # other shoes before a black silk scarf
    assert 3 not in ids  # a red silk gown shares nothing with the request
    assert 6 not in ids
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)


def test_occasions_and_exclusions_steer_the_ranking() -> None:
    gala = StatedPreferences(occasion_tags=["gala"], text="evening gown")
    ids = [pid for pid, _ in rank_for_preferences(CATALOGUE, gala, n=3)]
    assert ids[0] == 3
    ids = [pid for pid, _ in rank_for_preferences(CATALOGUE, gala, n=3, exclude_ids=[3])]
    assert 3 not in ids
    assert ids[0] == 2
    assert rank_for_preferences(CATALOGUE, StatedPreferences(), n=3) == []


def test_query_vector_lives_in_the_product_space() -> None:
    feats = ContentFeaturizer().fit(CATALOGUE)
    q = feats.query_vector(StatedPreferences(categories=["scarves"], colours=["gold"]))
    scores = preference_scores(feats.transform(CATALOGUE), q)
    assert int(np.argmax(scores)) == 6
    assert scores.max() <= 1.0 + 1e-6


def test_new_product_gets_factors_close_to_similar_items() -> None:
    rng = np.random.default_rng(0)
    families = {
        "shoes": ("leather", "black", rng.normal(size=6)),
        "bags": ("canvas", "beige", rng.normal(size=6)),
        "dresses": ("silk", "red", rng.normal(size=6)),
    }
    known, factors = [], []
    for n in range(30):
        category = list(families)[n % 3]
        material, colour, centre = families[category]
        known.append(
            {
                "id": n,
                "category": category,
                "materials": [material],
                "colours": [colour],
                "description": f"{category} number {n}",
            }
        )
        factors.append(centre + 0.05 * rng.normal(size=6))
    known_factors = np.array(factors, dtype=np.float32)
    newcomer = [
        {
            "id": 99,
            "category": "bags",
            "materials": ["canvas"],
            "colours": ["beige"],
            "description": "a new bags style",
        }
    ]
    feats = ContentFeaturizer().fit(known)
    predicted = place_new_items(
        feats.transform(known), known_factors, feats.transform(newcomer), alpha=0.1
    )
    assert predicted.shape == (1, 6)
    assert predicted.dtype == np.float32

    def cosine(a: np.ndarray, b: np.ndarray) -> float:
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))

    sims = {c: cosine(predicted[0], centre) for c, (_, _, centre) in families.items()}
    assert max(sims, key=lambda c: sims[c]) == "bags"
    assert sims["bags"] > 0.9


def test_unfitted_objects_refuse_to_work() -> None:
    with pytest.raises(RuntimeError):
        ContentFeaturizer().transform(CATALOGUE)
    with pytest.raises(RuntimeError):
        FactorRegressor().predict(ContentFeaturizer().fit(CATALOGUE).transform(CATALOGUE))


def test_fit_transform_is_fit_then_transform() -> None:
    together = ContentFeaturizer().fit_transform(CATALOGUE)
    apart = ContentFeaturizer().fit(CATALOGUE).transform(CATALOGUE)
    assert together.shape == apart.shape
    assert abs(together - apart).max() == 0.0
    # The featurizer fitted on the way can still map a new product.
    fitted = ContentFeaturizer()
    fitted.fit_transform(CATALOGUE)
    assert fitted.transform(CATALOGUE[:1]).shape == (1, together.shape[1])
