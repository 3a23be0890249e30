"""How review views answer: one path for every action, with and without htmx.

act() validates, performs and answers: with htmx the pieces fragment plus, out of
band, every form's new version, the publish summary, the history and a toast
(_review_update.html); without JavaScript a 303 back with a message. Bad input
re-renders the form with what was typed (htmx: HX-Retarget to that form); a
refusal changes nothing and says why (htmx: a toast and HX-Reswap: none).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from clients.selectors import can_change_client
from consent import policy
from recommendations import forms
from recommendations.models import Lookbook, LookbookItem, LookbookStatus, RemovalReason
from recommendations.selectors import (
    lookbook_for_action,
    lookbook_for_review,
    lookbook_notices_sent,
    lookbook_review_page,
    lookbook_search_candidates,
    notice_held_reason,
)
from recommendations.services import (
    DiscardReason,
    StaleLookbook,
    lookbook_set_note,
    lookbook_set_title,
)
from recommendations.views.stamps import stamp_pieces

SEARCH_LIMIT = 12
READ_ONLY = "You may read this lookbook; only the client's advisor can change it."


def for_change(request: HttpRequest, public_id: Any) -> Lookbook:
    """The lookbook with its client, if the user may change it: 404 outsiders, 403
    read-only roles.

    An action draws nothing of the lookbook's author, occasion, request, model or
    publisher: it answers with a redirect, or with the pieces, summary and history
    (done); a refusal or bad input reads the page's lookbook again. Its eight joins
    cost more to build and compile than to run (issue 14)."""
    lookbook = lookbook_for_action(request.user, public_id)
    if not can_change_client(request.user, lookbook.client):
        raise PermissionDenied(READ_ONLY)
    return lookbook


def item_or_none(lookbook: Lookbook, item_id: Any) -> LookbookItem | None:
    try:
        return lookbook.items.select_related("product").filter(pk=int(item_id)).first()
    except (TypeError, ValueError):
        return None


def item_of(lookbook: Lookbook, item_id: Any) -> LookbookItem:
    item = item_or_none(lookbook, item_id)
    if item is None:
        raise Http404("No such piece")
    return item


def save_words(request: HttpRequest, lookbook: Lookbook, data: dict[str, Any]) -> int:
    """Save a changed title and note first; returns the version to expect next."""
    version = int(data["version"])
    updated = lookbook_set_title(
        lookbook=lookbook, title=data["title"], by=request.user, expected_version=version
    )
    updated = lookbook_set_note(
        lookbook=lookbook, note=data["note"], by=request.user, expected_version=updated.version
    )
    return updated.version


def error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def see_other(url: str) -> HttpResponse:
    """After a POST: 303, so the browser comes back with a GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def back(lookbook: Lookbook) -> HttpResponse:
    return see_other(reverse("stylists:lookbook_review", args=[lookbook.public_id]))


def act(
    request: HttpRequest,
    lookbook: Lookbook,
    form: Any,
    *,
    key: str,
    perform: Callable[[dict[str, Any]], Any],
    success: str = "",
    then: str = "stay",
    query: str | None = None,
    several_steps: bool = False,
) -> HttpResponse:
    """Validate, perform, answer: the one path every review action takes.

    A service is one transaction of its own. several_steps: `perform` calls more than
    one, so they share one transaction, and a refusal after a first step (the title
    saved, then the note refused) leaves the lookbook, its version and its history as
    they were. A single service needs no outer transaction: it would only wrap the
    service's own in a savepoint, two more round trips to the database per action.
    """
    if not form.is_valid():
        return invalid(request, lookbook, form, key=key)
    try:
        with transaction.atomic() if several_steps else contextlib.nullcontext():
            outcome = perform(form.cleaned_data)
    except ValidationError as error:
        return refused(request, lookbook, form, key=key, error=error)
    message = outcome if isinstance(outcome, str) else success
    if then == "queue":
        messages.success(request, message)
        return redirect(request, reverse("stylists:review_queue"))
    if then == "reload":
        messages.success(request, message)
        return redirect(request, reverse("stylists:lookbook_review", args=[lookbook.public_id]))
    return done(request, lookbook, message, query=query)


def redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return see_other(url)


# What a review action may change on the lookbook row itself (its relations stay).
_CHANGING = [
    field.attname
    for field in Lookbook._meta.concrete_fields
    if not field.is_relation and field.attname not in ("id", "public_id", "client_id")
]


