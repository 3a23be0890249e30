"""Today (/stylist/): the advisor's morning page, and the follow-ups' one-click actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from stylists.access import stylist_required
from stylists.forms import SnoozeForm
from stylists.models import FollowUp
from stylists.pages.today import today_page
from stylists.services.followups import (
    follow_up_complete,
    follow_up_dismiss,
    follow_up_for_stylist,
    follow_up_snooze,
)
from stylists.views._common import is_htmx, partial


@require_GET
@stylist_required
def today(request: HttpRequest) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    page = today_page(request.user, stylist, all_follow_ups=request.GET.get("follow_ups") == "all")
    # Live signals need the ASGI server (Daphne, Uvicorn); a WSGI server has no WebSockets,
    # so the page then shows what it knows and does not knock on a closed door.
    live = isinstance(request, ASGIRequest)
    # The navigation's two badges are the same counts: not counted twice.
    request.nav_counts = {  # type: ignore[attr-defined]
        "stylists:review_queue": page.queue_count,
        "stylists:messages": page.unread_count,
    }
    # Once for the page: each follow-up's three forms would read the lazy token again
    # (csrf_token too, so that every form on the page carries the same one, as before).
    token = get_token(request)
    csrf_input = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    context = {
        "page": page,
        "stylist": stylist,
        "live": live,
        "csrf_token": token,
        "csrf_input": csrf_input,
    }
    return render(request, "stylists/today.html", context)


def _own_follow_up(request: HttpRequest, pk: int) -> FollowUp:
    try:
        return follow_up_for_stylist(request.stylist, pk)  # type: ignore[attr-defined]
    except FollowUp.DoesNotExist:
        raise Http404("No such follow-up") from None


def _answer(request: HttpRequest, follow_up: FollowUp, text: str) -> HttpResponse:
    """htmx: the card leaves the list and a toast says what happened; else back to Today."""
    if is_htmx(request):
        return partial(
            request,
            "stylists/_follow_up_closed.html",
            {"follow_up": follow_up, "text": text},
            toast_text=text,
        )
    messages.success(request, text)
    return redirect("stylists:today")


@require_POST
@stylist_required
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = follow_up_complete(follow_up=_own_follow_up(request, pk))
    return _answer(request, follow_up, f"Done: {follow_up.client.full_name}.")


@require_POST
@stylist_required
def follow_up_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = follow_up_dismiss(follow_up=_own_follow_up(request, pk))
    return _answer(request, follow_up, f"Dismissed: {follow_up.client.full_name}.")


@require_POST
@stylist_required
def follow_up_snooze_view(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _own_follow_up(request, pk)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Snooze for 1, 3 or 7 days.", status=400)
    days = form.cleaned_data["days"]
    try:
        follow_up = follow_up_snooze(follow_up=follow_up, days=days)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    day = "tomorrow" if days == 1 else f"in {days} days"
    return _answer(request, follow_up, f"{follow_up.client.full_name}: back {day}.")
