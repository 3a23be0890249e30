"""The managers' tables as CSV: the team board and the data-quality page.

Same permission checks as the pages (managers their boutique, head office every one,
404 for anyone else), same figures. Cells are neutralised against spreadsheet formulas
(core.csvsafe). The data-quality file names clients, so it is rate-limited per manager
("quality_export" in RATE_LIMITS) and writes one access-log row per client in it, as
the client book's export does.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from consent.models import AccessAction
from consent.services import access_log_record_bulk
from core.csvsafe import csv_lines
from core.ratelimit import rate_limit
from stylists.access import stylist_required
from stylists.pages.quality import boutique_quality
from stylists.pages.team import managed_boutique
from stylists.views.team import board_for

QUALITY_EXPORT_REASON = "Data quality export (CSV)"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _csv(rows: list[list[Any]], name: str) -> HttpResponse:
    response = HttpResponse("".join(csv_lines(rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@stylist_required
def team_export(request: HttpRequest) -> HttpResponse:
    """The team board's table: one row per advisor of the boutique shown (or of every one)."""
    _, chosen, board = board_for(request, request.GET.get("boutique", ""))
    rows: list[list[Any]] = [
        [
            "advisor",
            "boutique",
            "book_size",
            "drafts_waiting",
            "requests_late_30d",
            "requests_met_30d_rate",
            "review_acceptance_90d_rate",
            "lookbooks_published_90d",
            "lookbook_conversion_90d_rate",
        ]
    ]
    for row in board:
        rows.append(
            [
                row.stylist.name,
                row.stylist.boutique.city if row.stylist.boutique else "",
                row.book_size,
                row.drafts_waiting,
                row.sla_breaches,
                _share(row.met_share),
                _share(row.acceptance),
                row.published,
                _share(row.conversion),
            ]
        )
    scope = chosen.code if chosen else "house"
    return _csv(rows, f"team-{scope}-{timezone.localdate():%Y-%m-%d}.csv")


@require_GET
@stylist_required
@rate_limit("quality_export", methods=("GET",), key_by="user")
def quality_export(request: HttpRequest) -> HttpResponse:
    """The data-quality page's tables: each book, then every record to fix (not only 100)."""
    stylist = request.stylist  # type: ignore[attr-defined]
    _, chosen = managed_boutique(request.user, stylist, request.GET.get("boutique", ""))
    quality = boutique_quality(request.user, stylist, chosen.pk, rows=None)
    header = ["scope", "label", "clients", "score", "completeness", "validity"]
    header += ["no_duplicate", "freshness", "to_fix", "what_to_fix"]
    rows: list[list[Any]] = [header]
    for book in [None, *quality.books]:
        summary = quality.summary if book is None else book.summary
        label = chosen.city if book is None else book.stylist.name if book.stylist else "In no book"
        parts = summary.components
        rows.append(
            [
                "boutique" if book is None else "book",
                label,
                summary.clients,
                summary.score,
                _share(parts["completeness"]),
                _share(parts["validity"]),
                _share(parts["duplicates"]),
                _share(parts["freshness"]),
                summary.to_fix,
                "",
            ]
        )
    for item in quality.to_fix:
        rows.append(
            [
                "record",
                item.client.full_name,
                "",
                item.score,
                "",
                "",
                "",
                "",
                "",
                "; ".join(item.to_fix),
            ]
        )
    access_log_record_bulk(
        actor=request.user,
        client_ids=[item.client.pk for item in quality.to_fix],
        action=AccessAction.EXPORTED,
        reason=QUALITY_EXPORT_REASON,
    )
    return _csv(rows, f"data-quality-{chosen.code}-{timezone.localdate():%Y-%m-%d}.csv")
