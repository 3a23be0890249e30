"""Who may see which lookbook: the permission-checked getters, the review queue, model versions.

A client never sees a draft: every client-facing read goes through
lookbooks_visible_to / lookbook_for_user, which for a client user return only
their own published lookbooks, and lookbook_items_for(for_client=True), which
leaves out removed pieces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from clients.models import ClientUserObjectPermission, Occasion
from clients.selectors import client_permission_filter, clients_visible_to
from recommendations.models import (
    ItemState,
    JSONArrayLength,
    Lookbook,
    LookbookItem,
    LookbookStatus,
    ModelVersion,
)
from recommendations.pipeline.capacity import due_in_book

REVIEWABLE = (LookbookStatus.DRAFT, LookbookStatus.IN_REVIEW)


def _is_staff_side(user: Any) -> bool:
    return bool(user.is_superuser or getattr(user, "stylist", None) is not None)


def lookbooks_visible_to(user: Any) -> QuerySet[Lookbook]:
    if not user.is_authenticated or not user.is_active:
        return Lookbook.objects.none()
    if _is_staff_side(user):
        return Lookbook.objects.filter(client__in=clients_visible_to(user).values("pk"))
    return Lookbook.objects.filter(
        client__user=user, client__status="active", status=LookbookStatus.PUBLISHED
    )


def lookbook_for_user(user: Any, public_id: Any) -> Lookbook:
    try:
        return (
            lookbooks_visible_to(user)
            .select_related("client__home_boutique", "author__user", "occasion", "model_version")
            .get(public_id=public_id)
        )
    except (Lookbook.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such lookbook") from None


def lookbook_for_review(user: Any, public_id: Any) -> Lookbook:
    """The lookbook with what its review page reads; 404 outside the user's reach."""
    try:
        return (
            lookbooks_visible_to(user)
            .select_related(
                "client__home_boutique",
                "author__user",
                "occasion",
                "model_version",
                "styling_request",
                "published_by",
            )
            .get(public_id=public_id)
        )
    except (Lookbook.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such lookbook") from None


def lookbook_for_action(user: Any, public_id: Any) -> Lookbook:
    """The lookbook with its client and her boutique (the time zone of her quiet hours):
    what a review action reads and redraws; 404 outside the user's reach, exactly as
    lookbook_for_review."""
    try:
        return (
            lookbooks_visible_to(user)
            .select_related("client__home_boutique")
            .get(public_id=public_id)
        )
    except (Lookbook.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such lookbook") from None


def lookbook_items_for(lookbook: Lookbook, *, for_client: bool) -> QuerySet[LookbookItem]:
    items = lookbook.items.select_related("product", "variant").order_by("position", "pk")
    if for_client:
        items = items.exclude(state=ItemState.REMOVED)
    return items


def lookbook_item_asked_about(user: Any, lookbook_public_id: Any, product_public_id: Any) -> Any:
    """The piece a client asked her advisor about from her lookbook ("Ask Élise"), or None.

    Only a piece still shown in one of the user's own visible lookbooks (one query).
    """
    if not lookbook_public_id or not product_public_id:
        return None
    try:
        return (
            LookbookItem.objects.filter(
                lookbook__in=lookbooks_visible_to(user).filter(public_id=lookbook_public_id),
                product__public_id=product_public_id,
            )
            .exclude(state=ItemState.REMOVED)
            .select_related("product", "lookbook")
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None


def published_lookbooks_for_client(client: Any) -> QuerySet[Lookbook]:
    visible = LookbookItem.objects.exclude(state=ItemState.REMOVED).select_related("product")
    return (
        Lookbook.objects.filter(client=client, status=LookbookStatus.PUBLISHED)
        .select_related("author__user", "occasion")
        .prefetch_related(Prefetch("items", queryset=visible.order_by("position", "pk")))
        .order_by("-published_at", "-pk")
    )


def review_queue_for(user: Any) -> QuerySet[Lookbook]:
    """Drafts waiting for the user's review, oldest first."""
    return (
        lookbooks_visible_to(user)
        .filter(status__in=REVIEWABLE)
        .select_related("client", "occasion", "author__user")
        .order_by("created_at", "pk")
    )


def review_queue_rows(user: Any, *, mine_only: bool = False) -> QuerySet[Lookbook]:
    """Drafts waiting, oldest first, with their client, author, request and piece count.

    `mine_only` keeps the clients in the user's own book (what they may change).
    """
    queue = review_queue_for(user).select_related(
        "client", "occasion", "author__user", "styling_request"
    )
    if mine_only:
        in_book = ClientUserObjectPermission.objects.filter(
            client_permission_filter("change_client"), user=user
        ).values("content_object_id")
        queue = queue.filter(client__in=in_book)
    # A correlated count, not a join + GROUP BY: PostgreSQL then sorts and pages the
    # lookbook rows alone (wide: data basis, alternates) and counts pieces for the 20 shown.
    # A bulk draft not opened yet keeps its pieces on its row (services.pending).
    pieces = (
        LookbookItem.objects.filter(lookbook=OuterRef("pk"))
        .exclude(state=ItemState.REMOVED)
        .order_by()
        .values("lookbook")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queue.annotate(
        pieces_count=Coalesce(Subquery(pieces, output_field=IntegerField()), Value(0))
        + JSONArrayLength("pending_pieces")
    )


def clients_due_a_draft(stylist: Any) -> int:
    """Clients in her book due a machine draft with none waiting: later nights draft them."""
    return due_in_book(stylist.pk, now=timezone.now())


def next_occasions(
    client_ids: Iterable[int], *, today: dt.date | None = None
) -> dict[int, Occasion]:
    """Each client's next occasion (today or later), for many clients in one query."""
    today = today or timezone.localdate()
    ids = list(client_ids)
    if not ids:
        return {}
    first = (
        Occasion.objects.filter(client_id=OuterRef("client_id"), next_date__gte=today)
        .order_by("next_date", "pk")
        .values("pk")[:1]
    )
    rows = Occasion.objects.filter(client_id__in=ids, pk=Subquery(first))
    return {row.client_id: row for row in rows}


def active_model_version() -> ModelVersion | None:
    return ModelVersion.objects.filter(is_active=True).first()


def latest_model_version() -> ModelVersion | None:
    return ModelVersion.objects.order_by("-created_at", "-pk").first()
