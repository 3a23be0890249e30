"""Import runs: who may import, storing an upload, running it now or in a task, the record.

An ImportRun is created for every import (admin upload or command), so head
office can see what came in, when, from whom, and every row that was refused.
This is the one module of clients.imports that reaches up to stylists: putting
new clients in an advisor's book (book_assign_bulk), as clients/admin.py does.
"""

from __future__ import annotations

import csv
import gzip
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from clients.imports.report import ImportReport, Rejection
from clients.imports.services import import_stream
from clients.imports.writers.batch import CreatedHook
from clients.models import ImportRun, ImportStatus
from clients.privacy import import_report_file
from core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

UPLOAD_DIR = "imports"
REPORT_DIR = "import-reports"  # every rejected row of a run, gzip CSV (personal data: erasable)
REPORT_HEADER = ["line", "code", "reason", "value"]
IMPORT_RUN_TASK = "clients.tasks.import_run"  # the task runs import_run_execute_stored


def can_import(user: Any) -> bool:
    """Superusers and active head office staff; nobody else imports or reads import reports."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    stylist = getattr(user, "stylist", None)
    return bool(stylist is not None and stylist.active and stylist.is_head_office)


def book_hook(stylist: Any) -> CreatedHook | None:
    """Put each new client in this advisor's book (None: no assignment)."""
    if stylist is None:
        return None
    from stylists.services import book_assign_bulk  # the one reach up, see the docstring

    def assign(client_ids: list[int]) -> None:
        book_assign_bulk(pairs=[(client_id, stylist) for client_id in client_ids])

    return assign


@transaction.atomic
def import_run_create(
    *,
    kind: str,
    fmt: str,
    filename: str,
    file_size: int = 0,
    dry_run: bool = False,
    origin: str = "admin",
    requested_by: Any = None,
    assign_to: Any = None,
    file_path: str = "",
) -> ImportRun:
    run = ImportRun(
        kind=kind,
        format=fmt,
        filename=Path(filename).name[:255],
        file_size=file_size,
        dry_run=dry_run,
        origin=origin,
        requested_by=requested_by if getattr(requested_by, "is_authenticated", False) else None,
        assign_to=assign_to,
        file_path=file_path,
        status=ImportStatus.QUEUED,
    )
    run.full_clean()
    run.save()
    return run


def _claim(run: ImportRun) -> bool:
    """QUEUED -> RUNNING, once: a second worker (or a retried task) finds nothing to do."""
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    return bool(claimed)


def import_run_execute(
    *,
    run: ImportRun,
    stream: BinaryIO,
    max_bytes: int | None = None,
    limit: int | None = None,
    **options: Any,
) -> ImportReport | None:
    """Run a queued import on this stream and store its report (None if already claimed)."""
    if not _claim(run):
        return None
    relative = f"{REPORT_DIR}/{run.public_id}.csv.gz"
    target = _private_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    caller_sink: Callable[[Rejection], None] | None = options.pop("on_rejection", None)
    with gzip.open(target, "wt", encoding="utf-8", newline="") as full:
        writer = csv.writer(full, lineterminator="\r\n")
        writer.writerow(REPORT_HEADER)

        def keep_every_rejection(rejection: Rejection) -> None:
            nonlocal written
            writer.writerow(rejection.as_list())  # neutralised when downloaded
            written += 1
            if caller_sink is not None:
                caller_sink(rejection)

        try:
            report = import_stream(
                stream=stream,
                kind=run.kind,
                fmt=run.format,
                dry_run=run.dry_run,
                limit=limit,
                max_bytes=max_bytes,
                actor=run.requested_by,
                on_clients_created=book_hook(run.assign_to),
                on_rejection=keep_every_rejection,
                **options,
            )
        except Exception as exc:  # a bug, not bad input: the run says so, the worker logs it
            logger.exception("Import run %s crashed.", run.public_id)
            _finish(
                run, None, error=f"The import stopped on an internal error ({type(exc).__name__})."
            )
            raise
    _finish(run, report, rejections_file=relative if written else "", rejections_written=written)
    if not written:
        target.unlink(missing_ok=True)
    return report


