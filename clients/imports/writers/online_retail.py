"""Online Retail importer: customers become clients, StockCodes products, invoices orders."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.db.models import F

from catalog.models import Category, Product
from clients.identities import identity_lookup_hash
from clients.imports.parsers.columns import RETAIL_COLUMNS
from clients.imports.parsers.online_retail import RETAIL_CURRENCY, RetailLine, RetailParser
from clients.imports.report import RowRejected
from clients.imports.writers.batch import BatchOutcome, CreatedHook, Group
from clients.imports.writers.online_retail_cancellations import (
    Candidates,
    cancel_invoices,
    earlier_purchases,
    lines_bulk_update,
)
from clients.imports.writers.shared_steps import (
    OrdersToSave,
    clients_bulk_create,
    clients_by_lookup_hash,
    insert_rows,
    order_already_imported,
)
from clients.models import Client, IdentityKind, Order, OrderChannel, OrderLine, OrderStatus
from core.lookups import AnyOf

# Home boutique and language of a customer, from the Country of their first line.
# Codes missing from the database fall back to the default boutique.
COUNTRY_BOUTIQUE: dict[str, str] = {
    "Italy": "milan",
    "Malta": "milan",
    "Greece": "milan",
    "Cyprus": "milan",
    "Japan": "tokyo",
    "Singapore": "tokyo",
    "Hong Kong": "tokyo",
    "Australia": "tokyo",
}
DEFAULT_BOUTIQUE = "paris"
COUNTRY_LANGUAGE: dict[str, str] = {
    "France": "fr",
    "Germany": "de",
    "Austria": "de",
    "Spain": "es",
    "Portugal": "pt",
    "Brazil": "pt",
    "Italy": "it",
    "Japan": "ja",
}
# Imported products: a house category from whole words of the description, first match
# wins; anything else is "unclassified" under fragrance (the house's home-and-gift line)
# and every imported product is inactive, so none reaches a lookbook unreviewed.
CATEGORY_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        Category.JEWELLERY,
        frozenset(
            {"NECKLACE", "BRACELET", "EARRINGS", "RING", "RINGS", "BROOCH", "PENDANT", "BANGLE"}
        ),
    ),
    (
        Category.SHOES,
        frozenset({"SLIPPERS", "SHOES", "BOOTS", "SANDALS", "WELLIES", "FLIP", "SOCKS"}),
    ),
    (
        Category.LEATHER_GOODS,
        frozenset({"PURSE", "WALLET", "HANDBAG", "TOTE", "BELT", "KEYRING", "SATCHEL"}),
    ),
    (
        Category.READY_TO_WEAR,
        frozenset({"SCARF", "HAT", "GLOVES", "APRON", "UMBRELLA", "PONCHO", "RAINCOAT"}),
    ),
    (
        Category.FRAGRANCE,
        frozenset({"CANDLE", "CANDLES", "INCENSE", "FRAGRANCE", "PERFUME", "SCENTED", "OIL"}),
    ),
)
UNCLASSIFIED_CATEGORY = Category.FRAGRANCE
IMPORTED_SUBCATEGORY = "imported"
DUPLICATE_WINDOW = 5_000  # invoices whose lines are remembered for the duplicate check


def guess_category(description: str) -> tuple[str, str]:
    """(category, subcategory) for an imported product; "imported" or "imported-unclassified"."""
    words = set("".join(ch if ch.isalnum() else " " for ch in description.upper()).split())
    for category, keys in CATEGORY_WORDS:
        if words & keys:
            return str(category), IMPORTED_SUBCATEGORY
    return str(UNCLASSIFIED_CATEGORY), f"{IMPORTED_SUBCATEGORY}-unclassified"


class RetailImporter:
    """Customers -> clients (POS identity), StockCodes -> products, invoices -> online orders.

    kind="clients" stops at the clients. Cancellation (C) invoices take their
    units off the client's earlier purchases (see online_retail_cancellations),
    never a negative order.
    """

    spec = RETAIL_COLUMNS
    primary_entity = "order_lines"
    by_copy = False  # new clients, identities and products: bulk_create (True: COPY)

    def __init__(
        self,
        *,
        boutique_ids: Mapping[str, int],
        default_boutique: str = DEFAULT_BOUTIQUE,
        clients_only: bool = False,
        on_created: CreatedHook | None = None,
    ) -> None:
        self.boutique_ids = boutique_ids
        self.default_boutique_id = boutique_ids[default_boutique]
        self.clients_only = clients_only
        self.on_created = on_created
        self.primary_entity = "clients" if clients_only else "order_lines"
        self.parser: RetailParser | None = None
        self.created_refs: set[str] = set()
        # entity -> keys (customer, stock code) already counted as skipped in this run
        self._counted: defaultdict[str, set[str]] = defaultdict(set)
        self._recent: OrderedDict[str, dict[tuple[str, ...], int]] = OrderedDict()
        self._last_invoice = ""  # the most recent invoice of _recent, and its lines
        self._last_seen: dict[tuple[str, ...], int] = {}

    def start(self, header: Sequence[str], positions: Mapping[str, int]) -> None:
        self.parser = RetailParser(header)

    def prepare(self, line: int, values: list[str]) -> tuple[str, RetailLine] | RowRejected:
        assert self.parser is not None
        item = self.parser.parse_or_reject(line, values)
        if isinstance(item, RowRejected):
            return item
        self._check_not_a_copy(line, values, item)
        return item.invoice, item

    def _check_not_a_copy(self, line: int, values: list[str], item: RetailLine) -> None:
        self.check_copy(line, tuple(map(str.strip, values)), item)

    def check_copy(self, line: int, key: tuple[str, ...], item: RetailLine) -> None:
        """Reject a line identical (`key`: its cells stripped) to an earlier line of the
        same (recent) invoice."""
        if item.invoice == self._last_invoice:  # already the most recent: nothing to move
            seen = self._last_seen
        else:
            found = self._recent.get(item.invoice)
            if found is None:
                found = self._recent[item.invoice] = {}
                if len(self._recent) > DUPLICATE_WINDOW:
                    self._recent.popitem(last=False)
            else:
                self._recent.move_to_end(item.invoice)
            seen = self._last_seen = found
            self._last_invoice = item.invoice
        if key in seen:
            raise RowRejected(
                "duplicate_row", f"An exact copy of line {seen[key]}.", item.stock_code
            )
        seen[key] = line

    def _boutique_for(self, country: str) -> int:
        code = COUNTRY_BOUTIQUE.get(country, DEFAULT_BOUTIQUE)
        return self.boutique_ids.get(code, self.default_boutique_id)

    def write(self, groups: Sequence[Group]) -> BatchOutcome:
        outcome = BatchOutcome()
        groups = [group for group in groups if self._one_customer(group, outcome)]
        purchases = [group for group in groups if not group.items[0].cancelled]
        cancellations = [group for group in groups if group.items[0].cancelled]
        clients = self._clients(purchases, cancellations, outcome)
        if self.clients_only:
            for group in cancellations:
                outcome.skipped += len(group.items)
            return outcome
        products = self._products(purchases, cancellations, outcome)
        existing: dict[str, int] = {
            ref: pk
            for ref, pk in Order.objects.filter(
                AnyOf(F("external_ref"), [group.key for group in groups])
            )
            .order_by()
            .values_list("external_ref", "pk")
            if ref
        }
        self._purchases(purchases, clients, products, existing, outcome)
        if cancellations:
            cancel_invoices(
                cancellations,
                clients=clients,
                products=products,
                existing=existing,
                created_refs=self.created_refs,
                outcome=outcome,
                find_earlier=self.earlier_purchases,
                update_lines=self.update_lines,
                by_copy=self.by_copy,
            )
        return outcome

    def earlier_purchases(
        self, todo: list[Group], clients: Mapping[str, int], products: Mapping[str, int]
    ) -> Candidates:
        """The purchase lines a batch's cancellations may take from (see cancellations)."""
        return earlier_purchases(todo, clients, products)

    def update_lines(self, moved_whole: list[OrderLine], reduced: list[OrderLine]) -> None:
        """Save the purchase lines cancellations moved (order, quantity) or reduced."""
        lines_bulk_update(moved_whole, reduced)

    def _one_customer(self, group: Group, outcome: BatchOutcome) -> bool:
        first: RetailLine = group.items[0]
        keep = [first]
        for item in group.items[1:]:
            if item.customer != first.customer:
                outcome.reject(
                    item.line,
                    RowRejected(
                        "invoice_inconsistent",
                        f"The CustomerID differs from line {first.line} of the same invoice.",
                        item.invoice,
                    ),
                )
            else:
                keep.append(item)
        group.items = keep
        return bool(keep)

    def _clients(
        self, purchases: list[Group], cancellations: list[Group], outcome: BatchOutcome
    ) -> dict[str, int]:
        """customer -> client id; customers first seen buying become clients."""
        pos = IdentityKind.POS.value
        customers: dict[str, RetailLine] = {}
        for group in (*purchases, *cancellations):
            customers.setdefault(group.items[0].customer, group.items[0])
        digests = {customer: identity_lookup_hash(pos, customer) for customer in customers}
        found = clients_by_lookup_hash(digests.values())
        resolved = {
            customer: found[digest] for customer, digest in digests.items() if digest in found
        }
        buyers = {group.items[0].customer for group in purchases}
        new = [
            customer for customer in customers if customer not in resolved and customer in buyers
        ]
        if new:
            ids = self._create_clients([customers[customer] for customer in new])
            resolved.update(zip(new, ids, strict=True))
            outcome.count("clients", "created", len(ids))
            outcome.count("identities", "created", len(ids))
        made = set(new)
        already = [
            customer for customer in customers if customer in resolved and customer not in made
        ]
        self._count_once(outcome, "clients", already)
        if self.clients_only:
            for group in purchases:
                created = group.items[0].customer in made
                outcome.accepted += len(group.items) if created else 0
                outcome.skipped += 0 if created else len(group.items)
        return resolved

    def _create_clients(self, first_lines: list[RetailLine]) -> list[int]:
        """One client per new customer, named after the CustomerID, homed by their Country."""
        clients = [
            Client(
                first_name="Client",
                last_name=item.customer,
                home_boutique_id=self._boutique_for(item.country),
                preferred_language=COUNTRY_LANGUAGE.get(item.country, "en"),
            )
            for item in first_lines
        ]
        pos = IdentityKind.POS.value
        return clients_bulk_create(
            clients,
            [[(pos, item.customer)] for item in first_lines],
            self.on_created,
            by_copy=self.by_copy,
        )

    def _products(
        self, purchases: list[Group], cancellations: list[Group], outcome: BatchOutcome
    ) -> dict[str, int]:
        """StockCode -> product id; codes first seen in a purchase become inactive products."""
        first_seen: dict[str, RetailLine] = {}
        for group in purchases:
            for item in group.items:
                first_seen.setdefault(item.stock_code, item)
        codes = set(first_seen) | {
            item.stock_code for group in cancellations for item in group.items
        }
        resolved = dict(
            Product.objects.filter(AnyOf(F("style_code"), codes))
            .order_by()
            .values_list("style_code", "pk")
        )
        missing = [code for code in first_seen if code not in resolved]
        if missing:
            products = [_imported_product(code, first_seen[code]) for code in missing]
            for product in products:
                product.clean_fields(exclude=["collection"])
            insert_rows(products, by_copy=self.by_copy)
            resolved.update({product.style_code: product.pk for product in products})
            outcome.count("products", "created", len(products))
        created = set(missing)
        self._count_once(outcome, "products", (code for code in first_seen if code not in created))
        return resolved

    def _count_once(self, outcome: BatchOutcome, entity: str, keys: Iterable[str]) -> None:
        """Existing clients and products count as skipped once per run, not once per batch."""
        counted = self._counted[entity]
        fresh = {key for key in keys if key not in counted}
        outcome.seen_keys |= {(entity, key) for key in fresh}
        outcome.count(entity, "skipped", len(fresh))

    def _purchases(
        self,
        groups: list[Group],
        clients: Mapping[str, int],
        products: Mapping[str, int],
        existing: Mapping[str, int],
        outcome: BatchOutcome,
    ) -> None:
        """Each purchase invoice becomes a completed online order (or more lines for one)."""
        to_save = OrdersToSave()
        for group in groups:
            if order_already_imported(group, existing, self.created_refs, outcome):
                continue
            first: RetailLine = group.items[0]
            client_id = clients[first.customer]
            lines = [
                OrderLine(
                    product_id=products[item.stock_code],
                    quantity=item.quantity,
                    unit_price=item.unit_price,
                )
                for item in group.items
            ]
            if group.key in existing:  # an invoice split across batches: its later lines
                to_save.more_lines(existing[group.key], lines)
                outcome.count("orders", "updated")
            else:
                to_save.new_order(_purchase_order(first, client_id, group.key, lines), lines)
                outcome.count("orders", "created")
                outcome.created_refs.add(group.key)
            outcome.touched_clients.add(client_id)
            outcome.count("order_lines", "created", len(lines))
            outcome.accepted += len(lines)
        to_save.save()

    def committed(self, outcome: BatchOutcome) -> None:
        self.created_refs |= outcome.created_refs
        for entity, key in outcome.seen_keys:
            self._counted[entity].add(key)


def _imported_product(code: str, item: RetailLine) -> Product:
    """An inactive product for a StockCode the catalogue lacks, from its first purchase line."""
    category, subcategory = guess_category(item.description)
    return Product(
        style_code=code,
        name=item.description[:160] or f"Imported piece {code}",
        description=item.description,
        category=category,
        subcategory=subcategory,
        price=item.unit_price,
        currency=RETAIL_CURRENCY,
        season="Imported",
        active=False,
    )


def _purchase_order(first: RetailLine, client_id: int, ref: str, lines: list[OrderLine]) -> Order:
    return Order(
        client_id=client_id,
        channel=OrderChannel.ONLINE,
        placed_at=first.placed_at,
        currency=RETAIL_CURRENCY,
        external_ref=ref,
        status=OrderStatus.COMPLETED,
        total=sum((line.unit_price * line.quantity for line in lines), Decimal("0")),
    )
