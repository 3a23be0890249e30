"""CSV cells a spreadsheet will not execute: formula-injection neutralisation (OWASP).

Infrastructure with no domain imports. Every CSV the house hands out (the
client book export, the import rejection reports) writes its cells through
`neutralise_cell`: a cell starting with = + - @, a tab or a carriage return is
prefixed with an apostrophe, so Excel, LibreOffice and Google Sheets show it as
text instead of evaluating it (=cmd|' /C calc'!A0, =HYPERLINK(...), @SUM(...)).

A spreadsheet that splits on `;` (Excel in French or Italian settings) or `,`
would start a new cell inside the text: `Diner;=cmd|' /C calc'!A0;x` was safe
under a comma split and a formula under a semicolon one. So every cell is
quoted (a quote-aware reader never splits inside it), and any segment that a
`;` or `,` split would start with a trigger is neutralised too (for readers
that ignore quotes). `csv_lines` writes with the house's separator
(CSV_SEPARATOR) or the one asked for.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"
SEPARATORS = {"comma": ",", "semicolon": ";"}
# A separator, any spaces, then a trigger: where a naive split would start a formula cell.
_SEGMENT_TRIGGER = re.compile(r"([;,][ \u00a0]*)([=+\-@\t\r])")


def neutralise_cell(value: Any) -> str:
    """The value as CSV-safe text: None -> "", formula-like text gets a leading apostrophe,
    and so does every `;`/`,`-separated segment that would start like a formula."""
    if value is None:
        return ""
    text = str(value)
    text = _SEGMENT_TRIGGER.sub(r"\1'\2", text)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def neutralise_row(values: Iterable[Any]) -> list[str]:
    return [neutralise_cell(v) for v in values]


class _Echo:
    """A file-like object whose write returns what it was given (for streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[Iterable[Any]], *, bom: bool = True, delimiter: str = ","
) -> Iterator[str]:
    """Neutralised CSV text, every cell quoted, one line at a time; BOM first."""
    if delimiter not in SEPARATORS.values():
        raise ValueError(f"Unsupported CSV separator {delimiter!r}; use , or ;.")
    writer = csv.writer(_Echo(), lineterminator="\r\n", delimiter=delimiter, quoting=csv.QUOTE_ALL)
    if bom:
        yield UTF8_BOM
    for row in rows:
        yield writer.writerow(neutralise_row(row))
