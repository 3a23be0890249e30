"""The client story's reads ask for the columns the page shows and still tell the same story.

stylists.pages.story_timeline reads each source as plain tuples; these tests pin what the
model instances used to give: the stylist's first name as Stylist.first_name spells it,
the choice labels, the lookbook's link, a failed message's reason, a bulk draft's pieces.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import ItemState, LookbookItem, LookbookStatus
from stylists.models import Appointment, Message, StylingRequest
from stylists.pages.story import story_page
from stylists.pages.story_timeline import client_timeline, stylist_first_name
from tests.factories.catalog import ProductFactory
from tests.factories.clients import OrderFactory, OrderLineFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "last", "username"),
    [("Élise", "Martin", "elise"), ("", "Martin", "elise"), ("", "", "elise")],
)
def test_a_stylists_first_name_is_spelt_as_the_model_spells_it(cast, first, last, username):
    user = cast.owner.user
    user.first_name, user.last_name, user.username = first, last, username
    user.save()
    cast.owner.refresh_from_db()
    assert stylist_first_name(first, last, username) == cast.owner.first_name


def _by_kind(entries, kind):
    return [entry for entry in entries if entry.kind == kind]


def test_orders_name_their_pieces_channel_and_advisor(cast):
    now = timezone.now()
    user = cast.owner.user
    user.first_name = ""  # Stylist.first_name falls back to the full name
    user.last_name = "Martin"
    user.save()
    big = OrderFactory(
        client=cast.client,
        channel="boutique",
        boutique=cast.paris,
        credited_stylist=cast.owner,
        placed_at=now - dt.timedelta(days=2),
        total=Decimal("12500"),
    )
    for name in ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]:
        OrderLineFactory(order=big, product=ProductFactory(name=name))
    OrderFactory(
        client=cast.client,
        channel="phone",
        boutique=None,
        status="cancelled",
        placed_at=now - dt.timedelta(days=1),
    )
    orders = _by_kind(client_timeline(cast.client), "order")
    assert [entry.title for entry in orders] == [
        "Purchased an order",
        "Purchased Alpha, Beta, Gamma and 2 more",
    ]
    assert orders[1].meta == "Boutique · Paris · with Martin"
    assert orders[1].text.endswith("12,500")
    assert (orders[1].tone, orders[1].badge) == ("accent", "")
    assert (orders[0].tone, orders[0].badge, orders[0].badge_label) == (
        "muted",
        "cancelled",
        "Cancelled",
    )


def test_lookbooks_link_to_their_review_and_leave_removed_pieces_out(cast):
    lookbook = LookbookFactory(client=cast.client, author=cast.owner, title="")
    for position, name in enumerate(["One", "Two", "Three", "Four", "Five", "Gone"], start=1):
        item = LookbookItemFactory(
            lookbook=lookbook, product=ProductFactory(name=name), position=position
        )
    LookbookItem.objects.filter(pk=item.pk).update(state=ItemState.REMOVED)
    (entry,) = _by_kind(client_timeline(cast.client), "lookbook")
    assert entry.title == "Lookbook draft: Untitled"
    assert entry.text == "One, Two, Three, Four …"
    assert entry.meta == "Drafted by the model · Élise"
    assert entry.url == reverse("stylists:lookbook_review", args=[lookbook.public_id])
    assert (entry.badge, entry.tone) == (LookbookStatus.DRAFT, "muted")
    html = cast.http("owner").get(reverse("stylists:client_detail", args=[cast.client.public_id]))
    assert f'<a href="{entry.url}">Lookbook draft: Untitled</a>' in html.content.decode()


def test_a_bulk_drafts_pieces_are_written_when_the_story_first_reads_them(cast):
    pieces = [ProductFactory(name="Cape"), ProductFactory(name="Scarf")]
    lookbook = LookbookFactory(
        client=cast.client,
        pending_pieces=[[piece.pk, None, 0.9, "Because"] for piece in pieces],
    )
    (entry,) = _by_kind(story_page(cast.client).timeline, "lookbook")
    assert entry.text == "Cape, Scarf"
    lookbook.refresh_from_db()
    assert lookbook.pending_pieces == []
    assert list(lookbook.items.values_list("product__name", flat=True)) == ["Cape", "Scarf"]


def test_messages_appointments_and_requests_in_words(cast):
    now = timezone.now()
    Message.objects.create(
        client=cast.client,
        stylist=None,
        direction="out",
        channel="sms",
        kind="proactive",
        body="x" * 300,
        status="failed",
        status_detail="The number does not exist.",
        created_at=now - dt.timedelta(days=3),
    )
    Appointment.objects.create(
        client=cast.client,
        stylist=cast.owner,
        boutique=cast.paris,
        kind="boutique",
        starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=2) + dt.timedelta(hours=1),
        status="confirmed",
    )
    StylingRequest.objects.create(
        client=cast.client,
        message="Something for a gala",
        created_at=now - dt.timedelta(days=1),
        status="open",
        due_at=now - dt.timedelta(hours=1),
    )
    entries = client_timeline(cast.client)
    (message,) = _by_kind(entries, "message")
    assert message.title == "The house wrote (proactive)"
    assert message.meta == "SMS"
    assert message.text == "x" * 240 + "…"
    assert (message.badge, message.badge_label) == ("failed", "Failed")
    assert message.detail == "The number does not exist."
    (appointment,) = _by_kind(entries, "appointment")
    assert appointment.title == "In boutique"
    assert appointment.meta == "In boutique · Élise · Paris"
    assert appointment.badge_label == "Confirmed"
    (request,) = _by_kind(entries, "request")
    assert (request.badge, request.badge_label) == ("overdue", "Waiting")
    html = cast.http("owner").get(reverse("stylists:client_detail", args=[cast.client.public_id]))
    assert "The number does not exist." in html.content.decode()
