"""KPIs for managers (/stylist/team/kpis/ and its CSV): a boutique or one book, over months."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.models import Boutique
from core.csvsafe import csv_lines
from stylists.access import stylist_required
from stylists.models import Stylist
from stylists.pages.kpis import PERIODS, KpiPage, csv_rows, kpi_page, percent
from stylists.pages.team import managed_boutique


def _page(request: HttpRequest) -> tuple[KpiPage, list[Boutique], list[Stylist]]:
    stylist = request.stylist  # type: ignore[attr-defined]
    boutiques, chosen = managed_boutique(request.user, stylist, request.GET.get("boutique", ""))
    advisors = list(
        Stylist.objects.filter(boutique=chosen, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )
    book_key = request.GET.get("book", "")
    book = next((a for a in advisors if str(a.pk) == book_key), None)
    page = kpi_page(
        request.user, stylist, chosen.pk, period=request.GET.get("months", ""), book=book
    )
    return page, boutiques, advisors


@require_GET
@stylist_required
def kpis(request: HttpRequest) -> HttpResponse:
    page, boutiques, advisors = _page(request)
    context: dict[str, Any] = {
        "page": page,
        "boutiques": boutiques,
        "advisors": advisors,
        "periods": PERIODS,
        "chart_data": {chart["key"]: chart["data"] for chart in page.charts},
        "figures": [
            (
                "Repeat rate",
                percent(page.total.repeat_rate),
                "of the period's buyers have bought at least twice",
            ),
            (
                "Retention",
                percent(page.total.retention),
                "of the previous period's buyers bought again",
            ),
            (
                "Lifetime value",
                f"€{page.total.lifetime_value:,}" if page.total.lifetime_value is not None else "–",
                "mean lifetime spend of the period's buyers",
            ),
            (
                "Requests met",
                percent(page.total.requests_met_rate),
                f"of {page.total.requests} styling requests answered in time",
            ),
        ],
    }
    return render(request, "stylists/kpis.html", context)


@require_GET
@stylist_required
def kpi_export(request: HttpRequest) -> HttpResponse:
    page, _, _ = _page(request)
    scope = page.book.name if page.book else page.boutique.code
    filename = f"kpis-{scope}-{page.start:%Y-%m}-{page.end:%Y-%m}.csv".replace(" ", "-")
    # A few dozen rows: built whole
    response = HttpResponse(
        "".join(csv_lines(csv_rows(page))), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
