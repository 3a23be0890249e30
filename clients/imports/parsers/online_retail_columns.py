"""Online Retail parsed by columns: each distinct value once, each row by its codes.

The row path (RetailParser.parse_or_reject) runs the rules on every line: 541,909
times for the UCI file, which holds only 25,900 invoices, 4,070 stock codes, 4,373
customers, 23,260 dates, 1,630 prices and 722 quantities. Here the rules that
concern one cell run once per distinct value of its column (the same functions the
row path calls, so the same answers), and a row is *clean* when every one of its
cells passed: an integer quantity whose sign matches the invoice, a price the import
reads, a customer, a product code, a date, an invoice. A clean row becomes its
RetailLine from those answers with no rule run again; the duplicate check, which
depends on the rows before, still runs row by row in file order.

A row the shared rules drop for want of a CustomerID (133,744 of the UCI file's rows)
is told apart the same way: it passes the checks `online_retail_row` makes before that
one, by the same expressions (its Quantity and UnitPrice read as numbers, its quantity's
sign against the invoice's C; every line read whole has the header's width), and its
CustomerID is empty once normalised. Its rejection is RetailParser's own words for it,
one object per distinct quoted cell (a rejection is only read).

Every other row (a blank line's empty cells included) goes through the row path
itself (`prepare_record`), so rejections keep their exact code, words and quoted
value, and a row the screen misjudged would still be treated as the row path treats it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from clients.imports.parsers.cells import identity_value, parse_price
from clients.imports.parsers.online_retail import (
    WITHOUT_CUSTOMER_QUOTES,
    RetailLine,
    RetailParser,
    retail_invoice,
    whole_units,
)
from clients.imports.reading import Record
from clients.imports.reading.whole import Column
from clients.imports.report import RowRejected, without_frames
from clients.imports.retail_rules import is_cancellation, normalise_customer_id, product_code
from clients.imports.writers.batch import Lined, Prepared
from clients.models import IdentityKind

CHUNK = 20_000  # rows screened and built at a time (handed on as they are ready)
CheckCopy = Callable[[int, tuple[str, ...], RetailLine], None]  # raises RowRejected


class _Distinct:
    """One column's per-value answers: whether each value passed, and what it became."""

    def __init__(self, column: Column, read: Callable[[str], Any]) -> None:
        self.column = column
        self.codes = column.codes
        ok = np.zeros(len(column.values), dtype=bool)
        made: list[Any] = [None] * len(column.values)
        for index, value in enumerate(column.values):
            try:
                made[index] = read(value)
            except Exception:  # noqa: S112 - not ok: the row path, same call, says why
                continue
            ok[index] = made[index] is not None
        self.ok = ok
        self.made = made

    def rows_ok(self, rows: slice) -> np.ndarray:
        return self.ok[self.codes[rows]]

    def rows_made(self, rows: np.ndarray) -> list[Any]:
        return self.column.take(rows, self.made)


def _invoice(value: str) -> tuple[str, bool] | None:
    """(invoice, cancelled) as RetailParser reads a kept line's InvoiceNo."""
    stripped = value.strip()
    invoice = retail_invoice(stripped)
    cancelled = invoice[:1] == "C"
    if cancelled != (stripped[:1] in ("C", "c")):  # normalising moved the C: the row path's
        return None
    return invoice, cancelled


def _quantity(value: str) -> int | None:
    """Units (signed) when Quantity is a whole number the import takes, else None."""
    number = float(value)
    units = whole_units(number)
    if not units:  # not whole, too many, or none (the shared rules refuse zero)
        return None
    return units if number > 0 else -units


def _price(value: str) -> Decimal | None:
    return parse_price(value, column="UnitPrice") if float(value) > 0 else None


def _number(value: str) -> float | None:
    """The cell as online_retail_row reads Quantity and UnitPrice, None if it cannot."""
    try:
        return float(value)
    except ValueError:
        return None


def _flags(values: list[str], test: Callable[[str], bool]) -> np.ndarray:
    return np.array([test(value) for value in values], dtype=bool)


def _customer(value: str) -> str | None:
    customer = normalise_customer_id(value)
    if not customer:
        return None
    return identity_value(IdentityKind.POS, customer, column="CustomerID")


