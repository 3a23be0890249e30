"""The clients phase: profiles, identities, the two client logins and the advisors' books.

Clients are generated and inserted in chunks; identities are built with
clients.services.identity_build (normalised, hashed, encrypted on insert) and
books are dealt with stylists.services.book_assign_bulk, which grants the
advisors their object permissions in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from clienteling.demo.bulk import insert
from clienteling.demo.randomness import Weighted, allocate, chance, stream, uuid4_from
from clienteling.demo.roster import BOUTIQUES, CLIENT_PERSONAS
from clienteling.demo.state import ClientFact, Clients, Staff
from clienteling.demo.vocabulary import (
    BOUTIQUE_ORIGINS,
    ENGLISH_SPEAKERS_SHARE,
    ORIGINS,
    Origin,
    handle,
)
from clienteling.demo.wording import AVOIDED, COLOURS, LEATHER, RTW, STYLE_KEYWORDS
from clients.models import Client, Identity, IdentityKind
from clients.services import identity_build
from stylists.models import Stylist
from stylists.services import book_assign_bulk

CHUNK = 5000  # clients generated and inserted at once
LEAD_BOOK = 250  # the `stylist` login's book in the default house of 600
BOOKS_DEALT_DAYS_AGO = 90  # when the house moved its client cards into Atelier

APPETITE = Weighted(["prospect", "occasional", "regular", "devoted", "patron"], [15, 40, 29, 11, 5])
RECENCY = Weighted(["active", "lapsed", "newcomer"], [74, 18, 8])
SOURCES = Weighted(["boutique", "concierge", "import"], [50, 20, 30])
FEMALE_SALUTATION = Weighted(["Mme", "Dr", "", "Mx"], [86, 4, 8, 2])
MALE_SALUTATION = Weighted(["M.", "Dr", ""], [88, 4, 8])
CATEGORY_TASTE = {
    "f": Weighted([RTW, LEATHER, "shoes", "jewellery", "fragrance"], [30, 30, 15, 15, 10]),
    "m": Weighted([RTW, LEATHER, "shoes", "jewellery", "fragrance"], [30, 35, 20, 5, 10]),
}
SIZES: dict[str, dict[str, Weighted[str]]] = {
    "f": {
        "ready_to_wear": Weighted(
            ["34", "36", "38", "40", "42", "44", "46"], [4, 16, 28, 24, 14, 9, 5]
        ),
        "shoes": Weighted(
            [
                "35",
                "35.5",
                "36",
                "36.5",
                "37",
                "37.5",
                "38",
                "38.5",
                "39",
                "39.5",
                "40",
                "41",
                "42",
            ],
            [3, 2, 8, 8, 14, 12, 14, 10, 10, 6, 6, 4, 2],
        ),
        "ring": Weighted(
            ["48", "49", "50", "51", "52", "53", "54", "55", "56", "57", "58"],
            [8, 6, 14, 10, 18, 10, 14, 6, 8, 3, 3],
        ),
        "belt": Weighted(["75", "80", "85", "90"], [35, 40, 20, 5]),
    },
    "m": {
        "ready_to_wear": Weighted(["44", "46"], [45, 55]),
        "shoes": Weighted(["40", "41", "42"], [15, 35, 50]),
        "ring": Weighted(["56", "57", "58"], [30, 20, 50]),
        "belt": Weighted(["85", "90", "95"], [30, 45, 25]),
    },
}
SIZE_SHARE = {"ready_to_wear": 0.85, "shoes": 0.75, "ring": 0.35, "belt": 0.3}
PREFERRED_MATERIALS = (
    "cashmere",
    "silk twill",
    "box calf",
    "grained calfskin",
    "lambskin",
    "suede",
    "linen",
    "18k yellow gold",
    "18k rose gold",
    "18k white gold",
    "diamonds",
    "iris pallida",
    "vetiver",
    "wool gabardine",
    "camel hair",
    "satin",
    "silk crêpe de Chine",
    "Donegal tweed",
)
ORIGIN_MIX = {
    code: Weighted(list(mix), list(mix.values())) for code, mix in BOUTIQUE_ORIGINS.items()
}
PALETTE = tuple(dict.fromkeys((*COLOURS[RTW], *COLOURS[LEATHER])))
# How long ago clients joined the house (days), by how recently they bought.
SINCE_DAYS = {
    "active": (120, 5400),
    "lapsed": (400, 3650),
    "newcomer": (20, 88),
    "prospect": (3, 720),
}
# appetite -> choices of (price_band_min, price_band_max)
PRICE_BANDS: dict[str, tuple[tuple[int | None, int | None], ...]] = {
    "prospect": ((None, 2000), (None, 3000), (500, 5000)),
    "occasional": ((None, 1500), (None, 2500), (300, 4000)),
    "regular": ((500, 5000), (500, 8000), (1000, 12000)),
    "devoted": ((1000, 15000), (2000, 25000), (None, 20000)),
    "patron": ((3000, 40000), (5000, 60000), (5000, None)),
}


def _home_boutiques(rng: random.Random, count: int) -> list[str]:
    """A home boutique per client index; the persona clients (first indices) are Parisian."""
    codes = [spec.code for spec in BOUTIQUES]
    counts = allocate(count, [spec.client_share for spec in BOUTIQUES])
    plan = [code for code, n in zip(codes, counts, strict=True) for _ in range(n)]
    personas = len(CLIENT_PERSONAS)
    for _ in range(personas):
        plan.remove("paris")
    rng.shuffle(plan)
    return ["paris"] * personas + plan


def _persona_users(password_hash: str) -> dict[str, int]:
    user_model = get_user_model()
    users = insert(
        [
            user_model(
                username=username,
                first_name=persona["first_name"],
                last_name=persona["last_name"],
                email=persona["email"],
                password=password_hash,
            )
            for username, persona in CLIENT_PERSONAS.items()
        ],
        with_ids=True,
    )
    return {u.username: u.pk for u in users}


class Dealer:
    """Deals clients into advisors' books: `stylist` first, then the rest by boutique."""

    def __init__(self, rng: random.Random, staff: Staff, count: int) -> None:
        self.lead = staff.by_username["stylist"]
        self.lead_boutique = self.lead.boutique.code if self.lead.boutique else ""
        self.lead_quota = max(1, min(LEAD_BOOK, round(count * LEAD_BOOK / 600)))
        self.dealt_to_lead = 0
        self.pools: dict[str, Weighted[Stylist]] = {}
        for code, advisors in staff.advisors.items():
            others = [a for a in advisors if a.pk != self.lead.pk] or advisors
            self.pools[code] = Weighted(others, [0.6 + 0.8 * rng.random() for _ in others])

    def deal(self, rng: random.Random, boutique: str) -> Stylist:
        if boutique == self.lead_boutique and self.dealt_to_lead < self.lead_quota:
            self.dealt_to_lead += 1
            return self.lead
        return self.pools[boutique].pick(rng)


