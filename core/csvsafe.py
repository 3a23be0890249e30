"""CSV cells a spreadsheet will not execute: formula-injection neutralisation (OWASP).

Infrastructure with no domain imports. Every CSV the house hands out (the
client book export, the import rejection reports) writes its cells through
`neutralise_cell`: a cell starting with = + - @, a tab or a carriage return is
prefixed with an apostrophe, so Excel, LibreOffice and Google Sheets show it as
text instead of evaluating it (=cmd|' /C calc'!A0, =HYPERLINK(...), @SUM(...)).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def neutralise_cell(value: Any) -> str:
    """The value as CSV-safe text: None -> "", formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def neutralise_row(values: Iterable[Any]) -> list[str]:
    return [neutralise_cell(v) for v in values]


class _Echo:
    """A file-like object whose write returns what it was given (for streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> Iterator[str]:
    """Neutralised CSV text, one line at a time (for StreamingHttpResponse); BOM first."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    if bom:
        yield UTF8_BOM
    for row in rows:
        yield writer.writerow(neutralise_row(row))
