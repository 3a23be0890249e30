"""CsvSource: a CSV byte stream read into numbered records, in constant memory."""

from __future__ import annotations

import csv
import zlib
from collections import deque
from collections.abc import Callable, Collection, Iterator
from typing import BinaryIO

from clients.imports.reading.records import FileRefused, FileStopped, Record, snake_header
from clients.imports.reading.sniffing import mostly_binary, opened, sniff_delimiter
from clients.imports.report import RowRejected

MAX_LINE_BYTES = 65_536
SNIFF_BYTES = 1_048_576
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


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
        self._stream = opened(stream)
        self._buffer: deque[tuple[int, bytes, bool]] = deque()
        self._fill_sniff_buffer()
        self._decide_encoding()
        header_text = self._first_text_line()
        if header_text is None:
            raise FileRefused("empty_file", "The file is empty: there is not even a header line.")
        if "\x00" in header_text or mostly_binary(header_text):
            raise FileRefused(
                "binary",
                "This does not look like a CSV text file (its first line holds binary data).",
            )
        self.delimiter = sniff_delimiter(header_text, known_columns, normalise)
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
