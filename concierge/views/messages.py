"""A calm thread with the advisor, in the concierge (contract C1: message_from_client).

Opening the page marks the house's unread concierge messages as read
(stylists.services.messaging.message_mark_read(by_client=True)).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from catalog.selectors import product_by_public_id
from clients.models import Client
from concierge.access import ClientRequest, client_required
from concierge.forms import MessageForm
from concierge.views._common import page, write_to_advisor
from core.ratelimit import rate_limit
from recommendations.selectors import lookbook_item_asked_about, lookbooks_visible_to
from stylists.selectors import concierge_thread
from stylists.services.messaging import message_mark_read
from stylists.services.signals import live_reaction_publish

THREAD_SHOWN = 60


def _prefill(request: HttpRequest) -> str:
    """ "About the …" when the client came from a piece or a lookbook ("Ask my advisor")."""
    product = product_by_public_id(request.GET.get("about"))
    if product is None:
        return ""
    lookbook_id = request.GET.get("lookbook")
    if lookbook_id:
        try:
            lookbook = lookbooks_visible_to(request.user).filter(public_id=lookbook_id).first()
        except (ValueError, ValidationError):
            lookbook = None
        if lookbook is not None and lookbook.title:
            return gettext("About the %(piece)s in “%(lookbook)s”: ") % {
                "piece": product.name,
                "lookbook": lookbook.title,
            }
    return gettext("About the %(piece)s: ") % {"piece": product.name}


def _lookbook_url(context: Any) -> str:
    lookbook_id = context.get("lookbook") if isinstance(context, dict) else None
    try:
        return reverse("concierge:lookbook_detail", args=[lookbook_id]) if lookbook_id else ""
    except NoReverseMatch:
        return ""


def _tell_advisor_of_the_question(request: ClientRequest, client: Client) -> None:
    """Sent from "Ask Élise" on a lookbook piece: the advisor's lookbook page shows it live."""
    item = lookbook_item_asked_about(
        request.user, request.POST.get("lookbook"), request.POST.get("about")
    )
    if item is not None:
        live_reaction_publish(
            client=client,
            product=item.product,
            lookbook_public_id=item.lookbook.public_id,
            item_id=item.pk,
            reaction="ask",
        )


@require_http_methods(["GET", "POST"])
@client_required
@rate_limit("client_message")
def messages(request: ClientRequest) -> HttpResponse:
    client: Client = request.client
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                write_to_advisor(client=client, body=form.cleaned_data["body"])
            except ValidationError as error:
                form.add_error("body", error.messages)
            else:
                _tell_advisor_of_the_question(request, client)
                flash.success(request, gettext("Sent. Your advisor will reply here."))
                return redirect(reverse("concierge:messages") + "#latest")
    else:
        form = MessageForm(initial={"body": _prefill(request)})
        message_mark_read(client=client, by_client=True)
    recent = list(concierge_thread(client).reverse()[:THREAD_SHOWN])
    recent.reverse()
    for message in recent:  # a chapter's notice links to the chapter
        message.lookbook_url = _lookbook_url(message.context)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "form": form,
        "thread": recent,
        "shown": THREAD_SHOWN,
        # Live replies and read receipts (stylists.consumers.thread) need an ASGI server.
        "live_path": "/ws/thread/" if isinstance(request, ASGIRequest) else "",
        # "Ask Élise" from a lookbook piece: carried with the message (the advisor is told).
        "ask_about": (request.POST if request.method == "POST" else request.GET).get("about", ""),
        "ask_lookbook": (request.POST if request.method == "POST" else request.GET).get(
            "lookbook", ""
        ),
    }
    return page(request, "clients/messages.html", context)
