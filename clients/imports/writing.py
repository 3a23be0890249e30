"""Writers: parsed rows in, set-based writes out, one batch at a time.

Each importer has two halves. `prepare` runs on every record, outside any
transaction: it parses (clients.imports.parsing) and checks the file against
itself (duplicates, the lines of one order). `write` runs on a batch of groups
(a client, an order, an invoice) inside the batch's transaction: a few queries
resolve every key of the batch at once (lookup hashes, style codes, external
refs), then bulk inserts. `write` returns a BatchOutcome instead of touching
the report or the importer's memory, so a batch that rolls back leaves no trace;
the service applies the outcome once the batch has committed.
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, cast

from django.db.models import DecimalField, Exists, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from catalog.models import Category, Product, Variant
from clients.imports.parsing import (
    CLIENT_COLUMNS,
    ORDER_COLUMNS,
    RETAIL_COLUMNS,
    RETAIL_CURRENCY,
    Boutiques,
    ClientInput,
    ColumnSpec,
    OrderLineInput,
    RetailLine,
    RetailParser,
    parse_client,
    parse_order_line,
)
from clients.imports.report import RowRejected
from clients.models import (
    Client,
    Identity,
    IdentityKind,
    Order,
    OrderChannel,
    OrderLine,
    OrderStatus,
)
from clients.services import identity_build, identity_lookup_hash
from consent.models import ConsentSource
from consent.services import ConsentGrant, consent_record_bulk

IMPORT_SOURCE = "import"
CreatedHook = Callable[[list[int]], None]


@dataclass
class BatchOutcome:
    """What one batch did; applied to the report (and the importer) only after commit."""

    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    rejections: list[tuple[int, RowRejected]] = field(default_factory=list)
    accepted: int = 0
    skipped: int = 0
    touched_clients: set[int] = field(default_factory=set)
    created_refs: set[str] = field(default_factory=set)
    seen_keys: set[str] = field(default_factory=set)  # counted once per run (retail)
    notes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        if n:
            self.counts[(entity, outcome)] += n

    def reject(self, line: int, exc: RowRejected) -> None:
        self.rejections.append((line, exc))


@dataclass
class Group:
    """Rows that are written together: one client, the lines of one order or invoice."""

    key: str
    items: list[Any] = field(default_factory=list)

    @property
    def lines(self) -> list[int]:
        return [item.line for item in self.items]


class Importer(Protocol):
    spec: ColumnSpec
    primary_entity: str

    def start(self, header: Sequence[str], positions: Mapping[str, int]) -> None: ...

    def prepare(self, line: int, values: list[str]) -> tuple[str, Any]:
        """(group key, parsed item), or RowRejected."""
        ...

    def write(self, groups: Sequence[Group]) -> BatchOutcome: ...

    def committed(self, outcome: BatchOutcome) -> None: ...


def _row(header: Sequence[str], values: list[str]) -> dict[str, str]:
    return {name: value for name, value in zip(header, values, strict=False) if name}


def _fold(text: str) -> str:
    """Names compared without case or accents: 'Bérénice' == 'BERENICE'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def _short_hash(kind: str, value: str) -> str:
    return identity_lookup_hash(kind, value)


KIND_WORDS = {"email": "e-mail", "phone": "phone", "loyalty": "loyalty id", "pos": "till id"}


def _clients_by_hash(hashes: Iterable[str]) -> dict[str, int]:
    wanted = list(set(hashes))
    if not wanted:
        return {}
    return dict(
        Identity.objects.filter(lookup_hash__in=wanted).values_list("lookup_hash", "client_id")
    )


def _bulk_clients(
    clients: list[Client],
    identities: list[list[tuple[str, str]]],
    on_created: CreatedHook | None,
) -> list[int]:
    """Insert new clients and their (primary) identities; run the creation hook."""
    for client in clients:
        client.clean_fields(exclude=["home_boutique", "user"])
    Client.objects.bulk_create(clients, batch_size=1000)
    rows = [
        identity_build(client=client, kind=kind, value=value, source=IMPORT_SOURCE, is_primary=True)
        for client, pairs in zip(clients, identities, strict=True)
        for kind, value in pairs
    ]
    Identity.objects.bulk_create(rows, batch_size=1000)
    ids = [client.pk for client in clients]
    if on_created is not None and ids:
        on_created(ids)
    return ids


