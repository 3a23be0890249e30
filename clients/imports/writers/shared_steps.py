"""Set-based writes several importers share: find and insert clients, save orders and totals."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, Model, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from clients.imports.writers.batch import BatchOutcome, CreatedHook, Group
from clients.models import Client, Identity, Order, OrderLine, OrderStatus
from clients.services import identity_build
from clients.signals import purchases_recorded
from core.copy_insert import copy_create
from core.lookups import AnyOf

IMPORT_SOURCE = "import"
KIND_WORDS = {"email": "e-mail", "phone": "phone", "loyalty": "loyalty id", "pos": "till id"}

_LINE_TOTAL: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def row_by_column(header: Sequence[str], values: list[str]) -> dict[str, str]:
    """One record as column name -> raw text (unnamed columns left out)."""
    return {name: value for name, value in zip(header, values, strict=False) if name}


def clients_by_lookup_hash(hashes: Iterable[str]) -> dict[str, int]:
    """lookup hash -> client id, for the hashes some client already has (one query)."""
    wanted = list(set(hashes))
    if not wanted:
        return {}
    return dict(
        Identity.objects.filter(AnyOf(F("lookup_hash"), wanted))
        .order_by()
        .values_list("lookup_hash", "client_id")
    )


def clients_bulk_create(
    clients: list[Client],
    identities: list[list[tuple[str, str]]],
    on_created: CreatedHook | None,
    *,
    by_copy: bool = False,
) -> list[int]:
    """Insert new clients and their (primary) identities; run the creation hook.

    by_copy: with COPY (core.copy_insert, PostgreSQL), the same rows as bulk_create.
    """
    for client in clients:
        client.clean_fields(exclude=["home_boutique", "user"])
    _insert(clients, by_copy)
    rows = [
        identity_build(client=client, kind=kind, value=value, source=IMPORT_SOURCE, is_primary=True)
        for client, pairs in zip(clients, identities, strict=True)
        for kind, value in pairs
    ]
    _insert(rows, by_copy)
    ids = [client.pk for client in clients]
    if on_created is not None and ids:
        on_created(ids)
    return ids


def insert_rows(objs: Sequence[Model], *, by_copy: bool) -> None:
    """New rows of one model: bulk_create, or COPY with the same values (copy_create)."""
    _insert(objs, by_copy)


def _insert(objs: Sequence[Model], by_copy: bool) -> None:
    if not objs:
        return
    if by_copy:
        copy_create(objs)
    else:
        type(objs[0])._default_manager.bulk_create(objs, batch_size=1000)


def orders_total_refresh(order_ids: Iterable[int]) -> None:
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
    Order.objects.filter(AnyOf(F("pk"), ids)).update(
        total=Coalesce(Subquery(per_order), Value(Decimal("0")), output_field=_LINE_TOTAL)
    )


def order_already_imported(
    group: Group, saved_refs: Container[str], created_refs: set[str], outcome: BatchOutcome
) -> bool:
    """An order saved by an earlier run is skipped whole (one created earlier in this run is not).

    Counts the skip; False means the group is to be written.
    """
    if group.key in saved_refs and group.key not in created_refs:
        outcome.count("orders", "skipped")
        outcome.count("order_lines", "skipped", len(group.items))
        outcome.skipped += len(group.items)
        return True
    return False


@dataclass
class OrdersToSave:
    """The orders and lines one batch inserts at its end, in the order they were read."""

    new_orders: list[tuple[Order, list[OrderLine]]] = field(default_factory=list)
    added_lines: list[OrderLine] = field(default_factory=list)  # for orders already saved
    added_to: set[int] = field(default_factory=set)  # those orders, whose totals change

    def new_order(self, order: Order, lines: list[OrderLine]) -> None:
        self.new_orders.append((order, lines))

    def more_lines(self, order_id: int, lines: list[OrderLine]) -> None:
        """Lines of an order a previous batch saved (an order split across batches)."""
        for order_line in lines:
            order_line.order_id = order_id
        self.added_lines.extend(lines)
        self.added_to.add(order_id)

    def save(self) -> None:
        """Bulk insert the new orders, then every line; refresh the totals of grown orders."""
        lines = self.added_lines
        if self.new_orders:
            Order.objects.bulk_create([order for order, _ in self.new_orders], batch_size=1000)
            purchases_recorded.send(
                sender=Order,
                client_ids={
                    order.client_id
                    for order, _ in self.new_orders
                    if order.status == OrderStatus.COMPLETED
                },
            )
            for order, order_lines in self.new_orders:
                for order_line in order_lines:
                    order_line.order_id = order.pk
                lines.extend(order_lines)
        if lines:
            OrderLine.objects.bulk_create(lines, batch_size=2000)
        orders_total_refresh(self.added_to)
