"""The history phase: two years of orders up to today, then interactions and wishlists.

Orders are drawn per client from a generator of its own, so the shape of one
client's history does not depend on anyone else's; they are streamed to the
database in chunks of clients. Lifetime figures are then computed once, set-
based, by clients.services.client_stats_refresh, and the top spenders are VICs.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from clienteling.demo.bulk import Row, insert_rows
from clienteling.demo.randomness import Weighted, chance, stream, uuid4_from
from clienteling.demo.state import Catalogue, ClientFact, Clients, ProductFact, Staff
from clienteling.demo.wording import CATEGORY_SHARES, FRAGRANCE
from clients.models import (
    Client,
    Interaction,
    InteractionKind,
    Order,
    OrderChannel,
    OrderLine,
    OrderStatus,
    WishlistItem,
)
from clients.services import client_stats_refresh
from stylists.models import Stylist

CLIENT_CHUNK = 2000  # clients whose orders or interactions are built at once
WINDOW_DAYS = 730
VIC_SHARE = 0.08
ORDER_COUNTS = {
    "prospect": (0, 0),
    "occasional": (1, 2),
    "regular": (3, 7),
    "devoted": (8, 18),
    "patron": (15, 40),
}
LINE_COUNT = Weighted([1, 2, 3, 4], [62, 25, 9, 4])
STATUS = Weighted([OrderStatus.COMPLETED, OrderStatus.RETURNED, OrderStatus.CANCELLED], [93, 4, 3])
CHANNEL = Weighted([OrderChannel.BOUTIQUE, OrderChannel.ONLINE, OrderChannel.PHONE], [58, 30, 12])
ANY_CATEGORY = Weighted(list(CATEGORY_SHARES), list(CATEGORY_SHARES.values()))
INTERACTION_KIND = Weighted(
    [InteractionKind.VIEW, InteractionKind.SAVE, InteractionKind.CART, InteractionKind.SHARE],
    [74, 10, 11, 5],
)
INTERACTION_CHANNEL = Weighted(["web", "app", "boutique"], [55, 35, 10])
BROWSING_SHARE = {"bespoke": 0.8, "personal": 0.55, "essential": 0.3}
WISHLIST_SHARE = {"bespoke": 0.45, "personal": 0.3, "essential": 0.12}
WISHLIST_NOTES = (
    "For the gala in the spring.",
    "Waiting for my size in Paris.",
    "A gift idea for my husband.",
    "In rose gold, if it comes.",
    "To try on at my next appointment.",
    "For the wedding in June.",
    "Maybe for my daughter's graduation.",
    "If it comes back in navy.",
)


class OrderMaker:
    """Builds one client's orders (unsaved) from the catalogue as it stood on each date."""

    def __init__(self, *, seed: int, catalogue: Catalogue, staff: Staff, now: dt.datetime):
        self.seed, self.catalogue, self.staff, self.now = seed, catalogue, staff, now
        self.zones = {code: ZoneInfo(b.timezone) for code, b in staff.boutiques.items()}
        self.counter = 0
        self.pools: dict[tuple[str, dt.date], Weighted[list[ProductFact]] | None] = {}

    def client_rng(self, fact: ClientFact) -> random.Random:
        return random.Random(self.seed * 1_000_003 + 7_919 * fact.index + 1)

    def window(self, fact: ClientFact) -> tuple[float, float]:
        """(most recent, oldest) order age in days for this client."""
        oldest = float(min(WINDOW_DAYS, fact.since_days))
        if fact.recency == "lapsed":
            return 366.0, max(367.0, oldest)
        return 0.0, oldest

    def orders_for(self, fact: ClientFact) -> list[tuple[Row, list[Row]]]:
        rng = self.client_rng(fact)
        low, high = ORDER_COUNTS[fact.appetite]
        count = rng.randint(low, high)
        if fact.persona == "client":
            count = 6
        public_ids = [uuid4_from(rng) for _ in range(count)]
        made = []
        for public_id in public_ids:
            order = self._order(rng, fact, public_id)
            lines = self._lines(rng, fact, order["placed_at"].date())
            if not lines:
                continue
            order["total"] = sum((li["unit_price"] * li["quantity"] for li in lines), Decimal(0))
            if order["status"] == OrderStatus.COMPLETED:
                fact.spend += order["total"]
            made.append((order, lines))
        return made

    def _order(self, rng: random.Random, fact: ClientFact, public_id: uuid.UUID) -> Row:
        recent, oldest = self.window(fact)
        if fact.persona == "client":
            recent = 12.0  # her last purchase is recent: a thank-you is due
        age = dt.timedelta(days=rng.uniform(recent, oldest))
        channel = CHANNEL.pick(rng)
        away = chance(rng, 0.12)
        code = fact.boutique
        if channel == OrderChannel.BOUTIQUE and away:
            code = rng.choice([c for c in self.staff.boutiques if c != fact.boutique])
        hour = rng.randint(10, 18) if channel != OrderChannel.ONLINE else rng.randint(7, 23)
        minute = rng.randrange(60)
        local = (self.now - age).astimezone(self.zones[code])
        placed = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if placed > self.now:
            placed -= dt.timedelta(days=1)
        credited = self._credit(rng, fact, channel, code)
        status = STATUS.pick(rng)
        self.counter += 1
        if channel == OrderChannel.BOUTIQUE:
            reference: str | None = f"{code[:3].upper()}-{placed.year}-{self.counter:07d}"
        elif channel == OrderChannel.ONLINE:
            reference = f"WEB-{self.counter:08d}"
        else:
            reference = None
        return {
            "public_id": public_id,
            "client_id": fact.pk,
            "channel": channel,
            "boutique_id": self.staff.boutiques[code].pk
            if channel != OrderChannel.ONLINE
            else None,
            "credited_stylist_id": credited.pk if credited else None,
            "placed_at": placed,
            "status": status,
            "currency": "EUR",
            "external_ref": reference,
        }

    def _credit(
        self, rng: random.Random, fact: ClientFact, channel: str, code: str
    ) -> Stylist | None:
        if channel == OrderChannel.ONLINE:
            return fact.advisor if chance(rng, 0.45) else None
        if code == fact.boutique and chance(rng, 0.87):
            return fact.advisor
        return rng.choice(self.staff.advisors[code])

    def _lines(self, rng: random.Random, fact: ClientFact, day: dt.date) -> list[Row]:
        lines: list[Row] = []
        seen: set[int] = set()
        for _ in range(LINE_COUNT.pick(rng)):
            product = self.pick(rng, fact, day)
            if product is None or product.pk in seen:
                continue
            seen.add(product.pk)
            size = fact.sizes.get(product.size_key, "") if product.size_key else ""
            fitting = [v for v in product.variants if v[1] == size] if size else []
            variant = rng.choice(fitting or product.variants) if product.variants else None
            quantity = 2 if product.category == FRAGRANCE and chance(rng, 0.25) else 1
            lines.append(
                {
                    "product_id": product.pk,
                    "variant_id": variant[0] if variant else None,
                    "quantity": quantity,
                    "unit_price": product.price,
                }
            )
        return lines

    def pick(self, rng: random.Random, fact: ClientFact, day: dt.date) -> ProductFact | None:
        """A piece the client might buy on `day`: their categories first, newer seasons likelier."""
        if fact.categories and chance(rng, 0.75):
            category = rng.choice(fact.categories)
        else:
            category = ANY_CATEGORY.pick(rng)
        if fact.appetite == "patron" and chance(rng, 0.25):
            category = "jewellery"
        pool = self._pool(category, day)
        if pool is None:
            return None
        group = pool.pick(rng)
        product = rng.choice(group)
        if fact.price_max is not None and product.price > fact.price_max:
            product = rng.choice(group)
        return product

    def _pool(self, category: str, day: dt.date) -> Weighted[list[ProductFact]] | None:
        """The launch groups on sale that day (any category if none is), the newest likelier."""
        key = (category, day)
        if key not in self.pools:
            groups = self.catalogue.available(category, day)
            if not groups:
                groups = [g for c in CATEGORY_SHARES for g in self.catalogue.available(c, day)]
            self.pools[key] = Weighted(groups, range(1, len(groups) + 1)) if groups else None
        return self.pools[key]


