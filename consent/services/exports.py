"""Privacy exports: an archive of everything held, built by a Celery task, handed over once.

The build is handed to the task by name (core.tasks.enqueue_on_commit), after
the request's transaction commits; this module never imports a tasks module.

The archive (export.json + summary.html in a zip) lives under
PRIVATE_STORAGE_ROOT, never MEDIA or STATIC; the link is a TimestampSigner
token valid PRIVACY_EXPORT_TTL, and the file is deleted as it is handed over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import OperationalError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from consent import privacy
from consent.models import (
    AccessAction,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
)
from consent.services.access_log import access_log_record
from core.tasks import enqueue_on_commit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from clients.models import Client


class PrivacyError(Exception):
    """A privacy request that cannot go ahead; the message is for the client."""


EXPORT_SALT = "consent.privacy-export"
EXPORT_DIR = "exports"
# A build that has not finished after this long died with its worker.
EXPORT_STALE_AFTER = dt.timedelta(hours=1)
ARCHIVE_FORMAT = "atelier-privacy-export/1"
# The Celery task that builds the archive, handed over by name after the commit.
BUILD_TASK = "consent.tasks.build_export"


class ExportGone(PrivacyError):
    """The export link worked once, or has lapsed: the page says so (410)."""


def _private_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def _export_file(privacy_request: PrivacyRequest) -> Path | None:
    if not privacy_request.file_path:
        return None
    root = _private_root().resolve()
    path = (root / privacy_request.file_path).resolve()
    if root not in path.parents:  # a tampered path never leaves the private root
        return None
    return path


def _delete_export_file(privacy_request: PrivacyRequest) -> None:
    path = _export_file(privacy_request)
    if path is not None:
        path.unlink(missing_ok=True)


def export_signer() -> TimestampSigner:
    return TimestampSigner(salt=EXPORT_SALT)


def privacy_export_token(privacy_request: PrivacyRequest) -> str:
    """The signed, expiring token of the download link (valid PRIVACY_EXPORT_TTL)."""
    return export_signer().sign(str(privacy_request.public_id))


@transaction.atomic
def privacy_export_request(*, client: Client, requested_by: User | None) -> PrivacyRequest:
    """Ask for an archive of everything held about the client; built by a Celery task.

    One export at a time: while one is being prepared or waiting to be
    downloaded, asking again returns it.
    """
    now = timezone.now()
    open_requests = (
        PrivacyRequest.objects.select_for_update()
        .filter(
            client_id=client.pk,
            kind=PrivacyRequestKind.EXPORT,
            status__in=[
                PrivacyRequestStatus.REQUESTED,
                PrivacyRequestStatus.PROCESSING,
                PrivacyRequestStatus.READY,
            ],
        )
        .order_by("pk")
    )
    for existing in open_requests:
        if existing.status == PrivacyRequestStatus.READY and (
            existing.expires_at is None or existing.expires_at <= now
        ):
            _privacy_export_expire(existing)
        elif (
            existing.status != PrivacyRequestStatus.READY
            and existing.requested_at < now - EXPORT_STALE_AFTER
        ):
            existing.status = PrivacyRequestStatus.FAILED
            existing.error = "The preparation did not finish in time."
            existing.completed_at = now
            existing.save(update_fields=["status", "error", "completed_at"])
        else:
            return existing

    privacy_request = PrivacyRequest(
        client=client,
        kind=PrivacyRequestKind.EXPORT,
        requested_by=requested_by,
        requested_at=now,
    )
    privacy_request.full_clean()
    privacy_request.save()
    if requested_by is not None and getattr(client, "user_id", None) != requested_by.pk:
        access_log_record(actor=requested_by, client=client, action=AccessAction.EXPORTED)
    enqueue_on_commit(BUILD_TASK, privacy_request.pk)
    return privacy_request


def privacy_archive(client: Client) -> dict[str, Any]:
    """Everything held about the client, section by section (see consent.privacy).

    Written in the house's language (settings.LANGUAGE_CODE), as the readable summary
    is, whichever language the worker or a request happened to leave active.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _archive(client)


