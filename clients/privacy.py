"""What the clients app holds about a client, for export and erasure.

Consent sits above clients and registers these sections and steps in its
privacy registry (consent.services.registrations).

Erasure keeps the client row and their orders, pseudonymised: the row loses
every personal value (names, sizes, preferences, identities) so that order
totals, boutique figures and other aggregates stay true but anonymous.
"""

from __future__ import annotations

import csv
import gzip
import re
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings

from clients.models import (
    Client,
    ClientStatus,
    Identity,
    ImportRun,
    Interaction,
    Occasion,
    OrderLine,
)

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


# --- Import reports ---------------------------------------------------------------------
# A rejected row is personal data too: the report keeps its value so that head office can
# fix the row. Erasure finds her values there by what identifies her (e-mail, phone digits,
# loyalty and till ids, her full name) and blanks them, in the JSON and in the full file.

ERASED_VALUE = "[erased]"


def _needles(client: Client) -> tuple[list[str], list[str]]:
    """(texts, digit strings) that identify the client in a rejected value."""
    texts = [f"{client.first_name} {client.last_name}", f"{client.last_name} {client.first_name}"]
    digits = []
    for kind, value in Identity.objects.filter(client=client).values_list("kind", "value"):
        if not value:
            continue
        if kind == "phone":
            national = value.lstrip("+")
            digits.extend([national, national[2:], national[3:]])  # with or without the country
        else:
            texts.append(value)
    return [t.casefold() for t in texts if t.strip()], [d for d in digits if len(d) >= 7]


def _mentions(value: str, texts: list[str], digits: list[str]) -> bool:
    folded = value.casefold()
    if any(text in folded for text in texts):
        return True
    only_digits = "".join(ch for ch in value if ch.isdigit())
    return bool(only_digits) and any(d in only_digits for d in digits)


def import_report_file(run: ImportRun) -> Path | None:
    """The file holding every rejected row of a run, if any (never outside the private root)."""
    relative = (run.report or {}).get("rejections_file", "")
    if not relative:
        return None
    root = Path(settings.PRIVATE_STORAGE_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def erase_import_reports(client: Client) -> int:
    """Blank her values in every import report (JSON and full file); the count blanked."""
    texts, digits = _needles(client)
    if not texts and not digits:
        return 0
    blanked = 0
    for run in ImportRun.objects.exclude(rows_rejected=0).only("pk", "report"):
        report = run.report or {}
        changed = False
        for row in report.get("rejections", []):
            if len(row) == 4 and _mentions(str(row[3]), texts, digits):
                row[3] = ERASED_VALUE
                changed = True
                blanked += 1
        path = import_report_file(run)
        if path is not None:
            blanked += _blank_file(path, texts, digits)
        if changed:
            ImportRun.objects.filter(pk=run.pk).update(report=report)
    return blanked


def _blank_file(path: Any, texts: list[str], digits: list[str]) -> int:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stored:
        rows = list(csv.reader(stored))
    blanked = 0
    for row in rows[1:]:
        if len(row) == 4 and _mentions(row[3], texts, digits):
            row[3] = ERASED_VALUE
            blanked += 1
    if blanked:
        temporary = path.with_suffix(".tmp")
        with gzip.open(temporary, "wt", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\r\n").writerows(rows)
        temporary.replace(path)
    return blanked
