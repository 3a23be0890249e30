"""Stage 2, the house rules on every (client, candidate) pair, vectorised over a batch.

- *Never again* (``excluded_pieces``): what she owns, returned, marked "not for me" or
  saw a stylist remove is left out of her pool when it is drawn (stage 1).
- *In stock in her size* at her home boutique or online: sized pieces use her size for
  their system, one-size pieces fit everyone; with no size on file for that system any
  size in stock passes (and the explanation says her size is missing). Her home
  boutique comes first.
- *Price band*: within the bounds of ``price_band``.
- *Nothing she avoids*: none of the materials, colours or styles in ``Client.avoided``.

``HouseRules.check`` returns a ``Verdict`` for a batch's pools; ``shortlist`` keeps each
client's best valid entries, which is what diversity (stage 4) chooses from.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import scipy.sparse as sp

from recommendations.ml.matrix import build_csr
from recommendations.pipeline.audience import Audience
from recommendations.pipeline.catalogue import (
    ONE_SIZE,
    ONLINE,
    Catalogue,
    Stock,
    client_size_codes,
    tokens,
)
from recommendations.pipeline.draft.candidates import Offer
from recommendations.pipeline.draft.clients import OwnSignals, Permissions
from recommendations.pipeline.draft.price_band import PriceBand
from recommendations.pipeline.extract import CODE

EXCLUDING_SIGNALS = ("purchase", "returned", "not_for_me", "stylist_removed")


def excluded_pieces(own: OwnSignals, offer: Offer, n_rows: int) -> sp.csr_matrix:
    """(rows, candidates), 1 where she owns, returned, rejected or saw the piece removed."""
    excluding = np.isin(own.code, [CODE[name] for name in EXCLUDING_SIGNALS])
    column = np.where(own.product_index >= 0, offer.position[np.maximum(own.product_index, 0)], -1)
    hit = excluding & (column >= 0)
    excluded = build_csr(own.row[hit], column[hit], shape=(n_rows, len(offer)))
    excluded.data[:] = 1.0
    return excluded


@dataclass(frozen=True)
class Verdict:
    """Per pool entry: does it pass every rule, and where and in which size it is in stock."""

    valid: np.ndarray
    place: np.ndarray  # her home boutique's stock place, or ONLINE
    variant: np.ndarray  # the variant in stock there, -1 when none
    size: np.ndarray  # the size code looked up (ONE_SIZE for one-size pieces)
    unknown_size: np.ndarray  # a sized piece and no size of hers for its system


class HouseRules:
    """The rules, prepared once for the whole audience; ``check`` judges a batch of pools."""

    def __init__(
        self,
        audience: Audience,
        permissions: Permissions,
        catalogue: Catalogue,
        stock: Stock,
        offer: Offer,
        band: PriceBand,
    ) -> None:
        self.catalogue = catalogue
        self.stock = stock
        self.offer = offer
        self.band = band
        self.home_place = stock.place_of_boutique(audience.home_boutiques)
        sizes = [
            given if ok else {} for given, ok in zip(audience.sizes, permissions.sizes, strict=True)
        ]
        self.size_codes = client_size_codes(sizes, catalogue, stock)  # (rows, size systems)
        self.uses_sizes = np.array([bool(given) for given in sizes], dtype=bool)
        self.avoided, self.uses_avoided = self._avoided_words(audience, permissions)
        # (words, candidates): which avoidable words describe each candidate.
        self.offer_words = sp.csr_matrix(catalogue.avoid_tokens[offer.catalogue_index].T)

    def _avoided_words(
        self, audience: Audience, permissions: Permissions
    ) -> tuple[sp.csr_matrix, np.ndarray]:
        """(rows, words) she avoids, and whether she named any."""
        vocabulary = self.catalogue.token_index
        indptr: list[int] = [0]
        indices: list[int] = []
        named = np.zeros(len(audience), dtype=bool)
        for r, (words, ok) in enumerate(
            zip(audience.avoided, permissions.preferences, strict=True)
        ):
            if ok:
                indices.extend(vocabulary[t] for t in tokens(words) if t in vocabulary)
                named[r] = bool(tokens(words))
            indptr.append(len(indices))
        avoided = sp.csr_matrix(
            (np.ones(len(indices), np.float32), indices, indptr),
            shape=(len(audience), len(vocabulary)),
        )
        return avoided, named

    def check(self, rows: np.ndarray, ids: np.ndarray) -> Verdict:
        """Judge the pools ``ids`` (candidate columns, -1 pads) of the audience ``rows``."""
        columns = np.maximum(ids, 0)
        product = self.offer.catalogue_index[columns]
        in_stock, place, variant, size, unknown = self._in_stock_in_size(rows, product)
        valid = (
            (ids >= 0)
            & in_stock
            & self._within_band(rows, product)
            & self._nothing_avoided(rows, columns)
        )
        return Verdict(valid=valid, place=place, variant=variant, size=size, unknown_size=unknown)

    def fits(self, rows: np.ndarray) -> np.ndarray:
        """(rows, every candidate): within her price band and free of what she avoids.

        The cheap rules, over the whole offer, for drawing a wider pool; ``check`` still
        judges what is drawn (stock in her size).
        """
        columns = np.broadcast_to(np.arange(len(self.offer)), (len(rows), len(self.offer)))
        product = self.offer.catalogue_index[columns]
        return self._within_band(rows, product) & self._nothing_avoided(rows, columns)

    def _in_stock_in_size(
        self, rows: np.ndarray, product: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(in stock, place, variant, size looked up, size unknown) per entry."""
        stock = self.stock
        system = self.catalogue.size_system[product].astype(np.int64)
        her_size = np.take_along_axis(self.size_codes[rows], system, axis=1)
        sized = stock.sized[product]
        unknown = sized & (her_size == -1)
        size = np.where(sized, her_size, ONE_SIZE)
        home = np.broadcast_to(self.home_place[rows][:, None], product.shape)
        online = np.full(product.shape, ONLINE, dtype=np.int64)
        home_ok, home_variant = stock.lookup(product, home, size)
        online_ok, online_variant = stock.lookup(product, online, size)
        # No size of hers for the system: any size in stock will do.
        any_home, any_home_variant = stock.lookup_any(product, home)
        any_online, any_online_variant = stock.lookup_any(product, online)
        home_ok = np.where(unknown, any_home, home_ok)
        online_ok = np.where(unknown, any_online, online_ok)
        home_variant = np.where(unknown, any_home_variant, home_variant)
        online_variant = np.where(unknown, any_online_variant, online_variant)
        place = np.where(home_ok, home, ONLINE)
        variant = np.where(home_ok, home_variant, online_variant)
        return home_ok | online_ok, place, variant, size, unknown

    def _within_band(self, rows: np.ndarray, product: np.ndarray) -> np.ndarray:
        price = self.catalogue.price[product]
        return (price >= self.band.low[rows][:, None]) & (price <= self.band.high[rows][:, None])

    def _nothing_avoided(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        clean = np.ones(columns.shape, dtype=bool)
        avoiding = np.flatnonzero(np.diff(self.avoided[rows].indptr) > 0)
        if len(avoiding):
            conflicts = (self.avoided[rows[avoiding]] @ self.offer_words).toarray() > 0
            clean[avoiding] = ~np.take_along_axis(conflicts, columns[avoiding], axis=1)
        return clean


@dataclass
class Shortlist:
    """Per client, her best ``width`` pool entries, valid ones first, best score first.

    Every array is (rows, width); a pool narrower than ``width`` is padded with -1
    (-inf scores, False flags).
    """

    ids: np.ndarray  # candidate columns
    scores: np.ndarray
    valid: np.ndarray
    place: np.ndarray
    variant: np.ndarray
    size: np.ndarray
    unknown_size: np.ndarray

    def replace_rows(self, at: np.ndarray, other: Shortlist) -> None:
        for f in fields(self):
            getattr(self, f.name)[at] = getattr(other, f.name)

    def pad(self, width: int) -> None:
        missing = width - self.ids.shape[1]
        if missing <= 0:
            return
        for f in fields(self):
            array = getattr(self, f.name)
            fill = False if array.dtype == bool else (-np.inf if f.name == "scores" else -1)
            setattr(self, f.name, np.pad(array, ((0, 0), (0, missing)), constant_values=fill))


def shortlist(ids: np.ndarray, scores: np.ndarray, verdict: Verdict, width: int) -> Shortlist:
    order = np.argsort(np.where(verdict.valid, -scores, np.inf), axis=1, kind="stable")[:, :width]

    def take(array: np.ndarray) -> np.ndarray:
        return np.take_along_axis(array, order, axis=1)

    short = Shortlist(
        ids=take(ids),
        scores=take(scores),
        valid=take(verdict.valid),
        place=take(verdict.place),
        variant=take(verdict.variant),
        size=take(verdict.size),
        unknown_size=take(verdict.unknown_size),
    )
    short.pad(width)
    return short
