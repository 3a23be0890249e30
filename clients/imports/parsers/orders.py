"""Parse one atelier order row (one line of an order) into an OrderLineInput."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from clients.imports.parsers.cells import (
    Boutiques,
    identity_value,
    parse_currency,
    parse_datetime,
    parse_price,
    parse_quantity,
    text_value,
)
from clients.imports.report import RowRejected
from clients.models import IdentityKind, OrderChannel


@dataclass(frozen=True, slots=True)
class OrderLineInput:
    line: int
    external_ref: str
    client_kind: str
    client_value: str
    placed_at: dt.datetime
    channel: str
    boutique_id: int | None
    style_code: str
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str

    @property
    def order_key(self) -> tuple[object, ...]:
        """What every line of one order must share."""
        return (
            self.client_kind,
            self.client_value,
            self.placed_at,
            self.channel,
            self.boutique_id,
            self.currency,
        )


def parse_order_line(line: int, row: Mapping[str, str], *, boutiques: Boutiques) -> OrderLineInput:
    """One atelier order row as an OrderLineInput, or RowRejected."""
    ref = text_value(
        row.get("external_ref", ""), column="external_ref", max_length=64, required=True
    )
    email = identity_value(IdentityKind.EMAIL, row.get("client_email", ""), column="client_email")
    loyalty = identity_value(
        IdentityKind.LOYALTY, row.get("client_loyalty_id", ""), column="client_loyalty_id"
    )
    if not (email or loyalty):
        raise RowRejected(
            "no_client", "The line names no client (client_email or client_loyalty_id).", ref
        )
    channel = row.get("channel", "").strip().lower()
    if channel not in OrderChannel.values:
        raise RowRejected(
            "bad_channel", "channel must be boutique, online or phone.", row.get("channel", "")
        )
    boutique_id: int | None = None
    tz = str(settings.TIME_ZONE)
    if row.get("boutique", "").strip():
        boutique_id, tz = boutiques.get(row["boutique"], column="boutique")
    elif channel == OrderChannel.BOUTIQUE:
        raise RowRejected("boutique_required", "A boutique order needs the boutique's code.", ref)
    placed_at = parse_datetime(row.get("placed_at", ""), column="placed_at", tz=tz)
    style_code = text_value(row.get("style_code", ""), column="style_code", max_length=32)
    sku = text_value(row.get("sku", ""), column="sku", max_length=40)
    if not (style_code or sku):
        raise RowRejected("no_product", "The line names no product (style_code or sku).", ref)
    return OrderLineInput(
        line=line,
        external_ref=ref,
        client_kind=IdentityKind.EMAIL.value if email else IdentityKind.LOYALTY.value,
        client_value=email or loyalty,
        placed_at=placed_at,
        channel=channel,
        boutique_id=boutique_id,
        style_code=style_code,
        sku=sku,
        quantity=parse_quantity(row.get("quantity", "")),
        unit_price=parse_price(row.get("unit_price", "")),
        currency=parse_currency(row.get("currency", "")),
    )
