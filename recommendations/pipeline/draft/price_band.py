"""The price band rule's bounds, per client: stated, derived from her purchases, capped by a budget.

- Her stated band when she gave one (and her consent lets us use her preferences).
- Otherwise up to ``price_multiple`` x the ``price_quantile`` of what she has bought (at
  today's prices), but never below the median price of the pieces on offer, so a client
  who only ever bought fragrance still sees an entry bag.
- No history and no stated band: no price rule (there is nothing true to base one on).
- A styling request's budget caps everything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommendations.pipeline.audience import Audience
from recommendations.pipeline.draft.clients import ClientHistory, Permissions
from recommendations.pipeline.draft.plans import DraftSettings


@dataclass(frozen=True)
class PriceBand:
    """Per audience row: the prices a piece may have, and where the bounds came from."""

    low: np.ndarray  # -inf when none
    high: np.ndarray  # inf when none
    stated: np.ndarray  # she stated a band herself
    budget_capped: np.ndarray  # a styling request's budget lowered the ceiling
    from_purchases: np.ndarray  # she has purchases a ceiling can be derived from


def _derived_ceiling(
    history: ClientHistory, n_rows: int, floor_price: float, settings: DraftSettings
) -> tuple[np.ndarray, np.ndarray]:
    """(ceiling, has purchases) per row: a multiple of her purchase quantile, at least the floor."""
    ceiling = np.full(n_rows, np.inf)
    has_purchases = np.zeros(n_rows, dtype=bool)
    if not len(history.purchase_rows):
        return ceiling, has_purchases
    order = np.lexsort((history.purchase_prices, history.purchase_rows))
    rows, prices = history.purchase_rows[order], history.purchase_prices[order]
    buyers, start, count = np.unique(rows, return_index=True, return_counts=True)
    at = settings.price_quantile * (count - 1)  # linear interpolation, as numpy.quantile
    below = np.floor(at).astype(np.int64)
    above = np.ceil(at).astype(np.int64)
    quantile = prices[start + below] + (at - below) * (
        prices[start + above] - prices[start + below]
    )
    ceiling[buyers] = np.maximum(settings.price_multiple * quantile, floor_price)
    has_purchases[buyers] = True
    return ceiling, has_purchases


def price_band(
    audience: Audience,
    permissions: Permissions,
    history: ClientHistory,
    offer_prices: np.ndarray,
    settings: DraftSettings,
) -> PriceBand:
    floor_price = float(np.median(offer_prices)) if len(offer_prices) else 0.0
    derived, has_purchases = _derived_ceiling(history, len(audience), floor_price, settings)
    stated_min = np.where(permissions.preferences, audience.price_min, np.nan)
    stated_max = np.where(permissions.preferences, audience.price_max, np.nan)
    low = np.where(np.isnan(stated_min), -np.inf, stated_min)
    high = np.where(np.isnan(stated_max), derived, stated_max)
    budget_capped = ~np.isnan(audience.budgets) & (audience.budgets < high)
    return PriceBand(
        low=low,
        high=np.where(budget_capped, audience.budgets, high),
        stated=~np.isnan(stated_min) | ~np.isnan(stated_max),
        budget_capped=budget_capped,
        from_purchases=has_purchases,
    )
