"""The merge queue (/stylist/team/merges/): managers decide whether two profiles are one client.

Accept merges the pair (the manager picks the profile that stays), reject keeps
them apart for good; a recent merge can be undone. Advisors, clients and managers
of other boutiques get 404; the services (clients.merging) do the work.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from clients.merging import MergeError, client_merge, client_unmerge, merge_suggestion_reject
from stylists.access import stylist_required
from stylists.pages.merges import (
    RECENT_MERGES,
    merge_for_user,
    merges_for_user,
    suggestion_for_user,
    suggestions_for_user,
)

QUEUE_LENGTH = 50


@require_GET
@stylist_required
def merge_queue(request: HttpRequest) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    suggestions = list(suggestions_for_user(request.user, stylist)[:QUEUE_LENGTH])
    recent = list(merges_for_user(request.user, stylist)[:RECENT_MERGES])
    return render(request, "stylists/merges.html", {"suggestions": suggestions, "recent": recent})


def _back() -> HttpResponse:
    return redirect(reverse("stylists:merge_queue"))


@require_POST
@stylist_required
def merge_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    suggestion = suggestion_for_user(request.user, stylist, public_id)
    pair = {str(c.public_id): c for c in (suggestion.client_a, suggestion.client_b)}
    survivor = pair.get(request.POST.get("keep", ""))
    if survivor is None:
        messages.error(request, "Choose the profile to keep.")
        return _back()
    absorbed = next(c for c in pair.values() if c.pk != survivor.pk)
    try:
        client_merge(
            survivor=survivor,
            absorbed=absorbed,
            performed_by=request.user,
            reason=request.POST.get("reason", "")[:280],
            suggestion=suggestion,
        )
    except MergeError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{absorbed.full_name} merged into {survivor.full_name}.")
    return _back()


@require_POST
@stylist_required
def merge_reject(request: HttpRequest, public_id: str) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    suggestion = suggestion_for_user(request.user, stylist, public_id)
    merge_suggestion_reject(suggestion=suggestion, decided_by=request.user)
    messages.success(request, "Kept apart: this pair will not be suggested again.")
    return _back()


@require_POST
@stylist_required
def merge_undo(request: HttpRequest, public_id: str) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    merge = merge_for_user(request.user, stylist, public_id)
    try:
        client_unmerge(
            merge=merge, performed_by=request.user, reason=request.POST.get("reason", "")[:280]
        )
    except MergeError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Merge undone: {merge.absorbed.full_name} is a profile of her own again."
        )
    return _back()
