"""Streaming CSV reading for imports: bytes in, numbered records out, constant memory.

Pure Python (no Django). What it handles, so the parsers never see it:

- gzip, recognised by its magic bytes whatever the file is called; Excel
  workbooks, UTF-16 "Unicode text" and binary files are refused with a sentence
  saying what to do instead (FileRefused, before anything is written);
- encodings: a UTF-8 byte-order mark means UTF-8; otherwise the first MiB
  decides between UTF-8 and Windows-1252 (Latin-1 for the five bytes cp1252
  leaves undefined); a pure-ASCII start leaves the choice to the first line
  that is not ASCII. In a UTF-8 file, a line with invalid bytes becomes one
  rejected row ("bad_encoding"), never an exception;
- physical lines longer than MAX_LINE_BYTES are skipped without being held in
  memory and rejected ("line_too_long"); NUL bytes reject their row;
- the delimiter: comma, semicolon or tab, whichever splits the header into the
  most known column names (nothing else is guessed);
- a quoted field that never closes swallows lines until the csv module's field
  limit: those lines come back as one rejected record ("bad_csv").

Line numbers are physical lines of the file, 1 = the header, as an editor shows them.

Modules: `records` (Record, FileRefused, FileStopped, header names), `sniffing` (what
the bytes are: gzip, a workbook, binary; the delimiter), `source` (CsvSource: lines,
encodings, records).
"""

from clients.imports.reading.records import (
    FileRefused,
    FileStopped,
    Record,
    describe_value,
    identity_header,
    snake_header,
)
from clients.imports.reading.source import MAX_LINE_BYTES, CsvSource

__all__ = [
    "MAX_LINE_BYTES",
    "CsvSource",
    "FileRefused",
    "FileStopped",
    "Record",
    "describe_value",
    "identity_header",
    "snake_header",
]
