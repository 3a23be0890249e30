"""The Online Retail importer's PostgreSQL fast path: purchases COPYed to staging, set-based.

RetailImporter writes a batch's purchase invoices as Order and OrderLine model
instances (bulk_create). On PostgreSQL, CopyRetailImporter does the same work
without a model instance per line: the batch's new orders and every line are
COPYed (psycopg's binary-free text COPY) into two temporary staging tables, and
two INSERT ... SELECT statements write them, in the same order and with the same
values as the ORM path (ids assigned in file order, totals the sum of the lines,
a random public_id per order). Everything else — clients and their encrypted
identities, products, cancellations, counts, rejections, the purchases_recorded
signal, the totals of orders grown across batches — is RetailImporter's own
code, so both paths store the same rows (tests/imports/test_retail_fast_path.py).

The cancellations' search for earlier purchases is also set-based here: it asks
for the exact (client, product) pairs the batch cancels, instead of every
client's lines of every product in the batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db import connection

from clients.imports.parsers.online_retail import RETAIL_CURRENCY
from clients.imports.writers import online_retail_cancellations as cancellations
from clients.imports.writers.batch import BatchOutcome, Group
from clients.imports.writers.online_retail import RetailImporter
from clients.imports.writers.shared_steps import order_already_imported, orders_total_refresh
from clients.models import Order, OrderChannel, OrderLine, OrderStatus
from clients.signals import purchases_recorded

STAGE_ORDERS = "atelier_import_stage_orders"
STAGE_LINES = "atelier_import_stage_lines"
_STAGING = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_ORDERS} "
    "(seq integer, external_ref text, client_id bigint, placed_at timestamptz)",
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_LINES} (seq integer, order_id bigint, "
    "external_ref text, product_id bigint, quantity integer, unit_price numeric(12, 2))",
    f"TRUNCATE {STAGE_ORDERS}, {STAGE_LINES}",
)
# New orders in the order read; each total is the sum of its lines, as the ORM path adds them.
_INSERT_ORDERS = f"""
INSERT INTO {Order._meta.db_table}
    (public_id, client_id, channel, boutique_id, credited_stylist_id, placed_at, status,
     currency, total, external_ref)
SELECT gen_random_uuid(), s.client_id, %s, NULL, NULL, s.placed_at, %s, %s,
       COALESCE(t.total, 0), s.external_ref
FROM {STAGE_ORDERS} s
LEFT JOIN (SELECT external_ref, SUM(quantity * unit_price) AS total FROM {STAGE_LINES}
           WHERE external_ref IS NOT NULL GROUP BY external_ref) t
       ON t.external_ref = s.external_ref
ORDER BY s.seq
"""  # noqa: S608  (table names are constants)
# Every line, in the order the ORM path inserts them: lines of orders saved by an earlier
# batch first, then the new orders' lines, order by order.
_INSERT_LINES = f"""
INSERT INTO {OrderLine._meta.db_table} (order_id, product_id, variant_id, quantity, unit_price)
SELECT COALESCE(l.order_id, o.id), l.product_id, NULL, l.quantity, l.unit_price
FROM {STAGE_LINES} l
LEFT JOIN {Order._meta.db_table} o ON l.order_id IS NULL AND o.external_ref = l.external_ref
ORDER BY l.seq
"""  # noqa: S608
# Completed purchase lines of exactly the (client, product) pairs a batch cancels, newest first.
_EARLIER_PURCHASES = f"""
SELECT l.id, l.order_id, o.client_id, l.product_id, l.quantity, l.unit_price, l.variant_id,
       o.placed_at
FROM {OrderLine._meta.db_table} l
JOIN {Order._meta.db_table} o ON o.id = l.order_id
JOIN (SELECT DISTINCT * FROM unnest(%s::bigint[], %s::bigint[]) AS p(client_id, product_id)) p
  ON p.client_id = o.client_id AND p.product_id = l.product_id
