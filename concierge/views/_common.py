"""What every concierge page shares: the client's time zone, their advisor, safe redirects.

Pages render in the client's own time zone (their profile's, else their home
boutique's), so "Élise will reply by 16:40" is 16:40 where the client is.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from catalog.models import Product
from catalog.selectors import StockLine
from clients.models import Client
from concierge.access import ClientRequest
from stylists.models import Message
from stylists.selectors import advisor_of
from stylists.services.messaging import message_from_client
from stylists.services.signals import live_signal_publish

# Client size keys (Client.sizes) by product category or subcategory.
_SIZE_KEYS = {
    "ready_to_wear": "ready_to_wear",
    "shoes": "shoes",
    "ring": "ring",
    "belt": "belt",
}


def client_zone(client: Client) -> ZoneInfo:
    try:
        return ZoneInfo(client.effective_timezone)
    except (ValueError, KeyError):
        return ZoneInfo("Europe/Paris")


def language_names(codes: list[str]) -> list[str]:
    """Each language in its own name ("Français", "日本語"), as the house writes them."""
    names = dict(settings.CLIENT_LANGUAGES)
    return [names.get(code, code) for code in codes or []]


def page(
    request: ClientRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """Render a concierge template in the client's time zone, with their advisor."""
    client = request.client
    context.setdefault("client", client)
    if "advisor" not in context:
        context["advisor"] = advisor_of(client)
    if context["advisor"] is not None:
        context.setdefault("advisor_languages", language_names(context["advisor"].languages))
    with timezone.override(client_zone(client)):
        return render(request, template, context, status=status)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` the form carried, if it is a path on this site; else the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path only: redirect() would take any other word for a URL name and fail (a 500).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def size_for(client: Client, product: Product) -> str:
    """The client's size for this kind of piece ("" when we do not know it or it has none)."""
    sizes = client.sizes or {}
    key = _SIZE_KEYS.get(product.subcategory) or _SIZE_KEYS.get(product.category)
    return str(sizes.get(key, "")) if key else ""


def availability_for(client: Client, product: Product, lines: list[StockLine]) -> dict[str, Any]:
    """Where the piece can be had in the client's size: their boutique, online, elsewhere.

    One-size pieces (variants without a size) count as the client's size.
    """
    size = size_for(client, product)
    sized = any(line.size for line in lines)
    mine = [line for line in lines if line.size == size] if size and sized else lines
    here = sum(line.quantity for line in mine if line.boutique_id == client.home_boutique_id)
    online = sum(line.quantity for line in mine if line.boutique_id is None)
    elsewhere = sorted(
        {line.place for line in mine if line.boutique_id not in (None, client.home_boutique_id)}
    )
    other_sizes = sorted({line.size for line in lines if line.size and line.size != size})
    return {
        "size": size if sized else "",
        "one_size": not sized,
        "here": here,
        "online": online,
        "elsewhere": elsewhere,
        "other_sizes": other_sizes if size else [],
        "any": bool(here or online or elsewhere),
        "boutique_city": client.home_boutique.city,
    }


def live_signal(*, client: Client, product: Product, kind: str) -> bool:
    """Tell the advisor, live, that a Bespoke client looked at or saved a piece (contract C2).

    C2 checks consent itself and sends only after commit.
    """
    return live_signal_publish(client=client, product=product, kind=kind)


def write_to_advisor(*, client: Client, body: str) -> Message:
    """The client writes to their advisor in the concierge (contract C1, message_from_client)."""
    return message_from_client(client=client, body=body)
