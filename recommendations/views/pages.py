"""The review pages (GET): the queue, the review page, catalogue search, a new lookbook."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from clients.selectors import can_change_client, client_for_user
from consent import policy
from consent.services import access_log_record
from core.paging import page_of
from recommendations import forms
from recommendations.models import LookbookStatus
from recommendations.selectors import (
    clients_due_a_draft,
    lookbook_for_review,
    lookbook_search_candidates,
    next_occasions,
    review_queue_rows,
)
from recommendations.services import lookbook_create_by_hand, lookbook_open_for_review
from recommendations.views.responses import SEARCH_LIMIT, item_or_none, review_page
from stylists.access import stylist_required
from stylists.pages.conversations import badges_forget

QUEUE_PAGE_SIZE = 20


# --- The queue -------------------------------------------------------------------------


@require_GET
@stylist_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Drafts waiting, oldest first, with each client's next occasion."""
    stylist = request.stylist  # type: ignore[attr-defined]
    oversees = stylist.is_manager or stylist.is_head_office
    # An advisor sees her own book only; managers and head office choose.
    scope = "mine" if not oversees or request.GET.get("scope") == "mine" else "all"
    rows = review_queue_rows(request.user, mine_only=oversees and scope == "mine")
    page = page_of(rows, request.GET.get("page"), QUEUE_PAGE_SIZE)
    lookbooks = list(page.object_list)
    client_ids = [lookbook.client_id for lookbook in lookbooks]
    occasions = next_occasions(client_ids)
    consents = policy.current_consents(client_ids)
    for lookbook in lookbooks:
        lookbook.next_occasion = occasions.get(lookbook.client_id)
        lookbook.consent = consents[lookbook.client_id]
    return render(
        request,
        "recommendations/review_queue.html",
        {
            "stylist": stylist,
            "oversees": oversees,
            "scope": scope,
            "page_obj": page,
            "lookbooks": lookbooks,
            "page_range": page.paginator.get_elided_page_range(page.number),
            # Her own book: who the nightly run will draft as her queue clears.
            "due": clients_due_a_draft(stylist) if scope == "mine" else None,
            "capacity": settings.RECOMMENDER_DRAFTS_PER_ADVISOR,
        },
    )


# --- The review page -------------------------------------------------------------------


@require_GET
@stylist_required
def lookbook_review(request: HttpRequest, public_id: Any) -> HttpResponse:
    lookbook = lookbook_for_review(request.user, public_id)
    can_change = can_change_client(request.user, lookbook.client)
    if can_change and lookbook.status == LookbookStatus.DRAFT:
        opened = lookbook_open_for_review(lookbook=lookbook, by=request.user)
        lookbook.status, lookbook.version = opened.status, opened.version
    access_log_record(
        actor=request.user, client=lookbook.client, action="viewed_story", reason="Lookbook review"
    )
    # Without JavaScript, "Remove…", "Swap…" and searches come back as GET parameters.
    return review_page(request, lookbook, can_change=can_change)


@require_GET
@stylist_required
def lookbook_search(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Catalogue search results (a fragment): to add, or to swap for one piece (?for=<item>)."""
    lookbook = lookbook_for_review(request.user, public_id)
    can_change = can_change_client(request.user, lookbook.client)
    query = request.GET.get("q", "")[:100]
    results = lookbook_search_candidates(lookbook, query, limit=SEARCH_LIMIT)
    context = {
        "lookbook": lookbook,
        "can_change": can_change,
        "editable": can_change
        and lookbook.status in (LookbookStatus.DRAFT, LookbookStatus.IN_REVIEW),
        "query": query,
        "results": results,
    }
    item_id = request.GET.get("for", "")
    if item_id:
        item = item_or_none(lookbook, item_id)
        if item is None:
            return HttpResponse("That piece is not in this lookbook.", status=404)
        context["item"] = item
        return render(request, "recommendations/_swap_results.html", context)
    return render(request, "recommendations/_add_results.html", context)


@require_http_methods(["GET", "POST"])
@stylist_required
def lookbook_new(request: HttpRequest, client_public_id: Any) -> HttpResponse:
    """A lookbook made by hand, from scratch (the only kind an Essential client gets)."""
    client = client_for_user(request.user, client_public_id, for_change=True)
    # ?request=<public id> (the "Answer" button of a styling request) and ?occasion=<id>
    # preselect what the lookbook answers.
    initial = {
        "styling_request": request.GET.get("request"),
        "occasion": request.GET.get("occasion"),
    }
    form = forms.NewLookbookForm(request.POST or None, client=client, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lookbook = lookbook_create_by_hand(
                client=client,
                author=request.stylist,  # type: ignore[attr-defined]
                title=form.cleaned_data["title"],
                occasion=form.cleaned_data["occasion"],
                styling_request=form.cleaned_data["styling_request"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            badges_forget(request.user)
            messages.success(request, "A new lookbook: add the pieces you have in mind.")
            return redirect("stylists:lookbook_review", public_id=lookbook.public_id)
    state = policy.current_consent(client)
    return render(
        request,
        "recommendations/lookbook_new.html",
        {
            "client": client,
            "form": form,
            "consent": state,
            "machine": policy.may_draft_with_model(state),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
