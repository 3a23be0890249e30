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
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from clients.imports.report import RowRejected, shown_value

MAX_LINE_BYTES = 65_536
SNIFF_BYTES = 1_048_576
DELIMITERS: tuple[str, ...] = (",", ";", "\t")
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, .doc
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileRefused(Exception):
    """The whole file is refused before any row is read (nothing is written)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class FileStopped(Exception):
    """Reading stopped part-way (damaged gzip, size limit); rows before it stand."""

    def __init__(self, code: str, message: str, line: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


# Not frozen: built once per line of the file, where a frozen dataclass costs three
# times as much; nothing changes one after building it.
@dataclass(slots=True)
class Record:
    """One CSV record: its first physical line, its fields, or why it cannot be read."""

    line: int
    values: list[str]
    problem: RowRejected | None = None
    last_line: int = 0

    @property
    def blank(self) -> bool:
        return self.problem is None and not "".join(self.values).strip()


def identity_header(name: str) -> str:
    return name.strip()


def snake_header(name: str) -> str:
    """' Home Boutique' -> 'home_boutique' (how the atelier format compares column names)."""
    return "_".join(name.strip().lower().replace("-", " ").split())


class CsvSource:
    """Records of a CSV byte stream; `header` is known once constructed.

    stream: a seekable binary file (a path's open file, an upload). max_bytes
    bounds the bytes read after decompression (None: any size).
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        known_columns: Collection[str],
        normalise: Callable[[str], str] = snake_header,
        max_bytes: int | None = None,
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        self._max_bytes = max_bytes
        self._max_line = max_line_bytes
        self._bytes_read = 0
        self._line_no = 0
        self._problems: dict[int, RowRejected] = {}
        self._mode = "ascii"  # ascii (undecided), utf-8, cp1252
        self._bom = False
        self._stopped: FileStopped | None = None  # met while filling the sniff buffer
        self._stream = self._open(stream)
        self._buffer: deque[tuple[int, bytes, bool]] = deque()
        self._fill_sniff_buffer()
        self._decide_encoding()
        header_text = self._first_text_line()
        if header_text is None:
            raise FileRefused("empty_file", "The file is empty: there is not even a header line.")
        if "\x00" in header_text or _mostly_binary(header_text):
            raise FileRefused(
                "binary",
                "This does not look like a CSV text file (its first line holds binary data).",
            )
        self.delimiter = _sniff_delimiter(header_text, known_columns, normalise)
        self._reader = csv.reader(self._texts(), delimiter=self.delimiter)
        self._last_end = 0
        header = self._next_record(header=True)
        if header is None or header.blank:
            raise FileRefused("empty_file", "The file is empty: there is not even a header line.")
        if header.problem is not None:
            raise FileRefused(
                "bad_header", f"The header line cannot be read: {header.problem.reason}"
            )
        self.header_line = header.line
        self.raw_header = header.values
        self.header = [normalise(name) for name in header.values]

    # --- Opening and encodings -------------------------------------------------------------

    def _open(self, stream: BinaryIO) -> BinaryIO:
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

    @property
    def encoding(self) -> str:
        if self._bom:
            return "utf-8 (with BOM)"
        return {"ascii": "ascii (no other characters seen)"}.get(self._mode, self._mode)

    def _read_line(self) -> tuple[int, bytes, bool] | None:
        try:
            raw = self._stream.readline(self._max_line + 1)
        except (EOFError, OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
            raise self._damaged(exc) from None
        return self._line_read(raw)

    def _line_read(self, raw: bytes) -> tuple[int, bytes, bool] | None:
        """Count a line readline returned (None at the end), skipping the rest of a long one."""
        too_long = len(raw) > self._max_line and not raw.endswith(b"\n")
        try:
            if too_long:  # skip the rest of the line without holding it
                size = len(raw)
                while raw and not raw.endswith(b"\n"):
                    raw = self._stream.readline(self._max_line)
                    size += len(raw)
                self._count(size)
                raw = b""
            else:
                self._count(len(raw))
        except (EOFError, OSError, zlib.error) as exc:
            raise self._damaged(exc) from None
        if not raw and not too_long:
            return None
        self._line_no += 1
        return self._line_no, raw, too_long

    def _damaged(self, exc: BaseException) -> FileStopped:
        return FileStopped(
            "damaged_file",
            f"The file is damaged after line {self._line_no} ({type(exc).__name__}): the rows "
            "before it were imported; fix the file and import it again to add the rest.",
            self._line_no + 1,
        )

    def _count(self, size: int) -> None:
        self._bytes_read += size
        if self._max_bytes is not None and self._bytes_read > self._max_bytes:
            raise FileStopped(
                "too_large",
                f"The file holds more than {self._max_bytes // (1024 * 1024)} MB of text: the "
                f"rows before line {self._line_no + 1} were imported. Split the file, or import "
                "it with `manage.py import_clients` / `import_orders`, which has no limit.",
                self._line_no + 1,
            )

    def _fill_sniff_buffer(self) -> None:
        size = 0
        while size < SNIFF_BYTES:
            try:
                item = self._read_line()
            except FileStopped as exc:
                # A damaged or oversized file within its first MiB: the lines before the
                # fault are still rows to import; the stop comes when reading reaches it.
                if not self._buffer:
                    raise FileRefused(
                        exc.code,
                        "The file cannot be read from its very first line (it is damaged, or "
                        "larger than allowed): nothing was imported.",
                    ) from None
                self._stopped = exc
                break
            if item is None:
                break
            self._buffer.append(item)
            size += len(item[1])
        if self._buffer:
            first = self._buffer[0]
            if first[1].startswith(UTF16_BOMS) or first[1][:200].count(b"\x00") > 10:
                raise FileRefused(
                    "utf16",
                    "This file is UTF-16 (“Unicode text”), not CSV: save it as “CSV UTF-8”.",
                )
            if first[1].startswith(UTF8_BOM):
                self._bom = True
                self._buffer[0] = (first[0], first[1][len(UTF8_BOM) :], first[2])

    def _decide_encoding(self) -> None:
        if self._bom:
            self._mode = "utf-8"
            return
        valid = invalid = 0
        for _, raw, _ in self._buffer:
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
                valid += 1
            except UnicodeDecodeError:
                invalid += 1
        if valid or invalid:
            self._mode = "utf-8" if valid >= invalid else "cp1252"

    def _decode(self, raw: bytes) -> tuple[str, RowRejected | None]:
        if self._mode == "ascii":
            if raw.isascii():
                return raw.decode("ascii"), None
            try:
                text = raw.decode("utf-8")
                self._mode = "utf-8"
                return text, None
            except UnicodeDecodeError:
                self._mode = "cp1252"
        if self._mode == "utf-8":
            try:
                return raw.decode("utf-8"), None
            except UnicodeDecodeError as exc:
                text = raw.decode("utf-8", errors="replace")
                byte = raw[exc.start]
                return text, RowRejected(
                    "bad_encoding",
                    f"The line is not valid UTF-8 (byte 0x{byte:02X} at position {exc.start + 1}): "
                    "save the file as “CSV UTF-8” and import it again.",
                    text,
                )
        try:
            return raw.decode("cp1252"), None
        except UnicodeDecodeError:
            return raw.decode("latin-1"), None

    def _first_text_line(self) -> str | None:
        for _, raw, too_long in self._buffer:
            if too_long:
                raise FileRefused(
                    "bad_header",
                    f"The first line is longer than {self._max_line:,} bytes: this is not a "
                    "CSV header.",
                )
            text, _ = self._decode(raw)
            if text.strip():
                return text
        return None

    # --- Records ---------------------------------------------------------------------------

    def _texts(self) -> Iterator[str]:
        """The text of each physical line, for the csv reader; problems noted by line number.

        After the sniffed first MiB, a line of plain ASCII text with no NUL byte (nearly
        every line of most files) takes a short path — read, counted, decoded — and any
        other line the general one (_line_read, _text). Both give the same text and
        problems; the short path only saves the calls, once per line.
        """
        for number, raw, too_long in self._physical_buffered():
            yield self._text(number, raw, too_long)
        readline = self._stream.readline
        limit = self._max_line + 1
        most = self._max_bytes
        while True:
            try:
                raw = readline(limit)
            except (EOFError, OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
                raise self._damaged(exc) from None
            if (
                len(raw) >= limit
                or not raw
                or not raw.isascii()
                or b"\0" in raw
                or (most is not None and self._bytes_read + len(raw) > most)
            ):
                item = self._line_read(raw)
                if item is None:
                    return
                yield self._text(*item)
                continue
            self._bytes_read += len(raw)
            self._line_no += 1
            yield raw.decode("ascii")

    def _physical_buffered(self) -> Iterator[tuple[int, bytes, bool]]:
        """The sniffed lines, then the fault met while sniffing, if any."""
        while self._buffer:
            yield self._buffer.popleft()
        if self._stopped is not None:  # the rows buffered before it are read first
            raise self._stopped

    def _text(self, number: int, raw: bytes, too_long: bool) -> str:
        if too_long:
            self._problems[number] = RowRejected(
                "line_too_long",
                f"The line is longer than {self._max_line:,} bytes and was not read.",
                "",
            )
            return "\n"
        text, problem = self._decode(raw)
        if problem is None and "\x00" in text:
            problem = RowRejected(
                "nul_byte", "The line holds NUL bytes (binary data), not text.", text
            )
            text = text.replace("\x00", "")
        if problem is not None:
            self._problems[number] = problem
        return text

    def _next_record(self, *, header: bool = False) -> Record | None:
        while True:
            start = self._last_end + 1
            try:
                values = next(self._reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                return self._bad_csv(start, exc)
            end = self._last_end = self._reader.line_num
            problem = self._take_problems(start, end)
            if header and problem is None and not any(v.strip() for v in values):
                continue  # blank lines before the header
            return Record(start, values, problem, end)

    def _bad_csv(self, start: int, exc: csv.Error) -> Record:
        end = self._last_end = self._reader.line_num
        self._take_problems(start, end)
        return Record(
            start,
            [],
            RowRejected(
                "bad_csv",
                f'Lines {start}–{end} cannot be read as CSV ({exc}): a quote (") is '
                "probably not closed.",
                "",
            ),
            end,
        )

    def _take_problems(self, start: int, end: int) -> RowRejected | None:
        if not self._problems:
            return None
        found = None
        for number in [n for n in self._problems if n <= end]:
            problem = self._problems.pop(number)
            if found is None and number >= start:
                found = problem
        return found

    def records(self) -> Iterator[Record]:
        """Every record after the header, blank ones included (the caller counts them).

        _next_record's loop, inlined: it runs once per row of the file.
        """
        reader = self._reader
        problems = self._problems
        take = self._take_problems
        while True:
            start = self._last_end + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield self._bad_csv(start, exc)
                continue
            end = self._last_end = reader.line_num
            yield Record(start, values, take(start, end) if problems else None, end)


def _mostly_binary(text: str) -> bool:
    controls = sum(1 for ch in text[:512] if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > 8


def _sniff_delimiter(
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


def describe_value(values: list[str]) -> str:
    """A record's fields as one short value for a rejection."""
    return shown_value(",".join(values))
