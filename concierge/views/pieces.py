"""A piece of the house (product page) and the client's wishlist.

Privacy by design: a look at a piece is stored, and shown live to the
advisor, only when the client's consent covers browsing for personalisation
(Bespoke); a save is kept as a signal only when it covers saved items. For
everyone else, the wishlist row that serves them is all that is kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Product
from catalog.selectors import (
    active_product_by_public_id,
    heritage_connections_for,
    product_by_public_id,
    stock_for_products,
)
from clients.models import Client
from clients.selectors import heritage_moments_for, wishlist_of
from clients.services import interaction_record_view, wishlist_remove, wishlist_save
from concierge.access import ClientRequest, client_required
from concierge.views._common import (
    availability_for,
    is_htmx,
    live_signal,
    page,
    safe_next,
    size_for,
    write_to_advisor,
)
from consent.policy import DataKind, Purpose, may_use
from core.ratelimit import rate_limit
from recommendations.selectors.similar import similar_product_ids


def _product_or_404(public_id: Any, *, withdrawn_too: bool = False) -> Product:
    """The piece, if the house still offers it (withdrawn_too: also one it no longer does)."""
    product = (product_by_public_id if withdrawn_too else active_product_by_public_id)(public_id)
    if product is None:
        raise Http404("No such piece")
    return product


SIMILAR_SHOWN = 4
HERITAGE_SHOWN = 3


def _similar_in_her_size(client: Client, product: Product) -> list[Product]:
    """Pieces the model finds alike, in stock in her size (any size if she keeps sizes private).

    Four queries whatever the number: the active model, the pieces, their stock, consent.
    """
    ids = similar_product_ids(product.pk, limit=SIMILAR_SHOWN * 6)
    if not ids:
        return []
    pieces = {p.pk: p for p in Product.objects.filter(pk__in=ids, active=True)}
    stock = stock_for_products(ids)
    by_size = may_use(client, DataKind.SIZES, Purpose.PERSONALISATION).allowed
    shown = []
    for pk in ids:
        piece = pieces.get(pk)
        if piece is None or not stock.get(pk):
            continue
        if by_size and not availability_for(client, piece, stock[pk])["any"]:
            continue
        shown.append(piece)
        if len(shown) == SIMILAR_SHOWN:
            break
    return shown


@require_GET
@client_required
def product_detail(request: ClientRequest, public_id: Any) -> HttpResponse:
    client: Client = request.client
    product = _product_or_404(public_id)
    browsing = may_use(client, DataKind.BROWSING, Purpose.PERSONALISATION).allowed
    if browsing and interaction_record_view(
        client=client, product=product, context={"page": "piece"}
    ):
        live_signal(client=client, product=product, kind="view")
    lines = stock_for_products([product.pk]).get(product.pk, [])
    moment = heritage_moments_for([product.pk]).get(product.pk)
    context = {
        "product": product,
        "moment": moment,
        "similar": _similar_in_her_size(client, product),
        "connections": [story for story in heritage_connections_for(product) if story != moment][
            :HERITAGE_SHOWN
        ],
        "availability": availability_for(client, product, lines),
        "size": size_for(client, product),
        "saved": client.wishlist.filter(product=product).exists(),
    }
    return page(request, "clients/product_detail.html", context)


def _save_button(request: ClientRequest, product: Product, saved: bool) -> HttpResponse:
    context = {"product": product, "saved": saved, "advisor": None, "announce": True}
    return page(request, "clients/_save_button.html", context)


@require_POST
@client_required
def wishlist_add(request: ClientRequest, public_id: Any) -> HttpResponse:
    client: Client = request.client
    product = _product_or_404(public_id)
    as_signal = may_use(client, DataKind.SAVED_ITEMS, Purpose.PERSONALISATION).allowed
    _, created = wishlist_save(client=client, product=product, record_interaction=as_signal)
    if created and as_signal:
        live_signal(client=client, product=product, kind="save")
    if is_htmx(request):
        return _save_button(request, product, saved=True)
    messages.success(
        request, gettext("The %(piece)s is in your wishlist.") % {"piece": product.name}
    )
    return redirect(safe_next(request, reverse("concierge:wishlist")))


@require_POST
@client_required
def wishlist_delete(request: ClientRequest, public_id: Any) -> HttpResponse:
    client: Client = request.client
    product = _product_or_404(public_id, withdrawn_too=True)  # she may drop a withdrawn piece
    wishlist_remove(client=client, product=product)
    if is_htmx(request):
        if request.POST.get("context") == "wishlist":
            context = {"product": product, "advisor": None}
            return page(request, "clients/_wishlist_removed.html", context)
        return _save_button(request, product, saved=False)
    messages.success(
        request, gettext("The %(piece)s is no longer in your wishlist.") % {"piece": product.name}
    )
    return redirect(safe_next(request, reverse("concierge:wishlist")))


@require_GET
@client_required
def wishlist(request: ClientRequest) -> HttpResponse:
    client: Client = request.client
    items = list(wishlist_of(client))
    stock = stock_for_products([item.product_id for item in items])
    entries = [
        {
            "item": item,
            "product": item.product,
            "availability": availability_for(client, item.product, stock.get(item.product_id, [])),
        }
        for item in items
    ]
    return page(request, "clients/wishlist.html", {"entries": entries})


@require_POST
@client_required
@rate_limit("wishlist_share")
def wishlist_share(request: ClientRequest) -> HttpResponse:
    """Send the advisor the wishlist, as a message in the concierge thread."""
    client: Client = request.client
    items = list(wishlist_of(client)[:24])
    if not items:
        messages.info(request, gettext("Your wishlist is empty for now."))
        return redirect("concierge:wishlist")
    lines = "\n".join(f"· {item.product.name} ({item.product.style_code})" for item in items)
    body = f"I have gathered a few pieces in my wishlist and would value your eye:\n{lines}"
    write_to_advisor(client=client, body=body)
    messages.success(request, gettext("Your wishlist is with your advisor, in your messages."))
    return redirect("concierge:messages")