def build_orders(
    *, seed: int, clients: Clients, catalogue: Catalogue, staff: Staff, now: dt.datetime
) -> tuple[int, int]:
    """Every client's orders and lines, then lifetime figures and VIC flags. (orders, lines)"""
    maker = OrderMaker(seed=seed, catalogue=catalogue, staff=staff, now=now)
    orders_written = lines_written = 0
    for start in range(0, len(clients.facts), CLIENT_CHUNK):
        made = [m for f in clients.facts[start : start + CLIENT_CHUNK] for m in maker.orders_for(f)]
        orders = insert_rows(Order, [order for order, _ in made], with_ids=True)
        lines = []
        for order_id, (_, order_lines) in zip(orders, made, strict=True):
            for line in order_lines:
                line["order_id"] = order_id
                lines.append(line)
        insert_rows(OrderLine, lines)
        orders_written += len(orders)
        lines_written += len(lines)
    client_stats_refresh()
    _flag_vics(clients)
    return orders_written, lines_written


def _flag_vics(clients: Clients) -> None:
    """The top spenders (about 8% of clients) become VICs, in one UPDATE."""
    spenders = sorted(
        (f for f in clients.facts if f.spend > 0), key=lambda f: f.spend, reverse=True
    )
    wanted = max(1, round(VIC_SHARE * len(clients.facts)))
    if not spenders:
        return
    threshold = spenders[min(wanted, len(spenders)) - 1].spend
    for fact in spenders:
        fact.vic = fact.spend >= threshold
    Client.objects.filter(lifetime_spend__gte=threshold).update(is_vic=True)


