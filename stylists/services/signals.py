"""Live signals to an advisor's Today over Channels: a Bespoke client browsing or saving a piece.

Only clients whose consent allows browsing (views, bag, shares) or saved
items to be used for personalisation produce a signal: today that is the
Bespoke tier, and the rule lives in consent.policy, not here. Signals go to
the client's current advisor's group after the transaction commits, so an
advisor never hears of something that was rolled back; a channel layer
that is down costs a log line, never the client's request.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from clients.models import Client, ClientStatus
from consent import policy
from core import live
from stylists.models import Message, Stylist
from stylists.services.books import current_stylist_of

# Interaction kind → (the data kind consent must allow, the words on Today).
LIVE_KINDS: dict[str, tuple[policy.DataKind, str]] = {
    "view": (policy.DataKind.BROWSING, "is looking at"),
    "cart": (policy.DataKind.BROWSING, "added to the bag"),
    "share": (policy.DataKind.BROWSING, "shared"),
    "save": (policy.DataKind.SAVED_ITEMS, "saved"),
}


def stylist_group(stylist_id: int) -> str:
    """The channel-layer group of one advisor's open pages (also stylists.consumers')."""
    return f"stylist-{stylist_id}"


def live_signal_allowed(client: Client, kind: str) -> bool:
    spec = LIVE_KINDS.get(kind)
    if spec is None or client.status == ClientStatus.ERASED:
        return False
    return bool(policy.may_use(client.pk, spec[0], policy.Purpose.PERSONALISATION))


def live_signal_text(client_name: str, kind: str, product_name: str) -> str:
    verb = LIVE_KINDS[kind][1] if kind in LIVE_KINDS else "is looking at"
    return f"{client_name} {verb} the {product_name}"


def _client_ref(client: Client, url_name: str) -> dict[str, str]:
    """The client as a live event names her: id, name and the advisor's page for her."""
    return {
        "id": str(client.public_id),
        "name": client.full_name,
        "url": reverse(url_name, args=[client.public_id]),
    }


def _send(stylist_id: int, event: dict[str, Any]) -> None:
    live.push(stylist_group(stylist_id), event)


def _send_on_commit(stylist_id: int, event_type: str, payload: dict[str, Any]) -> None:
    """Once the transaction commits, push one event to the stylist's open pages."""
    transaction.on_commit(lambda: _send(stylist_id, {"type": event_type, "payload": payload}))


def live_signal_publish(*, client: Client, product: Product, kind: str) -> bool:
    """Tell the client's advisor, on commit, that the client is browsing or saved a piece.

    Returns whether a signal will be sent (False when consent does not allow
    it, the kind is not a browsing signal, or the client has no advisor).
    """
    if not live_signal_allowed(client, kind):
        return False
    stylist = current_stylist_of(client)
    if stylist is None or not stylist.active:
        return False
    now = timezone.now()
    payload = {
        "client": _client_ref(client, "stylists:client_detail"),
        "product": {"id": str(product.public_id), "name": product.name},
        "kind": kind,
        "at": now.isoformat(),
        "text": live_signal_text(client.full_name, kind, product.name),
    }
    _send_on_commit(stylist.pk, "live.signal", payload)
    return True


def live_message_publish(*, message: Message, stylist: Stylist) -> None:
    """Tell the advisor, on commit, that a client wrote (the page shows a quiet toast)."""
    client = message.client
    payload = {
        "client": _client_ref(client, "stylists:conversation"),
        "channel": message.channel,
        "at": message.created_at.isoformat(),
        "text": f"New message from {client.full_name}",
    }
    _send_on_commit(stylist.pk, "live.message", payload)


# --- The conversation, live (stylists.consumers.thread) -------------------------------


def thread_group(client_id: int) -> str:
    """The channel-layer group of every open page of one client's conversation."""
    return f"thread-{client_id}"


def live_thread_publish(*, message: Message) -> None:
    """On commit, every open page of the conversation loads the new message (by id only).

    The text never travels through the channel layer: each page's consumer
    reads it from the database for its own party (the client sees only her
    thread, stylists.selectors.concierge_thread).
    """
    group, message_id = thread_group(message.client_id), str(message.public_id)
    transaction.on_commit(
        lambda: live.push(group, {"type": "thread.message", "message": message_id})
    )


def live_thread_read_publish(*, client_id: int, by: str, at: Any) -> None:
    """On commit: one side ("client" or "advisor") has read what the other wrote."""
    event = {"type": "thread.read", "by": by, "at": at.isoformat()}
    group = thread_group(client_id)
    transaction.on_commit(lambda: live.push(group, event))


# --- Lookbook reactions reach the advisor --------------------------------------------

REACTION_VERBS = {"love": "loves", "not_for_me": "passed on", "ask": "asked about"}


def reaction_badge(first_name: str, reaction: str) -> str:
    """The words of the reaction macro (templates/jinja2/recommendations/macros.html),
    for a page updated live."""
    return {
        "love": f"♥ {first_name} loves it",
        "not_for_me": f"Not for {first_name}",
        "ask": f"{first_name} asked about it",
    }.get(reaction, "No reaction yet")


def live_reaction_publish(
    *,
    client: Client,
    product: Product,
    lookbook_public_id: Any,
    item_id: int,
    reaction: str | None,
) -> bool:
    """Tell the advisor, on commit, that the client reacted to a piece of her lookbook.

    The lookbook page says "your advisor will know": a reaction is addressed to
    the advisor, so it goes to her open pages (Today, the client's story, the
    lookbook) whatever the consent tier. None: the reaction was taken back.
    """
    stylist = current_stylist_of(client)
    if stylist is None or not stylist.active or client.status == ClientStatus.ERASED:
        return False
    verb = REACTION_VERBS.get(reaction or "", "took back a reaction to")
    payload = {
        "client": _client_ref(client, "stylists:client_detail"),
        "product": {"id": str(product.public_id), "name": product.name},
        "lookbook": str(lookbook_public_id),
        "item": item_id,
        "reaction": reaction or "",
        "label": reaction_badge(client.first_name or client.full_name, reaction or ""),
        "at": timezone.now().isoformat(),
        "text": f"{client.full_name} {verb} the {product.name}",
    }
    _send_on_commit(stylist.pk, "live.reaction", payload)
    return True


def request_escalation_publish(*, styling_request: Any, manager: Stylist) -> None:
    """Tell the boutique manager, on commit, that a styling request is past its promise."""
    client = styling_request.client
    payload = {
        "client": _client_ref(client, "stylists:client_detail"),
        "channel": "concierge",
        "at": timezone.now().isoformat(),
        "text": f"{client.full_name}'s styling request is past its four-hour promise",
    }
    _send_on_commit(manager.pk, "live.message", payload)
