"""The atelier orders importer: each order's lines checked together, then saved in bulk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from catalog.models import Product, Variant
from clients.identities import identity_lookup_hash
from clients.imports.parsers.cells import Boutiques
from clients.imports.parsers.columns import ORDER_COLUMNS
from clients.imports.parsers.orders import OrderLineInput, parse_order_line
from clients.imports.report import RowRejected
from clients.imports.writers.batch import BatchOutcome, Group
from clients.imports.writers.shared_steps import (
    KIND_WORDS,
    OrdersToSave,
    clients_by_lookup_hash,
    order_already_imported,
    row_by_column,
)
from clients.models import Order, OrderLine, OrderStatus


@dataclass(frozen=True)
class BatchKeys:
    """Every key one batch names, resolved in four queries."""

    orders: Mapping[str, tuple[int, int]]  # external ref -> (order id, client id)
    clients: Mapping[str, int]  # lookup hash -> client id
    products: Mapping[str, int]  # style code -> product id
    variants: Mapping[str, tuple[int, int]]  # sku -> (variant id, product id)

    @classmethod
    def load(cls, groups: Sequence[Group]) -> BatchKeys:
        items: list[OrderLineInput] = [item for group in groups for item in group.items]
        orders = {
            ref: (order_id, client_id)
            for ref, order_id, client_id in Order.objects.filter(
                external_ref__in=[group.key for group in groups]
            ).values_list("external_ref", "pk", "client_id")
            if ref  # never None: matched by one of the batch's refs
        }
        clients = clients_by_lookup_hash(
            identity_lookup_hash(item.client_kind, item.client_value) for item in items
        )
        codes = {item.style_code for item in items if item.style_code}
        skus = {item.sku for item in items if item.sku}
        products = dict(
            Product.objects.filter(style_code__in=codes).values_list("style_code", "pk")
        )
        variants = {
            sku: (variant_id, product_id)
            for sku, variant_id, product_id in Variant.objects.filter(sku__in=skus).values_list(
                "sku", "pk", "product_id"
            )
        }
        return cls(orders=orders, clients=clients, products=products, variants=variants)


class OrdersImporter:
    spec = ORDER_COLUMNS
    primary_entity = "order_lines"

    def __init__(self, *, boutiques: Boutiques, default_channel: str = "") -> None:
        self.boutiques = boutiques
        # --source pos|ecommerce|phone: the channel of every line, the column optional
        self.default_channel = default_channel
        if default_channel:
            self.spec = replace(
                ORDER_COLUMNS,
                required=tuple(c for c in ORDER_COLUMNS.required if c != "channel"),
                optional=(*ORDER_COLUMNS.optional, "channel"),
            )
        self.header: list[str] = []
        self.created_refs: set[str] = set()
        self.bad_refs: dict[str, int] = {}  # ref -> the first line rejected while parsing

    def start(self, header: Sequence[str], positions: Mapping[str, int]) -> None:
        self.header = list(header)

    def prepare(self, line: int, values: list[str]) -> tuple[str, OrderLineInput]:
        row = row_by_column(self.header, values)
        if self.default_channel:
            given = row.get("channel", "").strip().lower()
            if given and given != self.default_channel:
                raise RowRejected(
                    "bad_channel",
                    f"This file comes from a {self.default_channel} system, but the line says "
                    f"channel {given}.",
                    given,
                )
            row = {**row, "channel": self.default_channel}
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
        groups = [group for group in groups if self._whole(group, outcome)]
        keys = BatchKeys.load(groups)
        to_save = OrdersToSave()
        for group in groups:
            if not order_already_imported(group, keys.orders, self.created_refs, outcome):
                self._write_order(group, keys, to_save, outcome)
        to_save.save()
        return outcome

    def _write_order(
        self, group: Group, keys: BatchKeys, to_save: OrdersToSave, outcome: BatchOutcome
    ) -> None:
        """One order: a new Order with its lines, or more lines for one this run created."""
        first: OrderLineInput = group.items[0]
        client_id = keys.clients.get(identity_lookup_hash(first.client_kind, first.client_value))
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
            return
        lines = self._order_lines(group, keys, outcome)
        if lines is None:
            return
        if group.key in keys.orders:  # created earlier in this run: more lines for it
            order_id, order_client = keys.orders[group.key]
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
                return
            to_save.more_lines(order_id, lines)
            outcome.count("orders", "updated")
        else:
            to_save.new_order(_new_order(first, client_id, group.key, lines), lines)
            outcome.count("orders", "created")
            outcome.created_refs.add(group.key)
        outcome.touched_clients.add(client_id)
        outcome.count("order_lines", "created", len(lines))
        outcome.accepted += len(lines)

    def _order_lines(
        self, group: Group, keys: BatchKeys, outcome: BatchOutcome
    ) -> list[OrderLine] | None:
        """The order's lines, or None if one names an unknown product (the order is rejected)."""
        lines: list[OrderLine] = []
        for item in group.items:
            try:
                product_id, variant_id = self._product(item, keys.products, keys.variants)
            except RowRejected as exc:
                self._reject_group(group, outcome, exc, culprit=item.line)
                return None
            lines.append(
                OrderLine(
                    product_id=product_id,
                    variant_id=variant_id,
                    quantity=item.quantity,
                    unit_price=item.unit_price,
                )
            )
        return lines

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


def _new_order(first: OrderLineInput, client_id: int, ref: str, lines: list[OrderLine]) -> Order:
    """A completed order from its first line, totalling its lines."""
    order = Order(
        client_id=client_id,
        channel=first.channel,
        boutique_id=first.boutique_id,
        placed_at=first.placed_at,
        currency=first.currency,
        external_ref=ref,
        status=OrderStatus.COMPLETED,
        total=sum((line.unit_price * line.quantity for line in lines), Decimal("0")),
    )
    order.clean_fields(exclude=["client", "boutique", "credited_stylist"])
    return order