def _archive(client: Client) -> dict[str, Any]:
    return {
        "format": ARCHIVE_FORMAT,
        "generated_at": timezone.now(),
        "client": str(client.public_id),
        "sections": {
            section.name: {
                "label": str(section.label),
                "description": str(section.description),
                "data": section.export(client),
            }
            for section in privacy.export_sections()
        },
    }


def _summary_value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d %B %Y, %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d %B %Y")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | dict):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def _summary_sections(archive: dict[str, Any]) -> list[dict[str, Any]]:
    """The archive shaped for the readable summary: tables for lists, pairs for the rest."""
    shaped = []
    for name, section in archive["sections"].items():
        data = section["data"]
        entry: dict[str, Any] = {
            "name": name,
            "label": section["label"],
            "description": section["description"],
        }
        if isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
            columns = list(dict.fromkeys(key for row in data for key in row))
            entry["columns"] = [c.replace("_", " ") for c in columns]
            entry["rows"] = [[_summary_value(row.get(c)) for c in columns] for row in data]
        elif isinstance(data, dict):
            entry["pairs"] = [(k.replace("_", " "), _summary_value(v)) for k, v in data.items()]
        elif not data:
            entry["empty"] = True
        else:
            entry["pairs"] = [("", _summary_value(data))]
        shaped.append(entry)
    return shaped


