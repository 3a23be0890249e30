"""The team board (/stylist/team/): managers see their boutique, head office every boutique.

Advisors who manage no one get 404, as for any page that is not theirs.
Reassigning goes through stylists.services.book_reassign, which checks
can_reassign itself: a PermissionDenied there becomes a 403 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Boutique
from stylists.access import stylist_required
from stylists.forms import ReassignForm, UUIDListField
from stylists.pages.team import (
    AdvisorRow,
    may_see_team,
    reassign_candidates,
    team_board,
    team_boutiques,
    team_totals,
)
from stylists.selectors import current_assignments, stylists_of_boutique
from stylists.services import book_reassign
from stylists.services.appointments import stylist_zone
from stylists.services.books import Reassignment

CANDIDATES_PER_PAGE = 25


def _boutique_choice(request: HttpRequest, boutiques: list[Boutique], raw: str) -> Boutique | None:
    """The boutique to show: the one asked for if allowed; a manager's own by default."""
    by_code = {b.code: b for b in boutiques}
    if raw in by_code:
        return by_code[raw]
    stylist = request.stylist  # type: ignore[attr-defined]
    if len(boutiques) == 1:
        return boutiques[0]
    return next((b for b in boutiques if b.pk == stylist.boutique_id), None)


def board_for(
    request: HttpRequest, raw: str
) -> tuple[list[Boutique], Boutique | None, list[AdvisorRow]]:
    """The boutiques a manager may see, the one asked for (None: all), and its board's rows.

    404 for anyone who manages no one. The team page and its CSV read the board here.
    """
    stylist = request.stylist  # type: ignore[attr-defined]
    if not may_see_team(request.user, stylist):
        raise Http404("Not found")
    boutiques = list(team_boutiques(request.user, stylist))
    chosen = _boutique_choice(request, boutiques, raw)
    rows = team_board(boutique_ids=[chosen.pk] if chosen else [b.pk for b in boutiques])
    return boutiques, chosen, rows


def _team_context(request: HttpRequest, params: Any, **extra: Any) -> dict[str, Any]:
    boutiques, chosen, rows = board_for(request, params.get("boutique", ""))
    context: dict[str, Any] = {
        "boutiques": boutiques,
        "chosen": chosen,
        "rows": rows,
        "totals": team_totals(rows),
        "q": params.get("q", "").strip(),
    }
    if chosen is not None:
        paginator = Paginator(
            reassign_candidates(request.user, boutique_id=chosen.pk, q=context["q"]),
            CANDIDATES_PER_PAGE,
        )
        page_obj = paginator.get_page(params.get("page"))
        candidates = list(page_obj.object_list)
        advisors_now = current_assignments([c.pk for c in candidates])
        for candidate in candidates:
            candidate.advisor = advisors_now.get(candidate.pk)
        context.update(
            page_obj=page_obj,
            candidates=candidates,
            form=ReassignForm(advisors=stylists_of_boutique(chosen.pk)),
        )
    context.update(extra)
    return context


@require_GET
@stylist_required
def team(request: HttpRequest) -> HttpResponse:
    return render(request, "stylists/team.html", _team_context(request, request.GET))


@require_POST
@stylist_required
def team_reassign(request: HttpRequest) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    if not may_see_team(request.user, stylist):
        raise Http404("Not found")
    boutiques = list(team_boutiques(request.user, stylist))
    chosen = _boutique_choice(request, boutiques, request.POST.get("boutique", ""))
    if chosen is None:
        raise Http404("Choose a boutique first")
    form = ReassignForm(request.POST, advisors=stylists_of_boutique(chosen.pk))
    error, status = "", 422
    # Clients the user may not see are a 404, whatever else is wrong with the form.
    try:
        ids = set(UUIDListField().to_python(request.POST.getlist("clients")))
    except ValidationError:
        ids = set()  # the form says what is wrong
    clients = list(
        reassign_candidates(request.user, boutique_id=chosen.pk).filter(public_id__in=ids)
    )
    if len(clients) != len(ids):
        raise Http404("Some of these clients are not yours to move")
    if form.is_valid():
        target = form.cleaned_data["to_stylist"]
        try:
            moved = book_reassign(
                clients=clients,
                to_stylist=target,
                performed_by=request.user,  # type: ignore[arg-type]  # signed in: a User
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as exc:
            error, status = str(exc) or "You may not move these clients.", 403
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            noun = "client" if moved == 1 else "clients"
            messages.success(request, f"{moved} {noun} moved to {target.name}'s book.")
            carried = moved_work_summary(moved)
            if carried:
                messages.info(request, carried)
            for appointment in moved.kept_appointments:
                messages.warning(
                    request,
                    f"{appointment.client} keeps a confirmed appointment with "
                    f"{appointment.stylist.name} on {_local(appointment):%d %b %Y at %H:%M}: "
                    "move or hand it over with them.",
                )
            return redirect(f"{reverse('stylists:team')}?boutique={chosen.code}")
    context = _team_context(request, request.POST, form=form, reassign_error=error)
    return render(request, "stylists/team.html", context, status=status)


def moved_work_summary(moved: Reassignment) -> str:
    """'With them: 1 open styling request, 2 follow-ups.' or '' when nothing came along."""
    parts = []
    for count, one, many in (
        (moved.styling_requests, "open styling request", "open styling requests"),
        (moved.follow_ups, "follow-up", "follow-ups"),
        (moved.appointments, "requested appointment", "requested appointments"),
    ):
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    return f"With them: {', '.join(parts)}." if parts else ""


def _local(appointment: Any) -> Any:
    zone = stylist_zone(appointment.stylist)
    return appointment.starts_at.astimezone(zone) if zone else appointment.starts_at
