"""Data quality (/stylist/team/quality/): a manager's boutique, each book, the records to fix."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from stylists.access import stylist_required
from stylists.pages.quality import boutique_quality
from stylists.pages.team import may_see_team, team_boutiques


@require_GET
@stylist_required
def data_quality(request: HttpRequest) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    if not may_see_team(request.user, stylist):
        raise Http404("Not found")
    boutiques = list(team_boutiques(request.user, stylist))
    by_code = {b.code: b for b in boutiques}
    chosen = by_code.get(request.GET.get("boutique", "")) or next(
        (b for b in boutiques if b.pk == stylist.boutique_id), boutiques[0] if boutiques else None
    )
    if chosen is None:
        raise Http404("No boutique")
    quality = boutique_quality(request.user, stylist, chosen.pk)
    return render(
        request,
        "stylists/quality.html",
        {"boutiques": boutiques, "chosen": chosen, "quality": quality},
    )
