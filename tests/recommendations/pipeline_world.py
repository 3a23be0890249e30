"""A small house for the recommendation pipeline tests, built on the root `cast`.

Sixteen pieces in three taste groups (travel, evening, everyday), each in stock in Paris
and online, sized where they should be; twenty-four background clients (Personal tier)
who each bought three pieces of one group, so that ALS learns the groups. Camille (the
cast's client, Personal, in Élise's book) bought the Riviera trench and the silk carré:
the travel group. Timestamps are fixed days in the past, the model tiny and seeded.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone

from catalog.models import Product, StockLevel, Variant
from clients.models import Client, Interaction, Order, OrderLine
from consent.models import ConsentTier
from recommendations.ml.als import ALSParams
from recommendations.models import ModelVersion
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory
from tests.factories.stylists import put_in_book

if TYPE_CHECKING:
    from conftest import Cast

TINY = ALSParams(factors=4, regularization=0.1, alpha=1.0, iterations=6, weighting="linear")

# name: (category, subcategory, price, sizes, colours, materials, occasion tags, group)
PIECES: dict[str, tuple[str, str, int, list[str], list[str], list[str], list[str], str]] = {
    "Riviera trench": (
        "ready_to_wear",
        "trench",
        2450,
        ["36", "38", "40"],
        ["camel"],
        ["cotton gabardine"],
        ["travel"],
        "travel",
    ),
    "Cocoon coat": (
        "ready_to_wear",
        "coat",
        4200,
        ["36", "38", "40"],
        ["camel"],
        ["cashmere"],
        ["travel", "business"],
        "travel",
    ),
    "Silk carré": (
        "ready_to_wear",
        "scarf",
        550,
        [""],
        ["ivory"],
        ["silk twill"],
        ["travel", "birthday-gift"],
        "travel",
    ),
    "Tote 35": (
        "leather_goods",
        "tote",
        4600,
        [""],
        ["cognac"],
        ["grained calfskin"],
        ["travel", "business"],
        "travel",
    ),
    "Stirrup loafer": (
        "shoes",
        "loafer",
        950,
        ["37", "38", "38.5", "39"],
        ["cognac"],
        ["calfskin"],
        ["everyday", "travel"],
        "travel",
    ),
    "Étrier dress": (
        "ready_to_wear",
        "dress",
        3800,
        ["36", "38", "40"],
        ["black"],
        ["silk crêpe"],
        ["gala", "evening"],
        "evening",
    ),
    "Bias gown": (
        "ready_to_wear",
        "gown",
        5200,
        ["36", "38", "40"],
        ["ivory"],
        ["silk satin"],
        ["gala", "wedding"],
        "evening",
    ),
    "Minaudière clutch": (
        "leather_goods",
        "clutch",
        3100,
        [""],
        ["gold"],
        ["satin"],
        ["gala", "evening"],
        "evening",
    ),
    "Galop pump": (
        "shoes",
        "pump",
        990,
        ["37", "38", "38.5", "39"],
        ["black"],
        ["patent leather"],
        ["gala", "evening"],
        "evening",
    ),
    "Fer à Cheval studs": (
        "jewellery",
        "earrings",
        1800,
        [""],
        ["gold"],
        ["yellow gold"],
        ["evening", "birthday-gift"],
        "evening",
    ),
    "Cashmere cardigan": (
        "ready_to_wear",
        "knitwear",
        1450,
        ["36", "38", "40"],
        ["grey"],
        ["cashmere"],
        ["everyday"],
        "everyday",
    ),
    "Saddle bag": (
        "leather_goods",
        "shoulder bag",
        5400,
        [""],
        ["black"],
        ["box calf"],
        ["everyday", "evening"],
        "everyday",
    ),
    "Compact wallet": (
        "leather_goods",
        "wallet",
        900,
        [""],
        ["black"],
        ["calfskin"],
        ["everyday", "birthday-gift"],
        "everyday",
    ),
    "Haras blazer": (
        "ready_to_wear",
        "blazer",
        2900,
        ["36", "38", "40"],
        ["navy"],
        ["wool grain de poudre"],
        ["business"],
        "everyday",
    ),
    "Haras ring": (
        "jewellery",
        "ring",
        2200,
        ["50", "52", "54"],
        ["gold"],
        ["yellow gold"],
        ["birthday-gift"],
        "everyday",
    ),
    "Iris eau de parfum": (
        "fragrance",
        "eau de parfum",
        220,
        [""],
        ["violet"],
        ["iris"],
        ["everyday", "birthday-gift"],
        "everyday",
    ),
}
GROUPS = ("travel", "evening", "everyday")


@dataclass
class World:
    cast: Cast
    products: dict[str, Product]
    background: list[Client] = field(default_factory=list)

    def product(self, name: str) -> Product:
        return self.products[name]

    def named(self, product_ids: Any) -> set[str]:
        by_id = {p.pk: name for name, p in self.products.items()}
        return {by_id.get(int(pid), f"#{pid}") for pid in product_ids}


def days_ago(n: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def make_piece(name: str, cast: Cast, *, stock_paris: bool = True) -> Product:
    category, sub, price, sizes, colours, materials, tags, _ = PIECES[name]
    product = Product.objects.create(
        style_code=f"T-{list(PIECES).index(name) if name in PIECES else name}",
        name=name,
        description=f"A {sub} in {colours[0]} {materials[0]}, for {' and '.join(tags)}.",
        category=category,
        subcategory=sub,
        colours=colours,
        materials=materials,
        occasion_tags=tags,
        price=Decimal(price),
    )
    for size in sizes:
        variant = Variant.objects.create(
            product=product,
            sku=f"{product.style_code}-{size or 'TU'}",
            size=size,
            colour=colours[0],
        )
        StockLevel.objects.create(variant=variant, boutique=None, quantity=3)
        if stock_paris:
            StockLevel.objects.create(variant=variant, boutique=cast.paris, quantity=2)
    return product


def buy(
    client: Client, *products: Product, when: dt.datetime | None = None, status: str = "completed"
) -> Order:
    order = Order.objects.create(
        client=client,
        channel="boutique",
        boutique=client.home_boutique,
        placed_at=when or days_ago(60),
        status=status,
    )
    OrderLine.objects.bulk_create(
        [OrderLine(order=order, product=p, quantity=1, unit_price=p.price) for p in products]
    )
    return order


def interact(
    client: Client, product: Product, kind: str, *, when: dt.datetime | None = None
) -> Interaction:
    return Interaction.objects.create(
        client=client, product=product, kind=kind, occurred_at=when or days_ago(20)
    )


def client_with_tier(cast: Cast, tier: str, *, booked: bool = True, **kwargs: Any) -> Client:
    client = ClientFactory(home_boutique=cast.paris, **kwargs)
    ConsentRecordFactory(client=client, tier=tier, policy_version=cast.policy)
    if booked:
        put_in_book(cast.owner, client)
    return client


def build_world(cast: Cast) -> World:
    products = {name: make_piece(name, cast) for name in PIECES}
    world = World(cast=cast, products=products)
    rng = random.Random(7)
    by_group = {g: [n for n, spec in PIECES.items() if spec[7] == g] for g in GROUPS}
    for i in range(24):
        group = GROUPS[i % 3]
        client = ClientFactory(home_boutique=cast.paris)
        ConsentRecordFactory(client=client, tier=ConsentTier.PERSONAL, policy_version=cast.policy)
        picks = rng.sample(by_group[group], 3)
        # Two orders, the second one recent, so the hold-out window has something to judge.
        buy(client, *(products[n] for n in picks[:2]), when=days_ago(90 + i))
        buy(client, products[picks[2]], when=days_ago(3 + i % 9))
        world.background.append(client)
    buy(cast.client, products["Riviera trench"], products["Silk carré"], when=days_ago(45))
    return world


@pytest.fixture
def artifacts(settings: Any, tmp_path: Any) -> Any:
    """Model files in a temporary directory, and drafts of four pieces (+ four alternates)."""
    settings.MODEL_ARTIFACT_DIR = tmp_path / "models"
    settings.LOOKBOOK_DRAFT_SIZE = 4
    return tmp_path / "models"


@pytest.fixture
def world(cast: Cast, artifacts: Any) -> World:
    return build_world(cast)


@pytest.fixture
def trained(world: World) -> ModelVersion:
    from recommendations.services import model_train

    return model_train(params=TINY)