def done(
    request: HttpRequest, lookbook: Lookbook, message: str, *, query: str | None = None
) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, message)
        return back(lookbook)
    # The lookbook this request already read (and checked access to), with the
    # fields the action changed read again: one small query, not the joins again.
    lookbook.refresh_from_db(fields=_CHANGING)
    context = review_context(request, lookbook, can_change=True, for_update=True)
    context["toast"] = {"level": "success", "text": message}
    if query is not None:
        context["query"] = query
        context["add_results"] = lookbook_search_candidates(lookbook, query, limit=SEARCH_LIMIT)
    return render(request, "recommendations/_review_update.html", context)


# Forms that show their own errors in place (in a dialog or the side panel).
_INLINE = ("remove-", "swap-", "publish", "discard", "withdraw")


def invalid(request: HttpRequest, lookbook: Lookbook, form: Any, *, key: str) -> HttpResponse:
    """Bad input: the form again, with its errors and what was typed; nothing changed."""
    if "version" in form.errors:
        error = ValidationError(form.errors["version"][0], code="stale")
        return refused(request, lookbook, form, key=key, error=error)
    fresh = lookbook_for_review(request.user, lookbook.public_id)
    context = review_context(request, fresh, can_change=True, bound={key: form}, open_dialog=key)
    if not request.htmx:  # type: ignore[attr-defined]
        context["error"] = first_error(form)
        return render(request, "recommendations/lookbook_review.html", context, status=400)
    if not key.startswith(_INLINE):
        return toast(request, first_error(form), level="error")
    page = context["page"]
    item_id = key.split("-", 1)[1] if "-" in key else ""
    context["key"] = key.split("-", 1)[0]
    context["item"] = next((i for i in page.pieces if str(i.pk) == item_id), None)
    response = render(request, "recommendations/_bound_form.html", context)
    response["HX-Retarget"] = f"#{key}-form"
    response["HX-Reswap"] = "outerHTML"
    return response


def refused(
    request: HttpRequest, lookbook: Lookbook, form: Any, *, key: str, error: ValidationError
) -> HttpResponse:
    """The service said no (stale version, closed lookbook, consent): nothing changed."""
    text = error_text(error)
    stale = isinstance(error, StaleLookbook) or error.code == "stale"
    fresh = lookbook_for_review(request.user, lookbook.public_id)
    if request.htmx:  # type: ignore[attr-defined]
        # A stale page keeps its old version, so it cannot act until reloaded; any
        # other refusal changed nothing, so the version sent back is the page's own.
        return toast(request, text, level="error", version=None if stale else fresh.version)
    # Without JavaScript: the page as it is now, the form as she filled it, the reason.
    context = review_context(request, fresh, can_change=True, bound={key: form}, open_dialog=key)
    context["error"] = text
    status = 409 if stale else 400
    return render(request, "recommendations/lookbook_review.html", context, status=status)


def toast(
    request: HttpRequest, text: str, *, level: str, version: int | None = None
) -> HttpResponse:
    """Only a toast (and perhaps the new version), out of band; nothing else moves."""
    html = render_to_string(
        "recommendations/_toast.html",
        {"toast": {"level": level, "text": text}, "oob_version": version},
        request=request,
    )
    response = HttpResponse(html)
    response["HX-Reswap"] = "none"
    return response


def first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Please check the form."


def csrf_fields(request: HttpRequest) -> dict[str, Any]:
    """The CSRF token and its hidden input, read once for the whole page."""
    token = get_token(request)
    return {
        "csrf_token": token,
        "csrf_input": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
        ),
    }


def review_page(request: HttpRequest, lookbook: Lookbook, *, can_change: bool) -> HttpResponse:
    open_dialog = ""
    bound: dict[str, Any] = {}
    if can_change:
        for action in ("remove", "swap"):
            item_id = request.GET.get(action, "")
            if item_id.isdigit():
                open_dialog = f"{action}-{item_id}"
        if request.GET.get("discard") is not None:
            open_dialog = "discard"
        if request.GET.get("withdraw") is not None:
            open_dialog = "withdraw"
    context = review_context(
        request, lookbook, can_change=can_change, bound=bound, open_dialog=open_dialog
    )
    query = request.GET.get("q", "")[:100]
    if can_change and query:
        results = lookbook_search_candidates(lookbook, query, limit=SEARCH_LIMIT)
        context["query"] = query
        if open_dialog.startswith("swap-"):
            context["swap_results"] = results
        else:
            context["add_results"] = results
    # The client's reactions arrive live on a published lookbook (an ASGI server only).
    if isinstance(request, ASGIRequest) and lookbook.status == LookbookStatus.PUBLISHED:
        context["live_path"] = "/ws/stylist/signals/"
    return render(request, "recommendations/lookbook_review.html", context)