def build_clients(
    *, seed: int, count: int, staff: Staff, now: dt.datetime, password_hash: str
) -> Clients:
    rng, ids = stream(seed, "clients"), stream(seed, "clients:uuid")
    contact = stream(seed, "clients:contact")
    plan = _home_boutiques(rng, count)
    persona_users = _persona_users(password_hash)
    personas = list(CLIENT_PERSONAS)
    dealer = Dealer(rng, staff, count)
    used: set[str] = set()
    facts: list[ClientFact] = []
    for start in range(0, count, CHUNK):
        rows: list[Client] = []
        chunk: list[ClientFact] = []
        for index in range(start, min(count, start + CHUNK)):
            code = plan[index]
            persona = personas[index] if index < len(personas) else ""
            fact, client = _client(rng, ids, index, code, dealer.deal(rng, code))
            if persona:
                _apply_persona(fact, client, persona, persona_users[persona])
            client.home_boutique = staff.boutiques[code]
            rows.append(client)
            chunk.append(fact)
        for client, fact in zip(rows, chunk, strict=True):
            client.created_at = client.updated_at = now - dt.timedelta(days=fact.since_days)
        insert(rows, with_ids=True)
        identities: list[Identity] = []
        for client, fact in zip(rows, chunk, strict=True):
            fact.pk = client.pk
            identities.extend(_identities(contact, client, fact, used, now))
        insert(identities)
        facts.extend(chunk)
    book_assign_bulk(
        pairs=[(f.pk, f.advisor) for f in facts],
        started_at=now - dt.timedelta(days=BOOKS_DEALT_DAYS_AGO),
    )
    return Clients(facts=facts)