class RetailColumns:
    """The file's columns screened once; `rows()` yields what the row path would, in order."""

    def __init__(self, parser: RetailParser, columns: Sequence[Column]) -> None:
        at = {name: columns[position] for name, position in parser.positions.items()}
        self.columns = columns
        self.size = len(columns[0])
        self.invoice = _Distinct(at["InvoiceNo"], _invoice)
        self.quantity = _Distinct(at["Quantity"], _quantity)
        self.price = _Distinct(at["UnitPrice"], _price)
        self.customer = _Distinct(at["CustomerID"], _customer)
        self.code = _Distinct(at["StockCode"], lambda value: product_code(value) or None)
        self.date = _Distinct(at["InvoiceDate"], lambda value: parser._date(value.strip()))
        self.description = _Distinct(at["Description"], lambda value: " ".join(value.split()))
        self.country = _Distinct(at["Country"], lambda value: value.strip()[:80])
        self.cancelled = np.array([bool(made and made[1]) for made in self.invoice.made])
        self.negative = np.array([bool(made and made < 0) for made in self.quantity.made])
        # Each cell stripped, for the duplicate check's key (one list per column).
        self.stripped = [[value.strip() for value in column.values] for column in columns]
        self._shared_rules(parser, at)

    def _shared_rules(self, parser: RetailParser, at: dict[str, Column]) -> None:
        """Per distinct value, online_retail_row's checks before its CustomerID one."""
        quantities = [_number(value) for value in self.quantity.column.values]
        self.quantity_read = np.array([number is not None for number in quantities])
        # The sign check, NaN included: `(quantity >= 0) if cancelled else (quantity <= 0)`.
        self.sign_if_cancelled = np.array(
            [number is not None and not number >= 0 for number in quantities]
        )
        self.sign_if_bought = np.array(
            [number is not None and not number <= 0 for number in quantities]
        )
        self.price_read = _flags(self.price.column.values, lambda v: _number(v) is not None)
        self.c_invoice = _flags(self.invoice.column.values, is_cancellation)
        self.no_customer = _flags(
            self.customer.column.values, lambda v: not normalise_customer_id(v)
        )
        self.quoted = at[WITHOUT_CUSTOMER_QUOTES]
        self._without_customer: dict[int, RowRejected] = {}
        self._parser = parser

    def without_customer(self, rows: slice) -> np.ndarray:
        """Which rows of the slice the shared rules drop for want of a CustomerID."""
        quantity = self.quantity.codes[rows]
        c_invoice = self.c_invoice[self.invoice.codes[rows]]
        sign = np.where(c_invoice, self.sign_if_cancelled[quantity], self.sign_if_bought[quantity])
        screened = self.quantity_read[quantity] & sign & self.price_read[self.price.codes[rows]]
        return screened & self.no_customer[self.customer.codes[rows]]

    def _rejections(self, index: np.ndarray) -> list[RowRejected]:
        """The missing_customer rejection of each row (one object per distinct quoted cell)."""
        made = self._without_customer
        values = self.quoted.values
        out = []
        for code in self.quoted.codes[index].tolist():
            found = made.get(code)
            if found is None:
                found = made[code] = self._parser.without_customer(values[code])
            out.append(found)
        return out

    def clean(self, rows: slice) -> np.ndarray:
        """Which rows of the slice pass every rule, by their cells' answers."""
        ok = self.invoice.rows_ok(rows) & self.quantity.rows_ok(rows)
        ok &= self.price.rows_ok(rows) & self.customer.rows_ok(rows)
        ok &= self.code.rows_ok(rows) & self.date.rows_ok(rows)
        # The sign of the quantity against the invoice: below zero on a C invoice.
        cancelled = self.cancelled[self.invoice.codes[rows]]
        ok &= cancelled == self.negative[self.quantity.codes[rows]]
        return ok

    def rows(
        self,
        prepare_record: Callable[[Record], Prepared],
        check_copy: CheckCopy,
        on_progress: Callable[[int, int], object] | None = None,
    ) -> Iterator[list[Lined]]:
        """Every row in file order, a chunk at a time: (line, what the row path would make
        of it); on_progress(rows handed on, rows) once the loop has taken a chunk."""
        for start in range(0, self.size, CHUNK):
            end = min(start + CHUNK, self.size)
            yield self._chunk(slice(start, end), prepare_record, check_copy)
            if on_progress is not None:
                on_progress(end, self.size)

    def _chunk(
        self,
        rows: slice,
        prepare_record: Callable[[Record], Prepared],
        check_copy: CheckCopy,
    ) -> list[Lined]:
        clean = self.clean(rows)
        screened = self.without_customer(rows)  # never clean: clean rows have a customer
        index = np.flatnonzero(clean) + rows.start
        built = iter(self._lines(index))
        keys = iter(self._cells(index, self.stripped))
        refused = iter(self._rejections(np.flatnonzero(screened) + rows.start))
        others = iter(self._cells(np.flatnonzero(~(clean | screened)) + rows.start))
        # 1: clean, 2: no customer, 0: the row path. In file order: the duplicate check
        # (check_copy, and the row path's own) depends on the rows before.
        kinds = (clean.astype(np.int8) + 2 * screened.astype(np.int8)).tolist()
        taken: list[Lined] = []
        take = taken.append
        for line, kind in enumerate(kinds, start=rows.start + 2):
            # line: the header is line 1, and each record one line (read_whole)
            if kind == 1:
                item = next(built)
                try:
                    check_copy(line, next(keys), item)
                except RowRejected as exc:
                    take((line, without_frames(exc)))  # its traceback holds this frame
                    continue
                take((line, (item.invoice, item)))
            elif kind:
                take((line, next(refused)))
            else:
                take((line, prepare_record(Record(line, list(next(others)), None, line))))
        return taken

    def _cells(
        self, index: np.ndarray, values: list[list[str]] | None = None
    ) -> Iterator[tuple[str, ...]]:
        """The rows' cells (each column's `values`, by default as read), a tuple per row."""
        columns = [
            column.take(index, None if values is None else values[position])
            for position, column in enumerate(self.columns)
        ]
        return zip(*columns, strict=True)

    def _lines(self, index: np.ndarray) -> list[RetailLine]:
        """The clean rows' RetailLines, as RetailParser._line builds them."""
        invoices = self.invoice.rows_made(index)
        units = self.quantity.rows_made(index)
        return [
            RetailLine(
                line, invoice, cancelled, customer, country, code, text, abs(count), price, at
            )
            for line, (invoice, cancelled), customer, country, code, text, count, price, at in zip(
                (index + 2).tolist(),
                invoices,
                self.customer.rows_made(index),
                self.country.rows_made(index),
                self.code.rows_made(index),
                self.description.rows_made(index),
                units,
                self.price.rows_made(index),
                self.date.rows_made(index),
                strict=True,
            )
        ]