# --- The atelier client format -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientItem:
    line: int
    data: ClientInput
    hashes: tuple[tuple[str, str, str], ...]  # (kind, value, lookup hash)


class ClientsImporter:
    spec = CLIENT_COLUMNS
    primary_entity = "clients"

    def __init__(
        self,
        *,
        boutiques: Boutiques,
        on_created: CreatedHook | None = None,
        recorded_by: Any = None,
        policy_version: Any = None,
    ) -> None:
        self.boutiques = boutiques
        self.on_created = on_created
        self.recorded_by = recorded_by
        self.policy_version = policy_version
        self.header: list[str] = []
        self.consent_columns = False
        self._seen: dict[str, tuple[int, str]] = {}  # lookup hash -> (line, kind)

    def start(self, header: Sequence[str], positions: Mapping[str, int]) -> None:
        self.header = list(header)
        self.consent_columns = "consent_tier" in positions

    def prepare(self, line: int, values: list[str]) -> tuple[str, ClientItem]:
        data = parse_client(
            line,
            _row(self.header, values),
            boutiques=self.boutiques,
            consent_columns=self.consent_columns,
        )
        hashes = tuple((kind, value, _short_hash(kind, value)) for kind, value in data.identities())
        for kind, value, digest in hashes:
            if digest in self._seen:
                first_line, _ = self._seen[digest]
                raise RowRejected(
                    "duplicate_in_file",
                    f"The {KIND_WORDS[kind]} is already on line {first_line} of this file.",
                    value,
                )
        for kind, _, digest in hashes:
            self._seen[digest] = (line, kind)
        return str(line), ClientItem(line=line, data=data, hashes=hashes)

    def write(self, groups: Sequence[Group]) -> BatchOutcome:
        outcome = BatchOutcome()
        items: list[ClientItem] = [item for group in groups for item in group.items]
        found = _clients_by_hash(digest for item in items for _, _, digest in item.hashes)
        new: list[ClientItem] = []
        existing: dict[int, list[ClientItem]] = defaultdict(list)
        for item in items:
            matched = {found[d] for _, _, d in item.hashes if d in found}
            if len(matched) > 1:
                outcome.reject(
                    item.line,
                    RowRejected(
                        "identity_conflict",
                        "The row's e-mail, phone and loyalty id belong to different clients "
                        "already in the database.",
                        item.data.email or item.data.phone or item.data.loyalty,
                    ),
                )
            elif matched:
                existing[matched.pop()].append(item)
            else:
                new.append(item)
        if existing:
            self._merge(existing, found, outcome)
        if new:
            self._create(new, outcome)
        return outcome

    def _merge(
        self,
        existing: dict[int, list[ClientItem]],
        found: Mapping[str, int],
        outcome: BatchOutcome,
    ) -> None:
        """Known clients: add what they lack (an identity kind, a size); overwrite nothing."""
        clients = Client.objects.in_bulk(list(existing))
        kinds: dict[int, set[str]] = defaultdict(set)
        for client_id, kind in Identity.objects.filter(client_id__in=list(existing)).values_list(
            "client_id", "kind"
        ):
            kinds[client_id].add(kind)
        new_identities: list[Identity] = []
        changed: list[Client] = []
        for client_id, rows in existing.items():
            client = clients[client_id]
            for item in rows:
                data = item.data
                if (_fold(client.first_name), _fold(client.last_name)) != (
                    _fold(data.first_name),
                    _fold(data.last_name),
                ):
                    outcome.reject(
                        item.line,
                        RowRejected(
                            "identity_taken",
                            "This e-mail / phone / loyalty id belongs to a client already in "
                            "the database under another name: check the row, or correct the "
                            "client in the admin.",
                            data.email or data.phone or data.loyalty,
                        ),
                    )
                    continue
                added = 0
                for kind, value, digest in item.hashes:
                    if digest not in found and kind not in kinds[client_id]:
                        new_identities.append(
                            identity_build(
                                client=client,
                                kind=kind,
                                value=value,
                                source=IMPORT_SOURCE,
                                is_primary=True,
                            )
                        )
                        kinds[client_id].add(kind)
                        added += 1
                missing_sizes = {
                    k: v for k, v in data.sizes.items() if k not in (client.sizes or {})
                }
                if missing_sizes:
                    client.sizes = {**(client.sizes or {}), **missing_sizes}
                    if client not in changed:
                        changed.append(client)
                if data.consent is not None:
                    outcome.count("consents", "skipped")
                outcome.count("identities", "created", added)
                if added or missing_sizes:
                    outcome.count("clients", "updated")
                    outcome.accepted += 1
                else:
                    outcome.count("clients", "skipped")
                    outcome.skipped += 1
        if new_identities:
            Identity.objects.bulk_create(new_identities)
        if changed:
            Client.objects.bulk_update(changed, ["sizes"])

    def _create(self, items: list[ClientItem], outcome: BatchOutcome) -> None:
        clients = [
            Client(
                first_name=item.data.first_name,
                last_name=item.data.last_name,
                home_boutique_id=item.data.boutique_id,
                preferred_language=item.data.language,
                salutation=item.data.salutation,
                sizes=item.data.sizes,
                is_vic=bool(item.data.is_vic),
            )
            for item in items
        ]
        ids = _bulk_clients(
            clients, [[(k, v) for k, v, _ in item.hashes] for item in items], self.on_created
        )
        grants = [
            ConsentGrant(
                client_id=client_id,
                tier=item.data.consent.tier,
                channels=item.data.consent.channels,
                proof_text=item.data.consent.proof,
            )
            for client_id, item in zip(ids, items, strict=True)
            if item.data.consent is not None
        ]
        consent_record_bulk(
            grants=grants,
            source=ConsentSource.IMPORT,
            recorded_by=self.recorded_by,
            policy_version=self.policy_version,
            note="CSV import",
        )
        outcome.count("clients", "created", len(ids))
        outcome.count("identities", "created", sum(len(item.hashes) for item in items))
        outcome.count("consents", "created", len(grants))
        outcome.accepted += len(ids)

    def committed(self, outcome: BatchOutcome) -> None:
        return None


