"""Run a CSV file through an importer, batch by batch, and say what happened (ImportReport).

The entry points (import_path, import_stream) pick the importer for the kind
and format (clients.imports.writers), check the header, and hand the rows to
the batch loop (clients.imports.batch_loop): records are read
(clients.imports.reading), those that cannot be read are rejected, the importer
parses and groups rows (a client, the lines of one order or invoice), and
groups are written in batches of about `batch_rows` rows, each batch in its
own transaction. A header that is wrong, or a file that is not CSV, is refused
before anything is written. A lost database connection stops the import; every
batch before it is committed, and running the import again skips them (external
refs, lookup hashes and style codes are the keys). Client figures are refreshed
once at the end, set-based. --dry-run does all of it in a transaction rolled
back at the end, so its report is exact.
"""

from __future__ import annotations

import gc
import io
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction

from catalog.models import Boutique
from clients.imports.batch_loop import BatchLoop, ImportAborted
from clients.imports.parsers.cells import Boutiques
from clients.imports.parsers.columns import check_header, retail_header
from clients.imports.parsers.online_retail_columns import RetailColumns
from clients.imports.reading import (
    MAX_LINE_BYTES,
    CsvSource,
    FileRefused,
    FileStopped,
    snake_header,
)
from clients.imports.reading.whole import read_whole
from clients.imports.report import ImportReport, Rejection
from clients.imports.writers.batch import CreatedHook, Importer, Lined
from clients.imports.writers.clients import ClientsImporter
from clients.imports.writers.online_retail import DEFAULT_BOUTIQUE, RetailImporter
from clients.imports.writers.online_retail_copy import CopyRetailImporter, fast_path_available
from clients.imports.writers.orders import OrdersImporter
from clients.models import ImportFormat, ImportKind
from consent import policy

logger = logging.getLogger(__name__)

DEFAULT_BATCH_ROWS = 2000
# The PostgreSQL fast path's batches (CopyRetailImporter). Read line by line, a reading
# thread parses the next batch while one is written (read_ahead holds about 64,000 rows):
# 50,000 (200,000 made that reading 2-3 s slower). Read by columns, nothing runs beside
# the writes, and fewer, larger batches wait less on the database: on the full UCI file
# (7 Dec 2026) 55 statements instead of 178, 3.6 s of waits instead of 4.6 s (cProfile),
# and the import 7.4-7.9 s instead of 8.4-10.6 s.
COPY_BATCH_ROWS = 50_000
COLUMNS_BATCH_ROWS = 200_000
KINDS_BY_FORMAT = {
    ImportFormat.ATELIER: (ImportKind.CLIENTS, ImportKind.ORDERS),
    ImportFormat.ONLINE_RETAIL: (ImportKind.CLIENTS, ImportKind.ORDERS),
}


def import_path(*, path: str | Path, **options: Any) -> ImportReport:
    """import_stream on a file of any size (.csv or .csv.gz, recognised by content)."""
    with open(path, "rb") as stream:
        return import_stream(stream=stream, **options)