def _client(
    rng: random.Random,
    ids: random.Random,
    index: int,
    code: str,
    advisor: Stylist,
) -> tuple[ClientFact, Client]:
    origin = ORIGINS[ORIGIN_MIX[code].pick(rng)]
    gender = "f" if chance(rng, 0.72) else "m"
    first = rng.choice(origin.female if gender == "f" else origin.male)
    last = rng.choice(origin.surnames)
    salutation = (FEMALE_SALUTATION if gender == "f" else MALE_SALUTATION).pick(rng)
    language = "en" if chance(rng, ENGLISH_SPEAKERS_SHARE) else origin.language
    sizes = {
        key: SIZES[gender][key].pick(rng) for key, share in SIZE_SHARE.items() if chance(rng, share)
    }
    categories: list[str] = []
    for _ in range(rng.choice([1, 2, 2, 3])):
        category = CATEGORY_TASTE[gender].pick(rng)
        if category not in categories:
            categories.append(category)
    colours = rng.sample(PALETTE, rng.randint(2, 4))
    materials = rng.sample(PREFERRED_MATERIALS, rng.randint(1, 3))
    avoided = [a for a in rng.sample(AVOIDED, rng.randint(1, 2)) if a not in materials]
    if not chance(rng, 0.28):
        avoided = []
    appetite = APPETITE.pick(rng)
    recency = "active" if appetite == "prospect" else RECENCY.pick(rng)
    low, high = SINCE_DAYS["prospect" if appetite == "prospect" else recency]
    since_days = rng.randint(low, high)
    band_min, band_max = rng.choice(PRICE_BANDS[appetite])
    has_band = chance(rng, 0.35)
    client = Client(
        public_id=uuid4_from(ids),
        salutation=salutation,
        first_name=first,
        last_name=last,
        preferred_language=language,
        timezone=origin.timezone,
        sizes=sizes,
        preferred_categories=categories,
        preferred_colours=colours,
        preferred_materials=materials,
        avoided=avoided,
        style_keywords=rng.sample(STYLE_KEYWORDS, rng.randint(1, 3)),
        price_band_min=Decimal(band_min) if has_band and band_min else None,
        price_band_max=Decimal(band_max) if has_band and band_max else None,
    )
    fact = ClientFact(
        index=index,
        pk=0,
        boutique=code,
        origin=origin.key,
        gender=gender,
        language=language,
        first_name=first,
        last_name=last,
        salutation=salutation,
        sizes=sizes,
        categories=categories,
        colours=colours,
        materials=materials,
        avoided=avoided,
        price_max=client.price_band_max,
        appetite=appetite,
        recency=recency,
        since_days=since_days,
        advisor=advisor,
    )
    return fact, client


