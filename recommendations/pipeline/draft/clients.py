"""What drafting may use about each client: her consent, her model vector, her history, her tastes.

Everything here is per audience row (row i is ``audience.client_ids[i]``), prepared once
for the whole audience:

- ``Permissions``: which personal data her consent lets drafting use (sizes, occasions,
  stated preferences), asked of the consent policy once per tier;
- ``ClientVectors``: her position in the active model's space, found by folding her
  *current* positive signals into the model's item factors (so a draft uses today's
  signals, and only those her consent allows today);
- ``OwnSignals`` and ``ClientHistory``: her own signal rows, counted per signal, her
  purchases (for the price band) and the strongest pieces of her history (for
  explanations);
- ``ColdProfiles``: for a client without history, the tastes she stated and her occasion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from consent import policy
from consent.policy import DataKind, Purpose
from recommendations.ml.content import StatedPreferences
from recommendations.ml.matrix import build_csr, confidence, encode
from recommendations.pipeline import coldstart
from recommendations.pipeline.artifacts import LoadedModel
from recommendations.pipeline.audience import Audience, OccasionInfo
from recommendations.pipeline.catalogue import Catalogue
from recommendations.pipeline.extract import CODE, IS_POSITIVE, SIGNALS, SignalSet
from recommendations.pipeline.scoring import fold_in

# Each signal's weight as float64, the precision its history ranking has always used.
SIGNAL_WEIGHTS = np.array([s.weight for s in SIGNALS])


@dataclass(frozen=True)
class Permissions:
    """Per audience row: which personal data her consent lets drafting use."""

    sizes: np.ndarray
    occasions: np.ndarray
    preferences: np.ndarray


def client_permissions(audience: Audience) -> Permissions:
    """Asked once per tier (all draftable tiers allow these today; the rule is policy's)."""
    allowed = {
        tier: set(policy.kinds_allowed(tier, Purpose.PERSONALISATION))
        for tier in set(audience.tiers)
    }
    per_row = [allowed[t] for t in audience.tiers]

    def uses(kind: DataKind) -> np.ndarray:
        return np.array([kind in kinds for kinds in per_row], dtype=bool)

    return Permissions(
        sizes=uses(DataKind.SIZES),
        occasions=uses(DataKind.OCCASIONS),
        preferences=uses(DataKind.PREFERENCES),
    )


# --- her vector in the model's space ------------------------------------------------------


@dataclass(frozen=True)
class ClientVectors:
    """Per audience row: whether she has history the model can use, and her vector."""

    warm: np.ndarray  # bool: she has consented positive signals on pieces the model knows
    factors: np.ndarray  # (rows, factors) float32; zeros for cold clients
    # (rows, model items) her confidences, what she was folded in from (and explained by)
    confidences: sp.csr_matrix | None = None


def _current_rows(audience: Audience, model: LoadedModel, signals: SignalSet) -> sp.csr_matrix:
    """Every audience client's current positive row, as confidences over the model's items.

    The confidence transform sees all clients in the signals (BM25's idf is global).
    """
    positive = IS_POSITIVE[signals.code]
    everyone, everyone_row = np.unique(signals.client[positive], return_inverse=True)
    column, _ = encode(signals.product[positive], model.item_ids)
    known = column >= 0
    weights = build_csr(
        everyone_row[known],
        column[known],
        signals.weights[positive][known],
        shape=(len(everyone), len(model.item_ids)),
    )
    params = model.model.params
    confidences = confidence(weights, scheme=params.weighting, alpha=params.alpha)
    where, _ = encode(audience.client_ids, everyone)
    rows = sp.csr_matrix((len(audience), len(model.item_ids)), dtype=np.float32)
    if (where >= 0).any():
        picked = confidences[np.maximum(where, 0)]
        picked = sp.diags((where >= 0).astype(np.float32)) @ picked
        rows = sp.csr_matrix(picked, dtype=np.float32)
        rows.eliminate_zeros()
    return rows


def fold_in_audience(audience: Audience, model: LoadedModel, signals: SignalSet) -> ClientVectors:
    """Her vector from her current signals: one least-squares half-step on the item factors."""
    rows = _current_rows(audience, model, signals)
    warm = np.diff(rows.indptr) > 0
    factors = np.zeros((len(audience), model.model.params.factors), dtype=np.float32)
    # Clients the model was trained on start from their trained vector (a few CG steps);
    # clients new since then are solved exactly.
    trained_row, _ = encode(audience.client_ids, model.user_ids)
    trained = warm & (trained_row >= 0)
    new = warm & (trained_row < 0)
    if trained.any():
        factors[trained] = fold_in(
            model.model, rows[trained], start=model.model.user_factors[trained_row[trained]]
        )
    if new.any():
        factors[new] = fold_in(model.model, rows[new])
    return ClientVectors(warm=warm, factors=factors, confidences=rows)


# --- her own signals and history -----------------------------------------------------------


@dataclass(frozen=True)
class OwnSignals:
    """The audience's own signal rows, one per event."""

    row: np.ndarray  # audience row
    code: np.ndarray  # int64 index into SIGNALS
    product_index: np.ndarray  # catalogue index, -1 when the piece is not in the catalogue
    product_id: np.ndarray  # product pk
    ts: np.ndarray  # unix seconds


def own_signals(audience: Audience, catalogue: Catalogue, signals: SignalSet) -> OwnSignals:
    row, _ = encode(signals.client, audience.client_ids)
    mine = row >= 0
    return OwnSignals(
        row=row[mine],
        code=signals.code[mine].astype(np.int64),
        product_index=catalogue.index_of(signals.product[mine]),
        product_id=signals.product[mine],
        ts=signals.ts[mine],
    )


@dataclass(frozen=True)
class StrongestPieces:
    """Per audience row, up to ``depth`` pieces of her history, strongest signal first.

    One entry per piece the model knows: her strongest signal on it (the newest among
    equally strong ones). Every array is (rows, depth); -1 (weight 0) pads.
    """

    model_row: np.ndarray  # the piece's row in the model's item factors
    catalogue_index: np.ndarray
    code: np.ndarray  # the signal
    weight: np.ndarray  # float32, the signal's weight

    @classmethod
    def empty(cls, n_rows: int, depth: int) -> StrongestPieces:
        return cls(
            model_row=np.full((n_rows, depth), -1, dtype=np.int64),
            catalogue_index=np.full((n_rows, depth), -1, dtype=np.int64),
            code=np.full((n_rows, depth), -1, dtype=np.int64),
            weight=np.zeros((n_rows, depth), dtype=np.float32),
        )


@dataclass(frozen=True)
class ClientHistory:
    """Per audience row: how many of each signal, what she bought, her strongest pieces."""

    signal_counts: np.ndarray  # (rows, len(SIGNALS))
    purchase_rows: np.ndarray  # one entry per purchase: her audience row...
    purchase_prices: np.ndarray  # ...and the piece's price in today's catalogue
    purchase_index: np.ndarray  # ...and its catalogue row
    strongest: StrongestPieces
    # the category (catalogue code) holding >= the dominant share of her purchases, or -1
    dominant_category: np.ndarray


def _strongest_pieces(
    own: OwnSignals, n_rows: int, model: LoadedModel, depth: int
) -> StrongestPieces:
    positive = IS_POSITIVE[own.code] & (own.product_index >= 0)
    model_row, _ = encode(own.product_id[positive], model.item_ids)
    known = model_row >= 0
    row, model_row = own.row[positive][known], model_row[known]
    code, ts = own.code[positive][known], own.ts[positive][known]
    index = own.product_index[positive][known]
    weight = SIGNAL_WEIGHTS[code]
    # One entry per (client, piece): the last after sorting by weight then time.
    order = np.lexsort((ts, weight, model_row, row))
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (row[order][1:] != row[order][:-1]) | (
        model_row[order][1:] != model_row[order][:-1]
    )
    pick = order[last]
    row, model_row, code, ts, index, weight = (
        row[pick],
        model_row[pick],
        code[pick],
        ts[pick],
        index[pick],
        weight[pick],
    )
    # Per client: strongest first, newest first among equals; keep the first ``depth``.
    order = np.lexsort((-ts, -weight, row))
    row, model_row, code, index, weight = (
        row[order],
        model_row[order],
        code[order],
        index[order],
        weight[order],
    )
    starts = np.searchsorted(row, np.arange(n_rows))
    rank = np.arange(len(row)) - starts[row] if len(row) else np.empty(0, np.int64)
    top = rank < depth
    pieces = StrongestPieces.empty(n_rows, depth)
    slot = (row[top], rank[top])
    pieces.model_row[slot] = model_row[top]
    pieces.catalogue_index[slot] = index[top]
    pieces.code[slot] = code[top]
    pieces.weight[slot] = weight[top]
    return pieces


def dominant_category(
    rows: np.ndarray, category: np.ndarray, n_rows: int, *, share: float
) -> np.ndarray:
    """Per row, the category holding at least ``share`` of her purchases, else -1."""
    out = np.full(n_rows, -1, dtype=np.int64)
    if not len(rows):
        return out
    n_categories = int(category.max()) + 1
    counts = np.zeros((n_rows, n_categories), dtype=np.int64)
    np.add.at(counts, (rows, category.astype(np.int64)), 1)
    total = counts.sum(axis=1)
    top = counts.argmax(axis=1)
    ok = (total > 0) & (counts[np.arange(n_rows), top] >= share * total)
    out[ok] = top[ok]
    return out


def client_history(
    own: OwnSignals,
    n_rows: int,
    catalogue: Catalogue,
    model: LoadedModel,
    *,
    depth: int,
    dominant_share: float = 0.8,
) -> ClientHistory:
    n_codes = len(SIGNALS)
    counts = np.bincount(own.row * n_codes + own.code, minlength=n_rows * n_codes).reshape(
        n_rows, n_codes
    )
    # Purchases at today's catalogue price, for the derived price band.
    bought = (own.code == CODE["purchase"]) & (own.product_index >= 0)
    return ClientHistory(
        signal_counts=counts,
        purchase_rows=own.row[bought],
        purchase_prices=catalogue.price[own.product_index[bought]],
        purchase_index=own.product_index[bought],
        strongest=_strongest_pieces(own, n_rows, model, depth),
        dominant_category=dominant_category(
            own.row[bought],
            catalogue.category[own.product_index[bought]],
            n_rows,
            share=dominant_share,
        ),
    )


# --- clients without history -----------------------------------------------------------------


@dataclass(frozen=True)
class ColdProfiles:
    """What clients without history told us of their tastes (filled for cold rows only)."""

    preferences: dict[int, StatedPreferences]  # row -> stated tastes plus occasion tags
    has_preferences: np.ndarray  # something to rank by content (tastes or an occasion)
    stated: np.ndarray  # she stated tastes herself (not only an occasion)


def cold_profiles(
    audience: Audience,
    vectors: ClientVectors,
    permissions: Permissions,
    occasions: list[OccasionInfo | None],
) -> ColdProfiles:
    preferences: dict[int, StatedPreferences] = {}
    has_preferences = np.zeros(len(audience), dtype=bool)
    stated = np.zeros(len(audience), dtype=bool)
    for r in np.flatnonzero(~vectors.warm).tolist():
        profile = audience.preferences[r] if permissions.preferences[r] else {}
        occasion = occasions[r]
        prefs = coldstart.stated_preferences(profile, occasion.kind if occasion else None)
        preferences[r] = prefs
        has_preferences[r] = coldstart.has_preferences(prefs)
        stated[r] = coldstart.has_preferences(coldstart.stated_preferences(profile, None))
    return ColdProfiles(preferences=preferences, has_preferences=has_preferences, stated=stated)
