"""Stage 3, the occasion boost: pieces tagged for her upcoming occasion rank higher.

A client's occasion counts only when her consent lets drafting use occasions. Each piece
on offer suits an occasion kind when its tags match the kind's (pipeline.coldstart). The
boost (``DraftSettings.occasion_boost``, 0.5) is added to the relevance of the suitable,
valid pieces of her shortlist before diversity: a piece for the occasion from the middle
of her pool then competes with her best one. Drafted pieces that suit her occasion say so
in their explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommendations.pipeline import coldstart
from recommendations.pipeline.audience import Audience, OccasionInfo
from recommendations.pipeline.catalogue import Catalogue
from recommendations.pipeline.draft.candidates import Offer
from recommendations.pipeline.draft.clients import Permissions


@dataclass(frozen=True)
class Occasions:
    """Her upcoming occasion per audience row (None when none or not consented), and fits."""

    per_row: list[OccasionInfo | None]
    suits: dict[str, np.ndarray]  # occasion kind -> bool per candidate

    def boost(
        self,
        rows: np.ndarray,
        ids: np.ndarray,
        valid: np.ndarray,
        relevance: np.ndarray,
        amount: float,
    ) -> None:
        """Add ``amount`` to the relevance of valid entries that suit her occasion (in place)."""
        for i, r in enumerate(rows.tolist()):
            occasion = self.per_row[r]
            if occasion is not None:
                match = self.suits[occasion.kind][np.maximum(ids[i], 0)]
                relevance[i] += amount * (match & valid[i])

    def matched(self, rows: np.ndarray, picked: np.ndarray) -> np.ndarray:
        """(rows, picks): does the picked candidate suit her occasion."""
        matched = np.zeros(picked.shape, dtype=bool)
        kinds = [o.kind if o is not None else "" for o in (self.per_row[r] for r in rows)]
        for kind in set(kinds) - {""}:
            at = np.array([k == kind for k in kinds])
            matched[at] = self.suits[kind][np.maximum(picked[at], 0)]
        return matched


def consented_occasions(
    audience: Audience, permissions: Permissions, catalogue: Catalogue, offer: Offer
) -> Occasions:
    per_row = [
        occasion if ok else None
        for occasion, ok in zip(audience.occasions, permissions.occasions, strict=True)
    ]
    kinds = [o.kind for o in per_row if o is not None]
    matches = coldstart.occasion_matches(catalogue, kinds)
    return Occasions(
        per_row=per_row,
        suits={kind: fits[offer.catalogue_index] for kind, fits in matches.items()},
    )
