"""Data quality (/stylist/team/quality/): a manager's boutique, each book, the records to fix."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from stylists.access import stylist_required
from stylists.pages.quality import boutique_quality
from stylists.pages.team import managed_boutique


@require_GET
@stylist_required
def data_quality(request: HttpRequest) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    boutiques, chosen = managed_boutique(request.user, stylist, request.GET.get("boutique", ""))
    quality = boutique_quality(request.user, stylist, chosen.pk)
    return render(
        request,
        "stylists/quality.html",
        {"boutiques": boutiques, "chosen": chosen, "quality": quality},
    )
