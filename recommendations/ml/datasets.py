"""Readers that turn interaction files into numpy arrays (client, product, time, weight).

Two formats:

* ``interactions``: CSV or .csv.gz with header ``client_id,product_id,timestamp[,weight]``
  (column order free, extra columns ignored). Timestamps are ISO 8601 dates/datetimes
  (naive means UTC) or unix seconds. Ids are opaque strings. Bad rows are skipped and
  counted; a wrong header raises :class:`DatasetError`.
* ``online-retail``: the raw UCI "Online Retail" export (InvoiceNo, StockCode, Description,
  Quantity, InvoiceDate, UnitPrice, CustomerID, Country), cleaned here.

What was dropped, and why, is logged (to the logging system, never stdout) and returned in
``Interactions.report``.
"""

from __future__ import annotations

import csv
import gzip
import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TextIO

import numpy as np

# The Online Retail cleaning rules are shared with the clients import (pure Python, no
# Django): one definition of "a real sale" for the recommender and the database.
from clients.imports.retail_rules import (
    ONLINE_RETAIL_COLUMNS,
    PRODUCT_CODE,
    normalise_customer_id,
    online_retail_missing_columns,
    online_retail_positions,
    online_retail_row,
)

from .matrix import Interactions

__all__ = [
    "FORMATS",
    "INTERACTION_COLUMNS",
    "ONLINE_RETAIL_COLUMNS",
    "PRODUCT_CODE",
    "DatasetError",
    "load_interactions",
    "normalise_customer_id",
    "parse_timestamp",
    "read_interactions",
    "read_online_retail",
]

logger = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("interactions", "online-retail")
INTERACTION_COLUMNS: tuple[str, ...] = ("client_id", "product_id", "timestamp")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d*)?$")


class DatasetError(ValueError):
    """The file cannot be read as the requested format (wrong header, missing file...)."""


@contextmanager
def _open_text(path: str | Path) -> Iterator[TextIO]:
    p = Path(path)
    if not p.is_file():
        raise DatasetError(f"no such file: {p}")
    if p.name.endswith(".gz"):
        with gzip.open(p, "rt", encoding="utf-8-sig", newline="") as fh:
            yield fh
    else:
        with open(p, encoding="utf-8-sig", newline="") as fh:
            yield fh


def parse_timestamp(value: str) -> int:
    """Unix seconds (UTC) from unix seconds or an ISO 8601 date / datetime string."""
    text = value.strip()
    if not text:
        raise ValueError("empty timestamp")
    if _NUMBER.match(text):
        return int(float(text))
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp())


def _finish(
    users: list[str],
    items: list[str],
    times: list[int],
    weights: list[float],
    report: dict[str, int],
    *,
    source: str,
) -> Interactions:
    result = Interactions(
        user_ids=np.asarray(users, dtype=str),
        item_ids=np.asarray(items, dtype=str),
        timestamps=np.asarray(times, dtype=np.int64),
        weights=np.asarray(weights, dtype=np.float32),
        report=report,
    )
    dropped = {k: v for k, v in report.items() if k.startswith("dropped_") and v}
    logger.info(
        "%s: read %d rows, kept %d (%d clients, %d products); dropped %s",
        source,
        report.get("rows_read", 0),
        len(result),
        len(np.unique(result.user_ids)) if len(result) else 0,
        len(np.unique(result.item_ids)) if len(result) else 0,
        dropped or "nothing",
    )
    return result


