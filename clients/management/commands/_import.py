"""The shared body of `import_clients` and `import_orders` (see docs/imports.md)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from clients.imports.report import Rejection
from clients.imports.runs import import_run_create, import_run_execute
from clients.imports.services import COLUMNS_BATCH_ROWS, COPY_BATCH_ROWS, DEFAULT_BATCH_ROWS
from clients.imports.writers.online_retail import DEFAULT_BOUTIQUE
from clients.models import ImportFormat
from core.csvsafe import neutralise_row


class ProgressStream:
    """A binary file that reports how far it has been read (bytes of the file on disk), or
    where it was moved to (seek)."""

    def __init__(self, raw: BinaryIO, on_progress: Callable[[int], object]) -> None:
        self._raw = raw
        self._on_progress = on_progress

    def _report(self) -> None:
        self._on_progress(self._raw.tell())

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._report()
        return data

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move, and report the new position (a file read whole reports its progress so)."""
        position = self._raw.seek(offset, whence)
        self._report()
        return position

    def readline(self, size: int = -1) -> bytes:
        data = self._raw.readline(size)
        if self._raw.tell() % 65536 < len(data) + 1:  # every 64 KiB or so: cheap
            self._report()
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .csv or .csv.gz file (any size).")
        parser.add_argument(
            "--format",
            choices=ImportFormat.values,
            default=ImportFormat.ATELIER,
            help="atelier (docs/imports.md) or online-retail (the raw UCI file).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, save nothing."
        )
        parser.add_argument("--limit", type=int, help="Read at most N data rows.")
        parser.add_argument(
            "--assign-to", metavar="USERNAME", help="Put new clients in this advisor's book."
        )
        parser.add_argument(
            "--default-boutique",
            default=DEFAULT_BOUTIQUE,
            help="online-retail: home boutique of clients whose country has none "
            f"(default {DEFAULT_BOUTIQUE}).",
        )
        parser.add_argument(
            "--batch-rows",
            type=int,
            default=None,
            help=f"Rows per transaction (default {DEFAULT_BATCH_ROWS}; "
            f"{COLUMNS_BATCH_ROWS:,} for online-retail orders on PostgreSQL, "
            f"{COPY_BATCH_ROWS:,} when such a file is read line by line).",
        )
        parser.add_argument(
            "--rejections", metavar="PATH", help="Also write every rejected row to this CSV."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar (it goes to stderr)."
        )

    def source_options(self, options: dict[str, Any]) -> dict[str, Any]:
        """Options the import takes from the command's own arguments (import_orders --source)."""
        return {}

    def handle(self, *args: Any, **options: Any) -> None:
        extra = self.source_options(options)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        assignee = self._assignee(options["assign_to"])
        run = import_run_create(
            kind=self.kind,
            fmt=options["format"],
            filename=path.name,
            file_size=path.stat().st_size,
            dry_run=options["dry_run"],
            origin="command",
            assign_to=assignee,
        )
        sink = None
        out = None
        if options["rejections"]:
            out = open(options["rejections"], "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(["line", "reason", "value"])

            def sink(rejection: Rejection) -> None:
                writer.writerow(neutralise_row([rejection.line, rejection.reason, rejection.value]))

        progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            disable=options["no_progress"] or not sys.stderr.isatty(),
            transient=True,
        )
        try:
            with progress, open(path, "rb") as raw:
                task = progress.add_task(f"Importing {path.name}", total=path.stat().st_size)
                stream = ProgressStream(raw, lambda done: progress.update(task, completed=done))
                report = import_run_execute(
                    run=run,
                    stream=stream,  # type: ignore[arg-type]  # a file, with a progress hook
                    limit=options["limit"],
                    batch_rows=options["batch_rows"],
                    default_boutique=options["default_boutique"],
                    on_rejection=sink,
                    **extra,
                )
        finally:
            if out is not None:
                out.close()
        assert report is not None  # the run was created just now, so it is ours
        if options["json"]:
            data = report.as_dict()
            data["run"] = str(run.public_id)
            data["rejections"] = data["rejections"][:100]
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            for line in report.summary_lines():
                self.stdout.write(line)
            self.stdout.write(f"Report: ImportRun {run.public_id} (admin › Import runs).")
        if not report.ok:
            raise CommandError(report.error)

    def _assignee(self, username: str | None) -> Any:
        if not username:
            return None
        from stylists.models import Role, Stylist

        try:
            stylist = Stylist.objects.select_related("user").get(user__username=username)
        except Stylist.DoesNotExist:
            raise CommandError(f"No advisor has the username {username!r}.") from None
        if not stylist.active or stylist.role == Role.HEAD_OFFICE:
            raise CommandError(f"{username} has no book to put clients in.")
        return stylist
