"""What the clients app holds about a client, for export and erasure.

Consent sits above clients and registers these sections and steps in its
privacy registry (consent.services.registrations).

Erasure keeps the client row and their orders, pseudonymised: the row loses
every personal value (names, sizes, preferences, identities) so that order
totals, boutique figures and other aggregates stay true but anonymous.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from clients.models import Client, ClientStatus, Identity, Interaction, Occasion, OrderLine

ERASED_FIRST_NAME = "Erased client"


# --- Export ---------------------------------------------------------------------------


def export_profile(client: Client) -> dict[str, Any]:
    return {
        "id": str(client.public_id),
        "salutation": client.salutation,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "preferred_name": client.preferred_name,
        "preferred_language": client.preferred_language,
        "home_boutique": client.home_boutique.name,
        "timezone": client.timezone,
        "sizes": client.sizes,
        "preferred_categories": client.preferred_categories,
        "preferred_colours": client.preferred_colours,
        "preferred_materials": client.preferred_materials,
        "avoided": client.avoided,
        "style_keywords": client.style_keywords,
        "price_band": {"min": client.price_band_min, "max": client.price_band_max},
        "very_important_client": client.is_vic,
        "status": client.status,
        "client_since": client.created_at,
        "figures": {
            "lifetime_spend": client.lifetime_spend,
            "orders_count": client.orders_count,
            "first_purchase_at": client.first_purchase_at,
            "last_purchase_at": client.last_purchase_at,
            "last_contact_at": client.last_contact_at,
        },
    }


def export_identities(client: Client) -> list[dict[str, Any]]:
    # Values are decrypted by the field: the archive is for the client's own eyes.
    return [
        {
            "kind": identity.kind,
            "value": identity.value,
            "primary": identity.is_primary,
            "verified_at": identity.verified_at,
            "source": identity.source,
            "added_at": identity.created_at,
        }
        for identity in Identity.objects.filter(client=client).order_by("kind", "pk")
    ]


def export_occasions(client: Client) -> list[dict[str, Any]]:
    return [
        {
            "kind": occasion.kind,
            "title": occasion.title,
            "date": occasion.date,
            "recurring_yearly": occasion.recurring_yearly,
            "notes": occasion.notes,
            "source": occasion.source,
            "added_at": occasion.created_at,
        }
        for occasion in Occasion.objects.filter(client=client).order_by("date", "pk")
    ]


def export_orders(client: Client) -> list[dict[str, Any]]:
    orders: dict[int, dict[str, Any]] = {}
    for order in client.orders.select_related("boutique").order_by("placed_at", "pk"):
        orders[order.pk] = {
            "id": str(order.public_id),
            "reference": order.external_ref,
            "placed_at": order.placed_at,
            "channel": order.channel,
            "boutique": order.boutique.name if order.boutique is not None else None,
            "status": order.status,
            "currency": order.currency,
            "total": order.total,
            "lines": [],
        }
    lines = (
        OrderLine.objects.filter(order__client=client)
        .select_related("product", "variant")
        .order_by("order_id", "pk")
    )
    for line in lines:
        orders[line.order_id]["lines"].append(
            {
                "product": line.product.name,
                "style_code": line.product.style_code,
                "sku": line.variant.sku if line.variant is not None else None,
                "size": line.variant.size if line.variant is not None else None,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
            }
        )
    return list(orders.values())


def export_interactions(client: Client) -> list[dict[str, Any]]:
    return [
        {
            "kind": kind,
            "product": product_name,
            "style_code": style_code,
            "channel": channel,
            "occurred_at": occurred_at,
        }
        for kind, product_name, style_code, channel, occurred_at in Interaction.objects.filter(
            client=client
        )
        .order_by("occurred_at", "pk")
        .values_list("kind", "product__name", "product__style_code", "channel", "occurred_at")
    ]


def export_wishlist(client: Client) -> list[dict[str, Any]]:
    return [
        {"product": name, "style_code": code, "added_at": added_at, "note": note}
        for name, code, added_at, note in client.wishlist.order_by("added_at", "pk").values_list(
            "product__name", "product__style_code", "added_at", "note"
        )
    ]


# --- Erasure --------------------------------------------------------------------------


def erase_identities(client: Client) -> int:
    deleted, _ = Identity.objects.filter(client=client).delete()
    return deleted


def erase_occasions(client: Client) -> int:
    count = Occasion.objects.filter(client=client).count()
    Occasion.objects.filter(client=client).delete()  # reminders built on them go too
    return count


def erase_interactions(client: Client) -> int:
    deleted, _ = Interaction.objects.filter(client=client).delete()
    return deleted


def erase_wishlist(client: Client) -> int:
    deleted, _ = client.wishlist.all().delete()
    return deleted


_ERASED_LAST_NAME = re.compile(r"[0-9a-f]{8}")


def profile_is_scrubbed(client: Client) -> bool:
    """Whether the row holds nothing personal any more: what it holds, not its status flag."""
    return (
        client.status == ClientStatus.ERASED
        and client.first_name == ERASED_FIRST_NAME
        and bool(_ERASED_LAST_NAME.fullmatch(client.last_name or ""))
        and not any(
            (
                client.preferred_name,
                client.salutation,
                client.timezone,
                client.sizes,
                client.preferred_categories,
                client.preferred_colours,
                client.preferred_materials,
                client.avoided,
                client.style_keywords,
                client.is_vic,
                client.user_id,
            )
        )
        and client.price_band_min is None
        and client.price_band_max is None
    )


def erase_profile(client: Client) -> int:
    """Scrub the client row itself; orders keep pointing at it, now anonymous.

    Decides from what the row still holds, never from its status alone: a
    status set by hand (or by an interrupted run) does not skip the scrub.
    """
    if profile_is_scrubbed(client):
        return 0
    client.first_name = ERASED_FIRST_NAME
    client.last_name = secrets.token_hex(4)
    client.preferred_name = ""
    client.salutation = ""
    client.timezone = ""
    client.sizes = {}
    client.preferred_categories = []
    client.preferred_colours = []
    client.preferred_materials = []
    client.avoided = []
    client.style_keywords = []
    client.price_band_min = None
    client.price_band_max = None
    client.is_vic = False
    client.user = None
    client.status = ClientStatus.ERASED
    client.full_clean()
    client.save()
    return 1
