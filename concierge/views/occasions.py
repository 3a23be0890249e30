"""The client's occasions: what is ahead, shared only if they wish, and why it helps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from clients.models import Client, Occasion
from clients.selectors import occasion_of, occasions_of
from clients.services import occasion_add, occasion_delete, occasion_update
from concierge.access import ClientRequest, client_required
from concierge.forms import OccasionForm
from concierge.views._common import page
from consent.policy import DataKind, Purpose, may_use

CLIENT_SOURCE = "client"


def _context(client: Client, form: OccasionForm) -> dict[str, Any]:
    occasions = list(occasions_of(client))
    return {
        "form": form,
        "coming": [o for o in occasions if o.next_date is not None],
        "passed": [o for o in occasions if o.next_date is None],
        "for_service_only": not may_use(client, DataKind.OCCASIONS, Purpose.PERSONALISATION),
    }


def _apply_errors(form: OccasionForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
@client_required
def occasions(request: ClientRequest) -> HttpResponse:
    client: Client = request.client
    form = OccasionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            occasion = occasion_add(
                client=client,
                kind=data["kind"],
                date=data["date"],
                title=data["title"],
                recurring_yearly=data["recurring_yearly"],
                notes=data.get("notes", ""),
                source=CLIENT_SOURCE,
                created_by=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Thank you: “%(occasion)s” is noted.") % {"occasion": occasion.label},
            )
            return redirect("concierge:occasions")
    return page(request, "clients/occasions.html", _context(client, form))


@require_http_methods(["GET", "POST"])
@client_required
def occasion_edit(request: ClientRequest, occasion_id: int) -> HttpResponse:
    client: Client = request.client
    occasion: Occasion = occasion_of(client, occasion_id)
    # Notes an advisor wrote are theirs to keep up to date; the client edits the facts.
    with_notes = occasion.source == CLIENT_SOURCE
    initial = {
        "kind": occasion.kind,
        "title": occasion.title,
        "date": occasion.date,
        "recurring_yearly": occasion.recurring_yearly,
        "notes": occasion.notes,
    }
    form = OccasionForm(
        request.POST if request.method == "POST" else None, initial=initial, with_notes=with_notes
    )
    if request.method == "POST" and form.is_valid():
        changes = {
            field: form.cleaned_data[field]
            for field in ("kind", "title", "date", "recurring_yearly", "notes")
            if field in form.cleaned_data
        }
        try:
            occasion_update(occasion=occasion, **changes)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"“{occasion.label}” is updated.")
            return redirect("concierge:occasions")
    return page(request, "clients/occasion_edit.html", {"form": form, "occasion": occasion})


@require_POST
@client_required
def occasion_remove(request: ClientRequest, occasion_id: int) -> HttpResponse:
    client: Client = request.client
    occasion = occasion_of(client, occasion_id)
    label = occasion.label
    occasion_delete(occasion=occasion)
    messages.success(request, f"“{label}” is no longer in your occasions.")
    return redirect("concierge:occasions")
