"""The orchestration: prepare every stage once for the audience, then plan drafts batch by batch.

``Drafter.__init__`` prepares, as arrays, what each stage needs; ``Drafter.batches`` then
runs the stages in order for each batch of clients:

1. candidates: draw her pool (``CandidatePools``);
2. rules: judge it (``HouseRules``) and keep her best valid entries (``shortlist``); a
   client the rules leave short gets a deeper pool;
3. occasion boost and 4. diversity: ``diversify`` picks the draft and its alternates;
5. explanations: ``Explanations`` words every picked piece; ``DataBasis`` records what
   the draft was built from.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import fields

import numpy as np

from recommendations.pipeline.artifacts import LoadedModel
from recommendations.pipeline.audience import Audience
from recommendations.pipeline.catalogue import Catalogue, Stock
from recommendations.pipeline.draft.basis import DataBasis
from recommendations.pipeline.draft.candidates import CandidatePools, build_offer
from recommendations.pipeline.draft.clients import (
    ClientHistory,
    Permissions,
    client_history,
    client_permissions,
    cold_profiles,
    fold_in_audience,
    own_signals,
)
from recommendations.pipeline.draft.diversity import balanced_split, diversify
from recommendations.pipeline.draft.explanation import Explanations, picks_from
from recommendations.pipeline.draft.feedback import (
    Removals,
    excluded_after_review,
    lower_ceilings,
    read_removals,
)
from recommendations.pipeline.draft.occasion import consented_occasions
from recommendations.pipeline.draft.plans import (
    DraftedItem,
    DraftSettings,
    DraftStats,
    PlannedDraft,
)
from recommendations.pipeline.draft.price_band import PriceBand, price_band
from recommendations.pipeline.draft.rules import HouseRules, Shortlist, shortlist
from recommendations.pipeline.extract import SignalSet


def _widen(short: Shortlist, width: int) -> Shortlist:
    """The same shortlist padded to ``width`` columns (so deeper rows fit in it)."""
    short.pad(width)
    return short


def _category_codes(catalogue: Catalogue) -> dict[int, int]:
    """Each product's category code, by product id."""
    return dict(zip(catalogue.product_ids.tolist(), catalogue.category.tolist(), strict=True))