def import_stream(
    *,
    stream: BinaryIO,
    kind: str,
    fmt: str,
    dry_run: bool = False,
    limit: int | None = None,
    batch_rows: int | None = None,
    max_bytes: int | None = None,
    actor: Any = None,
    on_clients_created: CreatedHook | None = None,
    default_boutique: str = DEFAULT_BOUTIQUE,
    rejections_kept: int | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
    default_channel: str = "",
    fast_path: bool = True,
    by_columns: bool = True,
) -> ImportReport:
    """Import one CSV stream; never raises for bad input (the report says what went wrong).

    `default_channel` (import_orders --source pos|ecommerce|phone): the channel of every
    order line, so the file may leave the column out. `batch_rows`: rows per batch
    (None: DEFAULT_BATCH_ROWS; on the fast path COPY_BATCH_ROWS, or COLUMNS_BATCH_ROWS when
    the file is read by columns). `fast_path`: on PostgreSQL, Online Retail orders go
    through COPY and set-based SQL (CopyRetailImporter); False keeps the row-by-row ORM
    path (the tests compare the two). `by_columns`: an Online Retail file with no limit
    is read whole and parsed by columns where that gives the same rows
    (clients.imports.parsers.online_retail_columns); False reads it line by line (the
    tests compare the two).
    """
    report = ImportReport(
        kind=kind,
        format=fmt,
        dry_run=dry_run,
        rejections_kept=settings.IMPORT_REJECTIONS_KEPT
        if rejections_kept is None
        else rejections_kept,
    )

    def run() -> None:
        _run(
            stream,
            report,
            kind,
            fmt,
            limit,
            batch_rows,
            max_bytes,
            actor,
            on_clients_created,
            default_boutique,
            on_rejection,
            default_channel,
            fast_path,
            by_columns,
        )

    started = time.perf_counter()
    try:
        if dry_run:
            with transaction.atomic():
                run()
                transaction.set_rollback(True)
        else:
            run()
    except FileRefused as exc:
        report.fail(exc.code, exc.message)
    except FileStopped as exc:  # only if raised before the first row; _run handles the rest
        report.fail(exc.code, exc.message, line=exc.line)
    finally:
        report.seconds = time.perf_counter() - started
    _log(report, kind=kind, fmt=fmt, dry_run=dry_run)
    return report


