"""The cleaning rules of the raw UCI "Online Retail" file, shared by two readers.

Pure Python (no Django, no numpy): the clients import (clients.imports.parsers.online_retail)
and the recommender's offline evaluation (recommendations.ml.datasets) both apply
these rules, so "what counts as a real sale" is decided in one place.

Columns: InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
CustomerID, Country (see ../shared/data/README.md for the known dirt).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ONLINE_RETAIL_COLUMNS: tuple[str, ...] = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
# A real product has a 5-digit number, optionally followed by a letter variant or two
# (85123A, 15056BL). POST, DOT, M, C2, D, S, BANK CHARGES, AMAZONFEE, CRUK, PADS, B,
# gift_0001_*, DCGS* ... all fail this test.
PRODUCT_CODE = re.compile(r"^\d{5}[A-Z]{0,2}$")
_FLOAT_ID = re.compile(r"^(\d+)\.0*$")

# Why a raw row is dropped, in the order the rules are applied.
RETAIL_REJECTIONS: tuple[str, ...] = (
    "malformed",
    "cancelled_invoice",
    "non_positive_quantity",
    "missing_customer",
    "non_positive_price",
    "non_product_code",
)


@functools.lru_cache(maxsize=65_536)  # a few thousand customers, on every line
def normalise_customer_id(value: str) -> str:
    """``"17850.0"`` -> ``"17850"``; other ids are only stripped."""
    text = value.strip()
    m = _FLOAT_ID.match(text)
    return m.group(1) if m else text


@functools.lru_cache(maxsize=65_536)  # a few thousand stock codes, on every line
def product_code(value: str) -> str:
    """The StockCode stripped and upper-cased if it is a product's (PRODUCT_CODE), else ""."""
    code = value.strip().upper()
    return code if PRODUCT_CODE.match(code) else ""


def is_cancellation(invoice: str) -> bool:
    """Cancellation invoices start with C (C536379)."""
    return invoice.strip()[:1] in ("C", "c")


# Not frozen: a frozen dataclass costs three times as much to build, once per line
# of the file (nothing changes one after building it).
@dataclass(slots=True)
class RetailRow:
    """One line that passed the rules: values stripped, StockCode upper-cased."""

    invoice: str
    stock_code: str
    description: str
    quantity: float
    invoice_date: str
    unit_price: float
    customer: str
    country: str

    @property
    def cancelled(self) -> bool:
        return is_cancellation(self.invoice)


def online_retail_missing_columns(header: Sequence[str]) -> list[str]:
    """The Online Retail columns a header lacks (names compared after stripping)."""
    present = {h.strip() for h in header}
    return [c for c in ONLINE_RETAIL_COLUMNS if c not in present]


def online_retail_positions(header: Sequence[str]) -> dict[str, int]:
    """Where each Online Retail column is (the header must have them all)."""
    stripped = [h.strip() for h in header]
    return {c: stripped.index(c) for c in ONLINE_RETAIL_COLUMNS}


def online_retail_row(
    row: Sequence[str],
    col: Mapping[str, int],
    width: int,
    *,
    keep_cancellations: bool = False,
) -> tuple[RetailRow | None, str | None]:
    """Apply the rules to one raw row: ``(row, None)`` if kept, else ``(None, reason)``.

    The reason is the first of RETAIL_REJECTIONS that applies: a short row or a
    Quantity/UnitPrice that is not a number ("malformed"), a cancellation invoice, a
    Quantity <= 0, no CustomerID, a UnitPrice <= 0, a stock code that is not a product.
    With ``keep_cancellations`` a C invoice is kept instead, and its Quantity must be
    below zero (the units given back). Exact duplicates and dates are the caller's.
    """
    if len(row) < width:
        return None, "malformed"
    invoice = row[col["InvoiceNo"]].strip()
    try:
        quantity = float(row[col["Quantity"]])
        price = float(row[col["UnitPrice"]])
    except ValueError:
        return None, "malformed"
    cancelled = invoice[:1] in ("C", "c")  # is_cancellation, the invoice already stripped
    if cancelled and not keep_cancellations:
        return None, "cancelled_invoice"
    if (quantity >= 0) if cancelled else (quantity <= 0):
        return None, "non_positive_quantity"
    customer = normalise_customer_id(row[col["CustomerID"]])
    if not customer:
        return None, "missing_customer"
    if price <= 0:
        return None, "non_positive_price"
    code = product_code(row[col["StockCode"]])
    if not code:
        return None, "non_product_code"
    return (
        RetailRow(  # positionally: once per line of the file, keywords cost a tenth more
            invoice,
            code,
            row[col["Description"]].strip(),
            quantity,
            row[col["InvoiceDate"]].strip(),
            price,
            customer,
            row[col["Country"]].strip(),
        ),
        None,
    )
