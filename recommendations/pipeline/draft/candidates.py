"""Stage 1, candidates: the pieces on offer tonight, and each client's pool of them.

The offer is every active product in stock somewhere. A piece the model has never seen
(new in the catalogue since the last fit) gets factors predicted from its content
(pipeline.coldstart), so it can be drafted on its first night.

A client's pool is her ``k`` best candidates, with what she owns, returned, rejected or
saw removed by a stylist left out (``rules.excluded_pieces``):

- with history: by her folded-in vector against the item factors (implicit's threaded
  top-k; every warm client at once, see ``CandidatePools.prefetch_warm``);
- without: by content against her stated tastes and occasion, popularity breaking ties;
  with nothing stated, by popularity alone.

When her best candidates cannot make a balanced draft (all of them in one or two
categories), ``CandidatePools.by_category`` reads on down the same ranking in every
category (``ml.balance.top_per_category``), keeping only pieces her price band and the
materials she avoids allow, so that the under-represented categories have candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from recommendations.ml.balance import top_per_category
from recommendations.ml.matrix import encode
from recommendations.ml.ranking import mask_rows, select_top
from recommendations.pipeline import coldstart
from recommendations.pipeline.artifacts import LoadedModel
from recommendations.pipeline.catalogue import Catalogue, Stock
from recommendations.pipeline.draft.clients import ClientVectors, ColdProfiles
from recommendations.pipeline.draft.plans import DraftSettings
from recommendations.pipeline.scoring import scaled_item_factors, top_items

# Popularity only breaks ties between pieces that match a cold client equally well.
POPULARITY_TIE_BREAK = 0.01


@dataclass
class Offer:
    """The pieces on offer tonight, as columns: candidate j is ``catalogue_index[j]``."""

    catalogue_index: np.ndarray  # catalogue row of each candidate
    position: np.ndarray  # catalogue row -> candidate column, -1 when not on offer
    factors: np.ndarray  # (candidates, f) item factors with the popularity penalty, to score
    unit: np.ndarray  # (candidates, f) unit-length raw factors, to compare pieces
    raw: np.ndarray  # (candidates, f) raw factors, to explain a score by her history
    popularity: np.ndarray  # training popularity; 0 for pieces the model has not seen
    popularity_score: np.ndarray  # popularity / the most popular, float32
    category: np.ndarray
    subcategory: np.ndarray
    content: coldstart.ContentSpace | None  # built when new pieces or cold tastes need it
    placed: int  # new pieces given factors from their content

    def __len__(self) -> int:
        return len(self.catalogue_index)

    def ensure_content(self, catalogue: Catalogue) -> coldstart.ContentSpace:
        if self.content is None:
            self.content = coldstart.build_content_space(catalogue, self.catalogue_index)
        return self.content


def build_offer(catalogue: Catalogue, stock: Stock, model: LoadedModel) -> Offer:
    index = np.flatnonzero(catalogue.active & stock.in_stock)
    n_offer = len(index)
    position = np.full(len(catalogue), -1, dtype=np.int64)
    position[index] = np.arange(n_offer)
    model_row, _ = encode(catalogue.product_ids[index], model.item_ids)
    known = model_row >= 0
    n_factors = model.model.params.factors
    penalised = scaled_item_factors(model.model)
    raw = np.zeros((n_offer, n_factors), dtype=np.float32)
    factors = np.zeros((n_offer, n_factors), dtype=np.float32)
    raw[known] = model.model.item_factors[model_row[known]]
    factors[known] = penalised[model_row[known]]
    popularity = np.zeros(n_offer, dtype=np.float64)
    popularity[known] = model.model.item_popularity[model_row[known]]
    content: coldstart.ContentSpace | None = None
    new = np.flatnonzero(~known)
    if len(new) and known.any():
        content = coldstart.build_content_space(catalogue, index)
        placed = coldstart.place_products(
            content,
            known=np.flatnonzero(known),
            known_factors=raw[known],
            known_popularity=popularity[known],
            new=new,
        )
        raw[new] = placed
        factors[new] = placed  # no popularity yet: penalty scale 1
    top = popularity.max() if n_offer else 0.0
    return Offer(
        catalogue_index=index,
        position=position,
        factors=np.ascontiguousarray(factors),
        unit=normalize(raw).astype(np.float32),
        raw=raw,
        popularity=popularity,
        popularity_score=(
            (popularity / top).astype(np.float32) if top > 0 else np.zeros(n_offer, np.float32)
        ),
        category=catalogue.category[index],
        subcategory=catalogue.subcategory[index],
        content=content,
        placed=len(new) if content is not None else 0,
    )


class CandidatePools:
    """Draws each client's pool: (candidate columns, scores), best first; -1 / -inf pad."""

    def __init__(
        self,
        offer: Offer,
        vectors: ClientVectors,
        excluded: sp.csr_matrix,
        cold: ColdProfiles,
        settings: DraftSettings,
    ) -> None:
        self.offer = offer
        self.vectors = vectors
        self.excluded = excluded  # (rows, candidates): never offer these to her
        self.cold = cold
        self.settings = settings
        self._warm_pool: tuple[np.ndarray, np.ndarray] | None = None
        self._warm_pool_row = np.empty(0, dtype=np.int64)  # audience row -> prefetched row

    def prefetch_warm(self) -> None:
        """Every client with history at once.

        One threaded top-k call costs about what a batch does, since the work is the same
        scoring, with none of the thread start-ups.
        """
        warm = np.flatnonzero(self.vectors.warm)
        if not len(warm):
            return
        self._warm_pool_row = np.full(len(self.vectors.warm), -1, dtype=np.int64)
        self._warm_pool_row[warm] = np.arange(len(warm))
        self._warm_pool = top_items(
            self.offer.factors,
            self.vectors.factors[warm],
            max(1, min(self.settings.pool, len(self.offer))),
            exclude=self.excluded[warm],
        )

    def draw(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best candidates of each row: shape (len(rows), k)."""
        k = max(1, min(k, len(self.offer)))
        ids = np.full((len(rows), k), -1, dtype=np.int64)
        scores = np.full((len(rows), k), -np.inf, dtype=np.float32)
        warm = self.vectors.warm[rows]
        if warm.any():
            ids[warm], scores[warm] = self._by_model(rows[warm], k)
        cold = np.flatnonzero(~warm)
        for start in range(0, len(cold), self.settings.cold_batch):
            at = cold[start : start + self.settings.cold_batch]
            ids[at], scores[at] = self._by_content(rows[at], k)
        return ids, scores

    def _by_model(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        if self._warm_pool is not None and k == self._warm_pool[0].shape[1]:
            at = self._warm_pool_row[rows]
            return self._warm_pool[0][at], self._warm_pool[1][at]
        return top_items(
            self.offer.factors, self.vectors.factors[rows], k, exclude=self.excluded[rows]
        )

    def by_category(
        self,
        rows: np.ndarray,
        per_category: int,
        fits: Callable[[np.ndarray], np.ndarray] | None = None,
        chunk: int = 256,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Her ``per_category`` best candidates in every category, merged best first.

        The same scores as her pool (the model for a client with history, content and
        popularity without), over the whole offer; what she must not see again is left
        out, and so is whatever ``fits(rows)`` (a (rows, candidates) bool array) rejects.
        """
        parts = [
            self._by_category(rows[start : start + chunk], per_category, fits)
            for start in range(0, len(rows), chunk)
        ]
        if not parts:
            return np.empty((0, 0), np.int64), np.empty((0, 0), np.float32)
        return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])

    def _by_category(
        self,
        rows: np.ndarray,
        per_category: int,
        fits: Callable[[np.ndarray], np.ndarray] | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        scores = np.empty((len(rows), len(self.offer)), dtype=np.float32)
        warm = self.vectors.warm[rows]
        if warm.any():
            scores[warm] = self.vectors.factors[rows[warm]] @ self.offer.factors.T
        if (~warm).any():
            scores[~warm] = self._content_scores(rows[~warm])
        mask_rows(scores, self.excluded, rows)
        if fits is not None:
            scores[~fits(rows)] = -np.inf
        return top_per_category(scores, self.offer.category.astype(np.int64), per_category)

    def _content_scores(self, rows: np.ndarray) -> np.ndarray:
        """Content against her stated tastes and occasion, popularity breaking ties."""
        offer, cold = self.offer, self.cold
        scores = np.broadcast_to(offer.popularity_score, (len(rows), len(offer))).copy()
        scores *= POPULARITY_TIE_BREAK
        with_tastes = cold.has_preferences[rows]
        if with_tastes.any() and offer.content is not None:
            scores[with_tastes] += coldstart.preference_scores(
                offer.content, [cold.preferences[r] for r in rows[with_tastes].tolist()]
            )
        return scores

    def _by_content(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores = self._content_scores(rows)
        mask_rows(scores, self.excluded, rows)
        return select_top(scores, k)
