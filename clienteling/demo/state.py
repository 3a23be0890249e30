"""What one phase of the demo build hands to the next: small in-memory indexes, not models.

Rows are bulk-inserted and forgotten; only the few facts later phases need
(primary keys, sizes, prices, tastes) are kept, in slotted dataclasses so that
a house of 100,000 clients stays light in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.models import Boutique
from stylists.models import Stylist


@dataclass
class Staff:
    boutiques: dict[str, Boutique]
    advisors: dict[str, list[Stylist]]  # boutique code -> client advisors, roster order
    managers: dict[str, Stylist]
    head_office: Stylist
    by_username: dict[str, Stylist]
    admin_user_id: int

    def advisor_count(self) -> int:
        return sum(len(a) for a in self.advisors.values())


@dataclass(slots=True)
class ProductFact:
    pk: int
    name: str
    category: str
    subcategory: str
    size_key: str  # the key of Client.sizes this piece is sized by ("" for one-size)
    price: Decimal
    launched: dt.date
    active: bool
    variants: list[tuple[int, str]]  # (variant pk, size); size "" for one-size pieces


@dataclass
class Catalogue:
    products: list[ProductFact]
    by_category: dict[str, list[ProductFact]] = field(default_factory=dict)
    launches: list[dt.date] = field(default_factory=list)  # distinct launch dates, sorted
    # category -> launch date -> the pieces launched then
    by_category_launch: dict[str, dict[dt.date, list[ProductFact]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_category: dict[str, list[ProductFact]] = defaultdict(list)
        by_launch: dict[str, dict[dt.date, list[ProductFact]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for product in self.products:
            by_category[product.category].append(product)
            by_launch[product.category][product.launched].append(product)
        self.by_category = dict(by_category)
        self.by_category_launch = {c: dict(d) for c, d in by_launch.items()}
        self.launches = sorted({p.launched for p in self.products})

    def available(self, category: str, day: dt.date) -> list[list[ProductFact]]:
        """The launch groups of a category already in boutiques on `day`, oldest first."""
        groups = self.by_category_launch.get(category, {})
        return [groups[d] for d in self.launches if d <= day and d in groups]


@dataclass(slots=True)
class ClientFact:
    """One client as later phases need them (the row itself is already in the database)."""

    index: int
    pk: int
    boutique: str
    origin: str
    gender: str  # f | m: only to choose notes that speak of the client as she or he
    language: str
    first_name: str
    last_name: str
    salutation: str
    sizes: dict[str, str]
    categories: list[str]
    colours: list[str]
    materials: list[str]
    avoided: list[str]
    price_max: Decimal | None
    appetite: str  # prospect | occasional | regular | devoted | patron
    recency: str  # active | lapsed | newcomer
    since_days: int  # how long ago the client joined the house
    advisor: Stylist
    persona: str = ""  # "client" / "client-essential" for the two logins
    user_id: int | None = None
    has_email: bool = False
    has_phone: bool = False
    tier: str = "essential"
    channels: frozenset[str] = frozenset()
    spend: Decimal = Decimal("0")
    vic: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.salutation} {self.last_name}" if self.salutation else self.first_name


@dataclass
class Clients:
    facts: list[ClientFact]

    def by_persona(self, persona: str) -> ClientFact:
        for fact in self.facts:
            if fact.persona == persona:
                return fact
        raise LookupError(persona)
