"""Styling requests: the client asks, the advisor answers within four hours (contract C3).

The promise is shown honestly: the time the answer is due, in the client's
own time zone, and, once it has passed, that the answer is late.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from clients.models import Client
from clients.selectors import upcoming_occasions
from clients.services import occasion_add
from concierge.access import ClientRequest, client_required
from concierge.forms import StylingRequestForm
from concierge.views._common import client_zone, page
from core.ratelimit import rate_limit
from recommendations.selectors import published_lookbooks_for_client
from stylists.models import StylingRequest
from stylists.selectors import styling_request_of_client, styling_requests_of_client
from stylists.services.styling_requests import styling_request_create


def _answers_by_request(client: Client, request_ids: list[int]) -> dict[int, list[Any]]:
    answers: dict[int, list[Any]] = {}
    if not request_ids:
        return answers
    for lookbook in published_lookbooks_for_client(client).filter(
        styling_request_id__in=request_ids
    ):
        if lookbook.styling_request_id is not None:
            answers.setdefault(lookbook.styling_request_id, []).append(lookbook)
    return answers


def _create(client: Client, form: StylingRequestForm, user: Any) -> StylingRequest:
    data = form.cleaned_data
    with transaction.atomic():
        occasion = data.get("occasion_obj")
        if form.wants_new_occasion:
            occasion = occasion_add(
                client=client,
                kind=data["new_occasion_kind"],
                date=data["new_occasion_date"],
                title=data.get("new_occasion_title", ""),
                source="client",
                created_by=user,
            )
        return styling_request_create(
            client=client,
            message=form.message_with_purpose(),
            occasion=occasion,
            budget_max=data.get("budget_max"),
        )


@require_http_methods(["GET", "POST"])
@client_required
@rate_limit("styling_request")
def requests(request: ClientRequest) -> HttpResponse:
    client: Client = request.client
    occasions = list(upcoming_occasions(client, within_days=365))
    initial = {}
    wanted = request.GET.get("occasion", "")
    if any(str(o.pk) == wanted for o in occasions):
        initial = {"occasion": wanted, "purpose": "occasion"}
    form = StylingRequestForm(
        request.POST if request.method == "POST" else None, occasions=occasions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            styling_request = _create(client, form, request.user)
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            due = timezone.localtime(styling_request.due_at, client_zone(client))
            messages.success(
                request,
                gettext("Your request is with your advisor: a reply by %(time)s.")
                % {"time": f"{due:%H:%M}"},
            )
            return redirect("concierge:request_detail", public_id=styling_request.public_id)
    history = list(styling_requests_of_client(client))
    answers = _answers_by_request(client, [r.pk for r in history])
    context = {
        "form": form,
        "history": [{"request": r, "answers": answers.get(r.pk, [])} for r in history],
        "now": timezone.now(),
    }
    return page(request, "clients/requests.html", context)


@require_GET
@client_required
def request_detail(request: ClientRequest, public_id: Any) -> HttpResponse:
    client: Client = request.client
    styling_request = styling_request_of_client(client, public_id)
    answers = _answers_by_request(client, [styling_request.pk]).get(styling_request.pk, [])
    context = {"styling_request": styling_request, "answers": answers, "now": timezone.now()}
    return page(request, "clients/request_detail.html", context)
