"""Reads about clients, and who may see them: the permission-checked getters live here.

Visibility (django-guardian): a stylist holds object permissions on the
clients in their book; a boutique manager holds `catalog.manage_boutique` on
their boutique and so sees its clients; head office holds the global
`clients.view_client`. Everyone else sees nothing, and gets 404, not 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from catalog.models import Boutique, HeritageStory
from clients.models import (
    Client,
    ClientStatus,
    ClientUserObjectPermission,
    Identity,
    IdentityKind,
    Interaction,
    InteractionKind,
    Occasion,
    Order,
    OrderLine,
    WishlistItem,
)

User = AbstractBaseUser | AnonymousUser


# clients.<codename> permission -> its id, per database: read once per process, since
# migrations alone create permissions. Every visibility filter names one, and as a nested
# SELECT (permission JOIN content type) it cost each page about 1.4 ms per filter to
# compile, the largest part of the review page's lookbook query. Emptied after every
# migrate or flush (clients.apps), which create the rows again, under new ids.
_PERMISSION_IDS: dict[tuple[str, str], int] = {}


def client_permission_id(codename: str, *, using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The id of the permission clients.<codename>, or None if it does not exist (yet)."""
    key = (str(connections[using].settings_dict["NAME"]), codename)
    found = _PERMISSION_IDS.get(key)
    if found is None:
        found = (
            Permission.objects.using(using)
            .filter(content_type__app_label="clients", codename=codename)
            .values_list("pk", flat=True)
            .first()
        )
        if found is None:
            return None
        _PERMISSION_IDS[key] = found
    return found


