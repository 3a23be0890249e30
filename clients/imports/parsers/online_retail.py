"""Parse one raw Online Retail line into a RetailLine: the shared cleaning rules, then ours."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clients.imports.parsers.cells import MAX_QUANTITY, identity_value, parse_price, text_value
from clients.imports.report import RowRejected
from clients.imports.retail_rules import ONLINE_RETAIL_COLUMNS, RetailRow, online_retail_row
from clients.models import IdentityKind

RETAIL_TIMEZONE = "Europe/London"  # the retailer's tills: InvoiceDate is UK local time
RETAIL_CURRENCY = "GBP"
RETAIL_REASONS: dict[str, tuple[str, str]] = {
    "malformed": (
        "malformed",
        "The line is short, or Quantity / UnitPrice is not a number.",
    ),
    "cancelled_invoice": ("cancelled_invoice", "A cancellation invoice."),
    "non_positive_quantity": (
        "stock_adjustment",
        "Quantity is zero or negative outside a cancellation (C) invoice: a stock adjustment, "
        "not a sale.",
    ),
    "missing_customer": (
        "missing_customer",
        "No CustomerID: the sale cannot be attached to a client.",
    ),
    "non_positive_price": (
        "zero_price",
        "UnitPrice is zero or negative: a free item, a fee or an adjustment, not a sale.",
    ),
    "non_product_code": (
        "non_product",
        "The StockCode is not a product (postage, carriage, fees, discounts, samples, "
        "manual entries or gift vouchers).",
    ),
}
_CANCEL_QUANTITY = (
    "cancellation_quantity",
    "A cancellation (C) invoice line must have a negative Quantity.",
)
# The field a rejection quotes, by the shared rule that dropped the line.
_REASON_COLUMN = {
    "cancelled_invoice": "InvoiceNo",
    "non_positive_quantity": "Quantity",
    "missing_customer": "InvoiceNo",
    "non_positive_price": "UnitPrice",
    "non_product_code": "StockCode",
}
WITHOUT_CUSTOMER_QUOTES = _REASON_COLUMN["missing_customer"]
_DATES_CACHED = 50_000


# Not frozen: a frozen dataclass costs three times as much to build, once per line
# of the file (the parser never changes one after building it).
@dataclass(slots=True)
class RetailLine:
    line: int
    invoice: str
    cancelled: bool
    customer: str  # the normalised POS identity
    country: str
    stock_code: str
    description: str
    quantity: int  # units, always positive (given back, for a cancellation)
    unit_price: Decimal
    placed_at: dt.datetime


class RetailParser:
    """Applies the shared Online Retail rules, then the import's own (whole units, dates)."""

    def __init__(self, header: Sequence[str]) -> None:
        canonical = {column.lower(): column for column in ONLINE_RETAIL_COLUMNS}
        self.positions = {canonical[name]: i for i, name in enumerate(header) if name in canonical}
        self.width = len(header)
        self._tz = zoneinfo.ZoneInfo(RETAIL_TIMEZONE)
        self._dates: dict[str, dt.datetime] = {}
        # The same few thousand prices, customers and descriptions recur on every line: each text is
        # read once (parse_price and identity_value are pure; a failure is not kept, so it
        # is raised again, the same, for each row).
        self._prices: dict[str, Decimal] = {}
        self._customers: dict[str, str] = {}
        self._descriptions: dict[str, str] = {}
        self._invoice: tuple[str, str] = ("", "")

    def parse(self, line: int, values: list[str]) -> RetailLine:
        """The line parsed; raises RowRejected."""
        parsed = self.parse_or_reject(line, values)
        if isinstance(parsed, RowRejected):
            raise parsed
        return parsed

    def parse_or_reject(self, line: int, values: list[str]) -> RetailLine | RowRejected:
        """The line parsed, or why the shared rules drop it (returned: no exception per row).

        The import's own rules (whole units, a date) still raise RowRejected.
        """
        kept, reason = online_retail_row(
            values, self.positions, self.width, keep_cancellations=True
        )
        if kept is None:
            assert reason is not None
            return self._dropped(values, reason)
        return self._line(line, kept, values)

    def _dropped(self, values: list[str], reason: str) -> RowRejected:
        """Why the shared rules dropped the line, in the import's words."""
        if reason == "non_positive_quantity" and self._cancellation(values):
            code, words = _CANCEL_QUANTITY
        else:
            code, words = RETAIL_REASONS[reason]
        return RowRejected(code, words, _quoted_value(values, self.positions, reason))

    def without_customer(self, cell: str) -> RowRejected:
        """What `_dropped` says of a full-width line the shared rules drop for having no
        CustomerID, `cell` being its WITHOUT_CUSTOMER_QUOTES cell as read."""
        return RowRejected(*RETAIL_REASONS["missing_customer"], cell)

    def _cancellation(self, values: list[str]) -> bool:
        return values[self.positions["InvoiceNo"]].strip()[:1] in ("C", "c")

    def _line(self, line: int, kept: RetailRow, values: list[str]) -> RetailLine:
        """The import's own rules on a kept line; each distinct text is parsed once (caches)."""
        quantity = whole_units(kept.quantity)
        if quantity is None:
            raise RowRejected("bad_quantity", "Quantity must be a whole number.", kept.quantity)
        price_text = values[self.positions["UnitPrice"]]
        price = self._prices.get(price_text)
        if price is None:
            price = self._price(price_text)
        customer = self._customers.get(kept.customer)
        if customer is None:
            customer = identity_value(IdentityKind.POS, kept.customer, column="CustomerID")
            _remember(self._customers, kept.customer, customer)
        placed_at = self._dates.get(kept.invoice_date)
        if placed_at is None:
            placed_at = self._date(kept.invoice_date)
        if kept.invoice == self._invoice[0]:  # the lines of one invoice follow each other
            invoice = self._invoice[1]
        else:
            invoice = retail_invoice(kept.invoice)
            self._invoice = (kept.invoice, invoice)
        description = self._descriptions.get(kept.description)
        if description is None:
            description = self._description(kept.description)
        return RetailLine(  # positionally: keywords cost a tenth more, once per line
            line,
            invoice,
            invoice[:1] == "C",  # cancelled: kept.cancelled, on the upper-cased invoice
            customer,
            kept.country[:80],
            kept.stock_code,
            description,
            quantity,
            price,
            placed_at,
        )

    def _description(self, text: str) -> str:
        """Runs of whitespace made one space (each distinct description once)."""
        found = self._descriptions.get(text)
        if found is None:
            found = " ".join(text.split())
            _remember(self._descriptions, text, found)
        return found

    def _price(self, text: str) -> Decimal:
        price = self._prices.get(text)
        if price is None:
            price = parse_price(text, column="UnitPrice")
            _remember(self._prices, text, price)
        return price

    def _date(self, text: str) -> dt.datetime:
        found = self._dates.get(text)
        if found is None:
            if len(self._dates) > _DATES_CACHED:
                self._dates.clear()
            try:
                naive = dt.datetime.fromisoformat(text)
            except ValueError:
                raise RowRejected(
                    "bad_date", "InvoiceDate is not a date (YYYY-MM-DD HH:MM:SS).", text
                ) from None
            found = naive if naive.tzinfo else naive.replace(tzinfo=self._tz)
            self._dates[text] = found
        return found


def retail_invoice(text: str) -> str:
    """An InvoiceNo as the import keeps it: checked text, upper-cased ("c536379" is a
    cancellation too)."""
    return text_value(text, column="InvoiceNo", max_length=64, required=True).upper()


def whole_units(quantity: float) -> int | None:
    """The units of a Quantity (its size), or None unless a whole number up to MAX_QUANTITY
    (NaN and ∞ are not integers)."""
    units = abs(quantity)
    if not units.is_integer() or units > MAX_QUANTITY:
        return None
    return int(units)


def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
    if len(cache) > _DATES_CACHED:
        cache.clear()
    cache[key] = value


def _quoted_value(values: list[str], positions: Mapping[str, int], reason: str) -> str:
    """The field a rejection is about (never the whole line: it may hold a CustomerID)."""
    column = _REASON_COLUMN.get(reason)
    if column is None or positions.get(column, len(values)) >= len(values):
        return ",".join(values)[:60]
    return values[positions[column]]
