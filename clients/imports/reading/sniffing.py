"""What a file is before it is read: gzip or not, a workbook, binary; its delimiter."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Collection
from typing import BinaryIO

from clients.imports.reading.records import FileRefused

DELIMITERS: tuple[str, ...] = (",", ";", "\t")
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, .doc


def opened(stream: BinaryIO) -> BinaryIO:
    """The stream to read text lines from: gzip inflated; workbooks and zips refused."""
    magic = stream.read(4)
    stream.seek(0)
    if not magic:
        raise FileRefused("empty_file", "The file is empty (0 bytes).")
    if magic.startswith(ZIP_MAGIC):
        raise FileRefused(
            "excel",
            "This is a zip archive or an Excel workbook (.xlsx), not CSV: in Excel choose "
            "File › Save as › “CSV UTF-8 (comma delimited)” and import that file.",
        )
    if magic.startswith(OLE_MAGIC):
        raise FileRefused(
            "excel",
            "This is an old Excel workbook (.xls), not CSV: save it as “CSV UTF-8”.",
        )
    if magic.startswith(GZIP_MAGIC):
        # GzipFile.readline is a Python method around its buffer; a BufferedReader of
        # the same (default) size reads lines in C: a tenth of the time spent reading
        # the UCI file. The errors are the same; a damaged stream may be noticed up to
        # one more buffer (8 KiB) earlier, and the rows before it still count.
        return io.BufferedReader(gzip.GzipFile(fileobj=stream, mode="rb"))
    return stream


def mostly_binary(text: str) -> bool:
    controls = sum(1 for ch in text[:512] if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > 8


def sniff_delimiter(
    header_text: str, known_columns: Collection[str], normalise: Callable[[str], str]
) -> str:
    """The candidate delimiter that yields the most known column names (then most fields)."""
    best = (",", -1, -1)
    for delimiter in DELIMITERS:
        try:
            fields = next(csv.reader([header_text], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        known = sum(1 for name in fields if normalise(name) in known_columns)
        if (known, len(fields)) > (best[1], best[2]):
            best = (delimiter, known, len(fields))
    return best[0]
