"""A whole file read by columns (pyarrow), only where that gives CsvSource's records exactly.

CsvSource reads a file line by line, in constant memory, and copes with everything a
file can hold: two encodings, blank lines, stray NUL bytes, quotes left open, lines
too long to hold. Most files hold none of it. For those, `read_whole` reads the whole
text at once with pyarrow's CSV reader (C++, off the GIL) into one string column per
header column: about a twentieth of the Python time on the 541,909 rows of Online
Retail.

It answers only when the columns hold exactly the records CsvSource would give:

- the text, inflated, is at most `max_bytes` (the caller's limit) and WHOLE_MAX_BYTES;
- it is UTF-8 (or ASCII) throughout, with no NUL byte and no carriage return;
- the header is its first line, and no line is longer than `max_line_bytes`;
- one record per physical line: no line break inside quotes, the same number of
  fields on every line (so record i is line i + 2). A blank line is a record whose
  cells are all empty, which the import skips as it skips CsvSource's empty record;
- every line holding a quote, read again by Python's csv module, gives the same
  fields (the two readers agree on well-formed quoting; this proves it per file).

Otherwise it returns None and the caller reads the file with CsvSource, which says
what is wrong with each line. Pure Python and pyarrow (no Django).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

from clients.imports.reading.sniffing import opened
from clients.imports.reading.source import UTF8_BOM

WHOLE_MAX_BYTES = 512 * 1024 * 1024  # a larger file is read line by line, in constant memory
NEWLINE, QUOTE = 10, 34


@dataclass(frozen=True, slots=True)
class Column:
    """One column's rows: its distinct values, and each row's index into them."""

    values: list[str]
    codes: np.ndarray  # one int per row

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, row: int) -> str:
        return self.values[self.codes[row]]

    def take(self, rows: np.ndarray, answers: Sequence[Any] | None = None) -> list[Any]:
        """The value of each of `rows`, or its entry in `answers` (a list parallel to
        `values`: what each distinct value became)."""
        table = self.values if answers is None else answers
        return [table[code] for code in self.codes[rows].tolist()]


@dataclass(frozen=True, slots=True)
class Whole:
    """A file read whole: its columns, and the encoding CsvSource would have reported."""

    columns: list[Column]
    encoding: str


def read_whole(
    stream: BinaryIO,
    *,
    header: Sequence[str],
    delimiter: str,
    encoding: str,
    max_bytes: int | None,
    max_line_bytes: int,
) -> Whole | None:
    """The file's data rows as columns (one per header column, in header order), or None.

    `header`, `delimiter` and `encoding` are what CsvSource found on the same stream
    (raw header fields, as read). The stream is read again from its start.
    """
    if not encoding.startswith(("utf-8", "ascii")):
        return None
    text = _inflated(stream, min(max_bytes or WHOLE_MAX_BYTES, WHOLE_MAX_BYTES))
    if text is None or b"\r" in text or b"\0" in text:
        return None
    octets = np.frombuffer(text, dtype=np.uint8)
    ends = np.flatnonzero(octets == NEWLINE)
    if not _lines_fit(ends, len(text), max_line_bytes):
        return None
    first = int(ends[0]) if len(ends) else len(text)
    if next(csv.reader([text[:first].decode("utf-8", "replace")], delimiter=delimiter), []) != list(
        header
    ):
        return None
    columns = _parsed(text, first, header, delimiter)
    if columns is None:
        return None
    lines = len(ends) - (1 if len(ends) and ends[-1] == len(text) - 1 else 0)  # after the header
    if len(columns[0]) != lines:
        return None  # a record over several lines
    if not _quoted_lines_agree(text, octets, ends, columns, delimiter):
        return None
    if encoding.startswith("ascii") and not text.isascii():
        encoding = "utf-8"  # CsvSource decides so at the first line that is not ASCII
    return Whole(columns, encoding)


def _inflated(stream: BinaryIO, most: int) -> bytes | None:
    """The whole text (gzip inflated, UTF-8 mark dropped), or None past `most` bytes."""
    stream.seek(0)
    try:
        text = opened(stream).read(most + 1)
    except (EOFError, OSError, ValueError):  # damaged: CsvSource says where
        return None
    if len(text) > most:
        return None
    return text[len(UTF8_BOM) :] if text.startswith(UTF8_BOM) else text


def _lines_fit(ends: np.ndarray, size: int, max_line_bytes: int) -> bool:
    """No physical line longer than CsvSource holds (its limit counts the line break)."""
    if not len(ends):
        return size <= max_line_bytes
    longest = max(int(ends[0]) + 1, int(np.diff(ends).max(initial=0)), size - int(ends[-1]) - 1)
    return longest <= max_line_bytes + 1


def _parsed(text: bytes, first: int, header: Sequence[str], delimiter: str) -> list[Column] | None:
    """pyarrow's reading of the rows after the header: every value a string, none null."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(len(header))]  # header names may repeat or be empty
    try:
        table = pacsv.read_csv(
            pa.py_buffer(text[first + 1 :]),
            read_options=pacsv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None
    if table.num_rows == 0:
        return None
    columns = []
    for name in names:
        encoded = table.column(name).combine_chunks().dictionary_encode()
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        columns.append(Column(encoded.dictionary.to_pylist(), codes))
    return columns


def _quoted_lines_agree(
    text: bytes, octets: np.ndarray, ends: np.ndarray, columns: list[Column], delimiter: str
) -> bool:
    """Each data line with a quote in it reads the same with Python's csv module."""
    quotes = np.flatnonzero(octets == QUOTE)
    if not len(quotes):
        return True
    starts = np.concatenate(([0], ends + 1))
    lines = np.unique(np.searchsorted(ends, quotes))
    lines = lines[lines > 0]  # the header was compared already
    size = len(text)
    raws = [
        text[starts[line] : ends[line] if line < len(ends) else size].decode("utf-8")
        for line in lines.tolist()
    ]
    rows = lines - 1
    expected = zip(*(column.take(rows) for column in columns), strict=True)
    read = csv.reader(raws, delimiter=delimiter)
    try:  # a quote left open makes csv join lines: fewer records, and zip says so
        return all(list(want) == got for want, got in zip(expected, read, strict=True))
    except (ValueError, csv.Error):
        return False
