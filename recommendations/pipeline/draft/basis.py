"""What each draft was built from (``data_basis``), so that a narrower consent can withdraw it.

The record names the consent data kinds the draft actually used for this client (her
signals' kinds, her sizes, her occasion, her stated preferences, her purchases for the
price band), the signals counted, the model version and why she was drafted for.
``lookbooks_withdraw_on_consent_change`` reads the kinds when her consent narrows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from consent.policy import DataKind
from recommendations.pipeline.audience import Audience, OccasionInfo
from recommendations.pipeline.extract import KIND_OF_CODE, SIGNALS


@dataclass(frozen=True)
class DataBasis:
    """Per audience row, the facts a draft's ``data_basis`` records."""

    audience: Audience
    model_version: int
    signal_counts: np.ndarray  # (rows, len(SIGNALS))
    uses_sizes: np.ndarray
    occasions: list[OccasionInfo | None]  # consented occasions
    stated_band: np.ndarray
    uses_avoided: np.ndarray
    cold_stated: np.ndarray
    from_purchases: np.ndarray

    def of(self, r: int, *, cold: bool) -> dict[str, Any]:
        counts = self.signal_counts[r]
        signals = {SIGNALS[c].name: int(n) for c, n in enumerate(counts.tolist()) if n}
        kinds = {KIND_OF_CODE[c] for c, n in enumerate(counts.tolist()) if n}
        if self.uses_sizes[r]:
            kinds.add(DataKind.SIZES)
        if self.occasions[r] is not None:
            kinds.add(DataKind.OCCASIONS)
        if self.stated_band[r] or self.uses_avoided[r] or (cold and self.cold_stated[r]):
            kinds.add(DataKind.PREFERENCES)
        if self.from_purchases[r]:
            kinds.add(DataKind.PURCHASES)
        return {
            "tier": self.audience.tiers[r],
            "kinds": sorted(str(k) for k in kinds),
            "signals": signals,
            "model_version": self.model_version,
            "cold_start": bool(cold),
            "reason": self.audience.reasons[r],
        }
