"""The Online Retail importer's PostgreSQL fast path: COPY and set-based SQL, no model per row.

RetailImporter writes a batch's purchase invoices as Order and OrderLine model
instances (bulk_create, about 400,000 for the full UCI file). On PostgreSQL,
CopyRetailImporter writes the same rows with COPY: the batch's new orders (their ids
drawn from the id sequence in file order, their public_id as Order's default draws
it, their total the sum of their lines as the ORM path adds it), then every line,
in the order the ORM path inserts them (lines of orders an earlier batch saved
first, then the new orders' lines, order by order), so ids follow the file.

Cancellations keep their rules (online_retail_cancellations) with two set-based
steps: the earlier purchases they may take from are read for the exact (client,
product) pairs they name, staged in a temporary table (the ORM query asks for every
line of every client and product of the batch), and the lines they move or reduce
are saved by one UPDATE from arrays (the ORM's bulk_update builds CASE expressions).

Everything else — clients and their encrypted identities, products, counts,
rejections, the purchases_recorded signal, the totals of orders grown across
batches — is RetailImporter's own code. Both paths store the same rows and report
the same (tests/imports/test_retail_fast_path.py).
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model

from catalog.models import Product
from clients.imports.parsers.online_retail import RETAIL_CURRENCY, RetailLine
from clients.imports.writers import online_retail_cancellations as cancellations
from clients.imports.writers.batch import BatchOutcome, Group
from clients.imports.writers.key_checks import rows_checked_as_a_set, set_based_checks_allowed
from clients.imports.writers.online_retail import RetailImporter
from clients.imports.writers.shared_steps import order_already_imported, orders_total_refresh
from clients.models import Client, Order, OrderChannel, OrderLine, OrderStatus
from clients.signals import purchases_recorded

STAGE_PAIRS = "atelier_import_stage_pairs"
_ORDER_COLUMNS = (
    "id",
    "public_id",
    "client_id",
    "channel",
    "placed_at",
    "status",
    "currency",
    "total",
    "external_ref",
)
_LINE_COLUMNS = ("order_id", "product_id", "quantity", "unit_price")
# Ids for the batch's new orders, drawn from the id column's sequence in one statement
# (ascending, in file order, as the ORM's INSERT draws them).
_ORDER_IDS = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
_COPY_CHUNK = 10_000  # lines per write to the COPY stream
# Completed purchase lines of exactly the (client, product) pairs a batch cancels, newest
# first. The pairs are staged and analysed, so the planner hashes them (a nested loop over
# each client's orders costs seconds per batch on the full file).
_EARLIER_PURCHASES = f"""
SELECT l.id, l.order_id, o.client_id, l.product_id, l.quantity, l.unit_price, l.variant_id,
       o.placed_at
