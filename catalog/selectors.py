"""Reads of the catalogue: search, stock by size and place."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from catalog.models import HeritageStory, Product, StockLevel


def products_active() -> QuerySet[Product]:
    return Product.objects.filter(active=True)


def product_search(query: str = "", *, category: str = "", limit: int = 24) -> QuerySet[Product]:
    """Active products matching words in name, style code, subcategory or description."""
    products = products_active()
    if category:
        products = products.filter(category=category)
    for word in query.split()[:6]:
        products = products.filter(
            Q(name__icontains=word)
            | Q(style_code__icontains=word)
            | Q(subcategory__icontains=word)
            | Q(description__icontains=word)
        )
    return products.order_by("name")[:limit]


def product_by_public_id(public_id: object) -> Product | None:
    try:
        return Product.objects.filter(public_id=str(public_id)).first()
    except (ValueError, TypeError, ValidationError):
        return None


def active_product_by_public_id(public_id: object) -> Product | None:
    """A piece clients may open and save: an inactive one (withdrawn) is None."""
    product = product_by_public_id(public_id)
    return product if product is not None and product.active else None


@dataclass(frozen=True)
class StockLine:
    size: str
    place: str  # boutique city or "online"
    boutique_id: int | None
    quantity: int


def stock_for_products(product_ids: Iterable[int]) -> dict[int, list[StockLine]]:
    """In-stock variants of many products at once, by size and place (one query)."""
    stock: dict[int, list[StockLine]] = defaultdict(list)
    rows = (
        StockLevel.objects.filter(variant__product_id__in=list(product_ids), quantity__gt=0)
        .select_related("variant", "boutique")
        .order_by("variant__product_id", "variant__size", "boutique_id")
    )
    for row in rows:
        stock[row.variant.product_id].append(
            StockLine(
                size=row.variant.size,
                place=row.boutique.city if row.boutique else "online",
                boutique_id=row.boutique_id,
                quantity=row.quantity,
            )
        )
    return dict(stock)


def heritage_stories_published() -> QuerySet[HeritageStory]:
    return HeritageStory.objects.filter(published=True).order_by("era", "title")


def heritage_story_by_slug(slug: str) -> HeritageStory | None:
    return heritage_stories_published().filter(slug=slug).first()