def build_interactions(
    *, seed: int, clients: Clients, catalogue: Catalogue, now: dt.datetime
) -> tuple[int, int]:
    """Browsing signals and wishlists (each wishlist item also leaves a SAVE). (events, items)"""
    rng = stream(seed, "interactions")
    active: dict[str, list[ProductFact]] = {}
    for product in catalogue.products:
        if product.active:
            active.setdefault(product.category, []).append(product)
    everything = [p for group in active.values() for p in group]
    events_written = items_written = 0
    for start in range(0, len(clients.facts), CLIENT_CHUNK):
        events: list[Row] = []
        items: list[Row] = []
        for fact in clients.facts[start : start + CLIENT_CHUNK]:
            events.extend(_browsing(rng, fact, active, everything, now))
            wished, saves = _wishlist(rng, fact, active, everything, now)
            items.extend(wished)
            events.extend(saves)
        insert_rows(Interaction, events)
        insert_rows(WishlistItem, items)
        events_written += len(events)
        items_written += len(items)
    return events_written, items_written


def _favourite(
    rng: random.Random,
    fact: ClientFact,
    active: dict[str, list[ProductFact]],
    everything: list[ProductFact],
) -> ProductFact:
    if fact.categories and chance(rng, 0.7):
        pool = active.get(rng.choice(fact.categories)) or everything
    else:
        pool = everything
    return rng.choice(pool)


def _browsing(
    rng: random.Random,
    fact: ClientFact,
    active: dict[str, list[ProductFact]],
    everything: list[ProductFact],
    now: dt.datetime,
) -> list[Row]:
    if not everything or not (chance(rng, BROWSING_SHARE[fact.tier]) or fact.persona):
        return []
    count = min(60, 1 + int(rng.expovariate(1 / 8)))
    if fact.appetite in ("devoted", "patron"):
        count = min(60, count * 2)
    return [
        {
            "client_id": fact.pk,
            "product_id": _favourite(rng, fact, active, everything).pk,
            "kind": INTERACTION_KIND.pick(rng),
            "channel": INTERACTION_CHANNEL.pick(rng),
            "occurred_at": now - dt.timedelta(days=min(365.0, rng.expovariate(1 / 45))),
        }
        for _ in range(count)
    ]


def _wishlist(
    rng: random.Random,
    fact: ClientFact,
    active: dict[str, list[ProductFact]],
    everything: list[ProductFact],
    now: dt.datetime,
) -> tuple[list[Row], list[Row]]:
    if not everything or not (chance(rng, WISHLIST_SHARE[fact.tier]) or fact.persona == "client"):
        return [], []
    chosen: dict[int, ProductFact] = {}
    for _ in range(4 if fact.persona == "client" else rng.randint(1, 6)):
        product = _favourite(rng, fact, active, everything)
        chosen.setdefault(product.pk, product)
    items: list[Row] = []
    saves: list[Row] = []
    for product in chosen.values():
        at = now - dt.timedelta(days=rng.uniform(0.5, 200))
        note = rng.choice(WISHLIST_NOTES) if chance(rng, 0.2) else ""
        items.append({"client_id": fact.pk, "product_id": product.pk, "note": note, "added_at": at})
        saves.append(
            {
                "client_id": fact.pk,
                "product_id": product.pk,
                "kind": InteractionKind.SAVE,
                "channel": "web",
                "occurred_at": at,
            }
        )
    return items, saves