def permission_ids_forget(*, sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate receiver: the permissions may have been created again, under new ids.

    Read again as soon as the clients app's own have been created (auth's receiver runs
    first), so that no page pays for it, and no count of a page's queries depends on
    whether it was the first.
    """
    _PERMISSION_IDS.clear()
    if getattr(sender, "name", "") == "clients":
        for codename in ("view_client", "change_client"):
            client_permission_id(codename, using=using)


def client_permission_filter(codename: str) -> Q:
    """A filter on an object permission row: its permission is clients.<codename>."""
    permission_id = client_permission_id(codename)
    if permission_id is None:  # no such permission: nobody holds it
        return Q(pk__in=[])
    return Q(permission_id=permission_id)


def _staff_role(user: Any) -> tuple[bool, str | None]:
    """(has an advisor record, its role if active): a deactivated advisor holds no role."""
    try:
        stylist = user.stylist
    except (ObjectDoesNotExist, AttributeError):
        return False, None
    if stylist is None:
        return False, None
    return True, (stylist.role if stylist.active else None)


def sees_all_clients(user: Any) -> bool:
    if user.is_superuser:
        return True
    is_advisor, role = _staff_role(user)
    if is_advisor and role != "head_office":
        return False  # a permission left behind does not outlive the role
    return bool(user.has_perm("clients.view_client"))


def managed_boutiques(user: Any) -> QuerySet[Boutique]:
    """Boutiques whose books the user manages (object permission on the boutique)."""
    if not user.is_authenticated:
        return Boutique.objects.none()
    is_advisor, role = _staff_role(user)
    if is_advisor and role != "manager" and not user.is_superuser:
        return Boutique.objects.none()
    return get_objects_for_user(
        user, "catalog.manage_boutique", klass=Boutique, accept_global_perms=True
    )


def clients_visible_to(user: Any) -> QuerySet[Client]:
    """Every client the user may see on the stylist side (a lazy queryset)."""
    if not user.is_authenticated or not user.is_active:
        return Client.objects.none()
    is_advisor, role = _staff_role(user)
    if is_advisor and role is None and not user.is_superuser:
        return Client.objects.none()  # deactivated: the book's permissions do not count
    if sees_all_clients(user):
        return Client.objects.all()
    in_book = ClientUserObjectPermission.objects.filter(
        client_permission_filter("view_client"), user=user
    ).values("content_object_id")
    return Client.objects.filter(
        Q(pk__in=in_book) | Q(home_boutique__in=managed_boutiques(user).values("pk"))
    )


def client_for_user(user: Any, public_id: Any, *, for_change: bool = False) -> Client:
    """The client, if the user may see it; 404 otherwise. 403 if read-only and for_change."""
    try:
        client = (
            clients_visible_to(user)
            .select_related("home_boutique", "user")
            .get(public_id=public_id)
        )
    except (Client.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such client") from None
    if for_change and not can_change_client(user, client):
        raise PermissionDenied("You may see this client but not change their record.")
    return client


def can_change_client(user: Any, client: Client) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return ClientUserObjectPermission.objects.filter(
        client_permission_filter("change_client"), user=user, content_object=client
    ).exists()


def client_for_concierge(user: Any, **annotations: Any) -> Client:
    """The signed-in client's own record (the concierge's only subject); 404 for others.

    `annotations`: what the concierge reads with her, in the same query.
    """
    if not user.is_authenticated:
        raise Http404("No client")
    try:
        return (
            Client.objects.select_related("home_boutique")
            .annotate(**annotations)
            .get(user=user, status=ClientStatus.ACTIVE)
        )
    except Client.DoesNotExist:
        raise Http404("No client") from None


def clients_with_contact(queryset: QuerySet[Client]) -> QuerySet[Client]:
    """Prefetch identities (for e-mail/phone columns) without a query per row."""
    return queryset.prefetch_related(
        Prefetch(
            "identities",
            queryset=Identity.objects.filter(kind__in=[IdentityKind.EMAIL, IdentityKind.PHONE]),
        )
    )


def upcoming_occasions(client: Client, *, within_days: int = 365) -> QuerySet[Occasion]:
    today = timezone.localdate()
    return client.occasions.filter(
        next_date__gte=today, next_date__lte=today + dt.timedelta(days=within_days)
    ).order_by("next_date")


def segment_of(client: Client, *, today: dt.date | None = None) -> str:
    """Lifecycle segment from purchase dates: prospect, new, active, dormant, lapsed."""
    today = today or timezone.localdate()
    if client.last_purchase_at is None or client.first_purchase_at is None:
        return "prospect"
    since_first = (today - client.first_purchase_at.date()).days
    since_last = (today - client.last_purchase_at.date()).days
    if since_first <= 90:
        return "new"
    if since_last <= 180:
        return "active"
    if since_last <= 365:
        return "dormant"
    return "lapsed"


def segment_filter(segment: str, *, today: dt.date | None = None) -> Q:
    """The same segments as a filter, for lists."""
    today = today or timezone.localdate()
    now = timezone.make_aware(dt.datetime.combine(today, dt.time.max))
    days = lambda n: now - dt.timedelta(days=n)  # noqa: E731
    if segment == "prospect":
        return Q(last_purchase_at__isnull=True)
    if segment == "new":
        return Q(first_purchase_at__gte=days(90))
    if segment == "active":
        return Q(first_purchase_at__lt=days(90), last_purchase_at__gte=days(180))
    if segment == "dormant":
        return Q(last_purchase_at__lt=days(180), last_purchase_at__gte=days(365))
    if segment == "lapsed":
        return Q(last_purchase_at__lt=days(365))
    raise ValueError(f"Unknown segment {segment!r}")


# --- The concierge's reads: the signed-in client's own things ---------------------------


def occasions_of(client: Client) -> QuerySet[Occasion]:
    """All the client's occasions: the coming ones by date, then those that have passed."""
    return client.occasions.order_by(F("next_date").asc(nulls_last=True), "-date", "pk")


