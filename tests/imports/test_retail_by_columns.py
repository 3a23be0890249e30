"""An Online Retail file read whole by columns is imported exactly as one read line by line.

`reading.whole.read_whole` reads a file with pyarrow only when that gives CsvSource's
records; `parsers.online_retail_columns` runs each rule once per distinct value and
sends every row it does not find clean through the row path. Each test imports the
same bytes both ways (by_columns=True and False) into an emptied database and compares
the report and every row written; other tests show when the columns are not used, and
that the file is then read line by line with the same result.
"""

from __future__ import annotations

import gc
import gzip
import io
from typing import Any

import pytest
from django.db import connection

from clients.imports import services
from clients.imports.batch_loop import BatchLoop
from clients.imports.parsers import online_retail_columns
from clients.imports.parsers.online_retail import RetailLine
from clients.imports.reading import MAX_LINE_BYTES, CsvSource
from clients.imports.reading.whole import read_whole
from clients.imports.services import import_stream
from clients.management.commands._import import ProgressStream
from clients.models import Order
from tests.imports.conftest import fixture_bytes, run_import
from tests.imports.test_retail_fast_path import forget_the_import, report_without_timing, stored

pytestmark = pytest.mark.django_db

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
# Rows the rules treat one by one, beyond the fixture's: quantities that are not whole or
# too large, prices that round to nothing, a lower-case cancellation, padded cells, dates
# with a zone or none, an invoice too long or with a tab, a duplicate made of padded
# cells, a long country, customers that are not till ids; rows with no customer whose
# other cells decide the rejection first or not (padded, NaN, each sign on a C invoice,
# a price that is not a number, a zero quantity, a customer of spaces).
EDGES = [
    "536390,22960,JAM MAKING SET,1.5,2010-12-02 11:00:00,4.25,12583.0,Italy",
    "536390,22961,JAM JAR SET,2000000,2010-12-02 11:00:00,4.25,12583.0,Italy",
    "536390,22962,JAM SPOON,nan,2010-12-02 11:00:00,4.25,12583.0,Italy",
    "536390,22963,JAM LID,inf,2010-12-02 11:00:00,4.25,12583.0,Italy",
    "536390,22964,JAM LABEL,6.0,2010-12-02 11:00:00,0.001,12583.0,Italy",
    "536390,22965,JAM FUNNEL,1e1,2010-12-02 11:00:00,1_000,12583.0,Italy",
    "536391, 22966 , PADDED  CELLS , 3 , 2010-12-02 11:05:00 , 2.10 , 17850.0 , France ",
    "536391,22966,PADDED CELLS,3,2010-12-02 11:05:00,2.10,17850.0,France",
    " 536391 ,22966, PADDED  CELLS ,3, 2010-12-02 11:05:00,2.10 ,17850.0,France",
    "c536392,22966,PADDED CELLS,-1,2010-12-03 09:00:00,2.10,17850.0,France",
    "c536393,22966,PADDED CELLS,1,2010-12-03 09:00:00,2.10,17850.0,France",
    "536394,22967,ZONED,2,2010-12-03T09:00:00+01:00,2.10,17850,France",
    "536395,22968,NO TIME,2,2010-12-03,2.10,17850.00,France",
    "536396,22969,NO DATE,2,yesterday,2.10,17850.0,France",
    f"{'5' * 70},22970,LONG INVOICE,2,2010-12-03 10:00:00,2.10,17850.0,France",
    '"5363\t97",22971,TAB INVOICE,2,2010-12-03 10:00:00,2.10,17850.0,France',
    f"536398,22972,LONG COUNTRY,2,2010-12-03 10:00:00,2.10,17850.0,{'Ruritania ' * 12}",
    "536399,22973,NOT A TILL ID,2,2010-12-03 10:00:00,2.10,ABC-12,France",
    "536399,22974,SECOND CUSTOMER,2,2010-12-03 10:00:00,2.10,12583.0,France",
    '536400,22975,"QUOTED, WITH ""MARKS""",2,2010-12-03 10:00:00,"2,10",18074.0,Japan',
    "536401,22976,ÉTOILE DORÉE,2,2010-12-03 10:00:00,3.10,18074.0,Japan",
    "536402,22977,SHORT,2,2010-12-03 10:00:00,3.10,,",
    '536403,22978,A "STRAY" QUOTE,2,2010-12-03 10:00:00,3.10,18074.0,Japan',
    " 536404 ,22979,NO CUSTOMER PADDED,2,2010-12-03 10:00:00,3.10,,France",
    "536405,22980,NO CUSTOMER NAN,nan,2010-12-03 10:00:00,3.10,,France",
    "C536406,22981,NO CUSTOMER RETURN,-2,2010-12-03 10:00:00,3.10,,France",
    "C536407,22982,NO CUSTOMER WRONG SIGN,2,2010-12-03 10:00:00,3.10,,France",
    "c536407,22982,NO CUSTOMER NO SIGN,0,2010-12-03 10:00:00,3.10,,France",
    "536408,22983,NO CUSTOMER NO PRICE,2,2010-12-03 10:00:00,free,,France",
    "536409,22984,NO CUSTOMER NO UNITS,0,2010-12-03 10:00:00,3.10,,France",
    "536410,22985,NO CUSTOMER FREE,2,2010-12-03 10:00:00,0,,France",
    "536411,22986,NO CUSTOMER SPACES,2,2010-12-03 10:00:00,3.10,   ,France",
]


