"""Is one recommender better than another beyond noise? A paired bootstrap over clients.

Both models are scored on the *same* clients of the same hold-out window, so each client
gives a pair (candidate's nDCG, active model's nDCG). Resampling clients with replacement
and averaging the per-client differences gives the distribution of the mean difference;
its 2.5th and 97.5th percentiles are the 95% interval. The candidate wins beyond noise
only when the whole interval lies above zero.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

RESAMPLES = 2000
CONFIDENCE = 0.95
# Resampling is done in chunks so that memory stays O(chunk x clients), not O(B x clients).
CHUNK = 200


@dataclass(frozen=True)
class PairedInterval:
    """The mean per-client difference (candidate - active) and its bootstrap interval."""

    mean_difference: float
    low: float
    high: float
    confidence: float
    clients: int
    resamples: int
    candidate_mean: float
    active_mean: float

    @property
    def wins(self) -> bool:
        """The candidate is better beyond noise: the whole interval is above zero."""
        return self.clients > 0 and self.low > 0.0

    def as_dict(self, *, digits: int = 5) -> dict[str, Any]:
        out = asdict(self)
        for key in ("mean_difference", "low", "high", "candidate_mean", "active_mean"):
            out[key] = round(float(out[key]), digits)
        out["wins"] = self.wins
        out["method"] = "paired bootstrap over clients"
        return out


def paired_bootstrap(
    candidate: np.ndarray,
    active: np.ndarray,
    *,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
    seed: int = 42,
) -> PairedInterval:
    """Percentile bootstrap of mean(candidate - active) over clients (arrays are paired)."""
    candidate = np.asarray(candidate, dtype=np.float64)
    active = np.asarray(active, dtype=np.float64)
    if candidate.shape != active.shape or candidate.ndim != 1:
        raise ValueError("paired_bootstrap needs two 1-d arrays over the same clients")
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")
    if resamples < 1:
        raise ValueError("resamples must be positive")
    n = len(candidate)
    if n == 0:
        return PairedInterval(0.0, 0.0, 0.0, confidence, 0, resamples, 0.0, 0.0)
    difference = candidate - active
    rng = np.random.default_rng(seed)
    means = np.empty(resamples, dtype=np.float64)
    for start in range(0, resamples, CHUNK):
        size = min(CHUNK, resamples - start)
        picks = rng.integers(0, n, size=(size, n))
        means[start : start + size] = difference[picks].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return PairedInterval(
        mean_difference=float(difference.mean()),
        low=float(low),
        high=float(high),
        confidence=confidence,
        clients=n,
        resamples=resamples,
        candidate_mean=float(candidate.mean()),
        active_mean=float(active.mean()),
    )
