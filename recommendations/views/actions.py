"""The review actions (POST only), each one service call through responses.act()."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.http import require_POST

from catalog.selectors import product_by_public_id
from core.ratelimit import rate_limit
from recommendations import forms
from recommendations.models import ItemState
from recommendations.services import (
    StaleLookbook,
    lookbook_discard,
    lookbook_item_add,
    lookbook_item_keep,
    lookbook_item_remove,
    lookbook_item_restore,
    lookbook_item_swap,
    lookbook_publish,
    lookbook_reorder,
    lookbook_withdraw,
)
from recommendations.views.responses import (
    act,
    back,
    done,
    error_text,
    for_change,
    item_of,
    published_message,
    save_words,
)
from stylists.access import stylist_required
from stylists.pages.conversations import badges_forget

# --- Actions on pieces -----------------------------------------------------------------


@require_POST
@stylist_required
def lookbook_item_keep_view(request: HttpRequest, public_id: Any, item_id: int) -> HttpResponse:
    lookbook = for_change(request, public_id)
    item = item_of(lookbook, item_id)
    form = forms.VersionedForm(request.POST)
    return act(
        request,
        lookbook,
        form,
        key=f"keep-{item.pk}",
        perform=lambda data: lookbook_item_keep(
            item=item, by=request.user, expected_version=data["version"]
        ),
        success=f"Kept {item.product.name}.",
    )


@require_POST
@stylist_required
def lookbook_item_remove_view(request: HttpRequest, public_id: Any, item_id: int) -> HttpResponse:
    lookbook = for_change(request, public_id)
    item = item_of(lookbook, item_id)
    form = forms.RemoveForm(request.POST, auto_id=f"id_remove{item.pk}_%s")
    return act(
        request,
        lookbook,
        form,
        key=f"remove-{item.pk}",
        perform=lambda data: lookbook_item_remove(
            item=item,
            by=request.user,
            reason=data["reason"],
            note=data["note"],
            expected_version=data["version"],
        ),
        success=f"Removed {item.product.name}; the client will not see it.",
    )


@require_POST
@stylist_required
def lookbook_item_restore_view(request: HttpRequest, public_id: Any, item_id: int) -> HttpResponse:
    lookbook = for_change(request, public_id)
    item = item_of(lookbook, item_id)
    form = forms.VersionedForm(request.POST)
    return act(
        request,
        lookbook,
        form,
        key=f"restore-{item.pk}",
        perform=lambda data: lookbook_item_restore(
            item=item, by=request.user, expected_version=data["version"]
        ),
        success=f"{item.product.name} is back, at the end.",
    )


@require_POST
@stylist_required
def lookbook_item_swap_view(request: HttpRequest, public_id: Any, item_id: int) -> HttpResponse:
    lookbook = for_change(request, public_id)
    item = item_of(lookbook, item_id)
    form = forms.SwapForm(request.POST, auto_id=f"id_swap{item.pk}_%s")

    def perform(data: dict[str, Any]) -> str:
        product = product_by_public_id(form.product_public_id)
        if product is None:
            raise ValidationError("That piece is not in the catalogue.")
        new = lookbook_item_swap(
            item=item,
            product=product,
            by=request.user,
            from_alternates=form.from_alternates,
            expected_version=data["version"],
        )
        return f"Swapped {item.product.name} for {new.product.name}."

    return act(request, lookbook, form, key=f"swap-{item.pk}", perform=perform)


@require_POST
@stylist_required
def lookbook_item_move_view(request: HttpRequest, public_id: Any, item_id: int) -> HttpResponse:
    """The keyboard alternative to drag and drop: one step up or down."""
    lookbook = for_change(request, public_id)
    item = item_of(lookbook, item_id)
    form = forms.MoveForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        order = list(
            lookbook.items.exclude(state=ItemState.REMOVED)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
        if item.pk not in order:
            raise ValidationError(f"{item.product.name} was removed; restore it first.")
        at = order.index(item.pk)
        to = at - 1 if data["direction"] == "up" else at + 1
        if not 0 <= to < len(order):
            edge = "first" if data["direction"] == "up" else "last"
            raise ValidationError(f"{item.product.name} is already {edge}.")
        order[at], order[to] = order[to], order[at]
        lookbook_reorder(
            lookbook=lookbook,
            ordered_item_ids=order,
            by=request.user,
            expected_version=data["version"],
        )
        return f"{item.product.name} is now number {to + 1} of {len(order)}."

    return act(request, lookbook, form, key=f"move-{item.pk}", perform=perform)


@require_POST
@stylist_required
def lookbook_reorder_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Drag and drop: `order` repeated, the version in the URL (atelier.js posts only the order)."""
    lookbook = for_change(request, public_id)
    data = QueryDict(mutable=True)
    data["version"] = request.POST.get("version") or request.GET.get("version", "")
    form = forms.VersionedForm(data)
    if not form.is_valid():
        return HttpResponse(form.errors["version"][0], status=400)
    try:
        lookbook_reorder(
            lookbook=lookbook,
            ordered_item_ids=request.POST.getlist("order"),
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        # atelier.js puts the old order back and says it could not be saved.
        status = 409 if isinstance(error, StaleLookbook) else 400
        if request.htmx:  # type: ignore[attr-defined]
            return HttpResponse(error_text(error), status=status)
        messages.error(request, error_text(error))
        return back(lookbook)
    return done(request, lookbook, "New order saved.")


@require_POST
@stylist_required
def lookbook_add_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    lookbook = for_change(request, public_id)
    form = forms.AddForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        product = product_by_public_id(data["product"])
        if product is None:
            raise ValidationError("That piece is not in the catalogue.")
        lookbook_item_add(
            lookbook=lookbook, product=product, by=request.user, expected_version=data["version"]
        )
        return f"Added {product.name}."

    query = request.POST.get("q", "")[:100]
    return act(request, lookbook, form, key="add", perform=perform, query=query)


# --- Actions on the lookbook -----------------------------------------------------------


@require_POST
@stylist_required
def lookbook_details_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Save the title and the note (each a ReviewEvent when it changed)."""
    lookbook = for_change(request, public_id)
    form = forms.PublishForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        save_words(request, lookbook, data)
        return "Title and note saved."

    return act(request, lookbook, form, key="publish", perform=perform, several_steps=True)


@require_POST
@stylist_required
@rate_limit("lookbook_publish")  # publishing sends the client notices (C1)
def lookbook_publish_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    lookbook = for_change(request, public_id)
    form = forms.PublishForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        # The words first, then publishing, under one lock (as "Save" then "Publish" would).
        published = lookbook_publish(
            lookbook=lookbook,
            by=request.user,
            channels=data["channels"],
            expected_version=data["version"],
            title=data["title"],
            note=data["note"],
        )
        badges_forget(request.user)
        return published_message(published)

    return act(request, lookbook, form, key="publish", perform=perform, then="reload")


@require_POST
@stylist_required
def lookbook_discard_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    lookbook = for_change(request, public_id)
    form = forms.DiscardForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        lookbook_discard(
            lookbook=lookbook,
            by=request.user,
            reason=data["reason"],
            note=data["note"],
            expected_version=data["version"],
        )
        badges_forget(request.user)
        return f"Draft for {lookbook.client.display_name} discarded; the reason teaches the model."

    return act(request, lookbook, form, key="discard", perform=perform, then="queue")


@require_POST
@stylist_required
def lookbook_withdraw_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    lookbook = for_change(request, public_id)
    form = forms.WithdrawForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        lookbook_withdraw(
            lookbook=lookbook,
            by=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        )
        return "Withdrawn: the client no longer sees this lookbook."

    return act(request, lookbook, form, key="withdraw", perform=perform, then="reload")
