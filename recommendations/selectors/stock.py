"""Pieces and their stock in the client's size, as the review page shows them (no query each)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from catalog.models import Category, Product
from catalog.selectors import StockLine, product_search, stock_for_products
from clients.models import Client
from recommendations.models import Lookbook

# Where a product's size lives in Client.sizes: ready-to-wear and shoes by
# category, rings and belts by subcategory; everything else is one size.
_SIZE_KEY_BY_CATEGORY: dict[str, str] = {
    Category.READY_TO_WEAR: "ready_to_wear",
    Category.SHOES: "shoes",
}
_SIZE_KEY_BY_SUBCATEGORY: dict[str, str] = {"ring": "ring", "belt": "belt"}
SIZE_LABELS = {"ready_to_wear": "Ready-to-wear", "shoes": "Shoes", "ring": "Ring", "belt": "Belt"}
LOW_STOCK = 2  # units in her size, everywhere, at or under which stock is "low"


def size_key_for(product: Product) -> str:
    """The Client.sizes key for this product ("" when it comes in one size)."""
    key = _SIZE_KEY_BY_CATEGORY.get(product.category)
    if key:
        return key
    return _SIZE_KEY_BY_SUBCATEGORY.get((product.subcategory or "").strip().lower(), "")


@dataclass(frozen=True)
class StockInSize:
    """A piece's stock in the client's size, by place: '38 · Paris (2), online (5)'."""

    size: str  # her size; "" for one-size pieces or when her size is not on file
    one_size: bool
    lines: tuple[StockLine, ...]

    @property
    def size_known(self) -> bool:
        return self.one_size or bool(self.size)

    @property
    def total(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def in_stock(self) -> bool:
        return self.total > 0

    @property
    def low(self) -> bool:
        return self.size_known and 0 < self.total <= LOW_STOCK

    @property
    def out_of_stock(self) -> bool:
        return self.size_known and not self.in_stock

    @property
    def places(self) -> str:
        return ", ".join(f"{line.place} ({line.quantity})" for line in self.lines)

    @property
    def sizes_in_stock(self) -> list[str]:
        return sorted({line.size for line in self.lines if line.size}, key=_size_order)

    @property
    def label(self) -> str:
        if not self.size_known:
            sizes = self.sizes_in_stock
            if sizes:
                return f"Size not on file · in stock in {', '.join(sizes)}"
            return "Size not on file · out of stock"
        head = "One size" if self.one_size else self.size
        return f"{head} · {self.places}" if self.in_stock else f"{head} · out of stock"

    @property
    def tone(self) -> str:
        """The badge tone: stock-in, stock-low, stock-out, or neutral when her size is unknown."""
        if not self.size_known:
            return "neutral"
        if not self.in_stock:
            return "stock-out"
        return "stock-low" if self.low else "stock-in"


def _size_order(size: str) -> tuple[float, str]:
    try:
        return (float(size), size)
    except ValueError:
        return (float("inf"), size)


def _by_place(lines: Iterable[StockLine], home_city: str) -> tuple[StockLine, ...]:
    """One line per (size, place), quantities summed; her boutique first, online last."""
    summed: dict[tuple[str, str], StockLine] = {}
    for line in lines:
        key = (line.size, line.place)
        if key in summed:
            line = StockLine(
                size=line.size,
                place=line.place,
                boutique_id=line.boutique_id,
                quantity=summed[key].quantity + line.quantity,
            )
        summed[key] = line
    return tuple(
        sorted(
            summed.values(),
            key=lambda s: (s.place == "online", s.place != home_city, s.place, s.size),
        )
    )


def stock_in_size(client: Client, product: Product, lines: Iterable[StockLine]) -> StockInSize:
    """Stock of `product` in the client's size from stock_for_products' lines (no query)."""
    home_city = client.home_boutique.city if client.home_boutique_id else ""
    key = size_key_for(product)
    if not key:
        return StockInSize(size="", one_size=True, lines=_by_place(lines, home_city))
    size = str((client.sizes or {}).get(key) or "")
    if not size:
        return StockInSize(size="", one_size=False, lines=tuple(lines))
    mine = [line for line in lines if line.size == size]
    return StockInSize(size=size, one_size=False, lines=_by_place(mine, home_city))


@dataclass(frozen=True)
class Candidate:
    """A piece the stylist may bring in: a next candidate of the model, or a search result."""

    product: Product
    stock: StockInSize
    score: float | None = None
    why: str = ""


def lookbook_search_candidates(
    lookbook: Lookbook, query: str, *, limit: int = 12
) -> list[Candidate]:
    """Catalogue search results not yet in the lookbook, with stock in her size (3 queries)."""
    query = " ".join((query or "").split())
    if not query:
        return []
    taken = set(lookbook.items.values_list("product_id", flat=True))
    products = [p for p in product_search(query, limit=limit + len(taken)) if p.pk not in taken]
    products = products[:limit]
    stock = stock_for_products([p.pk for p in products])
    return [
        Candidate(product=p, stock=stock_in_size(lookbook.client, p, stock.get(p.pk, [])))
        for p in products
    ]
