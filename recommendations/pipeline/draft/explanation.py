"""Stage 5, the explanation hand-off: a reason for each picked piece about *that* piece.

For every picked piece this stage chooses the *facts* and hands them to ``Explainer``,
which turns them into words (cached phrases):

- why: the piece itself if it is already in her history (saved, loved, kept...); else the
  pieces of her history that most drew the model to it: implicit's ``explain``, computed
  for a whole batch (her score for piece i is the sum over her pieces j of
  ``c_j * y_j' W_u y_i``, with ``W_u = (Y'C_uY + lambda I)^-1``; the largest terms are
  the pieces that drew it); for a client without history, the tastes she stated; failing
  all of those, its popularity;
- what she returns to: a colour or material of the piece that two or more pieces she
  bought share;
- where: the size and place it is in stock for her; when: her occasion, if the piece
  suits it; her budget, if it capped the price band.

Within one draft no two pieces should read alike: each piece leads with the history piece
that drew it most *and no earlier piece led with*; when her history is short, the colour
or material she returns to, or the piece's rank among the house's most chosen in its
category, tells it apart. Every clause is a fact about her or the piece (tests check each
against the data).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

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
# A second history piece is named only when it drew at least half as much as the first.
SECOND_REASON_SHARE = 0.5
# The history pieces, most contributing first, a piece may lead with.
LEADS = 6
# Clients whose explain systems are solved together (m x f x f float32 each).
SOLVE_CHUNK = 256
# A colour or material she "returns to": shared by at least this many pieces she bought.
RETURNS_TO = 2


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
        self.confidences = vectors.confidences
        y = np.asarray(model.model.item_factors, dtype=np.float32)
        self.item_factors = y
        regularization = float(model.model.params.regularization)
        self.base = (y.T @ y + regularization * np.eye(y.shape[1])).astype(np.float32)
        self.catalogue = catalogue
        self.purchases = _purchases_by_row(history)
        self.rank = _popularity_rank(offer, len(catalogue))
        self.piece_words = lru_cache(maxsize=None)(self._piece_words)

    def _piece_words(self, index: int) -> tuple[str, ...]:
        """Its colours, then its materials (lower case), as the catalogue lists them."""
        raw = self.catalogue.raw[index]
        return (*tokens(raw.get("colours")), *tokens(raw.get("materials")))

    def because(self, rows: np.ndarray, picked: np.ndarray) -> list[list[str]]:
        """The 'why' part for each (row, picked candidate); '' where nothing was picked.

        The contributions are vectorised; the loop only chooses among them per draft.
        """
        index = self.offer.catalogue_index[np.maximum(picked, 0)]
        same, self_code = self._itself_in_history(rows, index)
        contributions = self._contributions(rows, picked, same)
        depth = min(LEADS, contributions.shape[2])
        order = np.argsort(-contributions, axis=2, kind="stable")[:, :, :depth]
        strength = np.take_along_axis(contributions, order, axis=2)
        return self._phrases(rows, picked, index, self_code, order, strength)

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

    def _contributions(self, rows: np.ndarray, picked: np.ndarray, same: np.ndarray) -> np.ndarray:
        """(n, width, H): how much each of her strongest pieces adds to each pick's score.

        implicit's ``explain`` for every (client, pick) of the batch at once: per client,
        ``A = Y'Y + lambda I + sum_j (c_j - 1) y_j y_j'`` over her confidences, then
        ``c_h * y_h' A^-1 y_pick`` for her history pieces h. -inf where a slot is empty,
        the pick is the piece itself, or the client has no history the model knows.
        """
        n, width = picked.shape
        depth = self.strongest.model_row.shape[1]
        out = np.full((n, width, depth), -np.inf, dtype=np.float32)
        warm = np.flatnonzero(self.warm[rows])
        if not len(warm) or not depth or self.confidences is None:
            return out
        y = self.item_factors
        n_factors = y.shape[1]
        picks = self.offer.raw[np.maximum(picked, 0)]  # (n, width, f) float32
        for start in range(0, len(warm), SOLVE_CHUNK):
            at = warm[start : start + SOLVE_CHUNK]
            conf = sp.csr_matrix(self.confidences[rows[at]])
            conf.sort_indices()
            history = self.strongest.model_row[rows[at]]  # (m, H)
            system = np.broadcast_to(self.base, (len(at), n_factors, n_factors)).copy()
            history_conf = np.zeros(history.shape, dtype=np.float32)
            for m in range(len(at)):
                lo, hi = conf.indptr[m], conf.indptr[m + 1]
                items, c = conf.indices[lo:hi], conf.data[lo:hi]
                liked = y[items]
                system[m] += (liked.T * (c - 1.0)) @ liked
                where = np.searchsorted(items, history[m])
                found = (history[m] >= 0) & (where < len(items))
                found[found] &= items[where[found]] == history[m][found]
                history_conf[m, found] = c[where[found]]
            weighted = np.linalg.solve(system, picks[at].transpose(0, 2, 1))  # (m, f, width)
            terms = np.einsum("mhf,mfw->mwh", y[np.maximum(history, 0)], weighted)
            terms *= history_conf[:, None, :]
            usable = (history_conf > 0)[:, None, :] & ~same[at] & (picked[at] >= 0)[:, :, None]
            out[at] = np.where(usable, terms, -np.inf)
        return out

    def _phrases(
        self,
        rows: np.ndarray,
        picked: np.ndarray,
        index: np.ndarray,
        self_code: np.ndarray,
        order: np.ndarray,
        strength: np.ndarray,
    ) -> list[list[str]]:
        warm = self.warm[rows]
        picked_l, index_l, self_l = picked.tolist(), index.tolist(), self_code.tolist()
        order_l, strength_l = order.tolist(), strength.tolist()
        out: list[list[str]] = []
        for i, r in enumerate(rows.tolist()):
            draft = _DraftReasons(self, r)
            tastes = self._stated_words(r) if self.cold_stated[r] and not warm[i] else None
            codes = self.strongest.code[r].tolist()
            pieces = self.strongest.catalogue_index[r].tolist()
            line: list[str] = []
            for j in range(picked.shape[1]):
                if picked_l[i][j] < 0:
                    line.append("")
                    continue
                piece = index_l[i][j]
                leads = [
                    (codes[h], pieces[h])
                    for h, value in zip(order_l[i][j], strength_l[i][j], strict=True)
                    if value > 0
                ]
                line.append(draft.reason(piece, self_l[i][j], leads, strength_l[i][j], tastes))
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


def _purchases_by_row(history: ClientHistory) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for row, index in zip(
        history.purchase_rows.tolist(), history.purchase_index.tolist(), strict=True
    ):
        out.setdefault(row, []).append(index)
    return out


def _popularity_rank(offer: Offer, n_catalogue: int) -> np.ndarray:
    """Per catalogue row, its rank by popularity within its category on offer (0: unranked)."""
    rank = np.zeros(n_catalogue, dtype=np.int64)
    for category in np.unique(offer.category).tolist():
        at = np.flatnonzero((offer.category == category) & (offer.popularity > 0))
        order = at[np.argsort(-offer.popularity[at], kind="stable")]
        rank[offer.catalogue_index[order]] = np.arange(1, len(order) + 1)
    return rank


@lru_cache(maxsize=100_000)
def _key(reason: str) -> str:
    """Two reasons naming the same facts in another order read alike: compare their words."""
    return " ".join(sorted(reason.lower().replace(",", " ").split()))


class _DraftReasons:
    """One draft's reasons, chosen so that no two pieces read alike where the facts allow."""

    def __init__(self, explanations: Explanations, row: int) -> None:
        self.e = explanations
        self.salutation = explanations.audience.salutations[row]
        self.led: set[int] = set()
        self.used: set[str] = set()
        self.returns = self._returns_to(explanations.purchases.get(row, []))

    def _returns_to(self, bought: list[int]) -> dict[str, int]:
        """Colours and materials shared by 2+ distinct pieces she bought: word -> pieces."""
        counts: dict[str, int] = {}
        for index in set(bought):
            for word in set(self.e.piece_words(index)):
                counts[word] = counts.get(word, 0) + 1
        return {w: n for w, n in counts.items() if n >= RETURNS_TO}

    def _attribute(self, piece: int) -> str:
        if not self.returns:
            return ""
        words = self.e.piece_words(piece)
        best = max(
            (w for w in words if w in self.returns), key=lambda w: self.returns[w], default=""
        )
        return (
            self.e.explainer.returns_to(self.salutation, best, self.returns[best]) if best else ""
        )

    def _rank(self, piece: int) -> str:
        rank = int(self.e.rank[piece])
        return self.e.explainer.popularity_rank(piece, rank) if rank else ""

    def reason(
        self,
        piece: int,
        self_code: int,
        leads: list[tuple[int, int]],
        strength: list[float],
        tastes: tuple[frozenset[str], frozenset[str]] | None,
    ) -> str:
        """The first of this piece's true reasons that no earlier piece of the draft has."""
        first = ""
        for candidate in self._candidates(piece, self_code, leads, strength, tastes):
            first = first or candidate
            key = _key(candidate)
            if key not in self.used:
                self.used.add(key)
                return candidate
        return first

    def _candidates(
        self,
        piece: int,
        self_code: int,
        leads: list[tuple[int, int]],
        strength: list[float],
        tastes: tuple[frozenset[str], frozenset[str]] | None,
    ) -> Iterator[str]:
        """Her reasons for this piece, most telling first (generated lazily: usually one)."""
        explainer, salutation = self.e.explainer, self.salutation
        attribute = self._attribute(piece)
        others: list[tuple[int, int]] = []
        if self_code >= 0:
            lead = explainer.because_self(salutation, self_code)
        elif leads:
            # Lead with the piece that drew this one most and no earlier piece led with.
            first = next((k for k, (_, h) in enumerate(leads) if h not in self.led), 0)
            second = next(
                (
                    k
                    for k in range(len(leads))
                    if k != first and strength[k] >= SECOND_REASON_SHARE * strength[first]
                ),
                -1,
            )
            pair = (*leads[first], *(leads[second] if second >= 0 else (-1, -1)))
            lead = explainer.because_history(salutation, pair)
            self.led.add(leads[first][1])
            others = [leads[k] for k in range(len(leads)) if k != first]
        elif tastes is not None:
            lead = explainer.because_taste(salutation, tastes, piece)
        else:
            lead = ""
        rank = self._rank(piece)
        if not lead:  # nothing of hers to go on: the house's favourites
            lead, rank = (rank or explainer.because_popular(piece)), ""
        head = f"{lead}, {attribute}" if attribute else lead
        yield head
        if rank:
            yield f"{head}, {rank}"
        for other in others:
            alone = explainer.because_history(salutation, (*other, -1, -1))
            yield f"{alone}, {attribute}" if attribute else alone
            if rank:
                yield f"{alone}, {rank}"
        # Last, for a short history: the piece's own colour and material tell it apart.
        made_of = explainer.made_of(piece)
        if made_of:
            yield f"{head}, {made_of}"