WHERE o.status = %s AND o.placed_at <= %s
ORDER BY o.placed_at DESC, l.id DESC
"""  # noqa: S608
_PURCHASE_KEYS = (
    "pk",
    "order_id",
    "order__client_id",
    "product_id",
    "quantity",
    "unit_price",
    "variant_id",
    "order__placed_at",
)


def fast_path_available() -> bool:
    """The COPY path needs PostgreSQL (COPY, temporary tables, gen_random_uuid)."""
    return connection.vendor == "postgresql"


class CopyRetailImporter(RetailImporter):
    """RetailImporter whose purchases go through COPY and set-based INSERTs (PostgreSQL)."""

    def earlier_purchases(
        self, todo: list[Group], clients: Mapping[str, int], products: Mapping[str, int]
    ) -> cancellations.Candidates:
        return _earlier_purchases_by_pair(todo, clients, products)

    def _purchases(
        self,
        groups: list[Group],
        clients: Mapping[str, int],
        products: Mapping[str, int],
        existing: Mapping[str, int],
        outcome: BatchOutcome,
    ) -> None:
        """Each purchase invoice becomes a completed online order (or more lines for one)."""
        new_orders: list[tuple[Any, ...]] = []
        added_lines: list[tuple[Any, ...]] = []  # lines of orders an earlier batch saved
        new_lines: list[tuple[Any, ...]] = []
        added_to: set[int] = set()
        buyers: set[int] = set()
        for group in groups:
            if order_already_imported(group, existing, self.created_refs, outcome):
                continue
            first = group.items[0]
            client_id = clients[first.customer]
            order_id = existing.get(group.key)
            if order_id is not None:  # an invoice split across batches: its later lines
                target, ref = added_lines, None
                added_to.add(order_id)
                outcome.count("orders", "updated")
            else:
                target, ref = new_lines, group.key
                new_orders.append((len(new_orders), ref, client_id, first.placed_at))
                buyers.add(client_id)
                outcome.count("orders", "created")
                outcome.created_refs.add(group.key)
            target.extend(
                (order_id, ref, products[item.stock_code], item.quantity, item.unit_price)
                for item in group.items
            )
            outcome.touched_clients.add(client_id)
            outcome.count("order_lines", "created", len(group.items))
            outcome.accepted += len(group.items)
        if new_orders or added_lines:
            _save(new_orders, added_lines + new_lines)
        if new_orders:
            purchases_recorded.send(sender=Order, client_ids=buyers)
        orders_total_refresh(added_to)


def _save(orders: list[tuple[Any, ...]], lines: list[tuple[Any, ...]]) -> None:
    """COPY the batch's new orders and all its lines to staging, then insert them set-based."""
    with connection.cursor() as cursor:
        for statement in _STAGING:
            cursor.execute(statement)
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        columns = "(seq, external_ref, client_id, placed_at)"
        with raw.copy(f"COPY {STAGE_ORDERS} {columns} FROM STDIN") as copy:
            for row in orders:
                copy.write_row(row)
        columns = "(seq, order_id, external_ref, product_id, quantity, unit_price)"
        with raw.copy(f"COPY {STAGE_LINES} {columns} FROM STDIN") as copy:
            for seq, line in enumerate(lines):
                copy.write_row((seq, *line))
        cursor.execute(f"ANALYZE {STAGE_ORDERS}, {STAGE_LINES}")  # temporary: no autovacuum
        if orders:
            cursor.execute(
                _INSERT_ORDERS,
                [OrderChannel.ONLINE.value, OrderStatus.COMPLETED.value, RETAIL_CURRENCY],
            )
        cursor.execute(_INSERT_LINES)


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
    client_ids, product_ids = zip(*sorted(pairs), strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            _EARLIER_PURCHASES,
            [list(client_ids), list(product_ids), OrderStatus.COMPLETED.value, latest],
        )
        for row in cursor.fetchall():
            purchase = dict(zip(_PURCHASE_KEYS, row, strict=True))
            candidates[(purchase["order__client_id"], purchase["product_id"])].append(purchase)
    return candidates
