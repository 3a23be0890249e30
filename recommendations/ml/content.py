"""Content-based cold start: product vectors, stated-preference scores, new products' factors.

Three jobs: product feature vectors, scoring products against stated preferences, and
placing new products into the ALS item-factor space.

Products are plain dicts such as::

    {"id": 17, "category": "shoes", "subcategory": "pump", "materials": ["calfskin"],
     "colours": ["black"], "occasion_tags": ["gala"], "description": "Pointed pump ..."}

Feature space = blocks [category one-hot | subcategory one-hot | materials | colours |
occasion tags (multi-label) | TF-IDF of the description]. Each block is L2-normalised per
row and multiplied by its weight, then the whole row is L2-normalised, so a dot product is
a cosine similarity in which each block counts roughly in proportion to its weight squared.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from sklearn.preprocessing import MultiLabelBinarizer, normalize

logger = logging.getLogger(__name__)

LABEL_BLOCKS: tuple[str, ...] = ("category", "subcategory", "materials", "colours", "occasion_tags")


@dataclass(frozen=True)
class BlockWeights:
    category: float = 1.0
    subcategory: float = 0.7
    materials: float = 0.8
    colours: float = 0.8
    occasion_tags: float = 0.6
    description: float = 0.5

    def of(self, block: str) -> float:
        return float(getattr(self, block))


@dataclass(frozen=True)
class StatedPreferences:
    """What a client without purchase history told their stylist (all optional)."""

    categories: Sequence[str] = ()
    subcategories: Sequence[str] = ()
    materials: Sequence[str] = ()
    colours: Sequence[str] = ()
    occasion_tags: Sequence[str] = ()
    text: str = ""


def _labels(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return sorted({str(v).strip().lower() for v in value if str(v).strip()})


@dataclass
class ContentFeaturizer:
    """Fits the vocabularies on a catalogue and maps products / preferences to vectors."""

    weights: BlockWeights = field(default_factory=BlockWeights)
    max_text_features: int = 20000
    _binarizers: dict[str, MultiLabelBinarizer] = field(default_factory=dict, repr=False)
    _tfidf: TfidfVectorizer | None = field(default=None, repr=False)

    def fit(self, products: Sequence[Mapping[str, Any]]) -> ContentFeaturizer:
        label_rows = {b: [_labels(p.get(b)) for p in products] for b in LABEL_BLOCKS}
        self._fit(label_rows, [str(p.get("description") or "") for p in products])
        return self

    def _fit(self, label_rows: dict[str, list[list[str]]], texts: list[str]) -> Any:
        """Fit the vocabularies; the descriptions' TF-IDF matrix (None without text)."""
        for block in LABEL_BLOCKS:
            mlb = MultiLabelBinarizer(sparse_output=True)
            mlb.fit(label_rows[block])
            self._binarizers[block] = mlb
        self._tfidf = None
        if any(t.strip() for t in texts):
            tfidf = TfidfVectorizer(
                stop_words="english", sublinear_tf=True, max_features=self.max_text_features
            )
            try:
                matrix = tfidf.fit_transform(texts)
                self._tfidf = tfidf
                return matrix
            except ValueError:  # only stop words: no vocabulary
                logger.info("descriptions carry no usable vocabulary; text block disabled")
        return None

    def _check_fitted(self) -> None:
        if not self._binarizers:
            raise RuntimeError("ContentFeaturizer is not fitted")

    def _label_block(self, block: str, rows: Iterable[list[str]]) -> sp.csr_matrix:
        mlb = self._binarizers[block]
        known = set(mlb.classes_)
        mat = mlb.transform([[v for v in r if v in known] for r in rows])
        return sp.csr_matrix(mat, dtype=np.float32)

    def _assemble(
        self, label_rows: dict[str, list[list[str]]], texts: list[str], text_matrix: Any = None
    ) -> sp.csr_matrix:
        blocks = []
        for block in LABEL_BLOCKS:
            mat = self._label_block(block, label_rows[block])
            if mat.shape[1]:  # a block nobody in the catalogue fills has no columns
                blocks.append(normalize(mat) * self.weights.of(block))
        if self._tfidf is not None:
            if text_matrix is None:
                text_matrix = self._tfidf.transform(texts)
            text = normalize(sp.csr_matrix(text_matrix, dtype=np.float32))
            blocks.append(text * self.weights.description)
        if not blocks:
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        return sp.csr_matrix(normalize(sp.hstack(blocks, format="csr")), dtype=np.float32)

    def transform(self, products: Sequence[Mapping[str, Any]]) -> sp.csr_matrix:
        """(n_products, n_features) L2-normalised float32 CSR."""
        self._check_fitted()
        label_rows = {b: [_labels(p.get(b)) for p in products] for b in LABEL_BLOCKS}
        return self._assemble(label_rows, [str(p.get("description") or "") for p in products])

    def fit_transform(self, products: Sequence[Mapping[str, Any]]) -> sp.csr_matrix:
        """``fit`` then ``transform``, reading each product's labels and words once."""
        label_rows = {b: [_labels(p.get(b)) for p in products] for b in LABEL_BLOCKS}
        texts = [str(p.get("description") or "") for p in products]
        text_matrix = self._fit(label_rows, texts)
        return self._assemble(label_rows, texts, text_matrix)

    def query_vector(self, preferences: StatedPreferences) -> sp.csr_matrix:
        """A (1, n_features) vector in the product space built from stated preferences."""
        self._check_fitted()
        label_rows = {
            "category": [_labels(preferences.categories)],
            "subcategory": [_labels(preferences.subcategories)],
            "materials": [_labels(preferences.materials)],
            "colours": [_labels(preferences.colours)],
            "occasion_tags": [_labels(preferences.occasion_tags)],
        }
        return self._assemble(label_rows, [preferences.text])

    @property
    def n_features(self) -> int:
        self._check_fitted()
        n = sum(len(self._binarizers[b].classes_) for b in LABEL_BLOCKS)
        return n + (len(self._tfidf.vocabulary_) if self._tfidf is not None else 0)


