"""Admin for CSV imports: the "Import CSV" button on clients and orders, the upload, the runs.

Superusers and head office only (clients.imports.runs.can_import); everyone else
gets 403 on the upload and does not see the runs. Small uploads run in the
request; bigger ones in a Celery task after commit, and the run's page shows the
report (refresh it) once the task is done.
"""

from __future__ import annotations

import csv
import gzip
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from clients.imports.report import rejections_csv
from clients.imports.runs import can_import, import_rejections_path, import_upload_run
from clients.models import ImportFormat, ImportKind, ImportRun, ImportStatus
from stylists.models import Role, Stylist

if TYPE_CHECKING:
    from django.template.response import _TemplateForResponseT

REJECTIONS_SHOWN = 200


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A .csv or .csv.gz file, UTF-8 or Windows-1252, comma, semicolon or tab "
        "separated (docs/imports.md).",
    )
    format = forms.ChoiceField(choices=ImportFormat.choices, initial=ImportFormat.ATELIER)
    dry_run = forms.BooleanField(
        required=False, label="Dry run: check every row and report, save nothing"
    )
    assign_to = forms.ModelChoiceField(
        queryset=Stylist.objects.filter(active=True)
        .exclude(role=Role.HEAD_OFFICE)
        .select_related("user", "boutique"),
        required=False,
        label="Put new clients in the book of",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; uploads here stop at "
                f"{limit // 1_048_576} MB. Split it, or ask for `manage.py import_clients` / "
                "`import_orders`, which read files of any size."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload


class ImportUploadMixin:
    """Adds the Import CSV button and upload page to a changelist (clients or orders)."""

    import_kind: str = ""
    change_list_template: ClassVar[_TemplateForResponseT | None] = (
        "admin/clients/change_list_with_import.html"
    )

    def get_urls(self) -> list[URLPattern]:
        urls: list[URLPattern] = super().get_urls()  # type: ignore[misc]
        opts = self.opts  # type: ignore[attr-defined]
        name = f"{opts.app_label}_{opts.model_name}_import"
        view = self.admin_site.admin_view(self.import_view)  # type: ignore[attr-defined]
        return [path("import/", view, name=name), *urls]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        opts = self.opts  # type: ignore[attr-defined]
        context = {
            **(extra_context or {}),
            "can_import": can_import(request.user),
            "import_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_import"),
        }
        return super().changelist_view(request, extra_context=context)  # type: ignore[misc]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not can_import(request.user):
            raise PermissionDenied("Imports are for head office.")
        form = ImportUploadForm()
        too_big = False
        if request.method == "POST":
            # Refuse an oversized body before reading it into a temporary file.
            length = int(request.META.get("CONTENT_LENGTH") or 0)
            too_big = length > settings.IMPORT_UPLOAD_MAX_BYTES + 1_048_576
            if not too_big:
                form = ImportUploadForm(request.POST, request.FILES)
                if form.is_valid():
                    run = import_upload_run(
                        upload=form.cleaned_data["file"],
                        kind=self.import_kind,
                        fmt=form.cleaned_data["format"],
                        dry_run=form.cleaned_data["dry_run"],
                        requested_by=request.user,
                        assign_to=form.cleaned_data["assign_to"],
                    )
                    _announce(request, run)
                    return HttpResponseRedirect(
                        reverse("admin:clients_importrun_change", args=[run.pk])
                    )
        opts = self.opts  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": f"Import {ImportKind(self.import_kind).label.lower()} from CSV",
            "form": form,
            "opts": opts,
            "kind": self.import_kind,
            "too_big": too_big,
            "limit_mb": settings.IMPORT_UPLOAD_MAX_BYTES // 1_048_576,
            "recent": ImportRun.objects.filter(kind=self.import_kind)[:5],
        }
        return render(
            request, "admin/clients/import_upload.html", context, status=413 if too_big else 200
        )


