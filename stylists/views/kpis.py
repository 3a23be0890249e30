"""KPIs for managers (/stylist/team/kpis/ and its CSV): a boutique or one book, over months."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog.models import Boutique
from core.csvsafe import csv_lines
from stylists.access import stylist_required
from stylists.models import Stylist
from stylists.pages.kpis import (
    CONVERSION_DAYS,
    HOUSE,
    PERIODS,
    KpiPage,
    csv_rows,
    kpi_page,
    percent,
)
from stylists.pages.team import managed_boutique


def _page(request: HttpRequest) -> tuple[KpiPage, list[Boutique], list[Stylist]]:
    stylist = request.stylist  # type: ignore[attr-defined]
    code = request.GET.get("boutique", "")
    boutiques, chosen = managed_boutique(request.user, stylist, code)
    house = code == HOUSE and len(boutiques) > 1  # head office: every boutique at once
    advisors = list(
        Stylist.objects.filter(boutique__in=boutiques if house else [chosen], user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )
    book_key = request.GET.get("book", "")
    book = next((a for a in advisors if str(a.pk) == book_key), None)
    page = kpi_page(
        request.user,
        stylist,
        None if house else chosen.pk,
        period=request.GET.get("months", ""),
        first=request.GET.get("from", ""),
        last=request.GET.get("to", ""),
        book=book,
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
        "figures": _figures(page),
        "conversion_days": CONVERSION_DAYS,
        "this_month": timezone.localdate().strftime("%Y-%m"),
    }
    return render(request, "stylists/kpis.html", context)


def _money(value: Decimal | None) -> str:
    return "–" if value is None else f"€{value:,.0f}"


def _figures(page: KpiPage) -> list[tuple[str, str, str]]:
    """The key figures: (label, value, what it counts)."""
    total = page.total
    credit = total.credit
    return [
        ("Repeat rate", percent(total.repeat_rate), "of the period's buyers have bought twice"),
        (
            "One-time buyers",
            percent(total.one_time_rate),
            "of the clients who have bought, bought only once",
        ),
        (
            "Average order",
            _money(total.average_order_value),
            f"over {total.orders} completed orders",
        ),
        ("Retention", percent(total.retention), "of the previous period's buyers bought again"),
        ("Lifetime value", _money(total.lifetime_value), "mean lifetime spend of the buyers"),
        (
            "Requests met",
            percent(total.requests_met_rate),
            f"of {total.requests} styling requests answered in time",
        ),
        (
            "Consultation to purchase",
            percent(credit.conversion),
            f"of {credit.consultations} appointments and lookbooks, "
            f"a purchase within {CONVERSION_DAYS} days",
        ),
        (
            "Sales after outreach",
            _money(credit.attributed_sales),
            f"{credit.attributed_orders} orders within {CONVERSION_DAYS} days of an advisor's "
            "message, lookbook or appointment",
        ),
        (
            "Lookbook acceptance",
            percent(credit.acceptance),
            f"of {credit.judged} pieces the model drafted, kept by the advisor",
        ),
    ]


@require_GET
@stylist_required
def kpi_export(request: HttpRequest) -> HttpResponse:
    page, _, _ = _page(request)
    scope = page.book.name if page.book else page.code
    filename = f"kpis-{scope}-{page.start:%Y-%m}-{page.end:%Y-%m}.csv".replace(" ", "-")
    # A few dozen rows: built whole
    response = HttpResponse(
        "".join(csv_lines(csv_rows(page))), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