FROM {STAGE_PAIRS} p
JOIN {OrderLine._meta.db_table} l ON l.product_id = p.product_id
JOIN {Order._meta.db_table} o ON o.id = l.order_id AND o.client_id = p.client_id
WHERE o.status = %s AND o.placed_at <= %s
ORDER BY o.placed_at DESC, l.id DESC
"""  # noqa: S608
# Purchase lines a cancellation moved whole (new order and quantity) or reduced (quantity).
_UPDATE_LINES = f"""
UPDATE {OrderLine._meta.db_table} AS l
SET order_id = COALESCE(v.order_id, l.order_id), quantity = v.quantity
FROM unnest(%s::bigint[], %s::bigint[], %s::integer[]) AS v(id, order_id, quantity)
WHERE l.id = v.id
"""  # noqa: S608


def fast_path_available() -> bool:
    """The COPY path needs PostgreSQL (COPY, temporary tables, arrays)."""
    return connection.vendor == "postgresql"


class CopyRetailImporter(RetailImporter):
    """RetailImporter whose purchases go through COPY, cancellations set-based (PostgreSQL)."""

    by_copy = True  # new clients, identities and products too (core.copy_insert)
    _set_based_keys: tuple[bool, bool] | None = None

    def set_based_keys(self) -> tuple[bool, bool]:
        """Whether the orders' keys and the lines' may be checked per batch (key_checks);
        asked once per run."""
        if self._set_based_keys is None:
            with connection.cursor() as cursor:
                self._set_based_keys = (
                    set_based_checks_allowed(cursor, Order),
                    set_based_checks_allowed(cursor, OrderLine),
                )
        return self._set_based_keys

    def earlier_purchases(
        self, todo: list[Group], clients: Mapping[str, int], products: Mapping[str, int]
    ) -> cancellations.Candidates:
        return _earlier_purchases_by_pair(todo, clients, products)

    def update_lines(self, moved_whole: list[OrderLine], reduced: list[OrderLine]) -> None:
        _update_lines(moved_whole, reduced)

    def _purchases(
        self,
        groups: list[Group],
        clients: Mapping[str, int],
        products: Mapping[str, int],
        existing: Mapping[str, int],
        outcome: BatchOutcome,
    ) -> None:
        """Each purchase invoice becomes a completed online order (or more lines for one)."""
        new_orders: list[tuple[str, int, Any, Decimal]] = []  # (ref, client, placed, total)
        new_items: list[list[RetailLine]] = []  # the lines of each new order
        added: list[tuple[int, list[RetailLine]]] = []  # more lines for orders saved earlier
        for group in groups:
            if order_already_imported(group, existing, self.created_refs, outcome):
                continue
            items: list[RetailLine] = group.items
            first = items[0]
            client_id = clients[first.customer]
            order_id = existing.get(group.key)
            if order_id is not None:  # an invoice split across batches: its later lines
                added.append((order_id, items))
                outcome.count("orders", "updated")
            else:
                total = sum((item.unit_price * item.quantity for item in items), Decimal("0"))
                new_orders.append((group.key, client_id, first.placed_at, total))
                new_items.append(items)
                outcome.count("orders", "created")
                outcome.created_refs.add(group.key)
            outcome.touched_clients.add(client_id)
            outcome.count("order_lines", "created", len(items))
            outcome.accepted += len(items)
        if new_orders or added:
            _copy(new_orders, new_items, added, products, set_based_keys=self.set_based_keys())
        if new_orders:
            purchases_recorded.send(sender=Order, client_ids={row[1] for row in new_orders})
        orders_total_refresh(order_id for order_id, _ in added)


def _copy(
    orders: list[tuple[str, int, Any, Decimal]],
    new_items: list[list[RetailLine]],
    added: list[tuple[int, list[RetailLine]]],
    products: Mapping[str, int],
    *,
    set_based_keys: tuple[bool, bool],
) -> None:
    """COPY the new orders (ids drawn first), then every line, in the ORM path's order.

    The ORM path inserts the lines of orders an earlier batch saved, then the new orders'
    lines, order by order; the new orders' ids are drawn from their sequence in file
    order, as its INSERT draws them. set_based_keys (orders, lines): the new orders' key
    is checked once for the batch's set of clients, the lines' for its orders and
    products, instead of by a trigger per row at COMMIT (key_checks).
    """
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        ids: list[int] = []
        orders_keys, lines_keys = set_based_keys
        if orders:
            cursor.execute(_ORDER_IDS, [Order._meta.db_table, len(orders)])
            ids = [row[0] for row in cursor.fetchall()]
            columns = ", ".join(_ORDER_COLUMNS)
            # Order.public_id's default is uuid4(): UUID(bytes=os.urandom(16), version=4).
            # The same, with the batch's random bytes drawn in one call (a system call
            # each cost more than the rest of the row).
            randoms = os.urandom(16 * len(orders))
            clients: dict[type[Model], set[int]] = {Client: {order[1] for order in orders}}
            with (
                rows_checked_as_a_set(cursor, Order, _ORDER_COLUMNS, clients, allowed=orders_keys),
                raw.copy(f"COPY {Order._meta.db_table} ({columns}) FROM STDIN") as copy,
            ):
                for at, (order_id, (ref, client_id, placed_at, total)) in enumerate(
                    zip(ids, orders, strict=True)
                ):
                    public_id = uuid.UUID(bytes=randoms[16 * at : 16 * at + 16], version=4)
                    copy.write_row(
                        _order_row(order_id, public_id, ref, client_id, placed_at, total)
                    )
        text, used, count = _lines_text([*added, *zip(ids, new_items, strict=True)], products)
        keys = {Order: {*ids, *(order_id for order_id, _ in added)}, Product: used}
        columns = ", ".join(_LINE_COLUMNS)
        with (
            rows_checked_as_a_set(cursor, OrderLine, _LINE_COLUMNS, keys, allowed=lines_keys),
            raw.copy(f"COPY {OrderLine._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for chunk in text:
                copy.write(chunk)
        _analyze_if_grown(cursor, count)


def _order_row(
    order_id: int, public_id: uuid.UUID, ref: str, client_id: int, placed_at: Any, total: Decimal
) -> tuple[Any, ...]:
    """A new completed online order, as the ORM path's Order(...) would save it."""
    return (
        order_id,
        public_id,
        client_id,
        OrderChannel.ONLINE.value,
        placed_at,
        OrderStatus.COMPLETED.value,
        RETAIL_CURRENCY,
        total,
        ref,
    )


