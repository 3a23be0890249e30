"""Shared steps of the review services: lock, version check, save, event, positions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from catalog.models import Product, Variant
from clients.models import Client
from recommendations.models import (
    ItemState,
    Lookbook,
    LookbookItem,
    LookbookStatus,
    ReviewEvent,
)
from recommendations.selectors import size_key_for
from recommendations.services.pending import materialise_pieces

STALE_MESSAGE = "This lookbook changed in another tab — reload to see the latest."
EDITABLE = (LookbookStatus.DRAFT, LookbookStatus.IN_REVIEW)


class DiscardReason(models.TextChoices):
    NOT_NOW = "not_now", "Not the right moment"
    WRONG_SELECTION = "wrong_selection", "The selection misses the client"
    DUPLICATE = "duplicate", "A similar lookbook is already out"
    OTHER = "other", "Other"


class StaleLookbook(ValidationError):
    """The caller's copy of the lookbook is older than the database's."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE, code="stale")


def lock(
    lookbook: Lookbook | int,
    *,
    expected_version: int | None,
    allowed: Iterable[str] = EDITABLE,
) -> Lookbook:
    """The lookbook, row-locked, checked for staleness and for a status that allows the action."""
    pk = lookbook if isinstance(lookbook, int) else lookbook.pk
    locked = Lookbook.objects.select_for_update(of=("self",)).select_related("client").get(pk=pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleLookbook()
    if locked.status not in tuple(allowed):
        raise ValidationError(closed_message(locked), code="closed")
    if locked.pending_pieces:  # a bulk draft: its rows before any change
        materialise_pieces(locked)
    return locked


def closed_message(lookbook: Lookbook) -> str:
    if lookbook.status == LookbookStatus.PUBLISHED:
        return "This lookbook is published; withdraw it to take it back."
    label = LookbookStatus(lookbook.status).label.lower()
    return f"This lookbook is {label}; it can no longer be changed."


# The lookbook's relations (client, author, occasion, model, request, published by) are
# rows in hand, the lookbook itself locked: their foreign keys hold them (and the database
# checks them at commit). Validating them again cost one existence query each per save.
_RELATIONS = [field.name for field in Lookbook._meta.concrete_fields if field.is_relation]


def save(lookbook: Lookbook, *fields: str, write: bool = True) -> None:
    """Bump the version and save the named fields (field validation only: no unique queries,
    no existence query per relation). `write=False`: checked, not written yet (a later
    save of the same locked row writes these fields with its own)."""
    lookbook.version += 1
    lookbook.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
    if write:
        lookbook.save(update_fields=[*fields, "version", "updated_at"])


def record_event(
    lookbook: Lookbook,
    *,
    by: Any,
    action: str,
    item: LookbookItem | None = None,
    product: Product | None = None,
    reason: str = "",
    reason_text: str = "",
    payload: dict[str, Any] | None = None,
    write: bool = True,
) -> ReviewEvent:
    """The event of an action (`write=False`: checked, for the caller to bulk-create)."""
    event = ReviewEvent(
        lookbook=lookbook,
        item=item,
        product=product if product is not None else (item.product if item else None),
        actor=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        reason=reason,
        reason_text=reason_text.strip()[:280],
        payload={"version": lookbook.version, **(payload or {})},
    )
    # The related rows are in hand (and locked); skip the existence queries.
    event.full_clean(exclude=["lookbook", "item", "product", "actor"])
    if write:
        event.save()
    return event


def item_of(lookbook: Lookbook, item: LookbookItem | int) -> LookbookItem:
    """The item, fresh from the database, if it belongs to the (locked) lookbook."""
    pk = item if isinstance(item, int) else item.pk
    found = lookbook.items.select_related("product").filter(pk=pk).first()
    if found is None:
        raise ValidationError("That piece is not in this lookbook.", code="not_in_lookbook")
    return found


def active_items(items: Iterable[LookbookItem]) -> list[LookbookItem]:
    return [i for i in items if i.state != ItemState.REMOVED]


def renumber(
    lookbook: Lookbook,
    order: Sequence[int] | None = None,
    *,
    items: Sequence[LookbookItem] | None = None,
) -> list[int]:
    """Dense positions: active pieces 1..n (in `order` if given), removed ones after.

    Returns the active item ids in their new order. Only rows whose position
    changes are written. `items`: every item of the (locked) lookbook, as just read in
    ("position", "pk") order with their current state; read here when not given.
    """
    items = list(items) if items is not None else list(lookbook.items.order_by("position", "pk"))
    active = active_items(items)
    if order is not None:
        rank = {item_id: n for n, item_id in enumerate(order)}
        active.sort(key=lambda i: rank[i.pk])
    removed = [i for i in items if i.state == ItemState.REMOVED]
    changed = []
    for position, item in enumerate([*active, *removed], start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    if changed:
        LookbookItem.objects.bulk_update(changed, ["position"])
    return [i.pk for i in active]


def next_position(lookbook: Lookbook) -> int:
    last = (
        lookbook.items.exclude(state=ItemState.REMOVED)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return (last or 0) + 1


def check_new_product(lookbook: Lookbook, product: Product) -> Product:
    product = Product.objects.get(pk=product.pk)  # fresh: `active` may have changed
    if not product.active:
        raise ValidationError(
            f"{product.name} is no longer in the catalogue.", code="inactive_product"
        )
    existing = lookbook.items.filter(product=product).first()
    if existing is not None:
        if existing.state == ItemState.REMOVED:
            raise ValidationError(
                f"{product.name} is already in this lookbook, removed; restore it instead.",
                code="duplicate",
            )
        raise ValidationError(f"{product.name} is already in this lookbook.", code="duplicate")
    return product


def variant_for(client: Client, product: Product) -> Variant | None:
    """The variant in the client's size, or the one-size variant; None if neither exists."""
    key = size_key_for(product)
    size = str((client.sizes or {}).get(key, "")) if key else ""
    variants = Variant.objects.filter(product=product).order_by("pk")
    if key and size:
        return variants.filter(size=size).first()
    if not key:
        return variants.filter(size="").first()
    return None


def alternate_for(lookbook: Lookbook, product: Product) -> dict[str, Any] | None:
    for alternate in lookbook.alternates or []:
        # The pipeline stores product primary keys; public ids are accepted too.
        if isinstance(alternate, dict) and str(alternate.get("product")) in (
            str(product.pk),
            str(product.public_id),
        ):
            return alternate
    return None


def alternate_text(alternate: dict[str, Any] | None) -> str:
    if not alternate:
        return ""
    return str(alternate.get("explanation") or alternate.get("why") or "")


def alternate_score(alternate: dict[str, Any] | None) -> float | None:
    try:
        return (
            float(alternate["score"]) if alternate and alternate.get("score") is not None else None
        )
    except (TypeError, ValueError):
        return None