@contextmanager
def collector_paused(pause: bool) -> Iterator[None]:
    """No cyclic garbage collection while the fast path reads the file (then as before).

    Each row builds a few container objects that live until its batch is written, and
    Python's collector walks every live container again and again as they pile up: about
    a fifth of the fast path's CPU on the full Online Retail file. Reference counting
    still frees everything that is not a cycle; collections resume afterwards.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _log(report: ImportReport, *, kind: str, fmt: str, dry_run: bool) -> None:
    logger.info(
        "Import %s/%s%s: %d rows read, %d accepted, %d skipped, %d rejected in %.1f s%s",
        fmt,
        kind,
        " (dry run)" if dry_run else "",
        report.rows_read,
        report.rows_accepted,
        report.rows_skipped,
        report.rows_rejected,
        report.seconds,
        f"; stopped: {report.error_code}" if report.error_code else "",
    )


def _importer(
    kind: str,
    fmt: str,
    *,
    boutiques: dict[str, tuple[int, str]],
    countries: dict[str, str],
    actor: Any,
    on_clients_created: CreatedHook | None,
    default_boutique: str,
    default_channel: str = "",
    fast_path: bool = False,
) -> Importer:
    if fmt not in KINDS_BY_FORMAT or kind not in KINDS_BY_FORMAT[fmt]:  # type: ignore[index]
        raise FileRefused("bad_request", f"There is no {kind!r} import in the {fmt!r} format.")
    if fmt == ImportFormat.ONLINE_RETAIL:
        if default_boutique not in boutiques:
            raise FileRefused(
                "no_boutique",
                f"No boutique has the code “{default_boutique}”, the home of imported clients "
                "whose country has no boutique: create it, or name another default boutique.",
            )
        retail = CopyRetailImporter if fast_path and kind == ImportKind.ORDERS else RetailImporter
        return retail(
            boutique_ids={code: pk for code, (pk, _) in boutiques.items()},
            default_boutique=default_boutique,
            clients_only=kind == ImportKind.CLIENTS,
            on_created=on_clients_created,
        )
    if kind == ImportKind.CLIENTS:
        return ClientsImporter(
            boutiques=Boutiques(boutiques, countries),
            on_created=on_clients_created,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return OrdersImporter(
        boutiques=Boutiques(boutiques, countries), default_channel=default_channel
    )


def _csv_source(
    stream: BinaryIO, importer: Importer, normalise: Callable[[str], str], max_bytes: int | None
) -> CsvSource:
    return CsvSource(
        stream, known_columns=importer.spec.known, normalise=normalise, max_bytes=max_bytes
    )


def _read_by_columns(
    stream: BinaryIO,
    source: CsvSource,
    importer: RetailImporter,
    loop: BatchLoop,
    *,
    max_bytes: int | None,
    normalise: Callable[[str], str],
) -> tuple[Iterator[list[Lined]] | None, CsvSource, str]:
    """(rows, source, encoding): the rows parsed by columns where reading the file whole
    gives CsvSource's records exactly (reading.whole); else None and a fresh CsvSource
    to read it line by line, as read_whole has read the stream."""
    whole = read_whole(
        stream,
        header=source.raw_header,
        delimiter=source.delimiter,
        encoding=source.encoding,
        max_bytes=max_bytes,
        max_line_bytes=MAX_LINE_BYTES,
    )
    if whole is None:
        stream.seek(0)
        fresh = _csv_source(stream, importer, normalise, max_bytes)
        return None, fresh, fresh.encoding
    assert importer.parser is not None
    width = len(source.header)
    size = stream.seek(0, io.SEEK_END)

    def progressed(done: int, rows: int) -> None:
        # The stream was read whole at once: its position now moves in step with the rows
        # handed on, so a progress bar that follows it (import_orders) follows the import.
        stream.seek(size * done // rows)

    rows = RetailColumns(importer.parser, whole.columns).rows(
        lambda record: loop.prepared(record, width), importer.check_copy, progressed
    )
    stream.seek(0)
    return rows, source, whole.encoding


def _run(
    stream: BinaryIO,
    report: ImportReport,
    kind: str,
    fmt: str,
    limit: int | None,
    batch_rows: int | None,
    max_bytes: int | None,
    actor: Any,
    on_clients_created: CreatedHook | None,
    default_boutique: str,
    on_rejection: Callable[[Rejection], None] | None,
    default_channel: str = "",
    fast_path: bool = False,
    by_columns: bool = True,
) -> None:
    rows = Boutique.objects.values_list("code", "pk", "timezone", "country")
    boutiques = {code.lower(): (pk, tz) for code, pk, tz, _ in rows}
    countries = {code.lower(): country.upper() for code, _, _, country in rows}
    importer = _importer(
        kind,
        fmt,
        boutiques=boutiques,
        countries=countries,
        actor=actor,
        on_clients_created=on_clients_created,
        default_boutique=default_boutique,
        default_channel=default_channel,
        fast_path=fast_path and fast_path_available(),
    )
    fast = isinstance(importer, CopyRetailImporter)
    asked = batch_rows
    if batch_rows is None:
        batch_rows = COPY_BATCH_ROWS if fast else DEFAULT_BATCH_ROWS
    normalise = retail_header if fmt == ImportFormat.ONLINE_RETAIL else snake_header
    source = _csv_source(stream, importer, normalise, max_bytes)
    report.encoding = source.encoding
    report.delimiter = source.delimiter
    positions = check_header(source.header, importer.spec)
    if "consent_tier" in positions and policy.current_policy_version() is None:
        raise FileRefused(
            "no_policy",
            "The file carries consent columns but no privacy policy version is published: "
            "consent cannot be recorded against nothing. Publish the policy first.",
        )
    importer.start(source.header, positions)
    loop = BatchLoop(report, importer, batch_rows, on_rejection)
    parsed = None
    encoding = source.encoding
    if by_columns and limit is None and isinstance(importer, RetailImporter):
        parsed, source, encoding = _read_by_columns(
            stream, source, importer, loop, max_bytes=max_bytes, normalise=normalise
        )
        if parsed is not None and fast and asked is None:
            loop.batch_rows = COLUMNS_BATCH_ROWS
    # Reading ahead in a thread pays for the line-by-line reading; by columns, the parse is
    # quick and a busy second thread only delays the loop's return from each database
    # call (it waits for the interpreter lock).
    read_ahead = fast and parsed is None
    try:
        with collector_paused(fast):
            if parsed is None:
                loop.read(source, width=len(source.header), limit=limit, read_ahead=read_ahead)
            else:
                loop.read_lined(parsed)
    except FileStopped as exc:
        loop.flush()
        report.fail(exc.code, exc.message, line=exc.line)
    except ImportAborted as exc:
        report.fail("database", str(exc), line=loop.last_line)
    finally:
        report.encoding = source.encoding if parsed is None else encoding
        if report.error_code != "database":
            loop.refresh_stats()
    if report.rows_read == 0 and report.ok:
        report.notes.append("The file has a header line but no rows: nothing to import.")
