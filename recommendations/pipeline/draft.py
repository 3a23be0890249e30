"""Drafting in sets: candidates from the model, the house rules, MMR diversity, explanations.

For a batch of clients at once:

1. Candidates: products that are active and in stock somewhere. Clients with consented
   history get a vector by folding their current signals into the active model's item
   factors, and the top ``pool`` products by score from implicit's threaded top-k, with
   what they own, returned, rejected ("not for me") or saw removed by a stylist filtered
   out. Clients without history are ranked by content against their stated preferences
   and occasion (pipeline.coldstart). Products the model has never seen get factors
   predicted from their content, so a new piece can be drafted on its first night.
2. Rules on each (client, candidate) pair, vectorised: in stock in her size (one-size
   pieces fit everyone) at her home boutique or online; within her price band; none of
   the materials, colours or styles she avoids. A client whose pool the rules empty gets
   a second, deeper pool (``refill_pool``).
3. Re-ranking: relevance (a candidate's rank in her pool, from 1 down to 0) plus
   ``occasion_boost`` for pieces tagged for her upcoming occasion (0.5: a piece for
   the occasion from the middle of her pool competes with her best one), then greedy
   MMR with category/subcategory similarity so a lookbook is not twelve trenches. The
   first ``size`` picks are the draft, the next ``alternates`` are offered to the stylist
   for swaps.

Price band: the client's stated band when she gave one; otherwise up to
``price_multiple`` x the 90th percentile of what she has bought, but never below the
median price of the pieces on offer, so a client who only ever bought fragrance still
sees an entry bag. No history and no stated band: no price rule (there is nothing true
to base one on). A styling request's budget caps everything.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from consent import policy
from consent.policy import DataKind, Purpose
from recommendations.ml.matrix import build_csr, confidence, encode
from recommendations.ml.ranking import mask_rows, select_top
from recommendations.pipeline import coldstart
from recommendations.pipeline.audience import Audience, OccasionInfo
from recommendations.pipeline.catalogue import (
    ONE_SIZE,
    ONLINE,
    Catalogue,
    Stock,
    client_size_codes,
    tokens,
)
from recommendations.pipeline.explain import SELF_PHRASES, Explainer, sentence
from recommendations.pipeline.extract import CODE, IS_POSITIVE, KIND_OF_CODE, SIGNALS, SignalSet
from recommendations.pipeline.train import LoadedModel, fold_in, scaled_item_factors, top_items

logger = logging.getLogger(__name__)

EXCLUDING_SIGNALS = ("purchase", "returned", "not_for_me", "stylist_removed")


@dataclass(frozen=True)
class DraftSettings:
    size: int = 12
    alternates: int = 12
    pool: int = 64
    refill_pool: int = 512
    mmr_pool: int = 48
    mmr_lambda: float = 0.6
    occasion_boost: float = 0.5
    price_multiple: float = 2.5
    price_quantile: float = 0.9
    min_items: int = 6
    batch: int = 2048
    cold_batch: int = 512
    history: int = 16
    explain_with: int = 2

    @property
    def need(self) -> int:
        return self.size + self.alternates


@dataclass
class DraftedItem:
    product_id: int
    variant_id: int | None
    score: float
    why: str


@dataclass
class PlannedDraft:
    row: int
    client_id: int
    author_id: int
    reason: str
    occasion: OccasionInfo | None
    request_id: int | None
    items: list[DraftedItem]
    alternates: list[DraftedItem]
    data_basis: dict[str, Any]
    cold: bool


@dataclass
class DraftStats:
    candidates: int = 0
    new_products_placed: int = 0
    warm: int = 0
    cold: int = 0
    refilled: int = 0
    too_few: int = 0
    stages: dict[str, float] = field(default_factory=dict)


def mmr_select(
    relevance: np.ndarray,
    valid: np.ndarray,
    category: np.ndarray,
    subcategory: np.ndarray,
    *,
    need: int,
    lam: float,
) -> np.ndarray:
    """Greedy maximal marginal relevance for many clients at once.

    Each step picks, per row, the valid candidate maximising
    ``lam * relevance - (1 - lam) * max similarity to the pieces already picked``, where
    similarity is 0.7 for the same category plus 0.3 for the same subcategory. Returns
    (rows, need) positions into the candidate arrays, -1 where a row ran out.
    """
    n = relevance.shape[0]
    chosen = np.full((n, need), -1, dtype=np.int64)
    available = valid.copy()
    max_sim = np.zeros(relevance.shape, dtype=np.float64)
    every = np.arange(n)
    for step in range(need):
        value = lam * relevance - (1.0 - lam) * max_sim
        value[~available] = -np.inf
        pick = np.argmax(value, axis=1)
        ok = available[every, pick]
        chosen[ok, step] = pick[ok]
        available[every[ok], pick[ok]] = False
        sim = 0.7 * (category == category[every, pick][:, None]) + 0.3 * (
            subcategory == subcategory[every, pick][:, None]
        )
        max_sim = np.where(ok[:, None], np.maximum(max_sim, sim), max_sim)
    return chosen


class Drafter:
    """Everything drafting needs, prepared once as arrays; then drafts batch by batch."""

    def __init__(
        self,
        audience: Audience,
        model: LoadedModel,
        signals: SignalSet,
        catalogue: Catalogue,
        stock: Stock,
        *,
        settings: DraftSettings,
    ) -> None:
        self.audience = audience
        self.model = model
        self.catalogue = catalogue
        self.stock = stock
        self.settings = settings
        self.stats = DraftStats()
        self.explainer = Explainer(catalogue, stock)
        self._warm_pool: tuple[np.ndarray, np.ndarray] | None = None
        self._warm_row = np.empty(0, dtype=np.int64)
        self.self_phrased = np.array([sig.name in SELF_PHRASES for sig in SIGNALS], dtype=bool)

        # Consent: which personal data each tier lets us use to personalise (asked once
        # per tier; every draftable tier allows these today, but the rule lives in policy).
        allowed = {
            tier: set(policy.kinds_allowed(tier, Purpose.PERSONALISATION))
            for tier in set(audience.tiers)
        }
        self.allowed = [allowed[t] for t in audience.tiers]
        uses = lambda kind: np.array([kind in a for a in self.allowed], dtype=bool)  # noqa: E731
        self.may_sizes = uses(DataKind.SIZES)
        self.may_occasions = uses(DataKind.OCCASIONS)
        self.may_preferences = uses(DataKind.PREFERENCES)

        self._prepare_candidates()
        self._prepare_signals(signals)
        self._prepare_rules()
        self._prepare_cold()

    # --- preparation -------------------------------------------------------------------

    def _prepare_candidates(self) -> None:
        cat, model = self.catalogue, self.model
        self.cand = np.flatnonzero(cat.active & self.stock.in_stock)
        n_cand = len(self.cand)
        self.stats.candidates = n_cand
        self.cand_pos = np.full(len(cat), -1, dtype=np.int64)
        self.cand_pos[self.cand] = np.arange(n_cand)
        self.model_col, _ = encode(cat.product_ids[self.cand], model.item_ids)
        known = self.model_col >= 0
        n_factors = model.model.params.factors
        scaled = scaled_item_factors(model.model)
        raw = np.zeros((n_cand, n_factors), dtype=np.float32)
        factors = np.zeros((n_cand, n_factors), dtype=np.float32)
        raw[known] = model.model.item_factors[self.model_col[known]]
        factors[known] = scaled[self.model_col[known]]
        popularity = np.zeros(n_cand, dtype=np.float64)
        popularity[known] = model.model.item_popularity[self.model_col[known]]
        self.content: coldstart.ContentSpace | None = None
        new = np.flatnonzero(~known)
        if len(new) and known.any():
            self.content = coldstart.build_content_space(cat, self.cand)
            placed = coldstart.place_products(
                self.content,
                known=np.flatnonzero(known),
                known_factors=raw[known],
                known_popularity=popularity[known],
                new=new,
            )
            raw[new] = placed
            factors[new] = placed  # no popularity yet: penalty scale 1
            self.stats.new_products_placed = len(new)
        self.cand_factors = np.ascontiguousarray(factors)
        self.cand_unit = normalize(raw).astype(np.float32)
        self.model_unit = normalize(model.model.item_factors).astype(np.float32)
        self.cand_popularity = popularity
        self.cand_category = cat.category[self.cand]
        self.cand_subcategory = cat.subcategory[self.cand]

    def _prepare_signals(self, signals: SignalSet) -> None:
        aud, cat, model = self.audience, self.catalogue, self.model
        n_aud = len(aud)
        # Fold-in: every client's current positive row, weighted like training. The
        # confidence transform sees all clients in the signals (BM25's idf is global).
        pos = IS_POSITIVE[signals.code]
        every, every_row = np.unique(signals.client[pos], return_inverse=True)
        col, _ = encode(signals.product[pos], model.item_ids)
        keep = col >= 0
        raw = build_csr(
            every_row[keep],
            col[keep],
            signals.weights[pos][keep],
            shape=(len(every), len(model.item_ids)),
        )
        params = model.model.params
        conf = confidence(raw, scheme=params.weighting, alpha=params.alpha)
        where, _ = encode(aud.client_ids, every)
        rows = sp.csr_matrix((n_aud, len(model.item_ids)), dtype=np.float32)
        if (where >= 0).any():
            picked = conf[np.maximum(where, 0)]
            picked = sp.diags((where >= 0).astype(np.float32)) @ picked
            rows = sp.csr_matrix(picked, dtype=np.float32)
            rows.eliminate_zeros()
        self.warm = np.diff(rows.indptr) > 0
        self.user_factors = np.zeros((n_aud, params.factors), dtype=np.float32)
        # Clients the model was trained on start from their trained vector (a few CG
        # steps); clients new since then are solved exactly.
        trained_row, _ = encode(aud.client_ids, model.user_ids)
        known = self.warm & (trained_row >= 0)
        new = self.warm & (trained_row < 0)
        if known.any():
            self.user_factors[known] = fold_in(
                model.model, rows[known], start=model.model.user_factors[trained_row[known]]
            )
        if new.any():
            self.user_factors[new] = fold_in(model.model, rows[new])
        self.stats.warm, self.stats.cold = int(self.warm.sum()), int((~self.warm).sum())

        # The audience's own signals: exclusions, history for explanations, data basis.
        row, _ = encode(signals.client, aud.client_ids)
        mine = row >= 0
        row, code = row[mine], signals.code[mine].astype(np.int64)
        product_idx = cat.index_of(signals.product[mine])
        ts = signals.ts[mine]
        n_codes = len(SIGNALS)
        self.signal_counts = np.bincount(row * n_codes + code, minlength=n_aud * n_codes).reshape(
            n_aud, n_codes
        )
        excluding = np.isin(code, [CODE[n] for n in EXCLUDING_SIGNALS])
        cand_col = np.where(product_idx >= 0, self.cand_pos[np.maximum(product_idx, 0)], -1)
        ex = excluding & (cand_col >= 0)
        self.exclude = build_csr(row[ex], cand_col[ex], shape=(n_aud, len(self.cand)))
        self.exclude.data[:] = 1.0

        # Purchase prices (today's catalogue price) for the derived price band.
        bought = (code == CODE["purchase"]) & (product_idx >= 0)
        self.bought_rows = row[bought]
        self.bought_prices = cat.price[product_idx[bought]]

        # History: her strongest positive signal per piece the model knows, top-H by weight.
        positive = IS_POSITIVE[code] & (product_idx >= 0)
        hcol, _ = encode(signals.product[mine][positive], model.item_ids)
        hrow, hcode, hts = row[positive], code[positive], ts[positive]
        hidx = product_idx[positive]
        ok = hcol >= 0
        hrow, hcol, hcode, hts, hidx = hrow[ok], hcol[ok], hcode[ok], hts[ok], hidx[ok]
        weight = np.array([s.weight for s in SIGNALS])[hcode]
        order = np.lexsort((hts, weight, hcol, hrow))
        last = np.ones(len(order), dtype=bool)
        last[:-1] = (hrow[order][1:] != hrow[order][:-1]) | (hcol[order][1:] != hcol[order][:-1])
        pick = order[last]
        hrow, hcol, hcode, hts, hidx, weight = (
            hrow[pick],
            hcol[pick],
            hcode[pick],
            hts[pick],
            hidx[pick],
            weight[pick],
        )
        order = np.lexsort((-hts, -weight, hrow))
        hrow, hcol, hcode, hidx, weight = (
            hrow[order],
            hcol[order],
            hcode[order],
            hidx[order],
            weight[order],
        )
        starts = np.searchsorted(hrow, np.arange(n_aud))
        rank = np.arange(len(hrow)) - starts[hrow] if len(hrow) else np.empty(0, np.int64)
        H = self.settings.history
        top = rank < H
        self.hist_col = np.full((n_aud, H), -1, dtype=np.int64)
        self.hist_idx = np.full((n_aud, H), -1, dtype=np.int64)
        self.hist_code = np.full((n_aud, H), -1, dtype=np.int64)
        self.hist_weight = np.zeros((n_aud, H), dtype=np.float32)
        self.hist_col[hrow[top], rank[top]] = hcol[top]
        self.hist_idx[hrow[top], rank[top]] = hidx[top]
        self.hist_code[hrow[top], rank[top]] = hcode[top]
        self.hist_weight[hrow[top], rank[top]] = weight[top]

    def _prepare_rules(self) -> None:
        aud, cat, stock, s = self.audience, self.catalogue, self.stock, self.settings
        n_aud = len(aud)
        self.home_place = stock.place_of_boutique(aud.home_boutiques)
        sizes = [given if ok else {} for given, ok in zip(aud.sizes, self.may_sizes, strict=True)]
        self.size_codes = client_size_codes(sizes, cat, stock)
        self.uses_sizes = np.array([bool(given) for given in sizes], dtype=bool)

        # Price band.
        floor = float(np.median(cat.price[self.cand])) if len(self.cand) else 0.0
        derived = np.full(n_aud, np.inf)
        self.has_purchases = np.zeros(n_aud, dtype=bool)
        if len(self.bought_rows):
            order = np.lexsort((self.bought_prices, self.bought_rows))
            rows, prices = self.bought_rows[order], self.bought_prices[order]
            uniq, start, count = np.unique(rows, return_index=True, return_counts=True)
            at = s.price_quantile * (count - 1)  # linear interpolation, as numpy.quantile
            below = np.floor(at).astype(np.int64)
            above = np.ceil(at).astype(np.int64)
            q = prices[start + below] + (at - below) * (
                prices[start + above] - prices[start + below]
            )
            derived[uniq] = np.maximum(s.price_multiple * q, floor)
            self.has_purchases[uniq] = True
        stated_min = np.where(self.may_preferences, aud.price_min, np.nan)
        stated_max = np.where(self.may_preferences, aud.price_max, np.nan)
        self.stated_band = ~np.isnan(stated_min) | ~np.isnan(stated_max)
        self.price_lo = np.where(np.isnan(stated_min), -np.inf, stated_min)
        self.price_hi = np.where(np.isnan(stated_max), derived, stated_max)
        self.budget_used = ~np.isnan(aud.budgets) & (aud.budgets < self.price_hi)
        self.price_hi = np.where(self.budget_used, aud.budgets, self.price_hi)

        # Avoided materials, colours and styles.
        indptr, indices = [0], []
        self.uses_avoided = np.zeros(n_aud, dtype=bool)
        for r, (words, ok) in enumerate(zip(aud.avoided, self.may_preferences, strict=True)):
            if ok:
                found = [cat.token_index[t] for t in tokens(words) if t in cat.token_index]
                indices.extend(found)
                self.uses_avoided[r] = bool(tokens(words))
            indptr.append(len(indices))
        self.avoid = sp.csr_matrix(
            (np.ones(len(indices), np.float32), indices, indptr),
            shape=(n_aud, len(cat.token_index)),
        )
        self.cand_tokens_t = sp.csr_matrix(cat.avoid_tokens[self.cand].T)

        # Occasion boost.
        self.occasion = [
            occ if ok else None for occ, ok in zip(aud.occasions, self.may_occasions, strict=True)
        ]
        kinds = [o.kind for o in self.occasion if o is not None]
        matches = coldstart.occasion_matches(cat, kinds)
        self.occasion_match = {k: v[self.cand] for k, v in matches.items()}

    def _prepare_cold(self) -> None:
        cold = np.flatnonzero(~self.warm)
        self.prefs: dict[int, Any] = {}
        self.cold_has_prefs = np.zeros(len(self.audience), dtype=bool)
        self.cold_stated = np.zeros(len(self.audience), dtype=bool)
        for r in cold.tolist():
            profile = self.audience.preferences[r] if self.may_preferences[r] else {}
            occ = self.occasion[r]
            prefs = coldstart.stated_preferences(profile, occ.kind if occ else None)
            self.prefs[r] = prefs
            self.cold_has_prefs[r] = coldstart.has_preferences(prefs)
            self.cold_stated[r] = coldstart.has_preferences(
                coldstart.stated_preferences(profile, None)
            )
        if self.cold_has_prefs.any() and self.content is None and len(self.cand):
            self.content = coldstart.build_content_space(self.catalogue, self.cand)
        top = self.cand_popularity.max() if len(self.cand) else 0.0
        self.popularity_score = (
            (self.cand_popularity / top).astype(np.float32)
            if top > 0
            else np.zeros(len(self.cand), np.float32)
        )

    # --- candidates and rules ------------------------------------------------------------

    def _pool(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(candidate columns, scores) of shape (len(rows), k); -1 / -inf pads."""
        k = max(1, min(k, len(self.cand)))
        ids = np.full((len(rows), k), -1, dtype=np.int64)
        scores = np.full((len(rows), k), -np.inf, dtype=np.float32)
        warm = self.warm[rows]
        if warm.any():
            w = rows[warm]
            if self._warm_pool is not None and k == self._warm_pool[0].shape[1]:
                at = self._warm_row[w]
                ids[warm], scores[warm] = self._warm_pool[0][at], self._warm_pool[1][at]
            else:
                wid, wsc = top_items(
                    self.cand_factors, self.user_factors[w], k, exclude=self.exclude[w]
                )
                ids[warm], scores[warm] = wid, wsc
        cold = np.flatnonzero(~warm)
        for start in range(0, len(cold), self.settings.cold_batch):
            at = cold[start : start + self.settings.cold_batch]
            crow = rows[at]
            dense = np.broadcast_to(self.popularity_score, (len(crow), len(self.cand))).copy()
            dense *= 0.01  # popularity only breaks ties between equally matching pieces
            with_prefs = self.cold_has_prefs[crow]
            if with_prefs.any() and self.content is not None:
                dense[with_prefs] += coldstart.preference_scores(
                    self.content, [self.prefs[r] for r in crow[with_prefs].tolist()]
                )
            mask_rows(dense, self.exclude, crow)
            cid, csc = select_top(dense, k)
            ids[at], scores[at] = cid, csc
        return ids, scores

    def _rules(self, rows: np.ndarray, ids: np.ndarray) -> dict[str, np.ndarray]:
        """Which pool entries pass the rules, and where they are in stock for her."""
        stock, cat = self.stock, self.catalogue
        safe = np.maximum(ids, 0)
        product = self.cand[safe]
        system = cat.size_system[product].astype(np.int64)
        size = np.take_along_axis(self.size_codes[rows], system, axis=1)
        sized = stock.sized[product]
        unknown = sized & (size == -1)
        want = np.where(sized, size, ONE_SIZE)
        home = np.broadcast_to(self.home_place[rows][:, None], ids.shape)
        online = np.full(ids.shape, ONLINE, dtype=np.int64)
        home_ok, home_variant = stock.lookup(product, home, want)
        online_ok, online_variant = stock.lookup(product, online, want)
        any_home, any_home_variant = stock.lookup_any(product, home)
        any_online, any_online_variant = stock.lookup_any(product, online)
        home_ok = np.where(unknown, any_home, home_ok)
        online_ok = np.where(unknown, any_online, online_ok)
        home_variant = np.where(unknown, any_home_variant, home_variant)
        online_variant = np.where(unknown, any_online_variant, online_variant)
        in_stock = home_ok | online_ok
        place = np.where(home_ok, home, ONLINE)
        variant = np.where(home_ok, home_variant, online_variant)

        price = cat.price[product]
        in_band = (price >= self.price_lo[rows][:, None]) & (price <= self.price_hi[rows][:, None])

        clean = np.ones(ids.shape, dtype=bool)
        avoiding = np.flatnonzero(np.diff(self.avoid[rows].indptr) > 0)
        if len(avoiding):
            conflicts = (self.avoid[rows[avoiding]] @ self.cand_tokens_t).toarray() > 0
            clean[avoiding] = ~np.take_along_axis(conflicts, safe[avoiding], axis=1)

        valid = (ids >= 0) & in_stock & in_band & clean
        return {
            "valid": valid,
            "place": place,
            "variant": variant,
            "size": want,
            "unknown": unknown,
        }

    def _best_valid(
        self, ids: np.ndarray, scores: np.ndarray, rule: dict[str, np.ndarray], m: int
    ) -> dict[str, np.ndarray]:
        key = np.where(rule["valid"], -scores, np.inf)
        order = np.argsort(key, axis=1, kind="stable")[:, :m]
        take = lambda a: np.take_along_axis(a, order, axis=1)  # noqa: E731
        out = {name: take(array) for name, array in rule.items()}
        out["ids"] = take(ids)
        out["scores"] = take(scores)
        if out["ids"].shape[1] < m:
            pad = m - out["ids"].shape[1]
            for name, array in out.items():
                fill: Any = False if array.dtype == bool else (-np.inf if name == "scores" else -1)
                out[name] = np.pad(array, ((0, 0), (0, pad)), constant_values=fill)
        return out

    def _mmr(self, rows: np.ndarray, pool: dict[str, np.ndarray]) -> np.ndarray:
        """Greedy MMR over the pool: (len(rows), need) positions into the pool, -1 pads."""
        s = self.settings
        valid = pool["valid"]
        # Relevance by rank within her pool (the pool is sorted best first, valid first):
        # 1 for her best candidate, falling evenly to 0, whatever the scale of the scores
        # (ALS for some clients, content similarity for others).
        n_valid = np.maximum(valid.sum(axis=1, keepdims=True), 1)
        rank = np.arange(valid.shape[1])[None, :]
        rel = np.where(valid, 1.0 - rank / n_valid, 0.0)
        for r_pos, r in enumerate(rows.tolist()):
            occ = self.occasion[r]
            if occ is not None:
                match = self.occasion_match[occ.kind][np.maximum(pool["ids"][r_pos], 0)]
                rel[r_pos] += s.occasion_boost * (match & valid[r_pos])
        safe = np.maximum(pool["ids"], 0)
        return mmr_select(
            rel,
            valid,
            self.cand_category[safe],
            self.cand_subcategory[safe],
            need=s.need,
            lam=s.mmr_lambda,
        )

    # --- explanations and plans ---------------------------------------------------------

    def _because(self, rows: np.ndarray, cand_ids: np.ndarray) -> list[list[str]]:
        """The 'why' part for each (row, picked candidate).

        The choice of history pieces is vectorised; the loop only looks up cached phrases.
        """
        n, width = cand_ids.shape
        safe = np.maximum(cand_ids, 0)
        cat_idx = self.cand[safe]
        hist_idx = self.hist_idx[rows]
        hist_code = self.hist_code[rows]
        # Is the piece itself in her history (saved, loved, looked at, kept...)?
        same = (hist_idx[:, None, :] == cat_idx[:, :, None]) & (hist_idx[:, None, :] >= 0)
        self_code = np.take_along_axis(hist_code, np.argmax(same, axis=2), axis=1)
        self_code = np.where(
            same.any(axis=2) & self.self_phrased[np.maximum(self_code, 0)], self_code, -1
        )
        warm = self.warm[rows]
        first = np.full((n, width, 2), -1, dtype=np.int64)  # (code, catalogue index)
        second = np.full((n, width, 2), -1, dtype=np.int64)
        if warm.any() and hist_idx.shape[1]:
            hcol = self.hist_col[rows]
            hv = self.model_unit[np.maximum(hcol, 0)]  # (n, H, f)
            cv = self.cand_unit[safe]  # (n, width, f)
            strength = np.einsum("nwf,nhf->nwh", cv, hv) * self.hist_weight[rows][:, None, :]
            strength[np.broadcast_to((hcol < 0)[:, None, :], strength.shape)] = -np.inf
            strength[same] = -np.inf
            order = np.argsort(-strength, axis=2, kind="stable")[:, :, :2]
            top = np.take_along_axis(strength, order, axis=2)
            ok1 = np.isfinite(top[:, :, 0]) & warm[:, None]
            ok2 = ok1 & np.isfinite(top[:, :, 1]) & (top[:, :, 1] >= 0.5 * top[:, :, 0])
            for slot, ok, target in ((0, ok1, first), (1, ok2, second)):
                h = order[:, :, slot]
                target[..., 0] = np.where(ok, np.take_along_axis(hist_code, h, axis=1), -1)
                target[..., 1] = np.where(ok, np.take_along_axis(hist_idx, h, axis=1), -1)
        explainer = self.explainer
        out: list[list[str]] = []
        ids_l, cat_l, self_l = cand_ids.tolist(), cat_idx.tolist(), self_code.tolist()
        first_l, second_l = first.tolist(), second.tolist()
        for i, r in enumerate(rows.tolist()):
            sal = self.audience.salutations[r]
            cold_words = self._cold_words(r) if self.cold_stated[r] and not warm[i] else None
            line: list[str] = []
            for j in range(width):
                if ids_l[i][j] < 0:
                    line.append("")
                    continue
                text = ""
                if self_l[i][j] >= 0:
                    text = explainer.because_self(sal, self_l[i][j])
                elif first_l[i][j][0] >= 0:
                    text = explainer.because_history(sal, (*first_l[i][j], *second_l[i][j]))
                elif cold_words is not None:
                    text = explainer.because_taste(sal, cold_words, cat_l[i][j])
                line.append(text or explainer.because_popular(cat_l[i][j]))
            out.append(line)
        return out

    def _cold_words(self, r: int) -> tuple[frozenset[str], frozenset[str]]:
        profile = self.audience.preferences[r]
        wanted = frozenset(tokens(profile.get("colours")) + tokens(profile.get("materials")))
        return wanted, frozenset(tokens(profile.get("categories")))

    def _data_basis(self, r: int, *, cold: bool) -> dict[str, Any]:
        counts = self.signal_counts[r]
        signals = {SIGNALS[c].name: int(n) for c, n in enumerate(counts.tolist()) if n}
        kinds = {KIND_OF_CODE[c] for c, n in enumerate(counts.tolist()) if n}
        if self.uses_sizes[r]:
            kinds.add(DataKind.SIZES)
        if self.occasion[r] is not None:
            kinds.add(DataKind.OCCASIONS)
        if self.stated_band[r] or self.uses_avoided[r] or (cold and self.cold_stated[r]):
            kinds.add(DataKind.PREFERENCES)
        if self.has_purchases[r]:
            kinds.add(DataKind.PURCHASES)
        return {
            "tier": self.audience.tiers[r],
            "kinds": sorted(str(k) for k in kinds),
            "signals": signals,
            "model_version": self.model.version_id,
            "cold_start": bool(cold),
            "reason": self.audience.reasons[r],
        }

    def _plan_batch(self, rows: np.ndarray) -> list[PlannedDraft]:
        s = self.settings
        ids, scores = self._pool(rows, s.pool)
        rule = self._rules(rows, ids)
        pool = self._best_valid(ids, scores, rule, s.mmr_pool)
        short = np.flatnonzero(pool["valid"].sum(axis=1) < s.need)
        if len(short) and s.refill_pool > s.pool:
            self.stats.refilled += len(short)
            rids, rscores = self._pool(rows[short], s.refill_pool)
            refill = self._best_valid(rids, rscores, self._rules(rows[short], rids), s.mmr_pool)
            for name in pool:
                pool[name][short] = refill[name]
        chosen = self._mmr(rows, pool)
        picked = np.where(
            chosen >= 0, np.take_along_axis(pool["ids"], np.maximum(chosen, 0), 1), -1
        )
        because = self._because(rows, picked)
        take = lambda name: np.take_along_axis(pool[name], np.maximum(chosen, 0), 1)  # noqa: E731
        matched = np.zeros(picked.shape, dtype=bool)
        kinds = [o.kind if o is not None else "" for o in (self.occasion[r] for r in rows)]
        for kind in set(kinds) - {""}:
            at = np.array([k == kind for k in kinds])
            matched[at] = self.occasion_match[kind][np.maximum(picked[at], 0)]
        product_l = np.where(picked >= 0, self.cand[np.maximum(picked, 0)], -1).tolist()
        place_l, variant_l = take("place").tolist(), take("variant").tolist()
        size_l, unknown_l = take("size").tolist(), take("unknown").tolist()
        score_l, matched_l = np.round(take("scores"), 5).tolist(), matched.tolist()
        pks = self.catalogue.product_ids.tolist()
        explainer = self.explainer
        plans: list[PlannedDraft] = []
        for i, r in enumerate(rows.tolist()):
            sal = self.audience.salutations[r]
            occ = self.occasion[r]
            occasion_part = explainer.occasion(sal, occ) if occ is not None else ""
            budget_part = (
                explainer.budget(sal, float(self.price_hi[r])) if self.budget_used[r] else ""
            )
            items: list[DraftedItem] = []
            for j in range(s.need):
                idx = product_l[i][j]
                if idx < 0:
                    continue
                parts = [
                    because[i][j],
                    explainer.stock_phrase(sal, idx, size_l[i][j], place_l[i][j], unknown_l[i][j]),
                ]
                if matched_l[i][j]:
                    parts.append(occasion_part)
                if budget_part:
                    parts.append(budget_part)
                v = variant_l[i][j]
                items.append(
                    DraftedItem(
                        product_id=pks[idx],
                        variant_id=v if v >= 0 else None,
                        score=score_l[i][j],
                        why=sentence(parts),
                    )
                )
            if len(items) < min(s.min_items, s.size):
                self.stats.too_few += 1
                continue
            request = int(self.audience.request_ids[r])
            plans.append(
                PlannedDraft(
                    row=r,
                    client_id=int(self.audience.client_ids[r]),
                    author_id=int(self.audience.author_ids[r]),
                    reason=self.audience.reasons[r],
                    occasion=occ,
                    request_id=request if request >= 0 else None,
                    items=items[: s.size],
                    alternates=items[s.size :],
                    data_basis=self._data_basis(r, cold=not self.warm[r]),
                    cold=not bool(self.warm[r]),
                )
            )
        return plans

    def batches(self) -> Iterator[list[PlannedDraft]]:
        n = len(self.audience)
        if len(self.cand) == 0:
            self.stats.too_few = n
            return
        # Every client with history at once: one threaded top-k call costs about what a
        # batch does, since the work is the same scoring, with none of the thread start-ups.
        warm = np.flatnonzero(self.warm)
        started = time.perf_counter()
        if len(warm):
            self._warm_row = np.full(n, -1, dtype=np.int64)
            self._warm_row[warm] = np.arange(len(warm))
            self._warm_pool = top_items(
                self.cand_factors,
                self.user_factors[warm],
                max(1, min(self.settings.pool, len(self.cand))),
                exclude=self.exclude[warm],
            )
        self.stats.stages["candidates_topk"] = time.perf_counter() - started
        for start in range(0, n, self.settings.batch):
            yield self._plan_batch(np.arange(start, min(start + self.settings.batch, n)))


def lookbook_title(plan: PlannedDraft, *, now: dt.datetime) -> str:
    if plan.occasion is not None:
        return f"For the {plan.occasion.label}, {plan.occasion.date.day} {plan.occasion.date:%B}"
    if plan.request_id is not None:
        return "In answer to your styling request"
    return f"Selected for you, {now:%B %Y}"
