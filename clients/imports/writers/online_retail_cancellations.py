"""Online Retail cancellation (C) invoices: their units taken off the client's earlier purchases.

Newest purchase first: a line whose units are all cancelled moves to the
cancellation order (status cancelled, external_ref = the C invoice); a line
partly cancelled keeps the rest and the cancelled units move as a new line at
the original price. An order left with no line is marked cancelled. So every
unit sits on exactly one order, completed orders add up to what was kept, and
nothing is negative. A C invoice already recorded is skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, cast

from django.db.models import Exists, F, OuterRef

from clients.imports.parsers.online_retail import RETAIL_CURRENCY, RetailLine
from clients.imports.report import RowRejected
from clients.imports.writers.batch import BatchOutcome, Group
from clients.imports.writers.shared_steps import insert_rows, orders_total_refresh
from clients.models import Order, OrderChannel, OrderLine, OrderStatus
from core.lookups import AnyOf

# An earlier purchase line, as OrderLine.values(): pk, order_id, order__client_id,
# product_id, quantity, unit_price, variant_id, order__placed_at.
PurchaseLine = dict[str, Any]
Candidates = Mapping[tuple[int, int], list[PurchaseLine]]  # (client id, product id) -> lines
# (lines moved whole: new order and quantity; lines reduced: new quantity) -> saved
UpdateLines = Callable[[list[OrderLine], list[OrderLine]], None]
FindEarlier = Callable[[list[Group], Mapping[str, int], Mapping[str, int]], Candidates]


@dataclass(frozen=True)
class CancellationPlan:
    """One C invoice: its client, and the units it takes from each earlier purchase line."""

    group: Group
    client_id: int
    moves: list[tuple[PurchaseLine, int]]  # (purchase line, units cancelled from it)


# What a cancellation reads of an earlier purchase (the COPY path reads the same).
PURCHASE_KEYS = (
    "pk",
    "order_id",
    "order__client_id",
    "product_id",
    "quantity",
    "unit_price",
    "variant_id",
    "order__placed_at",
)


class Take(NamedTuple):
    """Units one cancellation order takes from one purchase line."""

    purchase: PurchaseLine
    units: int
    cancellation_order_id: int


def cancel_invoices(
    groups: list[Group],
    *,
    clients: Mapping[str, int],
    products: Mapping[str, int],
    existing: Mapping[str, int],
    created_refs: set[str],
    outcome: BatchOutcome,
    find_earlier: FindEarlier | None = None,
    update_lines: UpdateLines | None = None,
    by_copy: bool = False,
) -> None:
    """Record a batch's C invoices: match their units to purchases, then move the lines.

    find_earlier: how the purchases they may take from are read (earlier_purchases,
    or the PostgreSQL fast path's query by exact pairs; both return the same lines);
    update_lines: how moved and reduced purchase lines are saved (lines_bulk_update, or
    the fast path's set-based UPDATE); by_copy: the cancellation orders and the lines
    split off are inserted by COPY (shared_steps.insert_rows), not bulk_create.
    """
    todo = _not_yet_recorded(groups, existing, created_refs, outcome)
    if not todo:
        return
    candidates = (find_earlier or earlier_purchases)(todo, clients, products)
    plans = _match_units(todo, clients, products, candidates, outcome)
    if plans:
        _apply(plans, existing, outcome, update_lines or lines_bulk_update, by_copy=by_copy)


def _not_yet_recorded(
    groups: list[Group],
    existing: Mapping[str, int],
    created_refs: set[str],
    outcome: BatchOutcome,
) -> list[Group]:
    """The C invoices no earlier run recorded (those are counted skipped)."""
    todo: list[Group] = []
    for group in groups:
        if group.key in existing and group.key not in created_refs:
            outcome.count("cancellations", "skipped")
            outcome.skipped += len(group.items)
        else:
            todo.append(group)
    return todo


def earlier_purchases(
    todo: list[Group], clients: Mapping[str, int], products: Mapping[str, int]
) -> Candidates:
    """Completed purchase lines the batch's cancellations may take from, newest first."""
    client_ids = {
        clients[group.items[0].customer] for group in todo if group.items[0].customer in clients
    }
    product_ids = {
        products[item.stock_code]
        for group in todo
        for item in group.items
        if item.stock_code in products
    }
    latest = max(item.placed_at for group in todo for item in group.items)
    candidates: dict[tuple[int, int], list[PurchaseLine]] = defaultdict(list)
    if client_ids and product_ids:
        rows = (
            OrderLine.objects.filter(
                order__client_id__in=client_ids,
                product_id__in=product_ids,
                order__status=OrderStatus.COMPLETED,
                order__placed_at__lte=latest,
            )
            .order_by("-order__placed_at", "-pk")
            .values(*PURCHASE_KEYS)
        )
        for row in rows:
            candidates[(row["order__client_id"], row["product_id"])].append(cast(PurchaseLine, row))
    return candidates


def _match_units(
    todo: list[Group],
    clients: Mapping[str, int],
    products: Mapping[str, int],
    candidates: Candidates,
    outcome: BatchOutcome,
) -> list[CancellationPlan]:
    """Which purchase lines give back each cancelled unit; a line matching nothing is rejected."""
    taken: dict[int, int] = defaultdict(int)  # purchase line id -> units cancelled in this batch
    plans: list[CancellationPlan] = []
    for group in todo:
        client_id = clients.get(group.items[0].customer)
        moves: list[tuple[PurchaseLine, int]] = []
        for item in group.items:
            product_id = products.get(item.stock_code)
            remaining = item.quantity
            if client_id is not None and product_id is not None:
                purchases = candidates.get((client_id, product_id), [])
                remaining = _take_units(item, purchases, taken, moves)
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
            plans.append(CancellationPlan(group=group, client_id=client_id, moves=moves))
    return plans


def _take_units(
    item: RetailLine,
    purchases: list[PurchaseLine],
    taken: dict[int, int],
    moves: list[tuple[PurchaseLine, int]],
) -> int:
    """Take the item's units from purchases made before it, newest first; the units left over."""
    remaining = item.quantity
    for purchase in purchases:
        if remaining == 0:
            break
        if purchase["order__placed_at"] > item.placed_at:
            continue
        available = purchase["quantity"] - taken[purchase["pk"]]
        if available <= 0:
            continue
        units = min(available, remaining)
        taken[purchase["pk"]] += units
        moves.append((purchase, units))
        remaining -= units
    return remaining


def lines_bulk_update(moved_whole: list[OrderLine], reduced: list[OrderLine]) -> None:
    """Save the purchase lines a batch's cancellations moved or reduced (the ORM's way)."""
    if moved_whole:
        OrderLine.objects.bulk_update(moved_whole, ["order", "quantity"], batch_size=1000)
    if reduced:
        OrderLine.objects.bulk_update(reduced, ["quantity"], batch_size=1000)


def _apply(
    plans: list[CancellationPlan],
    existing: Mapping[str, int],
    outcome: BatchOutcome,
    update_lines: UpdateLines,
    *,
    by_copy: bool,
) -> None:
    """Create the cancellation orders, move the units onto them, fix totals and statuses."""
    order_ids = _cancellation_orders(plans, existing, outcome, by_copy=by_copy)
    takes_by_line: dict[int, list[Take]] = defaultdict(list)  # purchase line id -> takes
    for plan in plans:
        outcome.touched_clients.add(plan.client_id)
        for purchase, units in plan.moves:
            takes_by_line[purchase["pk"]].append(Take(purchase, units, order_ids[plan.group.key]))
    originals = _move_units(takes_by_line, outcome, update_lines, by_copy=by_copy)
    orders_total_refresh(originals | {order_ids[plan.group.key] for plan in plans})
    lines = OrderLine.objects.filter(order_id=OuterRef("pk"))
    Order.objects.filter(AnyOf(F("pk"), originals), status=OrderStatus.COMPLETED).exclude(
        Exists(lines)
    ).update(status=OrderStatus.CANCELLED)


def _cancellation_orders(
    plans: list[CancellationPlan],
    existing: Mapping[str, int],
    outcome: BatchOutcome,
    *,
    by_copy: bool,
) -> dict[str, int]:
    """C invoice -> its (cancelled) order id, creating those not saved by an earlier batch."""
    new_orders = [
        Order(
            client_id=plan.client_id,
            channel=OrderChannel.ONLINE,
            placed_at=plan.group.items[0].placed_at,
            currency=RETAIL_CURRENCY,
            external_ref=plan.group.key,
            status=OrderStatus.CANCELLED,
            total=Decimal("0"),
        )
        for plan in plans
        if plan.group.key not in existing
    ]
    insert_rows(new_orders, by_copy=by_copy)
    order_ids: dict[str, int] = dict(existing)
    order_ids.update({order.external_ref: order.pk for order in new_orders if order.external_ref})
    outcome.count("cancellations", "created", len(new_orders))
    outcome.created_refs.update(order.external_ref for order in new_orders if order.external_ref)
    return order_ids


def _move_units(
    takes_by_line: dict[int, list[Take]],
    outcome: BatchOutcome,
    update_lines: UpdateLines,
    *,
    by_copy: bool,
) -> set[int]:
    """Move cancelled units onto the cancellation orders; the ids of the purchase orders hit.

    A purchase line cancelled whole moves itself to the first cancellation that
    takes from it; a line cancelled in part keeps the rest. Every other take
    becomes a new line at the original price.
    """
    moved_whole: list[OrderLine] = []
    reduced: list[OrderLine] = []
    split_off: list[OrderLine] = []
    originals: set[int] = set()
    for line_id, takes in takes_by_line.items():
        purchase = takes[0].purchase
        originals.add(purchase["order_id"])
        units_taken = sum(take.units for take in takes)
        rest = takes
        if units_taken >= purchase["quantity"]:  # the line itself moves, to the first taker
            first = takes[0]
            moved_whole.append(
                OrderLine(pk=line_id, order_id=first.cancellation_order_id, quantity=first.units)
            )
            rest = takes[1:]
        else:
            reduced.append(OrderLine(pk=line_id, quantity=purchase["quantity"] - units_taken))
        split_off.extend(
            OrderLine(
                order_id=take.cancellation_order_id,
                product_id=purchase["product_id"],
                variant_id=purchase["variant_id"],
                quantity=take.units,
                unit_price=purchase["unit_price"],
            )
            for take in rest
        )
    update_lines(moved_whole, reduced)
    insert_rows(split_off, by_copy=by_copy)
    outcome.count("order_lines", "updated", len(moved_whole) + len(reduced))
    outcome.count("orders", "updated", len(originals))
    return originals