class Drafter:
    """Drafts for an audience: every stage prepared once as arrays, then batch by batch."""

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
        self.settings = settings
        self.stats = DraftStats()

        # What we may use about each client, and what we know of her.
        permissions = client_permissions(audience)
        self.vectors = fold_in_audience(audience, model, signals)
        self.stats.warm = int(self.vectors.warm.sum())
        self.stats.cold = int((~self.vectors.warm).sum())
        own = own_signals(audience, catalogue, signals)
        history = client_history(
            own,
            len(audience),
            catalogue,
            model,
            depth=settings.history,
            dominant_share=settings.dominant_share,
        )
        self.dominant = history.dominant_category
        self._category_of = _category_codes(catalogue)  # to balance a draft

        # 1. Candidates: the pieces on offer.
        self.offer = build_offer(catalogue, stock, model)
        self.stats.candidates = len(self.offer)
        self.stats.new_products_placed = self.offer.placed

        # 2. Rules, with her price band (moved by what advisors removed as out of budget).
        removals = read_removals(audience, permissions, catalogue)
        band = self._price_band(permissions, history, catalogue, removals)
        self.rules = HouseRules(audience, permissions, catalogue, stock, self.offer, band)

        # 3. Occasions; clients without history are ranked by their tastes and occasion.
        self.occasions = consented_occasions(audience, permissions, catalogue, self.offer)
        cold = cold_profiles(audience, self.vectors, permissions, self.occasions.per_row)
        if cold.has_preferences.any() and len(self.offer):
            self.offer.ensure_content(catalogue)

        # 1. (continued) Each client's pool, never with a piece she must not see again.
        self.pools = CandidatePools(
            self.offer,
            self.vectors,
            excluded_after_review(own, self.offer, removals, len(audience)),
            cold,
            settings,
        )

        # 5. Explanations, and the data basis each draft records.
        self.explanations = Explanations(
            audience,
            model,
            catalogue,
            stock,
            offer=self.offer,
            vectors=self.vectors,
            history=history,
            cold=cold,
            occasions=self.occasions,
            band=band,
        )
        self.basis = DataBasis(
            audience=audience,
            model_version=model.version_id,
            signal_counts=history.signal_counts,
            uses_sizes=self.rules.uses_sizes,
            occasions=self.occasions.per_row,
            stated_band=band.stated,
            uses_avoided=self.rules.uses_avoided,
            cold_stated=cold.stated,
            from_purchases=band.from_purchases,
        )

    def _price_band(
        self,
        permissions: Permissions,
        history: ClientHistory,
        catalogue: Catalogue,
        removals: Removals,
    ) -> PriceBand:
        on_offer = catalogue.price[self.offer.catalogue_index]
        band = price_band(self.audience, permissions, history, on_offer, self.settings)
        return lower_ceilings(band, removals, history, catalogue)

    def batches(self) -> Iterator[list[PlannedDraft]]:
        n = len(self.audience)
        if len(self.offer) == 0:
            self.stats.too_few = n
            return
        started = time.perf_counter()
        self.pools.prefetch_warm()
        self.stats.stages["candidates_topk"] = time.perf_counter() - started
        for start in range(0, n, self.settings.batch):
            yield self._plan_batch(np.arange(start, min(start + self.settings.batch, n)))

    def _shortlist(self, rows: np.ndarray, *, deep: bool = False) -> Shortlist:
        """Stages 1 and 2: her pool, judged by the rules; a deeper pool when that leaves too few."""
        s = self.settings
        if deep:
            ids, scores = self.pools.draw(rows, s.refill_pool)
            return shortlist(ids, scores, self.rules.check(rows, ids), s.refill_pool)
        ids, scores = self.pools.draw(rows, s.pool)
        short = shortlist(ids, scores, self.rules.check(rows, ids), s.mmr_pool)
        thin = np.flatnonzero(short.valid.sum(axis=1) < s.need)
        if len(thin) and s.refill_pool > s.pool:
            self.stats.refilled += len(thin)
            deeper_ids, deeper_scores = self.pools.draw(rows[thin], s.refill_pool)
            deeper = shortlist(
                deeper_ids, deeper_scores, self.rules.check(rows[thin], deeper_ids), s.mmr_pool
            )
            short.replace_rows(thin, deeper)
        return short

    def _plan_batch(self, rows: np.ndarray) -> list[PlannedDraft]:
        s = self.settings
        short = self._shortlist(rows)
        chosen, broken = diversify(rows, short, self.occasions, self.offer, s, self.dominant)
        if broken.any() and s.refill_pool > s.pool:
            # Her best candidates are too much of one category to balance the draft:
            # choose again from a deeper pool, all of it open to MMR.
            again = np.flatnonzero(broken)
            self.stats.rebalanced += len(again)
            deeper = self._shortlist(rows[again], deep=True)
            deeper_chosen, deeper_broken = diversify(
                rows[again], deeper, self.occasions, self.offer, s, self.dominant
            )
            short = _widen(short, deeper.ids.shape[1])
            short.replace_rows(again, deeper)
            chosen[again] = deeper_chosen
            broken[again] = deeper_broken
        if s.per_category > 0 and (broken | (chosen[:, : s.size] < 0).any(axis=1)).any():
            short = self._by_category(rows, short, chosen, broken)
        self.stats.over_cap += int(broken.sum())
        picks = picks_from(rows, short, chosen, self.offer, self.occasions)
        because = self.explanations.because(rows, picks.candidate)
        plans: list[PlannedDraft] = []
        for i, r in enumerate(rows.tolist()):
            items = self.explanations.items(i, r, picks, because)
            if len(items) < min(s.min_items, s.size):
                self.stats.too_few += 1
                continue
            plan = self._plan(r, items, balance=bool(broken[i]))
            if plan is None:
                self.stats.too_few += 1
                continue
            plans.append(plan)
        return plans

    def _by_category(
        self, rows: np.ndarray, short: Shortlist, chosen: np.ndarray, broken: np.ndarray
    ) -> Shortlist:
        """Still unbalanced or short: choose again from her best pieces in every category.

        Her pool is read on down the same ranking category by category (within her price
        band, nothing she avoids), so the categories her best candidates missed have
        pieces to offer. A row takes the new choice when it is balanced and no shorter
        (or the old one was not balanced); ``chosen`` and ``broken`` change in place.
        """
        s, started = self.settings, time.perf_counter()
        again = np.flatnonzero(broken | (chosen[:, : s.size] < 0).any(axis=1))
        self.stats.widened += len(again)
        ids, scores = self.pools.by_category(rows[again], s.per_category, self.rules.fits)
        wide = shortlist(ids, scores, self.rules.check(rows[again], ids), ids.shape[1])
        wide_chosen, wide_broken = diversify(
            rows[again], wide, self.occasions, self.offer, s, self.dominant
        )
        longer = (wide_chosen[:, : s.size] >= 0).sum(axis=1) >= (chosen[again, : s.size] >= 0).sum(
            axis=1
        )
        # the others keep their choice (balanced_split shortens an unbalanced one)
        balanced = ~wide_broken & (longer | broken[again])
        at = again[balanced]
        short = _widen(short, wide.ids.shape[1])
        wide = _widen(wide, short.ids.shape[1])
        short.replace_rows(at, Shortlist(*(getattr(wide, f.name)[balanced] for f in fields(wide))))
        chosen[at] = wide_chosen[balanced]
        broken[at] = False
        stages = self.stats.stages
        stages["widen_by_category"] = stages.get("widen_by_category", 0.0) + (
            time.perf_counter() - started
        )
        return short

    def _balanced(self, r: int, items: list[DraftedItem]) -> tuple[list[DraftedItem], int]:
        """Her picks reordered so the draft keeps the rule; (items, pieces in the draft)."""
        s = self.settings
        category_of = self._category_of
        categories = [category_of[item.product_id] for item in items]
        draft, held = balanced_split(
            categories, size=s.size, cap=s.category_cap, exempt=int(self.dominant[r])
        )
        return [items[p] for p in draft] + [items[p] for p in held], len(draft)

    def _plan(
        self, r: int, items: list[DraftedItem], *, balance: bool = False
    ) -> PlannedDraft | None:
        """Her draft and alternates; None when balancing leaves fewer than ``min_items``."""
        audience, size = self.audience, self.settings.size
        basis = self.basis.of(r, cold=not self.vectors.warm[r])
        if balance:
            items, size = self._balanced(r, items)
            if size < min(self.settings.min_items, self.settings.size):
                return None
            if size < self.settings.size:
                self.stats.shortened += 1
                basis = {**basis, "short": {"pieces": size, "of": self.settings.size}}
        request = int(audience.request_ids[r])
        return PlannedDraft(
            row=r,
            client_id=int(audience.client_ids[r]),
            author_id=int(audience.author_ids[r]),
            reason=audience.reasons[r],
            occasion=self.occasions.per_row[r],
            request_id=request if request >= 0 else None,
            items=items[:size],
            alternates=items[size:],
            data_basis=basis,
            cold=not bool(self.vectors.warm[r]),
            language=audience.languages[r] if audience.languages else "en",
        )