# --- The atelier order format ------------------------------------------------------------

_LINE_TOTAL: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _orders_total_refresh(order_ids: Iterable[int]) -> None:
    """Set each order's total to the sum of its lines (one UPDATE)."""
    ids = list(set(order_ids))
    if not ids:
        return
    per_order = (
        OrderLine.objects.filter(order_id=OuterRef("pk"))
        .order_by()
        .values("order_id")
        .annotate(s=Sum(F("quantity") * F("unit_price"), output_field=_LINE_TOTAL))
        .values("s")[:1]
    )
    Order.objects.filter(pk__in=ids).update(
        total=Coalesce(Subquery(per_order), Value(Decimal("0")), output_field=_LINE_TOTAL)
    )


class OrdersImporter:
    spec = ORDER_COLUMNS
    primary_entity = "order_lines"

    def __init__(self, *, boutiques: Boutiques) -> None:
        self.boutiques = boutiques
        self.header: list[str] = []
        self.created_refs: set[str] = set()
        self.bad_refs: dict[str, int] = {}  # ref -> the first line rejected while parsing

    def start(self, header: Sequence[str], positions: Mapping[str, int]) -> None:
        self.header = list(header)

    def prepare(self, line: int, values: list[str]) -> tuple[str, OrderLineInput]:
        row = _row(self.header, values)
        try:
            item = parse_order_line(line, row, boutiques=self.boutiques)
        except RowRejected:
            ref = row.get("external_ref", "").strip()
            if ref:
                self.bad_refs.setdefault(ref, line)
            raise
        return item.external_ref, item

    def write(self, groups: Sequence[Group]) -> BatchOutcome:
        outcome = BatchOutcome()
        groups = [g for g in groups if self._whole(g, outcome)]
        refs = [g.key for g in groups]
        existing = {
            ref: (order_id, client_id)
            for ref, order_id, client_id in Order.objects.filter(external_ref__in=refs).values_list(
                "external_ref", "pk", "client_id"
            )
        }
        clients = _clients_by_hash(
            _short_hash(item.client_kind, item.client_value) for g in groups for item in g.items
        )
        codes = {item.style_code for g in groups for item in g.items if item.style_code}
        skus = {item.sku for g in groups for item in g.items if item.sku}
        products = dict(
            Product.objects.filter(style_code__in=codes).values_list("style_code", "pk")
        )
        variants = {
            sku: (variant_id, product_id)
            for sku, variant_id, product_id in Variant.objects.filter(sku__in=skus).values_list(
                "sku", "pk", "product_id"
            )
        }
        new_orders: list[tuple[Order, list[OrderLine], Group]] = []
        appended: list[OrderLine] = []
        appended_orders: set[int] = set()
        for group in groups:
            first: OrderLineInput = group.items[0]
            if group.key in existing and group.key not in self.created_refs:
                outcome.count("orders", "skipped")
                outcome.count("order_lines", "skipped", len(group.items))
                outcome.skipped += len(group.items)
                continue
            client_id = clients.get(_short_hash(first.client_kind, first.client_value))
            if client_id is None:
                self._reject_group(
                    group,
                    outcome,
                    RowRejected(
                        "unknown_client",
                        f"No client has this {KIND_WORDS[first.client_kind]}: import the "
                        "clients first.",
                        first.client_value,
                    ),
                )
                continue
            lines: list[OrderLine] = []
            failed = False
            for item in group.items:
                try:
                    product_id, variant_id = self._product(item, products, variants)
                except RowRejected as exc:
                    self._reject_group(group, outcome, exc, culprit=item.line)
                    failed = True
                    break
                lines.append(
                    OrderLine(
                        product_id=product_id,
                        variant_id=variant_id,
                        quantity=item.quantity,
                        unit_price=item.unit_price,
                    )
                )
            if failed:
                continue
            if group.key in existing:  # created earlier in this run: more lines for it
                order_id, order_client = existing[group.key]
                if order_client != client_id:
                    self._reject_group(
                        group,
                        outcome,
                        RowRejected(
                            "order_inconsistent",
                            "Earlier lines of this order name another client.",
                            group.key,
                        ),
                    )
                    continue
                for order_line in lines:
                    order_line.order_id = order_id
                appended.extend(lines)
                appended_orders.add(order_id)
                outcome.count("orders", "updated")
            else:
                order = Order(
                    client_id=client_id,
                    channel=first.channel,
                    boutique_id=first.boutique_id,
                    placed_at=first.placed_at,
                    currency=first.currency,
                    external_ref=group.key,
                    status=OrderStatus.COMPLETED,
                    total=sum((li.unit_price * li.quantity for li in lines), Decimal("0")),
                )
                order.clean_fields(exclude=["client", "boutique", "credited_stylist"])
                new_orders.append((order, lines, group))
                outcome.count("orders", "created")
                outcome.created_refs.add(group.key)
            outcome.touched_clients.add(client_id)
            outcome.count("order_lines", "created", len(lines))
            outcome.accepted += len(lines)
        if new_orders:
            Order.objects.bulk_create([order for order, _, _ in new_orders], batch_size=1000)
            for order, lines, _ in new_orders:
                for order_line in lines:
                    order_line.order_id = order.pk
                appended.extend(lines)
        if appended:
            OrderLine.objects.bulk_create(appended, batch_size=2000)
        _orders_total_refresh(appended_orders)
        return outcome

    def _whole(self, group: Group, outcome: BatchOutcome) -> bool:
        """All lines of an order agree, and none was rejected while parsing; else keep it out."""
        bad_line = self.bad_refs.get(group.key)
        if bad_line is not None:
            self._reject_group(
                group,
                outcome,
                RowRejected("order_incomplete", "", group.key),
                culprit=bad_line,
                culprit_rejected=True,
            )
            return False
        first: OrderLineInput = group.items[0]
        for item in group.items[1:]:
            if item.order_key != first.order_key:
                self._reject_group(
                    group,
                    outcome,
                    RowRejected(
                        "order_inconsistent",
                        f"The client, date, channel, boutique or currency differ from line "
                        f"{first.line} of the same order.",
                        group.key,
                    ),
                    culprit=item.line,
                )
                return False
        return True

    @staticmethod
    def _product(
        item: OrderLineInput,
        products: Mapping[str, int],
        variants: Mapping[str, tuple[int, int]],
    ) -> tuple[int, int | None]:
        variant = variants.get(item.sku) if item.sku else None
        if item.sku and variant is None:
            raise RowRejected("unknown_product", "No variant has this sku.", item.sku)
        product_id = products.get(item.style_code) if item.style_code else None
        if item.style_code and product_id is None:
            raise RowRejected("unknown_product", "No product has this style_code.", item.style_code)
        if variant is not None:
            if product_id is not None and variant[1] != product_id:
                raise RowRejected(
                    "product_mismatch",
                    "The sku is a variant of another product than the style_code.",
                    item.sku,
                )
            return variant[1], variant[0]
        assert product_id is not None
        return product_id, None

    def _reject_group(
        self,
        group: Group,
        outcome: BatchOutcome,
        exc: RowRejected,
        *,
        culprit: int | None = None,
        culprit_rejected: bool = False,
    ) -> None:
        """Keep the whole order out: the culprit line gets exc, its siblings say why they follow."""
        outcome.count("orders", "rejected")
        for item in group.items:
            if culprit is None or (item.line == culprit and not culprit_rejected):
                outcome.reject(item.line, exc)
            else:
                outcome.reject(
                    item.line,
                    RowRejected(
                        "order_incomplete",
                        f"Line {culprit} of the same order was rejected, so the whole order "
                        "is kept out.",
                        group.key,
                    ),
                )

    def committed(self, outcome: BatchOutcome) -> None:
        self.created_refs |= outcome.created_refs


