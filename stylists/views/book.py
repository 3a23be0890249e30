"""The client book (/stylist/clients/) and the client story (/stylist/clients/<id>/), edited inline.

Reads go through clients.selectors.client_for_user (outsiders 404); every
write asks for_change=True, so managers and head office, who may read a
story, get 403 on its forms.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.models import Client, Occasion
from clients.selectors import can_change_client, client_for_user
from clients.services import client_update_profile, occasion_add, occasion_delete, occasion_update
from core.paging import page_of
from stylists.access import stylist_required
from stylists.forms import BookFilterForm, NoteForm, OccasionForm, PreferencesForm, SizesForm
from stylists.models import ClientNote
from stylists.pages.story import (
    client_notes,
    client_occasions,
    client_preferences,
    client_sizes,
    story_page,
)
from stylists.selectors.book import (
    PAGE_SIZE,
    SCOPES,
    SORTS,
    client_book,
    decorate_rows,
    default_scope,
    scopes_for,
)
from stylists.services import note_add, note_set_pinned
from stylists.views._common import is_htmx, log_access, partial

_ANY_CLIENT = UUID(int=0)  # stands in for a client's public id in a reversed URL


@require_GET
@stylist_required
def client_list(request: HttpRequest) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    scopes = scopes_for(request.user, stylist)
    form = BookFilterForm(request.GET)
    filters = form.filters(scopes=scopes, default_scope=default_scope(request.user, stylist))
    page_obj = page_of(
        client_book(request.user, stylist, filters), request.GET.get("page"), PAGE_SIZE
    )
    paginator = page_obj.paginator
    rows = decorate_rows(list(page_obj.object_list), with_advisor=filters.scope != "mine")
    # One reverse() for the page, not one {% url %} per row.
    story_url = reverse("stylists:client_detail", args=[_ANY_CLIENT])
    for row in rows:
        row.story_url = story_url.replace(str(_ANY_CLIENT), str(row.public_id))  # type: ignore[attr-defined]
    context = {
        "form": form,
        "filters": filters,
        "scopes": [(key, SCOPES[key]) for key in scopes],
        "sorts": SORTS,
        "page_obj": page_obj,
        "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2),
        "rows": rows,
        "show_advisor": filters.scope != "mine",
        # The export comes in the house's separator; the link offers the other one too.
        "other_csv_separator": (
            {"key": "comma", "label": "commas"}
            if settings.CSV_SEPARATOR == ";"
            else {"key": "semicolon", "label": "semicolons"}
        ),
    }
    template = "stylists/_client_table.html" if is_htmx(request) else "stylists/client_list.html"
    return render(request, template, context)


def _story_url(client: Client, anchor: str = "") -> str:
    url = reverse("stylists:client_detail", args=[client.public_id])
    return f"{url}#{anchor}" if anchor else url


def _story_context(request: HttpRequest, client: Client, **overrides: Any) -> dict[str, Any]:
    can_change = can_change_client(request.user, client)
    context: dict[str, Any] = {
        "client": client,
        "page": story_page(client),
        "can_change": can_change,
        "note_form": NoteForm(),
        "occasion_form": OccasionForm(),
    }
    # Without JavaScript, "Edit" links come back here with ?edit=sizes|preferences.
    editing = request.GET.get("edit") if can_change else None
    if editing == "sizes":
        context.update(sizes_form=SizesForm(initial=dict(client.sizes or {})), sizes_editing=True)
    elif editing == "preferences":
        context.update(preferences_form=_preferences_form(client), preferences_editing=True)
    context.update(overrides)
    return context


@require_GET
@stylist_required
def client_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(request.user, public_id)
    context = _story_context(request, client)
    # Her lookbook reactions arrive live on her advisor's open story (an ASGI server only).
    context["live_path"] = "/ws/stylist/signals/" if isinstance(request, ASGIRequest) else ""
    log_access(request.user, client, "viewed_story")
    return render(request, "stylists/client_detail.html", context)


# --- Inline edits (owner only: for_change=True) -------------------------------------------


def _section(
    request: HttpRequest,
    client: Client,
    template: str,
    context: dict[str, Any],
    *,
    anchor: str,
    toast_text: str = "",
    status: int = 200,
) -> HttpResponse:
    """htmx: the section's fragment. Without JS: back to the story, or the story with errors."""
    if is_htmx(request):  # htmx swaps only 2xx: a form with errors comes back as 200
        return partial(
            request,
            template,
            {"client": client, "can_change": True, **context},
            toast_text=toast_text,
        )
    if status >= 400:
        return render(
            request,
            "stylists/client_detail.html",
            _story_context(request, client, **context),
            status=status,
        )
    if request.method == "GET" and "occasion_editing" in context:  # without JS
        return render(
            request, "stylists/client_detail.html", _story_context(request, client, **context)
        )
    if request.method == "GET":  # an edit form, asked for without JS
        edit = "sizes" if "sizes_form" in context else "preferences"
        return redirect(f"{_story_url(client)}?edit={edit}#{anchor}")
    if toast_text:
        messages.success(request, toast_text)
    return redirect(_story_url(client, anchor))