def dirty_file() -> bytes:
    return fixture_bytes("retail_dirty.csv") + ("\n".join(EDGES) + "\n").encode()


def both_readings(data: bytes, **options: Any) -> tuple[Any, Any]:
    """(report and rows read line by line, report and rows read by columns)."""
    lines = run_import(data, kind="orders", fmt="online-retail", by_columns=False, **options)
    lines_rows = stored()
    forget_the_import()
    columns = run_import(data, kind="orders", fmt="online-retail", **options)
    return (report_without_timing(lines), lines_rows), (report_without_timing(columns), stored())


@pytest.fixture
def columns_used(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows each import handed over by columns (empty: none went that way)."""
    used: list[int] = []
    original = online_retail_columns.RetailColumns.__init__

    def spy(self: Any, parser: Any, columns: Any) -> None:
        used.append(len(columns[0]))
        original(self, parser, columns)

    monkeypatch.setattr(online_retail_columns.RetailColumns, "__init__", spy)
    return used


@pytest.mark.parametrize("batch_rows", [1, 5, 2000])
@pytest.mark.parametrize("fast_path", [False, True])
def test_the_dirty_file_is_stored_and_reported_the_same_read_either_way(
    cast, columns_used, batch_rows, fast_path
):
    data = dirty_file()

    (lines, lines_rows), (columns, columns_rows) = both_readings(
        data, batch_rows=batch_rows, fast_path=fast_path
    )

    assert columns_used == [data.count(b"\n") - 1]
    assert columns == lines
    assert columns_rows == lines_rows
    assert len(columns_rows["lines"]) >= 12  # the comparison compared something
    assert {"bad_quantity", "zero_price", "bad_date", "too_long", "duplicate_row"} <= set(
        columns["rejected_by_reason"]
    )


@pytest.mark.parametrize("by_columns", [True, False])
def test_no_row_outlives_its_batch_while_the_collector_is_paused(cast, by_columns):
    """The fast path pauses the cyclic collector (services.collector_paused): anything a
    reference cycle holds lives until the import ends. A rejection kept with its traceback
    was such a cycle (the traceback holds the frame that holds the rejection), keeping
    the whole chunk of rows around it: 130 MB more at the peak of the UCI file."""
    gc.collect()
    gc.disable()  # as the fast path does (here, on any database)
    try:
        report = run_import(dirty_file(), kind="orders", fmt="online-retail", by_columns=by_columns)
        alive = sum(type(thing) is RetailLine for thing in gc.get_objects())
    finally:
        gc.enable()

    assert report.rows_rejected
    assert report.rows_accepted
    assert alive == 0


def test_gzip_a_byte_order_mark_blank_lines_and_no_last_line_break_are_read_by_columns(
    cast, columns_used
):
    text = dirty_file().replace(b"\n536370", b"\n\n\n536370", 1).rstrip(b"\n")
    data = gzip.compress(b"\xef\xbb\xbf" + text)

    (lines, lines_rows), (columns, columns_rows) = both_readings(data)

    assert columns_used == [text.count(b"\n")]  # a row per line after the header, blank too
    assert lines["rows"]["skipped"] == 2
    assert (columns, columns_rows) == (lines, lines_rows)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data.replace(b"\n", b"\r\n"), id="windows line breaks"),
        pytest.param(lambda data: b"\n" + data, id="a blank line before the header"),
        pytest.param(
            lambda data: data.replace(b"LANTERN", b'"LAN\nTERN"', 1), id="a line break in quotes"
        ),
        pytest.param(lambda data: data.replace(b"LANTERN", b"LAN\x00TERN", 1), id="a NUL byte"),
        pytest.param(lambda data: data.replace(b"LANTERN", b"LANT\xc9RN", 1), id="not UTF-8"),
        pytest.param(lambda data: data.replace(b",Italy\n", b",Italy,\n", 1), id="a field more"),
        pytest.param(lambda data: data.replace(b",Italy\n", b"\n", 1), id="a field less"),
        pytest.param(
            lambda data: data.replace(b",WHITE METAL", b',"WHITE METAL', 1), id="a quote left open"
        ),
        pytest.param(
            lambda data: data + b'536404,22979,OPEN,2,2010-12-03 10:00:00,3.10,18074.0,"Japan\n',
            id="a quote left open on the last line",
        ),
        pytest.param(
            lambda data: data.replace(b"LANTERN", b"L" * (MAX_LINE_BYTES + 1), 1),
            id="a line too long",
        ),
    ],
)
def test_a_file_columns_cannot_read_exactly_is_read_line_by_line(cast, columns_used, damage):
    data = damage(dirty_file())

    (lines, lines_rows), (columns, columns_rows) = both_readings(data)

    assert columns_used == []
    assert (columns, columns_rows) == (lines, lines_rows)


def test_a_limit_or_a_size_cap_reads_line_by_line(cast, columns_used):
    limited = run_import(dirty_file(), kind="orders", fmt="online-retail", limit=10)
    capped = run_import(
        dirty_file(), kind="orders", fmt="online-retail", max_bytes=len(dirty_file()) - 1
    )

    assert columns_used == []
    assert limited.rows_read == 10
    assert capped.error_code == "too_large"


def test_the_atelier_formats_are_never_read_by_columns(cast, columns_used):
    run_import("clients_dirty.csv", kind="clients")

    assert columns_used == []


def read_as_source_read(text: bytes) -> tuple[CsvSource, Any]:
    """CsvSource on the bytes, and read_whole given what that source found."""
    source = CsvSource(io.BytesIO(text), known_columns={"a", "b", "c"})
    whole = read_whole(
        io.BytesIO(text),
        header=source.raw_header,
        delimiter=source.delimiter,
        encoding=source.encoding,
        max_bytes=None,
        max_line_bytes=MAX_LINE_BYTES,
    )
    return source, whole


@pytest.mark.parametrize(
    "text",
    [
        b'a,b,c\n1,"two, three",4\n"x ""y"" z",,\n',
        b"a,b,c\n\xc3\xa9t\xc3\xa9,  padded  ,\n",
        b"a;b;c\n1;2;3\n",
    ],
)
def test_read_whole_gives_the_records_csv_source_gives(text):
    source, whole = read_as_source_read(text)
    records = [record.values for record in source.records()]

    assert whole is not None
    assert whole.encoding == source.encoding
    columns = whole.columns
    assert [[column[row] for column in columns] for row in range(len(columns[0]))] == records


def test_read_whole_refuses_a_windows_1252_file():
    source, whole = read_as_source_read("a,b,c\nd\xe9j\xe0,2,3\n".encode("cp1252"))

    assert source.encoding == "cp1252"
    assert whole is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
def test_a_second_import_by_columns_creates_nothing(cast):
    first = run_import(dirty_file(), kind="orders", fmt="online-retail")
    before = stored()

    again = run_import(dirty_file(), kind="orders", fmt="online-retail")

    assert stored() == before
    assert (again.rows_accepted, again.rows_skipped) == (0, first.rows_accepted)
    public_ids = list(Order.objects.values_list("public_id", flat=True))
    assert len(set(public_ids)) == len(public_ids) > 5  # drawn as uuid4 draws them
    assert {public_id.version for public_id in public_ids} == {4}


def test_the_encoding_is_reported_as_read_line_by_line_when_the_first_mib_is_ascii(cast):
    quiet = b"536500,22980,NO CUSTOMER,1,2010-12-04 10:00:00,1.00,,France\n" * 18_000
    data = (
        HEADER.encode()
        + quiet
        + "536501,22981,ÉTOILE,2,2010-12-04 10:00:00,3.10,18074.0,Japan\n".encode()
    )
    assert len(quiet) > 1024 * 1024  # past what CsvSource sniffs

    (lines, _), (columns, _) = both_readings(data)

    assert lines["encoding"] == columns["encoding"] == "utf-8"
    assert columns == lines


def test_a_file_read_whole_reports_its_progress_as_its_rows_are_handed_on(cast):
    quiet = b"536500,22980,NO CUSTOMER,1,2010-12-04 10:00:00,1.00,,France\n" * 30_000
    data = HEADER.encode() + quiet
    seen: list[int] = []

    report = import_stream(
        stream=ProgressStream(io.BytesIO(data), seen.append),  # type: ignore[arg-type]
        kind="orders",
        fmt="online-retail",
    )

    assert report.rows_rejected == 30_000
    after_reading = seen[len(seen) - seen[::-1].index(0) :]  # after the last rewind
    assert after_reading == sorted(after_reading)
    assert len(after_reading) >= 2  # a step per chunk of rows, not one jump
    assert after_reading[-1] == len(data)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL's")
@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, "columns"),  # read whole by columns: the larger batches
        ({"by_columns": False}, "lines"),  # line by line, a reading thread beside the writes
        ({"batch_rows": 5}, 5),  # asked for: as asked, whichever the reading
        ({"by_columns": False, "batch_rows": 5}, 5),
    ],
)
def test_the_fast_path_batches_by_how_the_file_is_read(cast, monkeypatch, options, expected):
    monkeypatch.setattr(services, "COLUMNS_BATCH_ROWS", 11)
    monkeypatch.setattr(services, "COPY_BATCH_ROWS", 3)
    sizes: list[int] = []
    flush = BatchLoop.flush

    def spy(self: BatchLoop) -> None:
        sizes.append(self.batch_rows)
        flush(self)

    monkeypatch.setattr(BatchLoop, "flush", spy)

    report = run_import(dirty_file(), kind="orders", fmt="online-retail", **options)

    assert report.ok
    assert set(sizes) == {{"columns": 11, "lines": 3}.get(expected, expected)}