def preference_scores(item_features: sp.csr_matrix, query: sp.csr_matrix) -> np.ndarray:
    """Cosine similarity of each product row to the query (both L2-normalised)."""
    return np.asarray((item_features @ query.T).toarray()).ravel().astype(np.float32)


def rank_for_preferences(
    products: Sequence[Mapping[str, Any]],
    preferences: StatedPreferences,
    *,
    n: int = 10,
    featurizer: ContentFeaturizer | None = None,
    exclude_ids: Iterable[Any] = (),
) -> list[tuple[Any, float]]:
    """Top-``n`` ``(product id, score)`` for a client with no history (ties keep input order).

    Products scoring 0 (nothing in common with the preferences) are left out.
    """
    feats = featurizer or ContentFeaturizer().fit(products)
    scores = preference_scores(feats.transform(products), feats.query_vector(preferences))
    excluded = set(exclude_ids)
    order = np.argsort(-scores, kind="stable")
    out: list[tuple[Any, float]] = []
    for idx in order:
        if len(out) >= n or scores[idx] <= 0:
            break
        pid = products[idx].get("id", idx)
        if pid not in excluded:
            out.append((pid, float(scores[idx])))
    return out


@dataclass
class FactorRegressor:
    """Ridge regression from content features to ALS item factors (multi-output)."""

    alpha: float = 1.0
    _ridge: Ridge | None = field(default=None, repr=False)

    def fit(self, features: sp.csr_matrix, item_factors: np.ndarray) -> FactorRegressor:
        if features.shape[0] != item_factors.shape[0]:
            raise ValueError("one feature row per item factor row is required")
        self._ridge = Ridge(alpha=self.alpha, fit_intercept=True, solver="auto")
        self._ridge.fit(features, np.asarray(item_factors, dtype=np.float64))
        return self

    def predict(self, features: sp.csr_matrix) -> np.ndarray:
        if self._ridge is None:
            raise RuntimeError("FactorRegressor is not fitted")
        return np.asarray(self._ridge.predict(features), dtype=np.float32)


def place_new_items(
    known_features: sp.csr_matrix,
    known_factors: np.ndarray,
    new_features: sp.csr_matrix,
    *,
    alpha: float = 1.0,
) -> np.ndarray:
    """Predict ALS factors for products without interactions from their content."""
    return FactorRegressor(alpha=alpha).fit(known_features, known_factors).predict(new_features)