def _write_archive(privacy_request: PrivacyRequest, archive: dict[str, Any]) -> tuple[str, str]:
    """Write export.json + summary.html into a zip under PRIVATE_STORAGE_ROOT; (path, sha256)."""
    directory = _private_root() / EXPORT_DIR
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    relative = f"{EXPORT_DIR}/{privacy_request.public_id}.zip"
    target = _private_root() / relative
    body = json.dumps(archive, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    summary = render_to_string(
        "consent/export_summary.html",
        {
            "archive": archive,
            "sections": _summary_sections(archive),
            "generated_at": archive["generated_at"],
        },
    )
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".export-", suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("export.json", body)
            zf.writestr("summary.html", summary)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    return relative, digest


def privacy_export_build(*, request_id: int) -> PrivacyRequest | None:
    """Build the archive for a requested export; safe to run twice (claims the request)."""
    claimed = PrivacyRequest.objects.filter(
        pk=request_id, kind=PrivacyRequestKind.EXPORT, status=PrivacyRequestStatus.REQUESTED
    ).update(status=PrivacyRequestStatus.PROCESSING)
    if not claimed:
        return None
    privacy_request = PrivacyRequest.objects.select_related(
        "client__home_boutique", "client__user"
    ).get(pk=request_id)
    try:
        archive = privacy_archive(privacy_request.client)
        relative, digest = _write_archive(privacy_request, archive)
    except OperationalError:
        # A transient database fault: hand the request back so the task's retry claims it.
        PrivacyRequest.objects.filter(pk=request_id).update(status=PrivacyRequestStatus.REQUESTED)
        raise
    except Exception as exc:
        PrivacyRequest.objects.filter(pk=request_id).update(
            status=PrivacyRequestStatus.FAILED,
            error=f"The archive could not be prepared ({exc.__class__.__name__}).",
            completed_at=timezone.now(),
        )
        raise
    now = timezone.now()
    privacy_request.status = PrivacyRequestStatus.READY
    privacy_request.file_path = relative
    privacy_request.sha256 = digest
    privacy_request.completed_at = now
    privacy_request.expires_at = now + settings.PRIVACY_EXPORT_TTL
    privacy_request.counts = {
        name: len(section["data"]) if isinstance(section["data"], list | dict) else 1
        for name, section in archive["sections"].items()
        if section["data"]
    }
    privacy_request.full_clean()
    privacy_request.save(
        update_fields=["status", "file_path", "sha256", "completed_at", "expires_at", "counts"]
    )
    return privacy_request


def _privacy_export_expire(privacy_request: PrivacyRequest) -> None:
    _delete_export_file(privacy_request)
    privacy_request.status = PrivacyRequestStatus.EXPIRED
    privacy_request.file_path = ""
    privacy_request.save(update_fields=["status", "file_path"])


def privacy_export_for_token(*, token: str, client: Client) -> PrivacyRequest:
    """The client's ready export behind a download token, without using the link up.

    Http404 for a bad token, someone else's export or one not ready yet;
    ExportGone (410) once downloaded or expired (an expired archive is deleted here).
    """
    signer = export_signer()
    try:
        public_id = signer.unsign(token, max_age=settings.PRIVACY_EXPORT_TTL)
        lapsed = False
    except SignatureExpired:
        public_id = signer.unsign(token)  # authentic, but too old
        lapsed = True
    except BadSignature:
        raise Http404("No such export") from None
    privacy_request = (
        PrivacyRequest.objects.filter(
            public_id=public_id, client_id=client.pk, kind=PrivacyRequestKind.EXPORT
        ).first()
        if _is_uuid(public_id)
        else None
    )
    if privacy_request is None:
        raise Http404("No such export")
    if privacy_request.status == PrivacyRequestStatus.DOWNLOADED:
        raise ExportGone(
            gettext(
                "This archive has already been downloaded. For your protection each archive can "
                "be downloaded only once: you can ask for a new one in your privacy centre."
            )
        )
    expired = privacy_request.status == PrivacyRequestStatus.EXPIRED or (
        privacy_request.status == PrivacyRequestStatus.READY
        and (
            lapsed
            or privacy_request.expires_at is None
            or privacy_request.expires_at <= timezone.now()
        )
    )
    if expired:
        if privacy_request.status != PrivacyRequestStatus.EXPIRED:
            _privacy_export_expire(privacy_request)
        raise ExportGone(
            gettext(
                "This link has expired: archives wait 48 hours, then we delete them. You can ask "
                "for a new one in your privacy centre."
            )
        )
    if privacy_request.status != PrivacyRequestStatus.READY:
        raise Http404("This export is not ready")
    return privacy_request


@dataclass(frozen=True)
class ExportDownload:
    file: BinaryIO
    filename: str
    sha256: str


def privacy_export_download(*, token: str, client: Client) -> ExportDownload:
    """Hand the archive over once (see privacy_export_for_token for the refusals).

    The request is marked downloaded by a conditional update before the file is
    opened, and the file is unlinked once open: a second click, even a parallel
    one, finds nothing.
    """
    privacy_request = privacy_export_for_token(token=token, client=client)
    path = _export_file(privacy_request)
    now = timezone.now()
    claimed = PrivacyRequest.objects.filter(
        pk=privacy_request.pk, status=PrivacyRequestStatus.READY
    ).update(status=PrivacyRequestStatus.DOWNLOADED, downloaded_at=now, file_path="")
    if not claimed:  # a parallel click won the race
        raise ExportGone(gettext("This archive has already been downloaded."))
    try:
        handle = open(path, "rb") if path is not None else None  # noqa: SIM115 - streamed
    except FileNotFoundError:
        handle = None
    if handle is None or path is None:
        PrivacyRequest.objects.filter(pk=privacy_request.pk).update(
            status=PrivacyRequestStatus.FAILED, error="The archive file was missing."
        )
        raise ExportGone(gettext("This archive is no longer available: please ask for a new one."))
    path.unlink(missing_ok=True)  # the open handle still reads it
    filename = f"maison-verlaine-your-data-{now:%Y-%m-%d}.zip"
    return ExportDownload(file=handle, filename=filename, sha256=privacy_request.sha256)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def privacy_exports_expire() -> int:
    """Delete archives whose link has lapsed, and any file left behind (beat, hourly)."""
    now = timezone.now()
    expired = 0
    lapsed = PrivacyRequest.objects.filter(
        kind=PrivacyRequestKind.EXPORT, status=PrivacyRequestStatus.READY, expires_at__lte=now
    ).order_by("pk")
    for privacy_request in lapsed:
        _privacy_export_expire(privacy_request)
        expired += 1
    leftovers = (
        PrivacyRequest.objects.filter(kind=PrivacyRequestKind.EXPORT)
        .exclude(status=PrivacyRequestStatus.READY)
        .exclude(file_path="")
    )
    for privacy_request in leftovers:
        _delete_export_file(privacy_request)
        PrivacyRequest.objects.filter(pk=privacy_request.pk).update(file_path="")
    return expired
