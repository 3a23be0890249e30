"""Run a CSV file through an importer, batch by batch, and say what happened (ImportReport).

The loop: read records (clients.imports.reading), reject what cannot be read,
let the importer parse and group rows (a client, the lines of one order or
invoice), and write groups in batches of about `batch_rows` rows, each batch in
its own transaction. A batch that fails is rolled back and written again one
group at a time, so one bad group is rejected ("not_saved") and the rest of the
batch is kept. A header that is wrong, or a file that is not CSV, is refused
before anything is written. A lost database connection stops the import; every
batch before it is committed, and running the import again skips them (external
refs, lookup hashes and style codes are the keys). Client figures are refreshed
once at the end, set-based. --dry-run does all of it in a transaction rolled
back at the end, so its report is exact.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from catalog.models import Boutique
from clients.imports.parsing import (
    Boutiques,
    check_header,
    retail_header,
)
from clients.imports.reading import CsvSource, FileRefused, FileStopped, snake_header
from clients.imports.report import ImportReport, Rejection, RowRejected
from clients.imports.writing import (
    DEFAULT_BOUTIQUE,
    BatchOutcome,
    ClientsImporter,
    CreatedHook,
    Group,
    Importer,
    OrdersImporter,
    RetailImporter,
)
from clients.models import ImportFormat, ImportKind
from clients.services import client_stats_refresh
from consent import policy

logger = logging.getLogger(__name__)

DEFAULT_BATCH_ROWS = 2000
STATS_CHUNK = 2000
FATAL_DB_ERRORS = (OperationalError, InterfaceError)
KINDS_BY_FORMAT = {
    ImportFormat.ATELIER: (ImportKind.CLIENTS, ImportKind.ORDERS),
    ImportFormat.ONLINE_RETAIL: (ImportKind.CLIENTS, ImportKind.ORDERS),
}


class ImportAborted(Exception):
    """The database stopped answering: the import ends, committed batches stand."""


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
    batch_rows: int = DEFAULT_BATCH_ROWS,
    max_bytes: int | None = None,
    actor: Any = None,
    on_clients_created: CreatedHook | None = None,
    default_boutique: str = DEFAULT_BOUTIQUE,
    rejections_kept: int | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
) -> ImportReport:
    """Import one CSV stream; never raises for bad input (the report says what went wrong)."""
    report = ImportReport(
        kind=kind,
        format=fmt,
        dry_run=dry_run,
        rejections_kept=settings.IMPORT_REJECTIONS_KEPT
        if rejections_kept is None
        else rejections_kept,
    )
    started = time.perf_counter()
    try:
        if dry_run:
            with transaction.atomic():
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
                )
                transaction.set_rollback(True)
        else:
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
            )
    except FileRefused as exc:
        report.fail(exc.code, exc.message)
    except FileStopped as exc:  # only if raised before the first row; _run handles the rest
        report.fail(exc.code, exc.message, line=exc.line)
    finally:
        report.seconds = time.perf_counter() - started
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
    return report


def _importer(
    kind: str,
    fmt: str,
    *,
    boutiques: dict[str, tuple[int, str]],
    actor: Any,
    on_clients_created: CreatedHook | None,
    default_boutique: str,
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
        return RetailImporter(
            boutique_ids={code: pk for code, (pk, _) in boutiques.items()},
            default_boutique=default_boutique,
            clients_only=kind == ImportKind.CLIENTS,
            on_created=on_clients_created,
        )
    if kind == ImportKind.CLIENTS:
        return ClientsImporter(
            boutiques=Boutiques(boutiques),
            on_created=on_clients_created,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return OrdersImporter(boutiques=Boutiques(boutiques))


def _run(
    stream: BinaryIO,
    report: ImportReport,
    kind: str,
    fmt: str,
    limit: int | None,
    batch_rows: int,
    max_bytes: int | None,
    actor: Any,
    on_clients_created: CreatedHook | None,
    default_boutique: str,
    on_rejection: Callable[[Rejection], None] | None,
) -> None:
    boutiques = {
        code.lower(): (pk, tz)
        for code, pk, tz in Boutique.objects.values_list("code", "pk", "timezone")
    }
    importer = _importer(
        kind,
        fmt,
        boutiques=boutiques,
        actor=actor,
        on_clients_created=on_clients_created,
        default_boutique=default_boutique,
    )
    normalise = retail_header if fmt == ImportFormat.ONLINE_RETAIL else snake_header
    source = CsvSource(
        stream, known_columns=importer.spec.known, normalise=normalise, max_bytes=max_bytes
    )
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
    loop = _Loop(report, importer, batch_rows, on_rejection)
    try:
        loop.read(source, width=len(source.header), limit=limit)
    except FileStopped as exc:
        loop.flush()
        report.fail(exc.code, exc.message, line=exc.line)
    except ImportAborted as exc:
        report.fail("database", str(exc), line=loop.last_line)
    finally:
        report.encoding = source.encoding
        if report.error_code != "database":
            loop.refresh_stats()
    if report.rows_read == 0 and report.ok:
        report.notes.append("The file has a header line but no rows: nothing to import.")


class _Loop:
    """Reads records into groups, writes them in batches, applies each committed outcome."""

    def __init__(
        self,
        report: ImportReport,
        importer: Importer,
        batch_rows: int,
        on_rejection: Callable[[Rejection], None] | None,
    ) -> None:
        self.report = report
        self.importer = importer
        self.batch_rows = max(1, batch_rows)
        self.on_rejection = on_rejection
        self.pending: OrderedDict[str, Group] = OrderedDict()
        self.pending_rows = 0
        self.touched: set[int] = set()
        self.last_line = 0

    def reject(self, line: int, exc: RowRejected) -> None:
        self.report.reject_exc(line, exc)
        self.report.count(self.importer.primary_entity, "rejected")
        if self.on_rejection is not None:
            self.on_rejection(Rejection(line, exc.code, exc.reason, exc.value))

    def read(self, source: CsvSource, *, width: int, limit: int | None) -> None:
        for record in source.records():
            if limit is not None and self.report.rows_read >= limit:
                self.report.notes.append(f"Stopped after {limit} rows, as asked (--limit).")
                break
            self.report.rows_read += 1
            self.last_line = record.line
            if record.problem is not None:
                self.reject(record.line, record.problem)
                continue
            if record.blank:
                self.report.rows_skipped += 1
                continue
            values = record.values
            if len(values) > width and not any(v.strip() for v in values[width:]):
                values = values[:width]  # trailing empty cells, as spreadsheets write them
            if len(values) != width:
                self.reject(
                    record.line,
                    _field_count_problem(record.line, record.last_line, len(values), width, values),
                )
                continue
            try:
                key, item = self.importer.prepare(record.line, values)
            except RowRejected as exc:
                self.reject(record.line, exc)
                continue
            except Exception as exc:  # a parser bug must cost one row, not the import
                logger.error(  # the type only: a message could quote the row's values
                    "Import row at line %d could not be parsed (%s).",
                    record.line,
                    type(exc).__name__,
                )
                self.reject(
                    record.line,
                    RowRejected(
                        "unreadable",
                        f"The row could not be read ({type(exc).__name__}); it was not imported.",
                    ),
                )
                continue
            group = self.pending.get(key)
            if group is None:
                if self.pending_rows >= self.batch_rows:
                    self.flush()
                group = self.pending[key] = Group(key)
            group.items.append(item)
            self.pending_rows += 1
        self.flush()

    def flush(self) -> None:
        groups = list(self.pending.values())
        self.pending.clear()
        self.pending_rows = 0
        if not groups:
            return
        try:
            with transaction.atomic():
                outcome = self.importer.write(groups)
        except FATAL_DB_ERRORS as exc:
            raise ImportAborted(_aborted_message(groups)) from exc
        except Exception as exc:  # a bad batch: write it again group by group
            logger.warning(
                "Import batch of lines %d-%d failed (%s); retrying group by group.",
                groups[0].lines[0],
                groups[-1].lines[-1],
                type(exc).__name__,
            )
            outcome = self._one_by_one(groups)
        self.apply(outcome)

    def _one_by_one(self, groups: list[Group]) -> BatchOutcome:
        merged = BatchOutcome()
        for group in groups:
            try:
                with transaction.atomic():
                    outcome = self.importer.write([group])
            except FATAL_DB_ERRORS as exc:
                self.apply(merged)
                raise ImportAborted(_aborted_message([group])) from exc
            except Exception as exc:
                logger.warning(
                    "Import group at line %d could not be saved (%s).",
                    group.lines[0],
                    type(exc).__name__,
                )
                outcome = BatchOutcome()
                for line in group.lines:
                    outcome.reject(
                        line,
                        RowRejected(
                            "not_saved",
                            "The row passed every check but the database refused it "
                            f"({type(exc).__name__}); nothing of it was kept. Try again, or "
                            "tell the team if it persists.",
                        ),
                    )
            _merge(merged, outcome)
        return merged

    def apply(self, outcome: BatchOutcome) -> None:
        report = self.report
        for (entity, what), n in outcome.counts.items():
            report.count(entity, what, n)
        for line, exc in sorted(outcome.rejections, key=lambda pair: pair[0]):
            self.reject(line, exc)
        report.rows_accepted += outcome.accepted
        report.rows_skipped += outcome.skipped
        self.touched |= outcome.touched_clients
        for note, n in outcome.notes.items():
            _add_note(report, note, n)
        self.importer.committed(outcome)

    def refresh_stats(self) -> None:
        ids = sorted(self.touched)
        for start in range(0, len(ids), STATS_CHUNK):
            client_stats_refresh(client_ids=ids[start : start + STATS_CHUNK])


def _merge(into: BatchOutcome, other: BatchOutcome) -> None:
    for key, n in other.counts.items():
        into.counts[key] += n
    into.rejections.extend(other.rejections)
    into.accepted += other.accepted
    into.skipped += other.skipped
    into.touched_clients |= other.touched_clients
    into.created_refs |= other.created_refs
    into.seen_keys |= other.seen_keys
    for note, n in other.notes.items():
        into.notes[note] += n


def _add_note(report: ImportReport, note: str, n: int) -> None:
    prefix = f"{note}: "
    for index, existing in enumerate(report.notes):
        if existing.startswith(prefix):
            report.notes[index] = f"{prefix}{int(existing[len(prefix) :]) + n}"
            return
    report.notes.append(f"{prefix}{n}")


def _aborted_message(groups: Iterable[Group]) -> str:
    first = next(iter(groups)).lines[0]
    return (
        f"The database stopped answering while saving the rows from line {first}: the rows "
        "before them are saved. Run the import again: what is saved is skipped."
    )


def _field_count_problem(
    line: int, last_line: int, count: int, width: int, values: list[str]
) -> RowRejected:
    reason = f"The line has {count} field{'s' if count != 1 else ''}; the header has {width}."
    if last_line > line:
        reason += (
            f' Lines {line}–{last_line} were read as one row: a quote (") is probably not closed.'
        )
    return RowRejected("wrong_field_count", reason, ",".join(values))
