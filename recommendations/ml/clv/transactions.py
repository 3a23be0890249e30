"""Purchases as client-days: the unit every client-value model here counts.

A purchase is a distinct (client, day) with the day's spend summed, so several
rows of one basket, or one invoice split in lines, count once. Readers for the
CDNOW master file and the raw UCI Online Retail file (its cleaning rules are the
import's, clients.imports.retail_rules); both gzip or plain CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from clients.imports.retail_rules import (
    online_retail_missing_columns,
    online_retail_positions,
    online_retail_row,
)

FORMATS = ("cdnow", "online-retail")


class TransactionsError(ValueError):
    """The file cannot be read in the format asked for."""


@dataclass(frozen=True)
class ClientDays:
    """One row per client-day, sorted by client then day. Days are ordinal dates."""

    client: np.ndarray  # str ids
    day: np.ndarray  # int (date.toordinal())
    spend: np.ndarray  # float
    units: np.ndarray  # float (CDs, pieces)

    def __len__(self) -> int:
        return len(self.day)

    def before(self, end: dt.date) -> ClientDays:
        """The client-days on or before `end`."""
        keep = self.day <= end.toordinal()
        return ClientDays(self.client[keep], self.day[keep], self.spend[keep], self.units[keep])

    def between(self, start: dt.date, end: dt.date) -> ClientDays:
        """The client-days in (start, end]."""
        keep = (self.day > start.toordinal()) & (self.day <= end.toordinal())
        return ClientDays(self.client[keep], self.day[keep], self.spend[keep], self.units[keep])


def client_days(rows: Iterable[tuple[str, dt.date, float, float]]) -> ClientDays:
    """Aggregate (client, date, spend, units) rows into client-days."""
    totals: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for client, day, spend, units in rows:
        cell = totals[(client, day.toordinal())]
        cell[0] += spend
        cell[1] += units
    keys = sorted(totals)
    return ClientDays(
        client=np.array([k[0] for k in keys], dtype=object),
        day=np.array([k[1] for k in keys], dtype=np.int64),
        spend=np.array([totals[k][0] for k in keys], dtype=float),
        units=np.array([totals[k][1] for k in keys], dtype=float),
    )


@contextmanager
def _open(path: str | Path) -> Iterator[TextIO]:
    p = Path(path)
    if not p.is_file():
        raise TransactionsError(f"no such file: {p}")
    with open(p, "rb") as probe:
        gz = probe.read(2) == b"\x1f\x8b"
    if gz:
        with gzip.open(p, "rt", encoding="utf-8-sig", newline="") as fh:
            yield fh
    else:
        with open(p, encoding="utf-8-sig", newline="") as fh:
            yield fh


def read_cdnow(path: str | Path) -> ClientDays:
    """CDNOW master as CSV: customer_id, date (YYYY-MM-DD or YYYYMMDD), quantity, amount."""
    with _open(path) as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        needed = ("customer_id", "date", "quantity", "amount")
        if any(name not in header for name in needed):
            raise TransactionsError(
                f"{path}: not a CDNOW file; the header needs {', '.join(needed)}"
            )
        at = {name: header.index(name) for name in needed}
        rows = []
        for row in reader:
            if not row:
                continue
            text = row[at["date"]].strip()
            day = dt.date.fromisoformat(
                text if "-" in text else f"{text[:4]}-{text[4:6]}-{text[6:]}"
            )
            rows.append(
                (
                    row[at["customer_id"]].strip(),
                    day,
                    float(row[at["amount"]]),
                    float(row[at["quantity"]]),
                )
            )
    return client_days(rows)


def read_online_retail(path: str | Path) -> ClientDays:
    """The raw UCI file, cleaned by the import's rules; exact duplicate rows once."""
    seen: set[tuple[str, ...]] = set()
    rows = []
    with _open(path) as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        missing = online_retail_missing_columns(header)
        if missing:
            raise TransactionsError(f"{path}: not Online Retail; header lacks {', '.join(missing)}")
        col = online_retail_positions(header)
        for row in reader:
            kept, _ = online_retail_row(row, col, len(header))
            if kept is None or tuple(row) in seen:
                continue
            seen.add(tuple(row))
            day = dt.date.fromisoformat(kept.invoice_date[:10])
            rows.append((kept.customer, day, kept.quantity * kept.unit_price, kept.quantity))
    return client_days(rows)


def read_transactions(path: str | Path, fmt: str) -> ClientDays:
    if fmt == "cdnow":
        return read_cdnow(path)
    if fmt == "online-retail":
        return read_online_retail(path)
    raise TransactionsError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
