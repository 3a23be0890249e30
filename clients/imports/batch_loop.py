"""The import loop: read records into groups, write them batch by batch, apply what committed.

Each batch is written in its own transaction. A batch that fails is rolled back
and written again one group at a time, so one bad group is rejected
("not_saved") and the rest of the batch is kept. A lost database connection
stops the loop (ImportAborted); every batch before it is committed.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from typing import Any

from django.db import InterfaceError, OperationalError, transaction

from clients.imports.read_ahead import read_ahead as _read_ahead
from clients.imports.reading import CsvSource, Record
from clients.imports.report import ImportReport, Rejection, RowRejected, without_frames
from clients.imports.writers.batch import BatchOutcome, Group, Importer, Lined, Parsed, Prepared
from clients.services import client_stats_refresh

logger = logging.getLogger(__name__)

STATS_CHUNK = 2000
FATAL_DB_ERRORS = (OperationalError, InterfaceError)


class ImportAborted(Exception):
    """The database stopped answering: the import ends, committed batches stand."""


class BatchLoop:
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

    def read(
        self,
        source: CsvSource,
        *,
        width: int,
        limit: int | None,
        read_ahead: bool = False,
    ) -> None:
        """Every record of the source (up to `limit` rows), then the last batch.

        read_ahead: records are read and parsed in a second thread while batches are
        written (clients.imports.read_ahead); the loop sees the same rows in the same order.
        """
        rows = self.parsed_records(source, width, limit)
        with _read_ahead(rows) if read_ahead else nullcontext(rows) as parsed:
            for record, result in parsed:
                if limit is not None and self.report.rows_read >= limit:
                    self.report.notes.append(f"Stopped after {limit} rows, as asked (--limit).")
                    break
                self._take(record.line, record.problem, result)
        self.flush()

    def read_lined(self, chunks: Iterable[list[Lined]]) -> None:
        """Every row of a file read another way (whole, by columns:
        clients.imports.parsers.online_retail_columns), then the last batch.

        Each chunk holds rows in file order, each row a record of one line (none that
        could not be read): its line and what the importer made of it. Taken as `read`
        takes records, with no limit.
        """
        take = self._take
        for chunk in chunks:
            for line, result in chunk:
                take(line, None, result)
        self.flush()

    def parsed_records(self, source: CsvSource, width: int, limit: int | None) -> Iterator[Parsed]:
        """Each record with what the importer made of it (nothing past the limit)."""
        prepared = self.prepared
        for index, record in enumerate(source.records()):
            if limit is not None and index >= limit:
                yield record, None  # only read, as the loop stops there
                return
            yield record, prepared(record, width)

    def prepared(self, record: Record, width: int) -> Prepared:
        """What the importer makes of one record, exactly as `read` would (parsed_records' step)."""
        values = record.values
        if record.problem is None and len(values) == width and values[0].strip():
            try:  # the common row: _parse's checks passed at a glance
                return self.importer.prepare(record.line, values)
            except Exception as exc:  # RowRejected, or a parser bug: rejected by _take
                return without_frames(exc)  # kept with the row until its batch is written
        return self._parse(record, width)

    def _parse(self, record: Record, width: int) -> Prepared:
        """(group key, item), or why the row is rejected; None for unreadable or blank records."""
        values = record.values
        # A first cell with text is the common case, and not blank: no need to join them all.
        if record.problem is not None or (not (values and values[0].strip()) and record.blank):
            return None
        if len(values) > width and not any(value.strip() for value in values[width:]):
            values = values[:width]  # trailing empty cells, as spreadsheets write them
        if len(values) != width:
            return _field_count_problem(record.line, record.last_line, len(values), width, values)
        try:
            return self.importer.prepare(record.line, values)
        except Exception as exc:  # RowRejected, or a parser bug: rejected by _take
            return without_frames(exc)

    def _take(self, line: int, problem: RowRejected | None, result: Prepared) -> None:
        """Count one record (its line, why it could not be read); reject it, skip it, or add
        it to its group."""
        self.report.rows_read += 1
        self.last_line = line
        if problem is not None:
            self.reject(line, problem)
        elif type(result) is tuple:  # (group key, item): the common row, asked first
            self._add(line, *result)
        elif result is None:  # _parse leaves only blank records unparsed
            self.report.rows_skipped += 1
        elif isinstance(result, RowRejected):
            self.reject(line, result)
        elif isinstance(result, Exception):  # a parser bug must cost one row, not the import
            logger.error(  # the type only: a message could quote the row's values
                "Import row at line %d could not be parsed (%s).",
                line,
                type(result).__name__,
            )
            self.reject(
                line,
                RowRejected(
                    "unreadable",
                    f"The row could not be read ({type(result).__name__}); it was not imported.",
                ),
            )

    def _add(self, line: int, key: str, item: Any) -> None:
        """Add a parsed row to its group, flushing the batch when it is full."""
        group = self.pending.get(key)
        if group is None:
            if self.pending_rows >= self.batch_rows:
                self.flush()
            group = self.pending[key] = Group(key)
        group.items.append(item)
        self.pending_rows += 1

    def flush(self) -> None:
        """Write the pending groups in one transaction (group by group if that fails)."""
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
                outcome = _not_saved(group, exc)
            merged.absorb(outcome)
        return merged

    def apply(self, outcome: BatchOutcome) -> None:
        """Add a committed batch's outcome to the report, and tell the importer."""
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
        """Client figures of every client the import touched, set-based, in chunks."""
        ids = sorted(self.touched)
        for start in range(0, len(ids), STATS_CHUNK):
            client_stats_refresh(client_ids=ids[start : start + STATS_CHUNK])


def _not_saved(group: Group, exc: Exception) -> BatchOutcome:
    """Every row of a group the database refused, rejected as "not_saved"."""
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
    return outcome


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
