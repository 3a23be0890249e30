"""Her purchases on every channel (boutique, online, by phone), with the house's care notes."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from catalog.selectors import care_notes_for
from clients.models import Client
from clients.selectors import purchases_of_client
from concierge.access import ClientRequest, client_required
from concierge.views._common import page

SHOWN = 50


@require_GET
@client_required
def purchases(request: ClientRequest) -> HttpResponse:
    client: Client = request.client
    orders = list(purchases_of_client(client)[:SHOWN])
    for order in orders:
        for line in order.lines.all():
            line.care = care_notes_for(line.product)  # type: ignore[attr-defined]
    return page(request, "clients/purchases.html", {"orders": orders, "shown": SHOWN})