def _announce(request: HttpRequest, run: ImportRun) -> None:
    if run.status == ImportStatus.QUEUED:
        messages.info(
            request,
            "The file is large: the import runs in the background. Refresh this page to see "
            "its report.",
        )
    elif run.status == ImportStatus.FAILED:
        messages.error(request, run.error or "The import failed.")
    else:
        what = "checked (dry run, nothing saved)" if run.dry_run else "imported"
        messages.success(
            request,
            f"{run.rows_read} rows read and {what}: {run.rows_accepted} accepted, "
            f"{run.rows_rejected} rejected.",
        )


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin[ImportRun]):
    list_display = [
        "created_at",
        "kind",
        "format",
        "filename",
        "status",
        "dry_run",
        "rows_read",
        "rows_accepted",
        "rows_rejected",
        "requested_by",
        "origin",
    ]
    list_filter = ["kind", "format", "status", "dry_run", "origin"]
    search_fields = ["filename", "public_id"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"
    fields = RUN_FIELDS = (
        "public_id",
        "kind",
        "format",
        "filename",
        "file_size",
        "status",
        "dry_run",
        "origin",
        "requested_by",
        "assign_to",
        "created_at",
        "started_at",
        "finished_at",
        "error",
        "summary",
        "rejected_rows",
    )
    readonly_fields = RUN_FIELDS

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportRun]:
        if not can_import(request.user):
            return ImportRun.objects.none()
        return super().get_queryset(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_import(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_import(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs come from uploads and commands

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.rejections_view)
        return [
            path("<int:pk>/rejections.csv", view, name="clients_importrun_rejections"),
            *super().get_urls(),
        ]

    def rejections_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not can_import(request.user):
            raise PermissionDenied("Imports are for head office.")
        try:
            run = ImportRun.objects.get(pk=pk)
        except ImportRun.DoesNotExist:
            raise Http404("No such import") from None
        full = import_rejections_path(run)
        if full is not None:  # every rejected row, however many
            with gzip.open(full, "rt", encoding="utf-8", newline="") as stored:
                rows = sorted(list(csv.reader(stored))[1:], key=lambda row: int(row[0]))
            body = rejections_csv(rows)
        else:
            body = rejections_csv(run.report.get("rejections", []))
        response = HttpResponse(body, content_type="text/csv")
        stem = slugify(run.filename.rsplit(".", 1)[0])[:40] or "import"
        response["Content-Disposition"] = (
            f'attachment; filename="rejections-{stem}-{run.created_at:%Y-%m-%d}.csv"'
        )
        return response

    @admin.display(description="Report")
    def summary(self, obj: ImportRun) -> str:
        report = obj.report or {}
        if not report:
            return "—" if obj.status != ImportStatus.QUEUED else "Waiting for the worker…"
        rows = report.get("rows", {})
        entity_rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (name.replace("_", " "), c["created"], c["updated"], c["skipped"], c["rejected"])
                for name, c in report.get("entities", {}).items()
                if any(c.values())
            ),
        )
        reasons = format_html_join(
            "",
            "<li>{} × {}</li>",
            ((n, code) for code, n in report.get("rejected_by_reason", {}).items()),
        )
        return format_html(
            "<p>{} rows read: {} accepted, {} skipped, {} rejected, in {} s "
            "({}, delimiter “{}”).{}</p>"
            "<table><thead><tr><th></th><th>created</th><th>updated</th><th>skipped</th>"
            "<th>rejected</th></tr></thead><tbody>{}</tbody></table>"
            "<ul>{}</ul>{}",
            rows.get("read", 0),
            rows.get("accepted", 0),
            rows.get("skipped", 0),
            rows.get("rejected", 0),
            report.get("seconds", 0),
            report.get("encoding", ""),
            report.get("delimiter", ""),
            " Dry run: nothing was saved." if report.get("dry_run") else "",
            entity_rows,
            reasons,
            format_html_join("", "<p>{}</p>", ((note,) for note in report.get("notes", []))),
        )

    @admin.display(description="Rejected rows")
    def rejected_rows(self, obj: ImportRun) -> str:
        rejections = (obj.report or {}).get("rejections", [])
        if not rejections:
            return "None."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            ((line, reason, value) for line, _code, reason, value in rejections[:REJECTIONS_SHOWN]),
        )
        more = ""
        if len(rejections) > REJECTIONS_SHOWN or obj.report.get("rejections_truncated"):
            more = format_html(
                "<p>The first {} of {} rejected rows are shown; the CSV holds {}.</p>",
                min(len(rejections), REJECTIONS_SHOWN),
                obj.rows_rejected,
                len(rejections),
            )
        return format_html(
            '<p><a class="button" href="{}">Download the rejected rows (CSV)</a></p>{}'
            "<table><thead><tr><th>Line</th><th>Reason</th><th>Value</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            reverse("admin:clients_importrun_rejections", args=[obj.pk]),
            more,
            body,
        )