def _finish(
    run: ImportRun,
    report: ImportReport | None,
    *,
    error: str = "",
    rejections_file: str = "",
    rejections_written: int = 0,
) -> None:
    fields: dict[str, Any] = {"finished_at": timezone.now(), "file_path": ""}
    if report is None:
        fields.update(status=ImportStatus.FAILED, error=error)
    else:
        data = report.as_dict()
        # The JSON keeps the first IMPORT_REJECTIONS_KEPT; the file keeps every one.
        data["rejections_file"] = rejections_file
        data["rejections_in_file"] = rejections_written
        fields.update(
            status=ImportStatus.COMPLETED if report.ok else ImportStatus.FAILED,
            rows_read=report.rows_read,
            rows_accepted=report.rows_accepted,
            rows_rejected=report.rows_rejected,
            report=data,
            error=report.error,
        )
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)


# --- Uploads --------------------------------------------------------------------------


def _private_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def import_upload_store(*, upload: UploadedFile) -> str:
    """Copy an upload under PRIVATE_STORAGE_ROOT/imports/ (never MEDIA); the relative path."""
    relative = f"{UPLOAD_DIR}/{uuid.uuid4().hex}.upload"
    target = _private_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return relative


def import_rejections_path(run: ImportRun) -> Path | None:
    """The file holding every rejected row of the run, if it has one (inside the private root)."""
    return import_report_file(run)


def _stored_file(run: ImportRun) -> Path | None:
    if not run.file_path:
        return None
    root = _private_root().resolve()
    path = (root / run.file_path).resolve()
    if root not in path.parents:  # a tampered path never leaves the private root
        return None
    return path


def import_run_execute_stored(*, run_id: int) -> ImportReport | None:
    """The Celery task's body: run a queued upload from private storage, then delete it."""
    try:
        run = ImportRun.objects.select_related("requested_by", "assign_to").get(pk=run_id)
    except ImportRun.DoesNotExist:
        return None
    path = _stored_file(run)
    if path is None or not path.is_file():
        if run.status == ImportStatus.QUEUED and _claim(run):
            _finish(run, None, error="The uploaded file is no longer there: upload it again.")
        return None
    try:
        with open(path, "rb") as stream:
            return import_run_execute(
                run=run, stream=stream, max_bytes=settings.IMPORT_UPLOAD_MAX_INFLATED_BYTES
            )
    finally:
        if run.status != ImportStatus.QUEUED:
            path.unlink(missing_ok=True)


def import_upload_run(
    *,
    upload: UploadedFile,
    kind: str,
    fmt: str,
    dry_run: bool,
    requested_by: Any,
    assign_to: Any = None,
) -> ImportRun:
    """The admin's upload: small files run now, bigger ones in a Celery task after commit."""
    size = int(upload.size or 0)
    if size <= settings.IMPORT_SYNC_MAX_BYTES:
        run = import_run_create(
            kind=kind,
            fmt=fmt,
            filename=upload.name or "upload.csv",
            file_size=size,
            dry_run=dry_run,
            requested_by=requested_by,
            assign_to=assign_to,
        )
        upload.seek(0)
        import_run_execute(
            run=run,
            stream=upload.file,  # type: ignore[arg-type]
            max_bytes=settings.IMPORT_UPLOAD_MAX_INFLATED_BYTES,
        )
        run.refresh_from_db()
        return run
    run = import_run_create(
        kind=kind,
        fmt=fmt,
        filename=upload.name or "upload.csv",
        file_size=size,
        dry_run=dry_run,
        requested_by=requested_by,
        assign_to=assign_to,
        file_path=import_upload_store(upload=upload),
    )
    enqueue_on_commit(IMPORT_RUN_TASK, run.pk)  # clients.tasks.import_run_task, by name
    return run