def _apply_persona(fact: ClientFact, client: Client, persona: str, user_id: int) -> None:
    """The demo logins: fixed names and a profile that shows every feature."""
    spec = CLIENT_PERSONAS[persona]
    client.first_name = fact.first_name = spec["first_name"]
    client.last_name = fact.last_name = spec["last_name"]
    client.salutation = fact.salutation = spec["salutation"]
    client.preferred_language = fact.language = "fr"
    client.timezone = ""
    client.user_id = fact.user_id = user_id
    fact.origin, fact.persona, fact.tier, fact.recency = "fr", persona, spec["tier"], "active"
    fact.gender = "f"
    if persona == "client":
        fact.appetite, fact.since_days = "regular", 2900
        client.sizes = fact.sizes = {"ready_to_wear": "38", "shoes": "38.5", "ring": "52"}
        client.preferred_categories = fact.categories = ["ready_to_wear", "jewellery"]
        client.preferred_colours = fact.colours = ["navy", "ivory", "camel"]
        client.preferred_materials = fact.materials = ["silk twill", "cashmere", "18k rose gold"]
        client.avoided = fact.avoided = ["fur", "patent leather"]
        client.style_keywords = ["quiet luxury", "equestrian"]
        client.price_band_min, client.price_band_max = Decimal("500"), Decimal("9000")
        fact.price_max = client.price_band_max
    else:
        fact.appetite, fact.since_days = "occasional", 640


def _email(rng: random.Random, first: str, last: str, domain: str, used: set[str]) -> str:
    f, la = handle(first) or "client", handle(last) or "verlaine"
    local = rng.choice([f"{f}.{la}", f"{f[0]}{la}", f"{f}{la}", f"{la}.{f}", f"{f}.{la}"])
    candidate, n = f"{local}@{domain}", 2
    while candidate in used:
        candidate, n = f"{local}{n}@{domain}", n + 1
    used.add(candidate)
    return candidate


def _phone(rng: random.Random, origin: Origin, used: set[str]) -> str:
    while True:
        prefix = rng.choice(origin.phone_prefixes)
        digits = origin.phone_length - (len(prefix) - 1)
        number = prefix + "".join(str(rng.randrange(10)) for _ in range(digits))
        if number not in used:
            used.add(number)
            return number


def _identities(
    rng: random.Random, client: Client, fact: ClientFact, used: set[str], now: dt.datetime
) -> list[Identity]:
    origin = ORIGINS[fact.origin]
    source = SOURCES.pick(rng)
    joined = now - dt.timedelta(days=fact.since_days)
    persona = CLIENT_PERSONAS.get(fact.persona)
    rows: list[Identity] = []
    wants_email, wants_phone = chance(rng, 0.92), chance(rng, 0.68)
    if persona is not None:
        wants_email, wants_phone = True, bool(persona["phone"])
    if wants_email:
        address = (
            persona["email"]
            if persona
            else _email(rng, fact.first_name, fact.last_name, origin.email_domain, used)
        )
        used.add(address)
        email = identity_build(
            client=client, kind=IdentityKind.EMAIL, value=address, source=source, is_primary=True
        )
        email.verified_at = joined if source == "concierge" or persona else None
        rows.append(email)
        fact.has_email = True
    if chance(rng, 0.05) and not persona:
        work = _email(rng, fact.first_name, fact.last_name, "example.com", used)
        rows.append(
            identity_build(client=client, kind=IdentityKind.EMAIL, value=work, source="boutique")
        )
    if wants_phone:
        number = persona["phone"] if persona else _phone(rng, origin, used)
        rows.append(
            identity_build(
                client=client, kind=IdentityKind.PHONE, value=number, source=source, is_primary=True
            )
        )
        fact.has_phone = True
    letter = fact.boutique[:1].upper()
    if chance(rng, 0.55) or persona:
        rows.append(
            identity_build(
                client=client,
                kind=IdentityKind.LOYALTY,
                value=f"MV{letter}{fact.index + 1:07d}",
                source=source,
                is_primary=True,
            )
        )
    if chance(rng, 0.25):
        rows.append(
            identity_build(
                client=client,
                kind=IdentityKind.POS,
                value=f"POS-{fact.boutique[:3].upper()}-{fact.index + 1:06d}",
                source="boutique",
                is_primary=True,
            )
        )
    return rows
