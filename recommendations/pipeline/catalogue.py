"""The catalogue as arrays for drafting: products, their size system, and stock by size and place.

Sizes: a client's ``sizes`` are keyed by size system ("ready_to_wear", "shoes", "ring",
"belt"); a product uses the system of its subcategory when it has one of its own (rings,
belts), else of its category. One-size variants have size "" and fit everyone.

Stock: a piece is available to a client when a variant in her size (or one-size) has
units in her home boutique or online (a StockLevel without a boutique). Availability is
kept as a sorted array of integer keys ``(product, place, size)`` so that millions of
(client, piece) pairs are checked with one ``searchsorted``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db.models import F

from catalog.models import Boutique, Product, StockLevel

ONLINE = 0  # place code of online stock; boutiques are 1..n
ONE_SIZE = 0  # size code of ""
SUBCATEGORY_SIZE_SYSTEMS: dict[str, str] = {"ring": "ring", "belt": "belt"}
CATEGORY_SIZE_SYSTEMS: dict[str, str] = {"ready_to_wear": "ready_to_wear", "shoes": "shoes"}
SIZE_SYSTEM_LABELS: dict[str, str] = {
    "ready_to_wear": "ready-to-wear",
    "shoes": "shoe",
    "ring": "ring",
    "belt": "belt",
}


def size_system(category: str, subcategory: str) -> str:
    """Which of the client's sizes applies to a sized piece of this kind."""
    sub = (subcategory or "").strip().lower()
    return SUBCATEGORY_SIZE_SYSTEMS.get(sub) or CATEGORY_SIZE_SYSTEMS.get(category, category)


def tokens(values: Any) -> list[str]:
    if not values:
        return []
    if isinstance(values, str):
        values = [values]
    return sorted({str(v).strip().lower() for v in values if str(v).strip()})


def _label_matrix(rows: Sequence[list[str]], vocabulary: dict[str, int]) -> sp.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    for labels in rows:
        indices.extend(vocabulary[t] for t in labels if t in vocabulary)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))


@dataclass
class Catalogue:
    """Every product (active or not) by dense index, sorted by pk."""

    product_ids: np.ndarray
    active: np.ndarray
    price: np.ndarray
    category: np.ndarray  # int16 code into categories
    subcategory: np.ndarray  # int32 code into subcategories
    categories: list[str]
    subcategories: list[str]
    names: list[str]
    size_system: np.ndarray  # int16 code into size_systems
    size_systems: list[str]
    # materials, colours and subcategory as lower-case tokens (for clients' "avoided")
    avoid_tokens: sp.csr_matrix
    token_index: dict[str, int]
    occasion_tags: sp.csr_matrix
    tag_index: dict[str, int]
    raw: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def __len__(self) -> int:
        return len(self.product_ids)

    def index_of(self, product_ids: np.ndarray) -> np.ndarray:
        """Dense index of each product pk (-1 when unknown)."""
        ids = np.asarray(product_ids, dtype=np.int64)
        if len(self.product_ids) == 0:
            return np.full(len(ids), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.product_ids, ids), len(self.product_ids) - 1)
        return np.where(self.product_ids[pos] == ids, pos, -1).astype(np.int64)

    def content_rows(self, indices: np.ndarray) -> list[dict[str, Any]]:
        """Plain product dicts (see recommendations.ml.content) for the given indices."""
        return [self.raw[i] for i in np.asarray(indices).tolist()]


def load_catalogue(*, with_descriptions: bool = False) -> Catalogue:
    fields_ = [
        "pk",
        "active",
        "price",
        "category",
        "subcategory",
        "name",
        "materials",
        "colours",
        "occasion_tags",
    ]
    if with_descriptions:
        fields_.append("description")
    rows = list(Product.objects.order_by("pk").values(*fields_))
    categories = sorted({r["category"] for r in rows})
    subcategories = sorted({(r["subcategory"] or "").strip().lower() for r in rows})
    cat_code = {c: i for i, c in enumerate(categories)}
    sub_code = {s: i for i, s in enumerate(subcategories)}
    systems = sorted({size_system(r["category"], r["subcategory"]) for r in rows})
    system_code = {s: i for i, s in enumerate(systems)}

    avoid_rows = [
        tokens(r["materials"]) + tokens(r["colours"]) + tokens([r["subcategory"]]) for r in rows
    ]
    token_index = {t: i for i, t in enumerate(sorted({t for row in avoid_rows for t in row}))}
    tag_rows = [tokens(r["occasion_tags"]) for r in rows]
    tag_index = {t: i for i, t in enumerate(sorted({t for row in tag_rows for t in row}))}
    raw = [
        {
            "id": r["pk"],
            "category": r["category"],
            "subcategory": r["subcategory"],
            "materials": r["materials"] or [],
            "colours": r["colours"] or [],
            "occasion_tags": r["occasion_tags"] or [],
            "description": r.get("description", ""),
        }
        for r in rows
    ]
    return Catalogue(
        product_ids=np.array([r["pk"] for r in rows], dtype=np.int64),
        active=np.array([bool(r["active"]) for r in rows], dtype=bool),
        price=np.array([float(r["price"]) for r in rows], dtype=np.float64),
        category=np.array([cat_code[r["category"]] for r in rows], dtype=np.int16),
        subcategory=np.array(
            [sub_code[(r["subcategory"] or "").strip().lower()] for r in rows], dtype=np.int32
        ),
        categories=categories,
        subcategories=subcategories,
        names=[r["name"] for r in rows],
        size_system=np.array(
            [system_code[size_system(r["category"], r["subcategory"])] for r in rows],
            dtype=np.int16,
        ),
        size_systems=systems,
        avoid_tokens=_label_matrix(avoid_rows, token_index),
        token_index=token_index,
        occasion_tags=_label_matrix(tag_rows, tag_index),
        tag_index=tag_index,
        raw=raw,
    )


