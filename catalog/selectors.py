"""Reads of the catalogue: search, stock by size and place."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

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
    # Tuples, not model instances: the review page asks for ~20 products' few hundred
    # rows on every render, and building three objects per row was most of its cost.
    rows = (
        StockLevel.objects.filter(variant__product_id__in=list(product_ids), quantity__gt=0)
        .order_by("variant__product_id", "variant__size", "boutique_id")
        .values_list(
            "variant__product_id", "variant__size", "boutique__city", "boutique_id", "quantity"
        )
    )
    for product_id, size, city, boutique_id, quantity in rows:
        stock[product_id].append(
            StockLine(
                size=size,
                place=city if boutique_id is not None else "online",
                boutique_id=boutique_id,
                quantity=quantity,
            )
        )
    return dict(stock)


def heritage_stories_published() -> QuerySet[HeritageStory]:
    return HeritageStory.objects.filter(published=True).order_by("era", "title")


def heritage_story_by_slug(slug: str) -> HeritageStory | None:
    return heritage_stories_published().filter(slug=slug).first()


# The house's care advice, by the word a material's name contains (the first that matches).
CARE_NOTES: tuple[tuple[str, Any], ...] = (
    ("cashmere", _("Fold, never hang; rest a day between wears; hand-wash cold or dry-clean.")),
    ("silk", _("Dry-clean only; keep from perfume and direct sun; press on the reverse, cool.")),
    ("linen", _("Hand-wash cool or dry-clean; press while slightly damp.")),
    ("wool", _("Brush after wearing; air before storing; dry-clean rarely.")),
    ("suede", _("Brush with a soft suede brush; keep from rain; never wet-clean.")),
    (
        "calf",
        _("Wipe with a dry cloth; feed twice a year with neutral cream; store in its dust bag."),
    ),
    ("lambskin", _("Keep from water and sharp edges; store stuffed, in its dust bag.")),
    ("crocodile", _("Entrust to the house once a year for conditioning; store away from heat.")),
    ("lizard", _("Entrust to the house once a year for conditioning; store away from heat.")),
    (
        "gold",
        _("Polish with a soft cloth; the boutique cleans and checks settings free of charge."),
    ),
    ("silver", _("Store in its pouch to slow tarnish; polish with the house's cloth.")),
    ("pearl", _("Put on last, take off first; wipe after wearing; restring every few years.")),
    ("diamond", _("Clean with warm water and a soft brush; have settings checked every year.")),
)


def care_notes_for(product: Product) -> list[Any]:
    """The house's care advice for a piece's materials (none where it has none)."""
    notes: list[Any] = []
    for material in product.materials or []:
        name = str(material).lower()
        for word, note in CARE_NOTES:
            if word in name and note not in notes:
                notes.append(note)
                break
    return notes


def heritage_connections_for(product: Product) -> list[HeritageStory]:
    """Published stories of the piece's lineage: its own, then its collection's (one query)."""
    lineage = Q(products=product)
    if product.collection_id is not None:
        lineage |= Q(products__collection_id=product.collection_id)
    stories = (
        HeritageStory.objects.filter(lineage, published=True)
        .distinct()
        .order_by("era", "title", "pk")
    )
    own = set(
        HeritageStory.products.through.objects.filter(product=product).values_list(
            "heritagestory_id", flat=True
        )
    )
    return sorted(stories, key=lambda story: story.pk not in own)
