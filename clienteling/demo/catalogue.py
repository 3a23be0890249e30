"""The catalogue phase: collections, products, variants, stock per place, heritage stories.

Products are generated in memory and bulk-inserted; variants and stock follow
in chunks of products so that a catalogue of 20,000 pieces stays light. Stock
has gaps on purpose: not every boutique carries every piece, and some sizes
are sold out in some places.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.utils import timezone

from catalog.models import Boutique, Collection, HeritageStory, Product, StockLevel, Variant
from clienteling.demo.bulk import Row, insert, insert_rows
from clienteling.demo.heritage import STORIES
from clienteling.demo.pieces import SUBCATEGORIES, Subcategory
from clienteling.demo.randomness import Weighted, allocate, chance, stream, uuid4_from
from clienteling.demo.state import Catalogue, ProductFact
from clienteling.demo.vocabulary import ascii_fold
from clienteling.demo.wording import (
    CARRE_LINES,
    CATEGORY_SHARES,
    CLOSINGS,
    COLLECTIONS,
    COLOUR_CODES,
    COLOURS,
    CRAFT,
    FRAGRANCE,
    FRAGRANCES,
    HARDWARE,
    JEWELLERY,
    LEATHER,
    LINES,
    METALS,
    SEASONS,
    STONES,
    STYLE_PREFIX,
    Season,
)

VARIANT_CHUNK = 1000  # products whose variants and stock are built at once
SIZE_KEYS = {"rtw": "ready_to_wear", "shoes": "shoes", "ring": "ring", "belt": "belt", "one": ""}
RTW_SIZES = ("34", "36", "38", "40", "42", "44", "46")
SHOE_SIZES = ("35", "36", "37", "38", "39", "40", "41", "42")
SHOE_HALVES = ("36.5", "37.5", "38.5", "39.5")
RING_SIZES = ("48", "50", "52", "54", "56", "58")
RING_HALVES = ("49", "51", "53", "55")
BELT_SIZES = ("75", "80", "85", "90", "95")
EDGE_SIZES = frozenset({"34", "46", "35", "42", "48", "58", "75", "95"})
CARRIED = {"paris": 0.92, "milan": 0.78, "tokyo": 0.72}
CARRE_SUBCATEGORIES = frozenset({"shirt", "dress", "skirt"})
AN_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=[AEIOUaeiouÉé])")
FRAGRANCE_NAMES = tuple(FRAGRANCES)
SEASON_PICK = Weighted(SEASONS, [s.share for s in SEASONS])


def _slots(total: int) -> list[Subcategory]:
    categories = list(CATEGORY_SHARES)
    slots: list[Subcategory] = []
    for category, n in zip(
        categories, allocate(total, [CATEGORY_SHARES[c] for c in categories]), strict=True
    ):
        subs = [s for s in SUBCATEGORIES if s.category == category]
        for sub, m in zip(subs, allocate(n, [s.share for s in subs]), strict=True):
            slots.extend([sub] * m)
    return slots


def _price(rng: random.Random, sub: Subcategory, materials: list[str]) -> Decimal:
    low, high = sub.price
    u = rng.random()
    if "diamonds" in materials or "crocodile" in materials or "lizard" in materials:
        u = 0.45 + 0.55 * u
    value = low * (high / low) ** u
    step = 5 if value < 500 else 10 if value < 1000 else 50 if value < 10000 else 100
    return Decimal(min(high, max(low, round(value / step) * step)))


def _describe(
    rng: random.Random, sub: Subcategory, noun: str, colour: str, material: str, occasion: str
) -> str:
    opening = rng.choice(sub.openings).format(noun=noun, colour=colour, material=material)
    opening = AN_BEFORE_VOWEL.sub(r"\1n ", opening[:1].upper() + opening[1:])
    sentences = [opening, rng.choice(CRAFT.get(sub.name) or CRAFT[sub.category])]
    if chance(rng, 0.8) and not (sub.category == FRAGRANCE and occasion == "everyday"):
        sentences.append(rng.choice(CLOSINGS[occasion]))
    return " ".join(s.format(material=material) for s in sentences)


def _design(rng: random.Random, sub: Subcategory) -> tuple[str, str, list[str], list[str], str]:
    """(name, noun, colours, materials, material as written) for one piece."""
    noun = rng.choice(sub.nouns)
    if sub.category == FRAGRANCE:
        fragrance = rng.choice(FRAGRANCE_NAMES)
        notes = list(FRAGRANCES[fragrance])
        name = f"{fragrance} {noun}"
        return name, name, [rng.choice(COLOURS[FRAGRANCE])], notes, " and ".join(notes)
    if sub.category == JEWELLERY:
        colour = rng.choice(COLOURS[JEWELLERY])
        materials = [METALS[colour]]
        if chance(rng, 0.3 if sub.name == "watch" else 0.55):
            materials.append(rng.choice(STONES))
        written = " set with ".join(materials)
        return f"{rng.choice(LINES[JEWELLERY])} {noun}", noun, [colour], materials, written
    carre = sub.name in CARRE_SUBCATEGORIES and chance(rng, 0.22)
    line = rng.choice(CARRE_LINES) if carre else rng.choice(LINES[sub.category])
    material = "silk twill" if carre else rng.choice(sub.materials)
    materials = [material]
    if sub.category == LEATHER and sub.name != "small leather goods":
        materials.append(rng.choice(HARDWARE))
    most = 3 if sub.category == LEATHER else 2
    colours = rng.sample(COLOURS[sub.category], rng.choice([1, 1, 2, most]))
    return f"{line} {noun}", noun, colours, materials, material


def _sizes(rng: random.Random, sub: Subcategory, first_colour: bool) -> list[str]:
    if sub.sizing == "rtw":
        return list(RTW_SIZES if first_colour else RTW_SIZES[1:5])
    if sub.sizing == "shoes":
        if not first_colour:
            return list(SHOE_SIZES[1:7])
        halves = rng.sample(SHOE_HALVES, 2) if chance(rng, 0.5) else []
        return sorted([*SHOE_SIZES, *halves], key=float)
    if sub.sizing == "ring":
        halves = rng.sample(RING_HALVES, 2) if chance(rng, 0.3) else []
        return sorted([*RING_SIZES, *halves], key=float)
    if sub.sizing == "belt":
        return list(BELT_SIZES)
    return [""]


def build_collections() -> dict[str, list[Collection]]:
    """The collections, by season code."""
    rows = insert(
        [
            Collection(
                name=name,
                slug=ascii_fold(name).lower().replace(" ", "-").replace("'", "-"),
                season=season,
                description=description,
                launched_on=launched,
            )
            for name, (season, launched, description) in COLLECTIONS.items()
        ],
        with_ids=True,
    )
    by_season: dict[str, list[Collection]] = {}
    for collection in rows:
        by_season.setdefault(collection.season, []).append(collection)
    return by_season


def build_catalogue(*, seed: int, count: int, boutiques: dict[str, Boutique]) -> Catalogue:
    rng, ids = stream(seed, "catalogue"), stream(seed, "catalogue:uuid")
    collections = build_collections()
    slots = _slots(count)
    rng.shuffle(slots)
    numbers: dict[str, int] = {}
    names: set[str] = set()
    products: list[Product] = []
    plans: list[tuple[Subcategory, Season]] = []
    launched = {  # "new in" dates: when each season reached the boutiques
        s.code: timezone.make_aware(dt.datetime.combine(s.launched, dt.time(9))) for s in SEASONS
    }
    for sub in slots:
        season = SEASON_PICK.pick(rng)
        name, noun, colours, materials, written = _design(rng, sub)
        for _ in range(5):
            if name not in names:
                break
            name, noun, colours, materials, written = _design(rng, sub)
        if name in names:
            name = f"{name}, {colours[0]}"
        n = 2
        while name in names:
            name, n = f"{name.rsplit(' #', 1)[0]} #{n}", n + 1
        names.add(name)
        tags = rng.sample(sub.occasions, rng.choice([1, 2, 2, 3]))
        numbers[sub.category] = numbers.get(sub.category, 0) + 1
        in_collection = season.code in collections and chance(rng, 0.55)
        products.append(
            Product(
                public_id=uuid4_from(ids),
                style_code=f"MV-{STYLE_PREFIX[sub.category]}-{numbers[sub.category]:04d}",
                name=name,
                description=_describe(rng, sub, noun, colours[0], written, tags[0]),
                category=sub.category,
                subcategory=sub.name,
                colours=colours,
                materials=materials,
                occasion_tags=tags,
                price=_price(rng, sub, materials),
                season=season.code,
                collection=rng.choice(collections[season.code]) if in_collection else None,
                active=not chance(rng, season.retired_share),
                created_at=launched[season.code],
                updated_at=launched[season.code],
            )
        )
        plans.append((sub, season))
    insert(products, with_ids=True)
    facts = [
        ProductFact(
            pk=p.pk,
            name=p.name,
            category=p.category,
            subcategory=p.subcategory,
            size_key=SIZE_KEYS[sub.sizing],
            price=p.price,
            launched=season.launched,
            active=p.active,
            variants=[],
        )
        for p, (sub, season) in zip(products, plans, strict=True)
    ]
    stock_rng = stream(seed, "catalogue:stock")
    for start in range(0, len(products), VARIANT_CHUNK):
        _build_variants_and_stock(
            stock_rng,
            products[start : start + VARIANT_CHUNK],
            [sub for sub, _ in plans[start : start + VARIANT_CHUNK]],
            facts[start : start + VARIANT_CHUNK],
            boutiques,
        )
    build_heritage(stream(seed, "heritage"), products)
    return Catalogue(products=facts)


def _build_variants_and_stock(
    rng: random.Random,
    products: list[Product],
    subs: list[Subcategory],
    facts: list[ProductFact],
    boutiques: dict[str, Boutique],
) -> None:
    """Sizes and colours of each piece, then its stock online and in the boutiques carrying it."""
    variants: list[Row] = []
    owners: list[tuple[ProductFact, list[int]]] = []
    for product, sub, fact in zip(products, subs, facts, strict=True):
        carried = [b.pk for code, b in boutiques.items() if chance(rng, CARRIED.get(code, 0.8))]
        for n, colour in enumerate(product.colours):
            for size in _sizes(rng, sub, first_colour=n == 0):
                variants.append(
                    {
                        "product_id": product.pk,
                        "sku": f"{product.style_code}-{COLOUR_CODES[colour]}-{size or 'TU'}",
                        "size": size,
                        "colour": colour,
                    }
                )
                owners.append((fact, carried))
    ids = insert_rows(Variant, variants, with_ids=True)
    stock: list[Row] = []
    for variant_id, variant, (fact, carried) in zip(ids, variants, owners, strict=True):
        fact.variants.append((variant_id, variant["size"]))
        scarce = 0.25 if variant["size"] in EDGE_SIZES else 0.12
        stock.append(
            {"variant_id": variant_id, "boutique_id": None, "quantity": _quantity(rng, scarce, 12)}
        )
        for boutique_id in carried:
            stock.append(
                {
                    "variant_id": variant_id,
                    "boutique_id": boutique_id,
                    "quantity": _quantity(rng, scarce, 5),
                }
            )
    insert_rows(StockLevel, stock)


def _quantity(rng: random.Random, sold_out: float, most: int) -> int:
    if chance(rng, sold_out):
        return 0
    return min(most, 1 + int(rng.expovariate(0.6)))


def _related(
    story_subcategories: Sequence[str], words: Sequence[str], products: list[Product]
) -> Iterator[Product]:
    lowered = [w.lower() for w in words]
    for product in products:
        text = " ".join([product.name, *product.materials]).lower()
        if product.subcategory in story_subcategories or any(w in text for w in lowered):
            yield product


def build_heritage(rng: random.Random, products: list[Product]) -> list[HeritageStory]:
    """The stories, each linked to up to six related pieces (active ones first)."""
    stories = insert(
        [
            HeritageStory(
                public_id=uuid4_from(rng),
                slug=story.slug,
                title=story.title,
                era=story.era,
                motif=story.motif,
                summary=story.summary,
                text=story.text,
            )
            for story in STORIES
        ],
        with_ids=True,
    )
    through = HeritageStory.products.through
    links = []
    for story, row in zip(STORIES, stories, strict=True):
        related = list(_related(story.subcategories, story.words, products))
        active = [p for p in related if p.active] or related
        for product in rng.sample(active, min(6, len(active))):
            links.append(through(heritagestory_id=row.pk, product_id=product.pk))
    insert(links)
    return list(stories)