@dataclass
class Stock:
    """Units > 0 by (product, place, size), with the variant to propose."""

    keys: np.ndarray  # sorted int64 (product * n_places + place) * n_sizes + size
    variants: np.ndarray  # variant pk per key (the first in-stock variant)
    any_keys: np.ndarray  # sorted int64 product * n_places + place: anything in stock there
    any_variants: np.ndarray
    sized: np.ndarray  # bool per product: has sized variants
    in_stock: np.ndarray  # bool per product: units somewhere
    places: list[int | None]  # place code -> boutique pk (None = online)
    place_names: list[str]  # place code -> city or "online"
    size_index: dict[str, int]
    size_names: list[str]

    @property
    def n_places(self) -> int:
        return len(self.places)

    @property
    def n_sizes(self) -> int:
        return len(self.size_names)

    def place_of_boutique(self, boutique_ids: np.ndarray) -> np.ndarray:
        lookup = {b: i for i, b in enumerate(self.places) if b is not None}
        return np.array([lookup.get(int(b), -1) for b in boutique_ids], dtype=np.int64)

    def size_code(self, size: str) -> int:
        """Code of a size string; -2 when no variant anywhere has that size."""
        return self.size_index.get(str(size).strip(), -2)

    def lookup(
        self, product: np.ndarray, place: np.ndarray, size: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(available, variant pk or -1) for arrays of product index, place and size code."""
        if len(self.keys) == 0:
            return np.zeros(product.shape, bool), np.full(product.shape, -1, np.int64)
        keys = (product.astype(np.int64) * self.n_places + place) * self.n_sizes + size
        pos = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        hit = (self.keys[pos] == keys) & (place >= 0) & (size >= 0)
        return hit, np.where(hit, self.variants[pos], -1)

    def lookup_any(self, product: np.ndarray, place: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(self.any_keys) == 0:
            return np.zeros(product.shape, bool), np.full(product.shape, -1, np.int64)
        keys = product.astype(np.int64) * self.n_places + place
        pos = np.minimum(np.searchsorted(self.any_keys, keys), len(self.any_keys) - 1)
        hit = (self.any_keys[pos] == keys) & (place >= 0)
        return hit, np.where(hit, self.any_variants[pos], -1)


def _first_per_key(keys: np.ndarray, variants: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((variants, keys))
    keys, variants = keys[order], variants[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], variants[first]


def load_stock(catalogue: Catalogue) -> Stock:
    boutiques = list(Boutique.objects.order_by("pk").values_list("pk", "city"))
    places: list[int | None] = [None, *[pk for pk, _ in boutiques]]
    place_names = ["online", *[city for _, city in boutiques]]
    place_code = {b: i for i, b in enumerate(places)}
    rows = list(
        StockLevel.objects.filter(quantity__gt=0, variant__product__active=True)
        .annotate(product_id=F("variant__product_id"), size=F("variant__size"))
        .values_list("product_id", "boutique_id", "size", "variant_id")
    )
    sizes = sorted({str(size).strip() for _, _, size, _ in rows} | {""})
    sizes.remove("")
    size_names = ["", *sizes]
    size_index = {s: i for i, s in enumerate(size_names)}
    n_places, n_sizes = len(places), len(size_names)
    if rows:
        product = catalogue.index_of(np.array([r[0] for r in rows], dtype=np.int64))
        place = np.array([place_code.get(r[1], -1) for r in rows], dtype=np.int64)
        size = np.array([size_index[str(r[2]).strip()] for r in rows], dtype=np.int64)
        variant = np.array([r[3] for r in rows], dtype=np.int64)
        ok = (product >= 0) & (place >= 0)
        product, place, size, variant = product[ok], place[ok], size[ok], variant[ok]
    else:
        product = place = size = variant = np.empty(0, np.int64)
    keys, variants = _first_per_key((product * n_places + place) * n_sizes + size, variant)
    any_keys, any_variants = _first_per_key(product * n_places + place, variant)
    # "sized" looks at every variant, in stock or not: a sold-out size is still a size.
    sized_ids = (
        Product.objects.filter(variants__size__gt="").values_list("pk", flat=True).distinct()
    )
    sized = np.zeros(len(catalogue), dtype=bool)
    sized_idx = catalogue.index_of(np.fromiter(sized_ids, dtype=np.int64))
    sized[sized_idx[sized_idx >= 0]] = True
    in_stock = np.zeros(len(catalogue), dtype=bool)
    in_stock[product] = True
    return Stock(
        keys=keys,
        variants=variants,
        any_keys=any_keys,
        any_variants=any_variants,
        sized=sized,
        in_stock=in_stock,
        places=places,
        place_names=place_names,
        size_index=size_index,
        size_names=size_names,
    )


def client_size_codes(
    sizes: Sequence[Mapping[str, Any]], catalogue: Catalogue, stock: Stock
) -> np.ndarray:
    """(n_clients, n_size_systems) size codes: -1 not on file, -2 a size nobody stocks."""
    out = np.full((len(sizes), len(catalogue.size_systems)), -1, dtype=np.int64)
    system_code = {s: i for i, s in enumerate(catalogue.size_systems)}
    for row, given in enumerate(sizes):
        if not isinstance(given, Mapping):
            continue
        for system, value in given.items():
            col = system_code.get(str(system))
            if col is not None and str(value).strip():
                out[row, col] = stock.size_code(str(value))
    return out