def occasion_of(client: Client, occasion_id: Any) -> Occasion:
    """One of the client's own occasions; 404 for anyone else's or a bad id."""
    try:
        return client.occasions.get(pk=int(occasion_id))
    except (Occasion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such occasion") from None


def wishlist_of(client: Client) -> QuerySet[WishlistItem]:
    """The client's saved pieces, newest first, with their products (one query)."""
    return (
        WishlistItem.objects.filter(client=client)
        .select_related("product")
        .order_by("-added_at", "-pk")
    )


def wishlist_product_ids(client: Client) -> set[int]:
    return set(WishlistItem.objects.filter(client=client).values_list("product_id", flat=True))


REACTION_KINDS = (InteractionKind.LOVE, InteractionKind.NOT_FOR_ME)


def lookbook_reactions(client: Client, lookbook_public_id: Any) -> dict[int, str]:
    """The client's reaction ("love" / "not_for_me") to each piece of a lookbook, by item id."""
    rows = (
        Interaction.objects.filter(
            client=client, kind__in=REACTION_KINDS, context__lookbook=str(lookbook_public_id)
        )
        .order_by("occurred_at", "pk")
        .values_list("context", "kind")
    )
    reactions: dict[int, str] = {}
    for context, kind in rows:
        try:
            reactions[int(context.get("item"))] = kind
        except (TypeError, ValueError):
            continue
    return reactions


def interest_categories(
    client: Client, *, purchases: bool, preferences: bool, browsing: bool
) -> list[str]:
    """Product categories the client has shown interest in, strongest first.

    The caller says which kinds of data consent lets it use (consent.policy):
    purchases (completed orders), preferences (stated categories, pieces loved
    in lookbooks) and browsing (pieces viewed or saved). At most two queries.
    """
    weights: dict[str, float] = {}
    if preferences:
        for rank, category in enumerate(client.preferred_categories or []):
            weights[category] = weights.get(category, 0) + 3 - min(rank, 2) * 0.5
    if purchases:
        bought = (
            OrderLine.objects.filter(order__client=client, order__status="completed")
            .values("product__category")
            .annotate(n=Count("pk"))
        )
        for row in bought:
            weights[row["product__category"]] = weights.get(row["product__category"], 0) + row["n"]
    signal_kinds = [InteractionKind.LOVE] if preferences else []
    if browsing:
        signal_kinds += [InteractionKind.VIEW, InteractionKind.SAVE]
    if signal_kinds:
        signals = (
            Interaction.objects.filter(client=client, kind__in=signal_kinds)
            .values("product__category", "kind")
            .annotate(n=Count("pk"))
        )
        for row in signals:
            factor = 2.0 if row["kind"] == InteractionKind.LOVE else 0.5
            category = row["product__category"]
            weights[category] = weights.get(category, 0) + factor * row["n"]
    return [c for c, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0])) if c]


def heritage_story_for_interests(categories: list[str]) -> HeritageStory | None:
    """The published heritage story whose pieces best match the categories (None if none do)."""
    for category in categories[:3]:
        story = (
            HeritageStory.objects.filter(published=True, products__category=category)
            .annotate(matches=Count("products", filter=Q(products__category=category)))
            .order_by("-matches", "era", "title")
            .first()
        )
        if story is not None:
            return story
    return None


def heritage_moments_for(product_ids: list[int]) -> dict[int, HeritageStory]:
    """For each product, the published heritage story it belongs to (the oldest era), one query."""
    links = (
        HeritageStory.products.through.objects.filter(
            product_id__in=product_ids, heritagestory__published=True
        )
        .select_related("heritagestory")
        .order_by("heritagestory__era", "heritagestory__title")
    )
    moments: dict[int, HeritageStory] = {}
    for link in links:
        moments.setdefault(link.product_id, link.heritagestory)
    return moments


def occasions_by_id(ids: list[int | None]) -> dict[int, Occasion]:
    """The occasions with these ids (None and repeats ignored), in one query."""
    wanted = [pk for pk in ids if pk]
    if not wanted:
        return {}
    return {o.pk: o for o in Occasion.objects.filter(pk__in=wanted)}


def purchases_of_client(client: Client) -> QuerySet[Order]:
    """The client's orders on every channel, newest first, with lines, pieces and boutique.

    Three queries whatever their number (orders, lines with product and variant).
    """
    return (
        Order.objects.filter(client=client)
        .select_related("boutique")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("product", "variant").order_by("pk"),
            )
        )
        .order_by("-placed_at", "-pk")
    )
