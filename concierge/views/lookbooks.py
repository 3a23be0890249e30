"""Lookbooks in the concierge: the chapters the advisor published, and the client's reactions.

Only published lookbooks of the signed-in client, through
recommendations.selectors (lookbooks_visible_to / lookbook_for_user): a draft,
or anyone else's lookbook, is a 404 whatever the id. Removed pieces are never
shown (lookbook_items_for(for_client=True)).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from catalog.selectors import stock_for_products
from clients.models import Client, InteractionKind
from clients.selectors import (
    client_for_concierge,
    heritage_moments_for,
    lookbook_reactions,
    wishlist_product_ids,
)
from clients.services import lookbook_reaction_set
from concierge.access import ClientRequest, client_required
from concierge.views._common import availability_for, is_htmx, page
from recommendations.links import lookbook_link_check
from recommendations.models import Lookbook, LookbookItem
from recommendations.selectors import (
    lookbook_for_user,
    lookbook_items_for,
    published_lookbooks_for_client,
)
from stylists.services.signals import live_reaction_publish

REACTIONS = {
    InteractionKind.LOVE.value: gettext_lazy("Love"),
    InteractionKind.NOT_FOR_ME.value: gettext_lazy("Not for me"),
}


@require_GET
@client_required
def lookbooks(request: ClientRequest) -> HttpResponse:
    client: Client = request.client
    chapters = list(published_lookbooks_for_client(client))
    total = len(chapters)
    entries = [
        {"lookbook": lb, "number": total - n, "pieces": list(lb.items.all())}
        for n, lb in enumerate(chapters)
    ]
    return page(request, "clients/lookbooks.html", {"entries": entries})


def _piece_entries(client: Client, lookbook: Lookbook, items: list[LookbookItem]) -> list[Any]:
    product_ids = [item.product_id for item in items]
    moments = heritage_moments_for(product_ids)
    reactions = lookbook_reactions(client, lookbook.public_id)
    saved = wishlist_product_ids(client)
    stock = stock_for_products(product_ids)
    return [
        {
            "item": item,
            "product": item.product,
            "moment": moments.get(item.product_id),
            "reaction": reactions.get(item.pk),
            "saved": item.product_id in saved,
            "availability": availability_for(client, item.product, stock.get(item.product_id, [])),
        }
        for item in items
    ]


@require_GET
@client_required
def lookbook_detail(request: ClientRequest, public_id: Any) -> HttpResponse:
    client: Client = request.client
    lookbook = lookbook_for_user(request.user, public_id)
    items = list(lookbook_items_for(lookbook, for_client=True))
    context = {
        "lookbook": lookbook,
        "pieces": _piece_entries(client, lookbook, items),
        "reactions": REACTIONS,
    }
    return page(request, "clients/lookbook_detail.html", context)


@require_POST
@client_required
def lookbook_react(request: ClientRequest, public_id: Any, item_id: int) -> HttpResponse:
    """Love / Not for me on one piece; the same choice again takes it back (a toggle)."""
    client: Client = request.client
    lookbook = lookbook_for_user(request.user, public_id)
    item = lookbook_items_for(lookbook, for_client=True).filter(pk=item_id).first()
    if item is None:
        raise Http404("No such piece in this lookbook")
    wanted = request.POST.get("reaction", "")
    if wanted not in REACTIONS:
        return HttpResponseBadRequest(gettext("Choose “Love” or “Not for me”."))
    current = lookbook_reactions(client, lookbook.public_id).get(item.pk)
    reaction = None if current == wanted else wanted
    lookbook_reaction_set(
        client=client,
        product=item.product,
        lookbook_public_id=lookbook.public_id,
        item_id=item.pk,
        reaction=reaction,
    )
    # "Your advisor will know": her open pages show it within a second.
    live_reaction_publish(
        client=client,
        product=item.product,
        lookbook_public_id=lookbook.public_id,
        item_id=item.pk,
        reaction=reaction,
    )
    if is_htmx(request):
        context = {
            "lookbook": lookbook,
            "entry": {"item": item, "product": item.product, "reaction": reaction},
            "reactions": REACTIONS,
            "announce": True,
            "advisor": None,
        }
        return page(request, "clients/_reactions.html", context)
    url = reverse("concierge:lookbook_detail", args=[lookbook.public_id])
    return redirect(f"{url}#piece-{item.pk}")


@require_GET
def lookbook_link(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link from a message or an e-mail: the lookbook after sign-in, or "expired".

    An expired link says so to anyone (it names nothing); a forged one is a
    404; a fresh one asks for sign-in, then opens the lookbook only for the
    client it belongs to (anyone else: 404).
    """
    check = lookbook_link_check(token)
    if check.state == "expired":
        context = {"max_age_days": settings.LOOKBOOK_LINK_MAX_AGE_DAYS}
        return render(request, "clients/lookbook_link_expired.html", context, status=410)
    if check.state != "valid":
        raise Http404("No such link")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    client_for_concierge(request.user)  # staff and others: 404
    lookbook = lookbook_for_user(request.user, check.lookbook_public_id)
    return redirect("concierge:lookbook_detail", public_id=lookbook.public_id)