def review_context(
    request: HttpRequest,
    lookbook: Lookbook,
    *,
    can_change: bool,
    bound: dict[str, Any] | None = None,
    open_dialog: str = "",
    for_update: bool = False,
) -> dict[str, Any]:
    """The review page's data, with a form for every action (bound ones where input failed).

    `for_update`: only what _review_update.html redraws after an htmx action.
    """
    bound = bound or {}
    page = lookbook_review_page(lookbook, for_update=for_update)
    version = {"version": lookbook.version}
    names = {item.pk: item.product.name for item in [*page.pieces, *page.removed]}
    for item in page.pieces:
        key = f"{{}}-{item.pk}"
        item.remove_form = bound.get(key.format("remove")) or forms.blank_remove_form(item.pk)  # type: ignore[attr-defined]
        swap = bound.get(key.format("swap"))
        item.swap_error = first_error(swap) if swap is not None and swap.errors else ""  # type: ignore[attr-defined]
        item.dialog_open = next(  # type: ignore[attr-defined]
            (kind for kind in ("remove", "swap") if open_dialog == key.format(kind)), ""
        )
    replaced_by = {item.replaces_id: item.product.name for item in page.pieces if item.replaces_id}
    for item in page.removed:
        item.replaced_by_name = replaced_by.get(item.pk) or (  # type: ignore[attr-defined]
            names.get(next((i.pk for i in page.removed if i.replaces_id == item.pk), 0), "")
        )
    for event in page.history:
        event.reason_label = reason_label(event.action, event.reason)  # type: ignore[attr-defined]
    allowed = [option.value for option in page.channels if option.allowed]
    publish_form = bound.get("publish") or forms.PublishForm(
        initial={
            **version,
            "title": lookbook.title,
            "note": lookbook.note,
            "channels": ["concierge"] if "concierge" in allowed else [],
        }
    )
    chosen = publish_form["channels"].value() or []
    context = {
        "lookbook": lookbook,
        "page": page,
        # Once per page, not once per piece: every action URL starts here, and every
        # form carries the same hidden version (_version.html, rendered once).
        "review_url": reverse("stylists:lookbook_review", args=[lookbook.public_id]),
        # {% csrf_token %} in every piece's forms read the lazy token a dozen times each;
        # csrf_token too, so that every form on the page carries the same one, as before.
        **csrf_fields(request),
        "version_input": render_to_string("recommendations/_version.html", {"lookbook": lookbook}),
        "client": lookbook.client,
        "can_change": can_change,
        "editable": page.editable and can_change,
        "read_only_reason": READ_ONLY,
        "open_dialog": open_dialog,
        "publish_form": publish_form,
        "chosen_channels": chosen,
        # What actually went out (C1 may hold a notice back), for a published lookbook.
        "channel_words": (
            channel_words(lookbook_notices_sent(lookbook))
            if lookbook.status == LookbookStatus.PUBLISHED
            else ""
        ),
        "discard_form": bound.get("discard") or forms.DiscardForm(initial=version),
        "withdraw_form": bound.get("withdraw") or forms.WithdrawForm(initial=version),
        "add_error": first_error(bound["add"]) if "add" in bound else "",
        "query": "",
        "add_results": None,
        "swap_results": None,
    }
    if context["editable"]:
        stamp_pieces(context, bound)
    return context


def published_message(lookbook: Lookbook) -> str:
    """What happened on publish, notices included (they went out on commit, just now)."""
    sent = lookbook_notices_sent(lookbook)
    held = [c for c in lookbook.published_channels if c not in sent]
    text = f"Published for {lookbook.client.display_name}."
    if sent:
        text += f" Told by {channel_words(sent)}."
    if held:
        # Not sent yet: either C1 holds it back (say why), or it is queued and goes out
        # in a moment (the hand-off happened on commit; a worker sends it).
        reason = notice_held_reason(lookbook)
        if reason:
            text += f" No notice by {channel_words(held)}: {reason}"
        else:
            text += f" A notice is on its way by {channel_words(held)}."
    return text


def channel_words(channels: list[str]) -> str:
    words = [
        "the Style Story" if channel == "concierge" else policy.channel_label(channel)
        for channel in channels
        if channel == "concierge" or channel in policy.Channel.__members__.values()
    ]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def reason_label(action: str, reason: str) -> str:
    choices = DiscardReason if action == "discard" else RemovalReason
    try:
        return str(choices(reason).label)
    except ValueError:
        return ""