# --- The raw Online Retail format --------------------------------------------------------

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
    "Netherlands": "nl",
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


def guess_category(description: str) -> tuple[str, str]:
    """(category, subcategory) for an imported product; "imported" or "imported-unclassified"."""
    words = set("".join(ch if ch.isalnum() else " " for ch in description.upper()).split())
    for category, keys in CATEGORY_WORDS:
        if words & keys:
            return str(category), IMPORTED_SUBCATEGORY
    return str(UNCLASSIFIED_CATEGORY), f"{IMPORTED_SUBCATEGORY}-unclassified"


DUPLICATE_WINDOW = 5_000  # invoices whose lines are remembered for the duplicate check


class RetailImporter:
    """Customers -> clients (POS identity), StockCodes -> products, invoices -> online orders.

    kind="clients" stops at the clients. Cancellation (C) invoices take their
    units off the client's earlier purchases (see `_cancel`), never a negative order.
    """

    spec = RETAIL_COLUMNS
    primary_entity = "order_lines"

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
        self._counted: set[str] = set()
        self._recent: OrderedDict[str, dict[tuple[str, ...], int]] = OrderedDict()

    def start(self, header: Sequence[str], positions: Mapping[str, int]) -> None:
        self.parser = RetailParser(header)

    def prepare(self, line: int, values: list[str]) -> tuple[str, RetailLine]:
        assert self.parser is not None
        item = self.parser.parse(line, values)
        key = tuple(v.strip() for v in values)
        seen = self._recent.get(item.invoice)
        if seen is None:
            seen = self._recent[item.invoice] = {}
            if len(self._recent) > DUPLICATE_WINDOW:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(item.invoice)
        if key in seen:
            raise RowRejected(
                "duplicate_row", f"An exact copy of line {seen[key]}.", item.stock_code
            )
        seen[key] = line
        return item.invoice, item

    def _boutique_for(self, country: str) -> int:
        code = COUNTRY_BOUTIQUE.get(country, DEFAULT_BOUTIQUE)
        return self.boutique_ids.get(code, self.default_boutique_id)

    def write(self, groups: Sequence[Group]) -> BatchOutcome:
        outcome = BatchOutcome()
        groups = [g for g in groups if self._one_customer(g, outcome)]
        purchases = [g for g in groups if not g.items[0].cancelled]
        cancellations = [g for g in groups if g.items[0].cancelled]
        clients = self._clients(purchases, cancellations, outcome)
        if self.clients_only:
            for group in cancellations:
                outcome.skipped += len(group.items)
            return outcome
        products = self._products(purchases, cancellations, outcome)
        existing: dict[str, int] = {
            ref: pk
            for ref, pk in Order.objects.filter(
                external_ref__in=[g.key for g in groups]
            ).values_list("external_ref", "pk")
            if ref
        }
        self._purchases(purchases, clients, products, existing, outcome)
        if cancellations:
            self._cancel(cancellations, clients, products, existing, outcome)
        return outcome

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
        digests = {customer: _short_hash(pos, customer) for customer in customers}
        found = _clients_by_hash(digests.values())
        resolved = {c: found[d] for c, d in digests.items() if d in found}
        buyers = {g.items[0].customer for g in purchases}
        new = [c for c in customers if c not in resolved and c in buyers]
        if new:
            clients = [
                Client(
                    first_name="Client",
                    last_name=customer,
                    home_boutique_id=self._boutique_for(customers[customer].country),
                    preferred_language=COUNTRY_LANGUAGE.get(customers[customer].country, "en"),
                )
                for customer in new
            ]
            ids = _bulk_clients(clients, [[(pos, c)] for c in new], self.on_created)
            resolved.update(zip(new, ids, strict=True))
            outcome.count("clients", "created", len(ids))
            outcome.count("identities", "created", len(ids))
        already = [c for c in customers if c in resolved and c not in new]
        self._count_once(outcome, "clients", (f"c:{c}" for c in already))
        if self.clients_only:
            for group in purchases:
                created = group.items[0].customer in new
                outcome.accepted += len(group.items) if created else 0
                outcome.skipped += 0 if created else len(group.items)
        return resolved

    def _products(
        self, purchases: list[Group], cancellations: list[Group], outcome: BatchOutcome
    ) -> dict[str, int]:
        """StockCode -> product id; codes first seen in a purchase become inactive products."""
        first_seen: dict[str, RetailLine] = {}
        for group in purchases:
            for item in group.items:
                first_seen.setdefault(item.stock_code, item)
        codes = set(first_seen) | {i.stock_code for g in cancellations for i in g.items}
        resolved = dict(
            Product.objects.filter(style_code__in=codes).values_list("style_code", "pk")
        )
        missing = [code for code in first_seen if code not in resolved]
        if missing:
            products = []
            for code in missing:
                item = first_seen[code]
                category, subcategory = guess_category(item.description)
                name = item.description[:160] or f"Imported piece {code}"
                products.append(
                    Product(
                        style_code=code,
                        name=name,
                        description=item.description,
                        category=category,
                        subcategory=subcategory,
                        price=item.unit_price,
                        currency=RETAIL_CURRENCY,
                        season="Imported",
                        active=False,
                    )
                )
            for product in products:
                product.clean_fields(exclude=["collection"])
            Product.objects.bulk_create(products, batch_size=1000)
            resolved.update({p.style_code: p.pk for p in products})
            outcome.count("products", "created", len(products))
        self._count_once(
            outcome, "products", (f"p:{code}" for code in first_seen if code not in missing)
        )
        return resolved

    def _count_once(self, outcome: BatchOutcome, entity: str, keys: Iterable[str]) -> None:
        """Existing clients and products count as skipped once per run, not once per batch."""
        fresh = {key for key in keys if key not in self._counted}
        outcome.seen_keys |= fresh
        outcome.count(entity, "skipped", len(fresh))

    def _purchases(
        self,
        groups: list[Group],
        clients: Mapping[str, int],
        products: Mapping[str, int],
        existing: Mapping[str, int],
        outcome: BatchOutcome,
    ) -> None:
        new_orders: list[tuple[Order, list[OrderLine]]] = []
        appended: list[OrderLine] = []
        appended_orders: set[int] = set()
        for group in groups:
            first: RetailLine = group.items[0]
            if group.key in existing and group.key not in self.created_refs:
                outcome.count("orders", "skipped")
                outcome.count("order_lines", "skipped", len(group.items))
                outcome.skipped += len(group.items)
                continue
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
                for order_line in lines:
                    order_line.order_id = existing[group.key]
                appended.extend(lines)
                appended_orders.add(existing[group.key])
                outcome.count("orders", "updated")
            else:
                order = Order(
                    client_id=client_id,
                    channel=OrderChannel.ONLINE,
                    placed_at=first.placed_at,
                    currency=RETAIL_CURRENCY,
                    external_ref=group.key,
                    status=OrderStatus.COMPLETED,
                    total=sum((li.unit_price * li.quantity for li in lines), Decimal("0")),
                )
                new_orders.append((order, lines))
                outcome.count("orders", "created")
                outcome.created_refs.add(group.key)
            outcome.touched_clients.add(client_id)
            outcome.count("order_lines", "created", len(lines))
            outcome.accepted += len(lines)
        if new_orders:
            Order.objects.bulk_create([order for order, _ in new_orders], batch_size=1000)
            for order, lines in new_orders:
                for order_line in lines:
                    order_line.order_id = order.pk
                appended.extend(lines)
        if appended:
            OrderLine.objects.bulk_create(appended, batch_size=2000)
        _orders_total_refresh(appended_orders)

    def _cancel(
        self,
        groups: list[Group],
        clients: Mapping[str, int],
        products: Mapping[str, int],
        existing: Mapping[str, int],
        outcome: BatchOutcome,
    ) -> None:
        """Take cancelled units off the client's latest earlier purchases of the same product.

        Newest purchase first: a line whose units are all cancelled moves to the
        cancellation order (status cancelled, external_ref = the C invoice); a line
        partly cancelled keeps the rest and the cancelled units move as a new line
        at the original price. An order left with no line is marked cancelled. So
        every unit sits on exactly one order, completed orders add up to what was
        kept, and nothing is negative. A C invoice already recorded is skipped.
        """
        todo: list[Group] = []
        for group in groups:
            if group.key in existing and group.key not in self.created_refs:
                outcome.count("cancellations", "skipped")
                outcome.skipped += len(group.items)
            else:
                todo.append(group)
        if not todo:
            return
        client_ids = {clients[g.items[0].customer] for g in todo if g.items[0].customer in clients}
        product_ids = {
            products[i.stock_code] for g in todo for i in g.items if i.stock_code in products
        }
        latest = max(i.placed_at for g in todo for i in g.items)
        candidates: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
        if client_ids and product_ids:
            rows = (
                OrderLine.objects.filter(
                    order__client_id__in=client_ids,
                    product_id__in=product_ids,
                    order__status=OrderStatus.COMPLETED,
                    order__placed_at__lte=latest,
                )
                .order_by("-order__placed_at", "-pk")
                .values(
                    "pk",
                    "order_id",
                    "order__client_id",
                    "product_id",
                    "quantity",
                    "unit_price",
                    "variant_id",
                    "order__placed_at",
                )
            )
            for found in rows:
                candidates[(found["order__client_id"], found["product_id"])].append(
                    cast(dict[str, Any], found)
                )
        taken: dict[int, int] = defaultdict(int)  # line id -> units cancelled in this batch
        plans: list[tuple[Group, int, list[tuple[dict[str, Any], int]]]] = []
        for group in todo:
            client_id = clients.get(group.items[0].customer)
            moves: list[tuple[dict[str, Any], int]] = []
            for item in group.items:
                product_id = products.get(item.stock_code)
                remaining = item.quantity
                if client_id is not None and product_id is not None:
                    for row in candidates.get((client_id, product_id), []):
                        if remaining == 0:
                            break
                        if row["order__placed_at"] > item.placed_at:
                            continue
                        available = row["quantity"] - taken[row["pk"]]
                        if available <= 0:
                            continue
                        units = min(available, remaining)
                        taken[row["pk"]] += units
                        moves.append((row, units))
                        remaining -= units
                if remaining == item.quantity:
                    outcome.reject(
                        item.line,
                        RowRejected(
                            "cancellation_unmatched",
                            "Nothing to cancel: this client has no earlier purchase of this "
                            "product in the database (bought before the file starts?).",
                            item.stock_code,
                        ),
                    )
                    continue
                if remaining:
                    outcome.notes["cancelled units without a matching purchase"] += remaining
                outcome.accepted += 1
            if moves and client_id is not None:
                plans.append((group, client_id, moves))
        self._apply_cancellations(plans, existing, outcome)

    def _apply_cancellations(
        self,
        plans: list[tuple[Group, int, list[tuple[dict[str, Any], int]]]],
        existing: Mapping[str, int],
        outcome: BatchOutcome,
    ) -> None:
        if not plans:
            return
        new_orders = [
            Order(
                client_id=client_id,
                channel=OrderChannel.ONLINE,
                placed_at=group.items[0].placed_at,
                currency=RETAIL_CURRENCY,
                external_ref=group.key,
                status=OrderStatus.CANCELLED,
                total=Decimal("0"),
            )
            for group, client_id, _ in plans
            if group.key not in existing
        ]
        Order.objects.bulk_create(new_orders)
        order_ids: dict[str, int] = dict(existing)
        order_ids.update({o.external_ref: o.pk for o in new_orders if o.external_ref})
        outcome.count("cancellations", "created", len(new_orders))
        outcome.created_refs.update(o.external_ref for o in new_orders if o.external_ref)
        # Every purchase line hit, with the units each cancellation order takes from it.
        by_line: dict[int, list[tuple[dict[str, Any], int, int]]] = defaultdict(list)
        for group, client_id, moves in plans:
            outcome.touched_clients.add(client_id)
            for row, units in moves:
                by_line[row["pk"]].append((row, units, order_ids[group.key]))
        whole: list[OrderLine] = []
        partial: list[OrderLine] = []
        split: list[OrderLine] = []
        originals: set[int] = set()
        for pk, entries in by_line.items():
            row = entries[0][0]
            originals.add(row["order_id"])
            units_taken = sum(units for _, units, _ in entries)
            rest = entries
            if units_taken >= row["quantity"]:  # the line itself moves, to the first taker
                _, units, cancel_order = entries[0]
                whole.append(OrderLine(pk=pk, order_id=cancel_order, quantity=units))
                rest = entries[1:]
            else:
                partial.append(OrderLine(pk=pk, quantity=row["quantity"] - units_taken))
            split.extend(
                OrderLine(
                    order_id=cancel_order,
                    product_id=row["product_id"],
                    variant_id=row["variant_id"],
                    quantity=units,
                    unit_price=row["unit_price"],
                )
                for _, units, cancel_order in rest
            )
        if whole:
            OrderLine.objects.bulk_update(whole, ["order", "quantity"], batch_size=1000)
        if partial:
            OrderLine.objects.bulk_update(partial, ["quantity"], batch_size=1000)
        if split:
            OrderLine.objects.bulk_create(split, batch_size=1000)
        outcome.count("order_lines", "updated", len(whole) + len(partial))
        outcome.count("orders", "updated", len(originals))
        _orders_total_refresh(originals | set(order_ids[g.key] for g, _, _ in plans))
        lines = OrderLine.objects.filter(order_id=OuterRef("pk"))
        Order.objects.filter(pk__in=originals, status=OrderStatus.COMPLETED).exclude(
            Exists(lines)
        ).update(status=OrderStatus.CANCELLED)

    def committed(self, outcome: BatchOutcome) -> None:
        self.created_refs |= outcome.created_refs
        self._counted |= outcome.seen_keys