def read_interactions(path: str | Path) -> Interactions:
    """Read the generic ``client_id,product_id,timestamp[,weight]`` CSV (optionally gzipped).

    Rows with an empty id, an unparsable timestamp, or a weight that is not a positive
    finite number are skipped and counted in ``report``.
    """
    reasons: Counter[str] = Counter()
    users: list[str] = []
    items: list[str] = []
    times: list[int] = []
    weights: list[float] = []
    ts_cache: dict[str, int] = {}
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in INTERACTION_COLUMNS if c not in header]
        if missing:
            raise DatasetError(
                f"{path}: header must contain client_id,product_id,timestamp[,weight]; "
                f"got {','.join(header) or '(empty file)'} (missing {', '.join(missing)})"
            )
        iu, ii, it = (header.index(c) for c in INTERACTION_COLUMNS)
        iw = header.index("weight") if "weight" in header else -1
        width = len(header)
        n = 0
        for row in reader:
            n += 1
            if not row or all(not c.strip() for c in row):
                reasons["dropped_blank_line"] += 1
                continue
            if len(row) < width:
                reasons["dropped_short_row"] += 1
                continue
            user, item, ts_text = row[iu].strip(), row[ii].strip(), row[it].strip()
            if not user or not item:
                reasons["dropped_missing_id"] += 1
                continue
            ts = ts_cache.get(ts_text)
            if ts is None:
                try:
                    ts = parse_timestamp(ts_text)
                except (ValueError, OverflowError):
                    reasons["dropped_bad_timestamp"] += 1
                    continue
                ts_cache[ts_text] = ts
            weight = 1.0
            if iw >= 0 and row[iw].strip():
                try:
                    weight = float(row[iw])
                except ValueError:
                    reasons["dropped_bad_weight"] += 1
                    continue
                if not np.isfinite(weight) or weight <= 0:
                    reasons["dropped_bad_weight"] += 1
                    continue
            users.append(user)
            items.append(item)
            times.append(ts)
            weights.append(weight)
    report = {"rows_read": n, "rows_kept": len(users), **dict(sorted(reasons.items()))}
    return _finish(users, items, times, weights, report, source=str(path))


def read_online_retail(
    path: str | Path, *, weight: Literal["lines", "quantity"] = "lines"
) -> Interactions:
    """Read and clean the raw UCI Online Retail CSV.

    Dropped, each row counted under the first reason that applies (the rules are
    clients.imports.retail_rules.online_retail_row, shared with the import): malformed rows,
    cancellation invoices (InvoiceNo starting with C), Quantity <= 0, missing CustomerID,
    UnitPrice <= 0, stock codes that are not products (no 5-digit product number: POST,
    DOT, M, C2, D, S, BANK CHARGES, AMAZONFEE, CRUK, PADS, B, gift_0001_*, DCGS*...), and
    exact duplicate rows. StockCodes are upper-cased, CustomerIDs lose their ``.0``.
    ``weight="lines"`` gives 1 per order line, ``"quantity"`` the units ordered.
    """
    reasons: Counter[str] = Counter()
    users: list[str] = []
    items: list[str] = []
    times: list[int] = []
    weights: list[float] = []
    ts_cache: dict[str, int] = {}
    seen: set[tuple[str, ...]] = set()
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        missing = online_retail_missing_columns(header)
        if missing:
            raise DatasetError(
                f"{path}: not an Online Retail export; header lacks {', '.join(missing)}"
            )
        col = online_retail_positions(header)
        width = len(header)
        n = 0
        for row in reader:
            n += 1
            kept, reason = online_retail_row(row, col, width)
            if kept is None:
                reasons[f"dropped_{reason}"] += 1
                continue
            key = tuple(row)
            if key in seen:
                reasons["dropped_duplicate_row"] += 1
                continue
            seen.add(key)
            date_text = kept.invoice_date
            ts = ts_cache.get(date_text)
            if ts is None:
                try:
                    ts = parse_timestamp(date_text)
                except (ValueError, OverflowError):
                    reasons["dropped_malformed"] += 1
                    continue
                ts_cache[date_text] = ts
            users.append(kept.customer)
            items.append(kept.stock_code)
            times.append(ts)
            weights.append(kept.quantity if weight == "quantity" else 1.0)
    report = {"rows_read": n, "rows_kept": len(users), **dict(sorted(reasons.items()))}
    return _finish(users, items, times, weights, report, source=str(path))


def online_retail_item_types(path: str | Path) -> dict[str, str]:
    """Each StockCode's product type: the last word of its most frequent Description.

    Online Retail has no category column; the noun its descriptions end with ("... T-LIGHT
    HOLDER", "... LUNCH BAG", "... MUG") is the closest thing to one, and is what the
    balance of a drafted list is measured on offline.
    """
    words: dict[str, Counter[str]] = {}
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        col = online_retail_positions(header)
        code_at, text_at = col["StockCode"], header.index("Description")
        for row in reader:
            if len(row) <= max(code_at, text_at):
                continue
            code = row[code_at].strip().upper()
            tail = [w for w in row[text_at].strip().upper().split() if w.isalpha()]
            if code and tail:
                words.setdefault(code, Counter())[tail[-1]] += 1
    return {code: counts.most_common(1)[0][0] for code, counts in words.items()}


def load_interactions(path: str | Path, *, fmt: str = "interactions") -> Interactions:
    """Dispatch on ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "interactions":
        return read_interactions(path)
    if fmt == "online-retail":
        return read_online_retail(path)
    raise DatasetError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
