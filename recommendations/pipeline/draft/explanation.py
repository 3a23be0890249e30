"""Stage 5, the explanation hand-off: what each picked piece is shown with, via pipeline.explain.

For every picked piece this stage chooses the *facts* (vectorised over a batch) and hands
them to ``Explainer``, which turns them into words (cached phrases):

- why: the piece itself if it is already in her history (saved, loved, kept...); else
  the one or two pieces of her history closest to it in the model's item space, weighted
  by the strength of her signal; for a client without history, the tastes she stated;
  failing all of those, its popularity;
- where: the size and place it is in stock for her;
- when: her occasion, if the piece suits it; her budget, if it capped the price band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import normalize

from recommendations.pipeline.artifacts import LoadedModel
from recommendations.pipeline.audience import Audience
from recommendations.pipeline.catalogue import Catalogue, Stock, tokens
from recommendations.pipeline.draft.candidates import Offer
from recommendations.pipeline.draft.clients import ClientHistory, ClientVectors, ColdProfiles
from recommendations.pipeline.draft.occasion import Occasions
from recommendations.pipeline.draft.plans import DraftedItem
from recommendations.pipeline.draft.price_band import PriceBand
from recommendations.pipeline.draft.rules import Shortlist
from recommendations.pipeline.explain import SELF_PHRASES, Explainer, sentence
from recommendations.pipeline.extract import SIGNALS

# Per signal code: can the piece itself be explained by this signal ("she saved this piece")?
SELF_PHRASED = np.array([signal.name in SELF_PHRASES for signal in SIGNALS], dtype=bool)
# A second history piece is named only when it is at least this close to the first.
SECOND_REASON_SHARE = 0.5


@dataclass(frozen=True)
class Picks:
    """The pieces diversity picked for a batch, as (rows, need) nested lists; -1 pads."""

    candidate: np.ndarray  # candidate columns (an array, for the vectorised reasons)
    product_index: list[list[int]]  # catalogue rows
    place: list[list[int]]
    variant: list[list[int]]
    size: list[list[int]]
    unknown_size: list[list[bool]]
    score: list[list[float]]  # rounded to 5 decimals
    for_occasion: list[list[bool]]


def picks_from(
    rows: np.ndarray, short: Shortlist, chosen: np.ndarray, offer: Offer, occasions: Occasions
) -> Picks:
    """Gather what the explanation and the draft need about each chosen shortlist entry."""
    at = np.maximum(chosen, 0)

    def take(array: np.ndarray) -> np.ndarray:
        return np.take_along_axis(array, at, 1)

    candidate = np.where(chosen >= 0, take(short.ids), -1)
    product = np.where(candidate >= 0, offer.catalogue_index[np.maximum(candidate, 0)], -1)
    return Picks(
        candidate=candidate,
        product_index=product.tolist(),
        place=take(short.place).tolist(),
        variant=take(short.variant).tolist(),
        size=take(short.size).tolist(),
        unknown_size=take(short.unknown_size).tolist(),
        score=np.round(take(short.scores), 5).tolist(),
        for_occasion=occasions.matched(rows, candidate).tolist(),
    )


class Explanations:
    """Chooses the facts behind each picked piece and has ``Explainer`` word them."""

    def __init__(
        self,
        audience: Audience,
        model: LoadedModel,
        catalogue: Catalogue,
        stock: Stock,
        offer: Offer,
        vectors: ClientVectors,
        history: ClientHistory,
        cold: ColdProfiles,
        occasions: Occasions,
        band: PriceBand,
    ) -> None:
        self.explainer = Explainer(catalogue, stock)
        self.audience = audience
        self.product_ids = catalogue.product_ids.tolist()
        self.offer = offer
        self.warm = vectors.warm
        self.strongest = history.strongest
        self.cold_stated = cold.stated
        self.occasions = occasions
        self.band = band
        self.model_unit = normalize(model.model.item_factors).astype(np.float32)

    def because(self, rows: np.ndarray, picked: np.ndarray) -> list[list[str]]:
        """The 'why' part for each (row, picked candidate); '' where nothing was picked.

        The choice of history pieces is vectorised; the loop only looks up cached phrases.
        """
        index = self.offer.catalogue_index[np.maximum(picked, 0)]
        same, self_code = self._itself_in_history(rows, index)
        first, second = self._closest_history(rows, picked, same)
        return self._phrases(rows, picked, index, self_code, first, second)

    def _itself_in_history(
        self, rows: np.ndarray, index: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(is history slot h this piece: (n, width, H), her signal on the piece or -1)."""
        history_index = self.strongest.catalogue_index[rows]
        history_code = self.strongest.code[rows]
        same = (history_index[:, None, :] == index[:, :, None]) & (history_index[:, None, :] >= 0)
        code = np.take_along_axis(history_code, np.argmax(same, axis=2), axis=1)
        code = np.where(same.any(axis=2) & SELF_PHRASED[np.maximum(code, 0)], code, -1)
        return same, code

    def _closest_history(
        self, rows: np.ndarray, picked: np.ndarray, same: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The two history pieces closest to each pick: (n, width, 2) of (code, catalogue row)."""
        n, width = picked.shape
        first = np.full((n, width, 2), -1, dtype=np.int64)
        second = np.full((n, width, 2), -1, dtype=np.int64)
        warm = self.warm[rows]
        history_index = self.strongest.catalogue_index[rows]
        if not (warm.any() and history_index.shape[1]):
            return first, second
        history_code = self.strongest.code[rows]
        model_row = self.strongest.model_row[rows]
        history_vectors = self.model_unit[np.maximum(model_row, 0)]  # (n, H, f)
        pick_vectors = self.offer.unit[np.maximum(picked, 0)]  # (n, width, f)
        strength = (
            np.einsum("nwf,nhf->nwh", pick_vectors, history_vectors)
            * self.strongest.weight[rows][:, None, :]
        )
        strength[np.broadcast_to((model_row < 0)[:, None, :], strength.shape)] = -np.inf
        strength[same] = -np.inf
        order = np.argsort(-strength, axis=2, kind="stable")[:, :, :2]
        top = np.take_along_axis(strength, order, axis=2)
        has_first = np.isfinite(top[:, :, 0]) & warm[:, None]
        has_second = (
            has_first
            & np.isfinite(top[:, :, 1])
            & (top[:, :, 1] >= SECOND_REASON_SHARE * top[:, :, 0])
        )
        for slot, ok, target in ((0, has_first, first), (1, has_second, second)):
            h = order[:, :, slot]
            target[..., 0] = np.where(ok, np.take_along_axis(history_code, h, axis=1), -1)
            target[..., 1] = np.where(ok, np.take_along_axis(history_index, h, axis=1), -1)
        return first, second

    def _phrases(
        self,
        rows: np.ndarray,
        picked: np.ndarray,
        index: np.ndarray,
        self_code: np.ndarray,
        first: np.ndarray,
        second: np.ndarray,
    ) -> list[list[str]]:
        explainer = self.explainer
        warm = self.warm[rows]
        picked_l, index_l, self_l = picked.tolist(), index.tolist(), self_code.tolist()
        first_l, second_l = first.tolist(), second.tolist()
        out: list[list[str]] = []
        for i, r in enumerate(rows.tolist()):
            salutation = self.audience.salutations[r]
            tastes = self._stated_words(r) if self.cold_stated[r] and not warm[i] else None
            line: list[str] = []
            for j in range(picked.shape[1]):
                if picked_l[i][j] < 0:
                    line.append("")
                    continue
                text = ""
                if self_l[i][j] >= 0:
                    text = explainer.because_self(salutation, self_l[i][j])
                elif first_l[i][j][0] >= 0:
                    text = explainer.because_history(salutation, (*first_l[i][j], *second_l[i][j]))
                elif tastes is not None:
                    text = explainer.because_taste(salutation, tastes, index_l[i][j])
                line.append(text or explainer.because_popular(index_l[i][j]))
            out.append(line)
        return out

    def _stated_words(self, r: int) -> tuple[frozenset[str], frozenset[str]]:
        """(colours and materials, categories) she stated."""
        profile = self.audience.preferences[r]
        wanted = frozenset(tokens(profile.get("colours")) + tokens(profile.get("materials")))
        return wanted, frozenset(tokens(profile.get("categories")))

    def items(self, i: int, r: int, picks: Picks, because: list[list[str]]) -> list[DraftedItem]:
        """Batch row ``i`` (audience row ``r``): her picked pieces, each with its sentence."""
        explainer = self.explainer
        salutation = self.audience.salutations[r]
        occasion = self.occasions.per_row[r]
        occasion_part = explainer.occasion(salutation, occasion) if occasion is not None else ""
        budget_part = (
            explainer.budget(salutation, float(self.band.high[r]))
            if self.band.budget_capped[r]
            else ""
        )
        items: list[DraftedItem] = []
        for j, index in enumerate(picks.product_index[i]):
            if index < 0:
                continue
            parts = [
                because[i][j],
                explainer.stock_phrase(
                    salutation, index, picks.size[i][j], picks.place[i][j], picks.unknown_size[i][j]
                ),
            ]
            if picks.for_occasion[i][j]:
                parts.append(occasion_part)
            if budget_part:
                parts.append(budget_part)
            variant = picks.variant[i][j]
            items.append(
                DraftedItem(
                    product_id=self.product_ids[index],
                    variant_id=variant if variant >= 0 else None,
                    score=picks.score[i][j],
                    why=sentence(parts),
                )
            )
        return items
