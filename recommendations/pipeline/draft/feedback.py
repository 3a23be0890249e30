"""Advisors teach the next draft: what a removal's reason changes for that client.

Every removal already keeps the piece out of her next drafts (the "stylist_removed"
filter signal, recommendations.pipeline.extract), which is what "owns something similar"
asks: it stays out. Two reasons say more than "not this piece":

- "not her style": a negative for her and for the pieces most like it. Candidates in the
  removed piece's category whose (unit) item factors are within ``SIMILAR`` cosine of it
  are kept out of her draft as well.
- "price" (out of budget): her price band moves. Her ceiling drops below the cheapest
  piece an advisor removed as too dear, unless she has bought at that price or above
  (then the piece, not its price, was what did not suit).

Read for the audience in one query, only for clients whose consent lets drafting use
review decisions (the same data kind as the "stylist_removed" signal), and only the
latest decision on a (client, piece): a piece removed and then restored teaches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommendations.models import RemovalReason, ReviewAction, ReviewEvent
from recommendations.pipeline.audience import Audience
from recommendations.pipeline.catalogue import Catalogue
from recommendations.pipeline.draft.candidates import Offer
from recommendations.pipeline.draft.clients import ClientHistory, OwnSignals, Permissions
from recommendations.pipeline.draft.price_band import PriceBand
from recommendations.pipeline.draft.rules import excluded_pieces

SIMILAR = 0.8  # cosine of item factors above which a piece is "like" one she did not suit
TEACHING = (RemovalReason.NOT_HER_STYLE, RemovalReason.PRICE)


@dataclass(frozen=True)
class Removals:
    """Per audience row, the removals that teach: (row, catalogue index, reason) columns."""

    row: np.ndarray
    product_index: np.ndarray
    reason: np.ndarray  # object array of RemovalReason values
    when: np.ndarray  # epoch seconds


def read_removals(audience: Audience, permissions: Permissions, catalogue: Catalogue) -> Removals:
    """The latest review decision per (client, piece), kept when it is a teaching removal."""
    allowed = audience.client_ids[permissions.preferences]
    row_of = {int(c): r for r, c in enumerate(audience.client_ids.tolist())}
    latest: dict[tuple[int, int], tuple[str, str, float]] = {}
    if len(allowed):
        events = (
            ReviewEvent.objects.filter(
                lookbook__client_id__in=[int(c) for c in allowed],
                product_id__isnull=False,
                action__in=[
                    ReviewAction.REMOVE,
                    ReviewAction.KEEP,
                    ReviewAction.RESTORE,
                    ReviewAction.ADD,
                    ReviewAction.SWAP,
                ],
            )
            .order_by("created_at", "pk")
            .values_list("lookbook__client_id", "product_id", "action", "reason", "created_at")
        )
        for client_id, product_id, action, reason, created_at in events.iterator(chunk_size=5000):
            latest[(client_id, product_id)] = (action, reason, created_at.timestamp())
    keep = [
        (row_of[c], p, reason, when)
        for (c, p), (action, reason, when) in latest.items()
        if action == ReviewAction.REMOVE and reason in TEACHING
    ]
    product_index = np.searchsorted(catalogue.product_ids, [p for _, p, _, _ in keep])
    found = product_index < len(catalogue.product_ids)
    found[found] &= (
        catalogue.product_ids[product_index[found]] == np.array([p for _, p, _, _ in keep])[found]
    )
    return Removals(
        row=np.array([r for r, _, _, _ in keep], dtype=np.int64)[found],
        product_index=product_index[found].astype(np.int64),
        reason=np.array([reason for _, _, reason, _ in keep], dtype=object)[found],
        when=np.array([w for _, _, _, w in keep], dtype=np.float64)[found],
    )


def like_what_she_did_not_suit(removals: Removals, offer: Offer, n_rows: int) -> sp.csr_matrix:
    """(rows, candidates), 1 for pieces like one removed as "not her style" (same category)."""
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    style = removals.reason == RemovalReason.NOT_HER_STYLE
    catalogue_rows = np.full(int(offer.catalogue_index.max(initial=-1)) + 1, -1, dtype=np.int64)
    catalogue_rows[offer.catalogue_index] = np.arange(len(offer))
    for row, index in zip(removals.row[style], removals.product_index[style], strict=True):
        column = catalogue_rows[index] if index < len(catalogue_rows) else -1
        if column < 0:  # no longer on offer: nothing to compare its neighbours with
            continue
        cosine = offer.unit @ offer.unit[column]
        like = np.flatnonzero((cosine >= SIMILAR) & (offer.category == offer.category[column]))
        rows.append(np.full(len(like), row, dtype=np.int64))
        columns.append(like)
    if not rows:
        return sp.csr_matrix((n_rows, len(offer)), dtype=np.float32)
    r, c = np.concatenate(rows), np.concatenate(columns)
    matrix = sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(n_rows, len(offer)))
    matrix.data[:] = 1.0
    return matrix


def lower_ceilings(
    band: PriceBand, removals: Removals, history: ClientHistory, catalogue: Catalogue
) -> PriceBand:
    """Her ceiling drops below the cheapest piece removed as too dear (see the module)."""
    dear = removals.reason == RemovalReason.PRICE
    if not dear.any():
        return band
    high = band.high.copy()
    prices = catalogue.price[removals.product_index[dear]].astype(np.float64)
    for row, price in zip(removals.row[dear].tolist(), prices.tolist(), strict=True):
        bought = history.purchase_prices[history.purchase_rows == row]
        if len(bought) and float(bought.max()) >= price:
            continue  # she has bought at that price: the piece, not the price, was wrong
        high[row] = min(high[row], float(np.nextafter(price, -np.inf)))
    return PriceBand(
        low=band.low,
        high=high,
        stated=band.stated,
        budget_capped=band.budget_capped,
        from_purchases=band.from_purchases,
    )


def excluded_after_review(
    own: OwnSignals, offer: Offer, removals: Removals, n_rows: int
) -> sp.csr_matrix:
    """What she must not be offered: her own filters, and pieces like one not her style."""
    return excluded_pieces(own, offer, n_rows) + like_what_she_did_not_suit(removals, offer, n_rows)