def _lines_text(
    orders: list[tuple[int, list[RetailLine]]], products: Mapping[str, int]
) -> tuple[list[str], set[int], int]:
    """COPY text of the lines (chunks), the products they point at, and how many there are.

    Whole numbers and Decimals only: COPY's text format needs no escaping for them. Each
    distinct price is turned into text once (a few hundred, on 400,000 lines).
    """
    prices: dict[Decimal, str] = {}
    used: set[int] = set()
    chunks: list[str] = []
    part: list[str] = []
    count = 0
    for order_id, items in orders:
        for item in items:
            product_id = products[item.stock_code]
            used.add(product_id)
            price = prices.get(item.unit_price)
            if price is None:
                price = prices[item.unit_price] = str(item.unit_price)
            part.append(f"{order_id}\t{product_id}\t{item.quantity}\t{price}\n")
        if len(part) >= _COPY_CHUNK:
            chunks.append("".join(part))
            count += len(part)
            part = []
    if part:
        chunks.append("".join(part))
        count += len(part)
    return chunks, used, count


def _analyze_if_grown(cursor: Any, added: int) -> None:
    """Refresh the planner's statistics when a batch grew the lines by half or more.

    A large import outruns autovacuum: with the statistics of a nearly empty table the
    planner walks every order of every client for the cancellations' query (seconds per
    batch); statistics half the table's size plan as well, and ANALYZE of the two tables
    costs up to a few hundred milliseconds, so it runs only a few times per import.
    """
    cursor.execute(
        "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [OrderLine._meta.db_table]
    )
    row = cursor.fetchone()
    known = max(float(row[0]) if row else 0.0, 0.0)  # -1: never analysed
    if added > 0.5 * known:
        cursor.execute(f"ANALYZE {Order._meta.db_table}, {OrderLine._meta.db_table}")


def _earlier_purchases_by_pair(
    todo: list[Group], clients: Mapping[str, int], products: Mapping[str, int]
) -> cancellations.Candidates:
    """Completed purchase lines the batch's cancellations may take from, newest first.

    The same lines the ORM query finds for these cancellations (only the pairs they name
    can match), fetched without the lines of other products the same clients bought.
    """
    pairs = {
        (clients[group.items[0].customer], products[item.stock_code])
        for group in todo
        if group.items[0].customer in clients
        for item in group.items
        if item.stock_code in products
    }
    candidates: dict[tuple[int, int], list[cancellations.PurchaseLine]] = defaultdict(list)
    if not pairs:
        return candidates
    latest = max(item.placed_at for group in todo for item in group.items)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_PAIRS} "
            "(client_id bigint, product_id bigint)"
        )
        cursor.execute(f"TRUNCATE {STAGE_PAIRS}")
        with cursor.cursor.copy(f"COPY {STAGE_PAIRS} (client_id, product_id) FROM STDIN") as copy:
            for pair in sorted(pairs):
                copy.write_row(pair)
        cursor.execute(f"ANALYZE {STAGE_PAIRS}")
        cursor.execute(_EARLIER_PURCHASES, [OrderStatus.COMPLETED.value, latest])
        for row in cursor.fetchall():
            purchase = dict(zip(cancellations.PURCHASE_KEYS, row, strict=True))
            candidates[(purchase["order__client_id"], purchase["product_id"])].append(purchase)
    return candidates


def _update_lines(moved_whole: list[OrderLine], reduced: list[OrderLine]) -> None:
    """The cancellations' line changes in one UPDATE (what lines_bulk_update saves)."""
    rows: list[tuple[int, int | None, int]] = [
        (line.pk, line.order_id, line.quantity) for line in moved_whole
    ]
    rows += [(line.pk, None, line.quantity) for line in reduced]
    if not rows:
        return
    ids, order_ids, quantities = (list(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_LINES, [ids, order_ids, quantities])
