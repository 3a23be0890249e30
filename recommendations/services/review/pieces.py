"""Review actions on a lookbook's pieces: keep, remove, restore, swap, add, reorder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Product
from recommendations.models import (
    ItemSource,
    ItemState,
    Lookbook,
    LookbookItem,
    RemovalReason,
    ReviewAction,
)
from recommendations.services.review.base import (
    alternate_for,
    alternate_score,
    alternate_text,
    check_new_product,
    item_of,
    lock,
    next_position,
    record_event,
    renumber,
    save,
    variant_for,
)


@transaction.atomic
def lookbook_item_keep(*, item: LookbookItem, by: Any, expected_version: int) -> LookbookItem:
    """The stylist confirms a proposed piece."""
    lookbook = lock(item.lookbook_id, expected_version=expected_version)
    item = item_of(lookbook, item)
    if item.state == ItemState.KEPT:
        raise ValidationError(f"{item.product.name} is already kept.", code="already_kept")
    if item.state == ItemState.REMOVED:
        raise ValidationError(f"{item.product.name} was removed; restore it first.", code="removed")
    item.state = ItemState.KEPT
    item.full_clean(exclude=["lookbook", "product", "variant", "replaces"])
    item.save(update_fields=["state"])
    save(lookbook)
    record_event(lookbook, by=by, action=ReviewAction.KEEP, item=item)
    return item


@transaction.atomic
def lookbook_item_remove(
    *, item: LookbookItem, by: Any, reason: str, note: str = "", expected_version: int
) -> LookbookItem:
    """Take a piece out, with a reason ('other' needs a few words). The client never sees it."""
    note = (note or "").strip()
    if reason not in RemovalReason.values:
        raise ValidationError("Choose why this piece does not belong.", code="reason")
    if reason == RemovalReason.OTHER and not note:
        raise ValidationError("Say in a few words why, when the reason is 'other'.", code="note")
    lookbook = lock(item.lookbook_id, expected_version=expected_version)
    item = item_of(lookbook, item)
    if item.state == ItemState.REMOVED:
        raise ValidationError(f"{item.product.name} is already removed.", code="removed")
    before = item.state
    item.state = ItemState.REMOVED
    item.removal_reason = reason
    item.removal_note = note[:280]
    item.full_clean(exclude=["lookbook", "product", "variant", "replaces"])
    item.save(update_fields=["state", "removal_reason", "removal_note"])
    renumber(lookbook)
    save(lookbook)
    record_event(
        lookbook,
        by=by,
        action=ReviewAction.REMOVE,
        item=item,
        reason=reason,
        reason_text=note,
        payload={"was": before, "source": item.source, "score": item.score},
    )
    return item


@transaction.atomic
def lookbook_item_restore(*, item: LookbookItem, by: Any, expected_version: int) -> LookbookItem:
    """Bring a removed piece back, at the end of the lookbook, as it first came in."""
    lookbook = lock(item.lookbook_id, expected_version=expected_version)
    item = item_of(lookbook, item)
    if item.state != ItemState.REMOVED:
        raise ValidationError(f"{item.product.name} is in the lookbook already.", code="active")
    if not Product.objects.filter(pk=item.product_id, active=True).exists():
        raise ValidationError(
            f"{item.product.name} is no longer in the catalogue.", code="inactive_product"
        )
    previous_reason = item.removal_reason
    item.state = ItemState.PROPOSED if item.source == ItemSource.MODEL else ItemState.KEPT
    item.removal_reason = ""
    item.removal_note = ""
    item.position = next_position(lookbook)
    item.full_clean(exclude=["lookbook", "product", "variant", "replaces"])
    item.save(update_fields=["state", "removal_reason", "removal_note", "position"])
    renumber(lookbook)
    save(lookbook)
    record_event(
        lookbook,
        by=by,
        action=ReviewAction.RESTORE,
        item=item,
        payload={"removal_reason": previous_reason},
    )
    return item


@transaction.atomic
def lookbook_item_swap(
    *,
    item: LookbookItem,
    product: Product,
    by: Any,
    from_alternates: bool,
    expected_version: int,
    reason: str = "",
    note: str = "",
) -> LookbookItem:
    """Replace a piece by one of the next candidates or any catalogue piece, in its place.

    The replaced piece is kept as removed (with `replaces` pointing at it) so the
    decision stays visible and trains the next model. Returns the new item.
    """
    if reason and reason not in RemovalReason.values:
        raise ValidationError("Choose why this piece does not belong.", code="reason")
    lookbook = lock(item.lookbook_id, expected_version=expected_version)
    old = item_of(lookbook, item)
    if old.state == ItemState.REMOVED:
        raise ValidationError(
            f"{old.product.name} was removed; restore it or add a piece instead.", code="removed"
        )
    product = check_new_product(lookbook, product)
    alternate = alternate_for(lookbook, product)
    if from_alternates and alternate is None:
        raise ValidationError(
            f"{product.name} is not among this draft's next candidates.", code="not_alternate"
        )
    new = LookbookItem(
        lookbook=lookbook,
        product=product,
        variant=variant_for(lookbook.client, product),
        position=old.position,
        source=ItemSource.STYLIST,
        state=ItemState.KEPT,
        explanation=alternate_text(alternate) if from_alternates else "",
        score=alternate_score(alternate) if from_alternates else None,
        replaces=old,
    )
    new.full_clean(exclude=["lookbook", "product", "variant", "replaces"], validate_unique=False)
    new.save()
    old.state = ItemState.REMOVED
    old.removal_reason = reason
    old.removal_note = (note or "").strip()[:280]
    old.save(update_fields=["state", "removal_reason", "removal_note"])
    renumber(lookbook)
    save(lookbook)
    record_event(
        lookbook,
        by=by,
        action=ReviewAction.SWAP,
        item=new,
        product=product,
        reason=reason,
        reason_text=note,
        payload={
            "replaced_item": old.pk,
            "replaced_product": old.product_id,
            "from_alternates": bool(from_alternates),
            "score": new.score,
        },
    )
    return new


@transaction.atomic
def lookbook_item_add(
    *, lookbook: Lookbook, product: Product, by: Any, expected_version: int
) -> LookbookItem:
    """Add a catalogue piece at the end (a stylist's choice, kept)."""
    locked = lock(lookbook, expected_version=expected_version)
    product = check_new_product(locked, product)
    alternate = alternate_for(locked, product)
    item = LookbookItem(
        lookbook=locked,
        product=product,
        variant=variant_for(locked.client, product),
        position=next_position(locked),
        source=ItemSource.STYLIST,
        state=ItemState.KEPT,
    )
    item.full_clean(exclude=["lookbook", "product", "variant", "replaces"], validate_unique=False)
    item.save()
    renumber(locked)
    save(locked)
    record_event(
        locked,
        by=by,
        action=ReviewAction.ADD,
        item=item,
        product=product,
        payload={"was_alternate": alternate is not None},
    )
    return item


@transaction.atomic
def lookbook_reorder(
    *, lookbook: Lookbook, ordered_item_ids: Sequence[int | str], by: Any, expected_version: int
) -> Lookbook:
    """Put the pieces in the stylist's order: every piece that will be published, once each."""
    locked = lock(lookbook, expected_version=expected_version)
    try:
        order = [int(i) for i in ordered_item_ids]
    except (TypeError, ValueError):
        raise ValidationError("The new order is not readable.", code="order") from None
    current = list(
        locked.items.exclude(state=ItemState.REMOVED)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    if len(order) != len(set(order)) or set(order) != set(current):
        raise ValidationError(
            "The new order must list every piece in the lookbook once.", code="order"
        )
    if order == current:
        return locked
    renumber(locked, order)
    save(locked)
    record_event(
        locked, by=by, action=ReviewAction.REORDER, payload={"before": current, "after": order}
    )
    return locked
