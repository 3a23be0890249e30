"""Cold start with content: occasions to product tags, stated preferences, new products' factors.

Built on ``recommendations.ml.content`` (category, subcategory, materials, colours,
occasion tags and a TF-IDF of the description, block-weighted). Two uses:

- a client with no consented signal is ranked by the cosine between her stated
  preferences (categories, colours, materials, style keywords and the tags of her
  upcoming occasion) and each product; with nothing stated at all, by popularity;
- a product nobody has interacted with yet gets ALS item factors predicted from its
  content by a ridge regression fitted on the products the model knows
  (``ml.content.place_new_items``), so the model can draft it on its first night.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommendations.ml.content import ContentFeaturizer, StatedPreferences, place_new_items
from recommendations.pipeline.catalogue import Catalogue, tokens

# Occasion.kind -> the product occasion tags that suit it (the kind itself always does).
OCCASION_TAGS: dict[str, tuple[str, ...]] = {
    "birthday": ("birthday-gift", "evening"),
    "anniversary": ("evening", "gala", "birthday-gift"),
    "wedding": ("wedding", "ceremony"),
    "gala": ("gala", "evening"),
    "travel": ("travel", "resort"),
    "milestone": ("business",),
    "holiday": ("holiday", "resort", "travel"),
    "other": (),
}
PLACEMENT_SAMPLE = 2000  # known products the regression learns from (the most popular)


def tags_for_occasion(kind: str) -> tuple[str, ...]:
    return (kind, *OCCASION_TAGS.get(kind, ()))


def occasion_matches(catalogue: Catalogue, kinds: Sequence[str]) -> dict[str, np.ndarray]:
    """For each occasion kind, a bool per catalogue product: is it tagged for it?"""
    out: dict[str, np.ndarray] = {}
    csc = catalogue.occasion_tags.tocsc()
    for kind in set(kinds):
        cols = [catalogue.tag_index[t] for t in tags_for_occasion(kind) if t in catalogue.tag_index]
        if cols:
            out[kind] = np.asarray(csc[:, cols].sum(axis=1)).ravel() > 0
        else:
            out[kind] = np.zeros(len(catalogue), dtype=bool)
    return out


@dataclass
class ContentSpace:
    """Content vectors of the drafting candidates (rows follow the candidate order)."""

    featurizer: ContentFeaturizer
    features: sp.csr_matrix


def build_content_space(catalogue: Catalogue, candidate_idx: np.ndarray) -> ContentSpace:
    rows = catalogue.content_rows(candidate_idx)
    featurizer = ContentFeaturizer()
    features = featurizer.fit_transform(rows)
    return ContentSpace(featurizer=featurizer, features=features)


def place_products(
    space: ContentSpace,
    *,
    known: np.ndarray,
    known_factors: np.ndarray,
    known_popularity: np.ndarray,
    new: np.ndarray,
) -> np.ndarray:
    """ALS factors for the candidates at positions ``new`` from their content."""
    if len(new) == 0 or len(known) == 0:
        return np.zeros((len(new), known_factors.shape[1] if known_factors.ndim == 2 else 0))
    take = np.argsort(-known_popularity, kind="stable")[:PLACEMENT_SAMPLE]
    return place_new_items(space.features[known[take]], known_factors[take], space.features[new])


def stated_preferences(profile: dict[str, Any], occasion_kind: str | None) -> StatedPreferences:
    return StatedPreferences(
        categories=tuple(tokens(profile.get("categories"))),
        materials=tuple(tokens(profile.get("materials"))),
        colours=tuple(tokens(profile.get("colours"))),
        occasion_tags=tags_for_occasion(occasion_kind) if occasion_kind else (),
        text=" ".join(tokens(profile.get("keywords"))),
    )


def has_preferences(prefs: StatedPreferences) -> bool:
    return bool(
        prefs.categories or prefs.materials or prefs.colours or prefs.occasion_tags or prefs.text
    )


def preference_scores(space: ContentSpace, prefs: Sequence[StatedPreferences]) -> np.ndarray:
    """(len(prefs), n_candidates) cosine scores; zero rows for clients who stated nothing.

    The same vectors as ``ContentFeaturizer.query_vector``, built for the whole batch in
    one ``transform`` (a preference set is shaped like a product whose labels are lists),
    and once per distinct set of preferences.
    """
    if not prefs:
        return np.zeros((0, space.features.shape[0]), dtype=np.float32)
    keys = [
        (p.categories, p.subcategories, p.materials, p.colours, p.occasion_tags, p.text)
        for p in prefs
    ]
    distinct = list(dict.fromkeys(keys))
    position = {key: n for n, key in enumerate(distinct)}
    queries = space.featurizer.transform(
        [
            {
                "category": list(c),
                "subcategory": list(sub),
                "materials": list(m),
                "colours": list(col),
                "occasion_tags": list(tags),
                "description": text,
            }
            for c, sub, m, col, tags, text in distinct
        ]
    )
    scores = np.asarray((queries @ space.features.T).toarray(), dtype=np.float32)
    return scores[[position[key] for key in keys]]
