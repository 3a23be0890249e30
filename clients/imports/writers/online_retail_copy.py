"""The Online Retail importer's PostgreSQL fast path: COPY and set-based SQL, no model per row.

RetailImporter writes a batch's purchase invoices as Order and OrderLine model
instances (bulk_create, about 400,000 for the full UCI file). On PostgreSQL,
CopyRetailImporter writes the same rows with COPY: the batch's new orders (their
public_id drawn as Order's default draws it, their total the sum of their lines as
the ORM path adds it), then their ids read back by external_ref, then every line,
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

import uuid
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import connection

from catalog.models import Product
from clients.imports.parsers.online_retail import RETAIL_CURRENCY
from clients.imports.writers import online_retail_cancellations as cancellations
from clients.imports.writers.batch import BatchOutcome, Group
from clients.imports.writers.key_checks import rows_checked_as_a_set, set_based_checks_allowed
from clients.imports.writers.online_retail import RetailImporter
from clients.imports.writers.shared_steps import order_already_imported, orders_total_refresh
from clients.models import Order, OrderChannel, OrderLine, OrderStatus
from clients.signals import purchases_recorded

STAGE_PAIRS = "atelier_import_stage_pairs"
_ORDER_COLUMNS = (
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

    _set_based_keys: bool | None = None

    def set_based_keys(self) -> bool:
        """Whether the lines' keys may be checked per batch (key_checks); asked once per run."""
        if self._set_based_keys is None:
            with connection.cursor() as cursor:
                self._set_based_keys = set_based_checks_allowed(cursor, OrderLine)
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
        new_orders: list[tuple[Any, ...]] = []
        new_lines: list[tuple[Any, ...]] = []  # (external_ref, product, quantity, price)
        added_lines: list[tuple[Any, ...]] = []  # (order id, ...): orders saved earlier
        added_to: set[int] = set()
        for group in groups:
            if order_already_imported(group, existing, self.created_refs, outcome):
                continue
            first = group.items[0]
            client_id = clients[first.customer]
            lines = [
                (products[item.stock_code], item.quantity, item.unit_price) for item in group.items
            ]
            order_id = existing.get(group.key)
            if order_id is not None:  # an invoice split across batches: its later lines
                added_lines.extend((order_id, *line) for line in lines)
                added_to.add(order_id)
                outcome.count("orders", "updated")
            else:
                total = sum((price * quantity for _, quantity, price in lines), Decimal("0"))
                new_orders.append(_order_row(group.key, client_id, first.placed_at, total))
                new_lines.extend((group.key, *line) for line in lines)
                outcome.count("orders", "created")
                outcome.created_refs.add(group.key)
            outcome.touched_clients.add(client_id)
            outcome.count("order_lines", "created", len(lines))
            outcome.accepted += len(lines)
        if new_orders or added_lines:
            _copy(new_orders, added_lines, new_lines, set_based_keys=self.set_based_keys())
        if new_orders:
            purchases_recorded.send(sender=Order, client_ids={row[1] for row in new_orders})
        orders_total_refresh(added_to)


def _order_row(ref: str, client_id: int, placed_at: Any, total: Decimal) -> tuple[Any, ...]:
    """A new completed online order, as the ORM path's Order(...) would save it."""
    return (
        uuid.uuid4(),  # Order.public_id's default
        client_id,
        OrderChannel.ONLINE.value,
        placed_at,
        OrderStatus.COMPLETED.value,
        RETAIL_CURRENCY,
        total,
        ref,
    )


def _copy(
    orders: list[tuple[Any, ...]],
    added_lines: list[tuple[Any, ...]],
    new_lines: list[tuple[Any, ...]],
    *,
    set_based_keys: bool,
) -> None:
    """COPY the new orders, read back their ids, COPY every line (in the ORM path's order).

    set_based_keys: the lines' foreign keys are checked once for the batch's set of
    orders and products instead of by a trigger per line (key_checks).
    """
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        ids: dict[str, int] = {}
        if orders:
            columns = ", ".join(_ORDER_COLUMNS)
            with raw.copy(f"COPY {Order._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in orders:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT external_ref, id FROM {Order._meta.db_table} "  # noqa: S608
                "WHERE external_ref = ANY(%s)",
                [[row[-1] for row in orders]],
            )
            ids = dict(cursor.fetchall())
        columns = ", ".join(_LINE_COLUMNS)
        # Whole numbers and Decimals only: COPY's text format needs no escaping for them.
        rows = [*added_lines, *((ids[ref], *rest) for ref, *rest in new_lines)]
        keys = {Order: {row[0] for row in rows}, Product: {row[1] for row in rows}}
        with (
            rows_checked_as_a_set(cursor, OrderLine, _LINE_COLUMNS, keys, allowed=set_based_keys),
            raw.copy(f"COPY {OrderLine._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for start in range(0, len(rows), _COPY_CHUNK):
                copy.write(
                    "".join(
                        f"{order_id}\t{product_id}\t{quantity}\t{price}\n"
                        for order_id, product_id, quantity, price in rows[
                            start : start + _COPY_CHUNK
                        ]
                    )
                )
        _analyze_if_grown(cursor, len(added_lines) + len(new_lines))


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
