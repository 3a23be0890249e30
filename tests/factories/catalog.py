"""Factories for the catalogue."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from catalog.models import (
    Boutique,
    Category,
    Collection,
    HeritageStory,
    Product,
    StockLevel,
    Variant,
)


class BoutiqueFactory(DjangoModelFactory[Boutique]):
    class Meta:
        model = Boutique
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"b{n}")
    name = factory.LazyAttribute(lambda o: f"Maison Verlaine {o.city}")
    city = "Paris"
    country = "FR"
    timezone = "Europe/Paris"
    opening_hours = factory.LazyFunction(
        lambda: {d: [["10:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    )


class CollectionFactory(DjangoModelFactory[Collection]):
    class Meta:
        model = Collection

    name = factory.Sequence(lambda n: f"Collection {n}")
    slug = factory.Sequence(lambda n: f"collection-{n}")
    season = "AW26"


class ProductFactory(DjangoModelFactory[Product]):
    class Meta:
        model = Product

    style_code = factory.Sequence(lambda n: f"MV-{n:05d}")
    name = factory.Sequence(lambda n: f"Riviera trench {n}")
    description = "A double-breasted trench in water-repellent cotton gabardine."
    category = Category.READY_TO_WEAR
    subcategory = "coat"
    colours = factory.LazyFunction(lambda: ["camel"])
    materials = factory.LazyFunction(lambda: ["cotton gabardine"])
    occasion_tags = factory.LazyFunction(lambda: ["travel"])
    price = Decimal("2450.00")
    currency = "EUR"
    season = "AW26"


class VariantFactory(DjangoModelFactory[Variant]):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    size = "38"
    colour = factory.LazyAttribute(lambda o: (o.product.colours or [""])[0])


class StockLevelFactory(DjangoModelFactory[StockLevel]):
    class Meta:
        model = StockLevel

    variant = factory.SubFactory(VariantFactory)
    boutique = factory.SubFactory(BoutiqueFactory)
    quantity = 3


class HeritageStoryFactory(DjangoModelFactory[HeritageStory]):
    class Meta:
        model = HeritageStory

    slug = factory.Sequence(lambda n: f"story-{n}")
    title = factory.Sequence(lambda n: f"The saddle-stitch, chapter {n}")
    era = "1867"
    motif = "saddle"
    summary = "How a saddler's stitch became the house signature."
    text = "In 1867, in a workshop on the rue du Bac, ..."