def _preferences_form(client: Client) -> PreferencesForm:
    initial: dict[str, Any] = {
        name: ", ".join(values) for name, _, values in client_preferences(client)
    }
    initial.update(price_band_min=client.price_band_min, price_band_max=client.price_band_max)
    return PreferencesForm(initial=initial)


@require_POST
@stylist_required
def note_add_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(request.user, public_id, for_change=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        note_add(
            client=client,
            author=request.stylist,  # type: ignore[attr-defined]
            body=form.cleaned_data["body"],
            category=form.cleaned_data["category"],
            pinned=form.cleaned_data["pinned"],
        )
        form, toast_text, status = NoteForm(), "Note saved.", 200
    else:
        toast_text, status = "", 422
    return _section(
        request,
        client,
        "stylists/story/_notes.html",
        {"notes": client_notes(client), "note_form": form},
        anchor="notes",
        toast_text=toast_text,
        status=status,
    )


@require_POST
@stylist_required
def note_pin_view(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    client = client_for_user(request.user, public_id, for_change=True)
    try:
        note = ClientNote.objects.get(pk=pk, client=client)
    except ClientNote.DoesNotExist:
        raise Http404("No such note") from None
    note_set_pinned(note=note, pinned=not note.pinned)
    return _section(
        request,
        client,
        "stylists/story/_notes.html",
        {"notes": client_notes(client), "note_form": NoteForm()},
        anchor="notes",
        toast_text="Pinned to the top." if note.pinned else "Unpinned.",
    )


def _occasion_of(client: Client, pk: int) -> Occasion:
    try:
        return client.occasions.get(pk=pk)
    except Occasion.DoesNotExist:
        raise Http404("No such occasion") from None


def _occasions_section(
    request: HttpRequest,
    client: Client,
    form: OccasionForm,
    *,
    toast_text: str = "",
    status: int = 200,
    editing: Any = None,
) -> HttpResponse:
    return _section(
        request,
        client,
        "stylists/story/_occasions.html",
        {"occasions": client_occasions(client), "occasion_form": form, "occasion_editing": editing},
        anchor="occasions",
        toast_text=toast_text,
        status=status,
    )


@require_POST
@stylist_required
def occasion_add_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(request.user, public_id, for_change=True)
    form = OccasionForm(request.POST)
    if form.is_valid():
        try:
            occasion_add(client=client, created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
    if form.errors:
        return _occasions_section(request, client, form, status=422)
    return _occasions_section(request, client, OccasionForm(), toast_text="Occasion added.")


@require_http_methods(["GET", "POST"])
@stylist_required
def occasion_edit_view(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    client = client_for_user(request.user, public_id, for_change=True)
    occasion = _occasion_of(client, pk)
    if request.method == "GET":
        initial = {
            f: getattr(occasion, f) for f in ("kind", "title", "date", "recurring_yearly", "notes")
        }
        return _occasions_section(request, client, OccasionForm(initial=initial), editing=occasion)
    form = OccasionForm(request.POST)
    if form.is_valid():
        try:
            occasion_update(occasion=occasion, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
    if form.errors:
        return _occasions_section(request, client, form, status=422, editing=occasion)
    return _occasions_section(request, client, OccasionForm(), toast_text="Occasion saved.")


@require_POST
@stylist_required
def occasion_delete_view(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    client = client_for_user(request.user, public_id, for_change=True)
    occasion_delete(occasion=_occasion_of(client, pk))
    return _occasions_section(request, client, OccasionForm(), toast_text="Occasion removed.")


@require_http_methods(["GET", "POST"])
@stylist_required
def sizes_edit_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(request.user, public_id, for_change=True)
    if request.method == "GET":
        form = SizesForm(initial=dict(client.sizes or {}))
        return _section(
            request,
            client,
            "stylists/story/_sizes.html",
            {"sizes": client_sizes(client), "sizes_form": form, "sizes_editing": True},
            anchor="sizes",
        )
    form = SizesForm(request.POST)
    if form.is_valid():
        client_update_profile(client=client, sizes=form.sizes(client.sizes))
        return _section(
            request,
            client,
            "stylists/story/_sizes.html",
            {"sizes": client_sizes(client)},
            anchor="sizes",
            toast_text="Sizes saved.",
        )
    return _section(
        request,
        client,
        "stylists/story/_sizes.html",
        {"sizes": client_sizes(client), "sizes_form": form, "sizes_editing": True},
        anchor="sizes",
        status=422,
    )


@require_http_methods(["GET", "POST"])
@stylist_required
def preferences_edit_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(request.user, public_id, for_change=True)
    template = "stylists/story/_preferences.html"
    if request.method == "GET":
        return _section(
            request,
            client,
            template,
            {
                "preferences": client_preferences(client),
                "preferences_form": _preferences_form(client),
                "preferences_editing": True,
            },
            anchor="preferences",
        )
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            client_update_profile(client=client, **form.changes())
        except ValidationError as exc:
            form.add_error(None, exc)
    if form.errors:
        return _section(
            request,
            client,
            template,
            {
                "preferences": client_preferences(client),
                "preferences_form": form,
                "preferences_editing": True,
            },
            anchor="preferences",
            status=422,
        )
    return _section(
        request,
        client,
        template,
        {"preferences": client_preferences(client)},
        anchor="preferences",
        toast_text="Preferences saved.",
    )
