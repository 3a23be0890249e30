"""Writes about clients: profiles, identities, occasions, orders, interactions, wishlist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, F, Max, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Product, Variant
from clients.identities import identity_lookup_hash, normalize_identity
from clients.models import (
    STYLE_FIELDS,
    Client,
    Identity,
    Interaction,
    InteractionKind,
    Occasion,
    Order,
    OrderStatus,
    WishlistItem,
)
from core.lookups import AnyOf


def identity_build(
    *, client: Client, kind: str, value: str, source: str = "", is_primary: bool = False
) -> Identity:
    """An unsaved Identity with normalised value and lookup hash (for bulk inserts too)."""
    normalized = normalize_identity(kind, value)
    return Identity(
        client=client,
        kind=kind,
        value=normalized,
        lookup_hash=identity_lookup_hash(kind, normalized),
        is_primary=is_primary,
        source=source,
    )


def find_client_by_identity(kind: str, value: str) -> Client | None:
    try:
        normalized = normalize_identity(kind, value)
    except ValidationError:
        return None
    identity = (
        Identity.objects.select_related("client")
        .filter(kind=kind, lookup_hash=identity_lookup_hash(kind, normalized))
        .first()
    )
    return identity.client if identity else None


@transaction.atomic
def identity_add(
    *, client: Client, kind: str, value: str, source: str = "", is_primary: bool = False
) -> Identity:
    identity = identity_build(
        client=client, kind=kind, value=value, source=source, is_primary=is_primary
    )
    if Identity.objects.filter(kind=kind, lookup_hash=identity.lookup_hash).exists():
        raise ValidationError(
            {"value": f"This {identity.get_kind_display().lower()} already belongs to a client."}
        )
    if is_primary:
        Identity.objects.filter(client=client, kind=kind, is_primary=True).update(is_primary=False)
    identity.full_clean(exclude=["lookup_hash"])
    identity.save()
    return identity


PROFILE_FIELDS = frozenset(
    {
        "salutation",
        "first_name",
        "last_name",
        "preferred_name",
        "preferred_language",
        "timezone",
        *STYLE_FIELDS,
        "is_vic",
    }
)


@transaction.atomic
def client_update_profile(*, client: Client, **changes: Any) -> Client:
    """Change profile fields (sizes, preferences, names...). Unknown fields are refused."""
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(client, field, value)
    client.full_clean()
    client.save(update_fields=[*changes, "updated_at"])
    return client


def occasion_next_date(occasion: Occasion, *, today: dt.date | None = None) -> dt.date | None:
    return occasion.occurrence_on_or_after(today or timezone.localdate())


@transaction.atomic
def occasion_add(
    *,
    client: Client,
    kind: str,
    date: dt.date,
    title: str = "",
    recurring_yearly: bool = False,
    notes: str = "",
    source: str = "stylist",
    created_by: Any = None,
) -> Occasion:
    occasion = Occasion(
        client=client,
        kind=kind,
        date=date,
        title=title,
        recurring_yearly=recurring_yearly,
        notes=notes,
        source=source,
        created_by=created_by,
    )
    occasion.next_date = occasion_next_date(occasion)
    occasion.full_clean()
    occasion.save()
    return occasion


@transaction.atomic
def occasion_update(*, occasion: Occasion, **changes: Any) -> Occasion:
    allowed = {"kind", "date", "title", "recurring_yearly", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(occasion, field, value)
    occasion.next_date = occasion_next_date(occasion)
    occasion.full_clean()
    occasion.save(update_fields=[*changes, "next_date"])
    return occasion


@transaction.atomic
def occasion_delete(*, occasion: Occasion) -> None:
    occasion.delete()


def occasions_roll_forward(*, today: dt.date | None = None) -> int:
    """Move yearly occasions whose date has passed to their next year; clear past one-offs."""
    today = today or timezone.localdate()
    changed = 0
    stale = Occasion.objects.filter(next_date__lt=today) | Occasion.objects.filter(
        next_date__isnull=True, date__gte=today
    )
    for occasion in stale.only("id", "date", "recurring_yearly", "next_date").iterator():
        new = occasion.occurrence_on_or_after(today)
        if new != occasion.next_date:
            Occasion.objects.filter(pk=occasion.pk).update(next_date=new)
            changed += 1
    return changed


@dataclass(frozen=True)
class LineInput:
    product: Product
    quantity: int
    unit_price: Decimal
    variant: Variant | None = None


def client_stats_refresh(*, client_ids: Iterable[int] | None = None) -> int:
    """Recompute lifetime spend, order count and purchase dates, set-based (one UPDATE)."""
    completed = Order.objects.filter(client_id=OuterRef("pk"), status=OrderStatus.COMPLETED)
    by_client = completed.order_by().values("client_id")
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
    queryset = Client.objects.all()
    if client_ids is not None:
        queryset = queryset.filter(AnyOf(F("pk"), list(client_ids)))
    return queryset.update(
        lifetime_spend=Coalesce(
            Subquery(by_client.annotate(s=Sum("total")).values("s")[:1]),
            zero,
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        orders_count=Coalesce(
            Subquery(by_client.annotate(n=Count("pk")).values("n")[:1]), Value(0)
        ),
        first_purchase_at=Subquery(by_client.annotate(m=Min("placed_at")).values("m")[:1]),
        last_purchase_at=Subquery(by_client.annotate(m=Max("placed_at")).values("m")[:1]),
    )


@transaction.atomic
def interaction_record(
    *,
    client: Client,
    product: Product,
    kind: str,
    channel: str = "web",
    context: dict[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> Interaction:
    """Store a client's signal. Whether it may be *used* is consent.policy's question."""
    if kind not in InteractionKind.values:
        raise ValidationError(f"Unknown interaction {kind!r}.")
    interaction = Interaction(
        client=client,
        product=product,
        kind=kind,
        channel=channel,
        context=context or {},
        occurred_at=occurred_at or timezone.now(),
    )
    interaction.full_clean()
    interaction.save()
    return interaction


@transaction.atomic
def wishlist_add(*, client: Client, product: Product, note: str = "") -> WishlistItem:
    if not product.active:
        raise ValidationError({"product": "This piece is no longer offered."})
    item, created = WishlistItem.objects.get_or_create(
        client=client, product=product, defaults={"note": note}
    )
    if created:
        interaction_record(client=client, product=product, kind=InteractionKind.SAVE)
    return item


@transaction.atomic
def wishlist_remove(*, client: Client, product: Product) -> bool:
    deleted, _ = WishlistItem.objects.filter(client=client, product=product).delete()
    return bool(deleted)


@transaction.atomic
def wishlist_save(
    *, client: Client, product: Product, record_interaction: bool, note: str = ""
) -> tuple[WishlistItem, bool]:
    """Save a piece to the client's wishlist; (item, created). Saving twice keeps one.

    record_interaction: whether the save may also be kept as a signal (an
    Interaction of kind "save"). The caller asks consent.policy (saved items for
    personalisation: Bespoke only); otherwise only the wishlist row is kept,
    because it serves the client and nothing else.
    """
    if not product.active:
        raise ValidationError({"product": "This piece is no longer offered."})
    item, created = WishlistItem.objects.get_or_create(
        client=client, product=product, defaults={"note": note[:280]}
    )
    if created and record_interaction:
        interaction_record(client=client, product=product, kind=InteractionKind.SAVE)
    return item, created


VIEW_QUIET_PERIOD = dt.timedelta(minutes=10)


@transaction.atomic
def interaction_record_view(
    *, client: Client, product: Product, context: dict[str, Any] | None = None
) -> Interaction | None:
    """Record that the client looked at a piece; None when they already did moments ago.

    A reload or a return within VIEW_QUIET_PERIOD is the same look, not a new
    signal. Whether a view may be stored at all is the caller's question for
    consent.policy (browsing for personalisation: Bespoke only).
    """
    if Interaction.objects.filter(
        client=client,
        product=product,
        kind=InteractionKind.VIEW,
        occurred_at__gte=timezone.now() - VIEW_QUIET_PERIOD,
    ).exists():
        return None
    return interaction_record(
        client=client, product=product, kind=InteractionKind.VIEW, context=context
    )


LOOKBOOK_REACTIONS = (InteractionKind.LOVE, InteractionKind.NOT_FOR_ME)


@transaction.atomic
def lookbook_reaction_set(
    *,
    client: Client,
    product: Product,
    lookbook_public_id: Any,
    item_id: int,
    reaction: str | None,
) -> Interaction | None:
    """Set the client's reaction to one piece of a lookbook, or clear it (reaction=None).

    One reaction per piece: "love" replaces "not_for_me" and the other way round.
    Each is an Interaction with context {"lookbook": uuid, "item": id}, the
    signal the next model learns from; a cleared reaction leaves no row behind.
    """
    if reaction is not None and reaction not in LOOKBOOK_REACTIONS:
        raise ValidationError(f"Unknown reaction {reaction!r}.")
    lookbook_key = str(lookbook_public_id)
    Interaction.objects.filter(
        client=client,
        kind__in=LOOKBOOK_REACTIONS,
        context__lookbook=lookbook_key,
        context__item=item_id,
    ).delete()
    if reaction is None:
        return None
    return interaction_record(
        client=client,
        product=product,
        kind=reaction,
        context={"lookbook": lookbook_key, "item": item_id},
    )


def client_touch_contact(*, client: Client, at: dt.datetime | None = None) -> None:
    Client.objects.filter(pk=client.pk).update(last_contact_at=at or timezone.now())
