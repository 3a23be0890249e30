"""The client story: consent in plain words, one timeline, inline edits by the owner only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentTier, StaffAccessLog
from recommendations.models import LookbookStatus
from stylists.models import Appointment, ClientNote, Message
from stylists.services import note_add
from tests.factories.catalog import ProductFactory
from tests.factories.clients import (
    OccasionFactory,
    OrderFactory,
    OrderLineFactory,
    WishlistItemFactory,
)
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory
from tests.stylists.conftest import consent

pytestmark = pytest.mark.django_db


def story_url(cast) -> str:
    return reverse("stylists:client_detail", args=[cast.client.public_id])


def test_the_story_tells_consent_in_plain_words(cast):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True, sms=True)
    html = cast.http("owner").get(story_url(cast)).content.decode()
    assert "E-mail: yes, also to reach out first." in html
    assert "SMS: yes, also to reach out first." in html
    assert "WhatsApp: no, Camille has not allowed it." in html
    assert "reach out on the channels you choose" in html  # the tier described
    assert "c•••@example.com" in html
    assert "camille.laurent@example.com" not in html


def test_an_essential_clients_service_only_channels_and_hidden_wishlist(cast):
    consent(cast, cast.client, ConsentTier.ESSENTIAL, email=True)
    WishlistItemFactory(client=cast.client, product=ProductFactory(name="Secret bag"))
    html = cast.http("owner").get(story_url(cast)).content.decode()
    assert "E-mail: for service only (answers, confirmations)." in html
    assert "Secret bag" not in html
    assert "does not let the house use the pieces Camille saves" in html


def test_one_timeline_across_channels_newest_first(cast):
    now = timezone.now()
    boutique = OrderFactory(
        client=cast.client,
        channel="boutique",
        boutique=cast.paris,
        placed_at=now - dt.timedelta(days=30),
        total=Decimal("2450"),
    )
    OrderLineFactory(order=boutique, product=ProductFactory(name="Riviera trench"))
    online = OrderFactory(
        client=cast.client, channel="online", boutique=None, placed_at=now - dt.timedelta(days=10)
    )
    OrderLineFactory(order=online, product=ProductFactory(name="Silk carré"))
    phone = OrderFactory(
        client=cast.client, channel="phone", boutique=None, placed_at=now - dt.timedelta(days=5)
    )
    OrderLineFactory(order=phone, product=ProductFactory(name="Lune watch"))
    published = LookbookFactory(
        client=cast.client,
        status=LookbookStatus.PUBLISHED,
        title="For the opera",
        published_at=now - dt.timedelta(days=3),
    )
    LookbookItemFactory(lookbook=published, product=ProductFactory(name="Velvet gown"))
    LookbookFactory(client=cast.client, status=LookbookStatus.DRAFT, title="Spring ideas")
    Message.objects.create(
        client=cast.client,
        stylist=cast.owner,
        direction="out",
        channel="email",
        body="Your gown is ready.",
        status="delivered",
        created_at=now - dt.timedelta(days=2),
    )
    Appointment.objects.create(
        client=cast.client,
        stylist=cast.owner,
        kind="video",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now - dt.timedelta(days=1) + dt.timedelta(hours=1),
        status="completed",
        purpose="Fitting review",
    )
    response = cast.http("owner").get(story_url(cast))
    timeline = response.context["page"].timeline
    titles = [entry.title for entry in timeline]
    assert titles[:2] == ["Lookbook draft: Spring ideas", "Fitting review"]
    assert titles[2:] == [
        "Élise wrote",
        "Lookbook: For the opera",
        "Purchased Lune watch",
        "Purchased Silk carré",
        "Purchased Riviera trench",
    ]
    metas = {entry.title: entry.meta for entry in timeline}
    assert metas["Purchased Riviera trench"].startswith("Boutique · Paris")
    assert metas["Purchased Silk carré"] == "Online"
    assert metas["Purchased Lune watch"] == "Phone"
    # Amounts as the rest of the page writes them (not "EUR 2,450")
    texts = {entry.title: entry.text for entry in timeline}
    assert texts["Purchased Riviera trench"] == "€2,450"
    html = response.content.decode()
    assert "Delivered" in html  # the message's delivery status


def test_notes_pinned_first(cast):
    note_add(client=cast.client, author=cast.owner, body="Older, pinned", pinned=True)
    note_add(client=cast.client, author=cast.owner, body="Newest, not pinned")
    notes = cast.http("owner").get(story_url(cast)).context["page"].notes
    assert [n.body for n in notes] == ["Older, pinned", "Newest, not pinned"]


def test_every_staff_view_of_a_story_is_in_the_access_log(cast):
    cast.http("manager").get(story_url(cast))
    entry = StaffAccessLog.objects.get()
    assert entry.actor == cast.manager.user
    assert entry.client == cast.client
    assert entry.action == "viewed_story"


# --- Inline edits -------------------------------------------------------------------------------


def test_the_owner_adds_a_pinned_note_inline(cast):
    response = cast.http("owner").post(
        reverse("stylists:note_add", args=[cast.client.public_id]),
        {"body": "Prefers calls after 6 pm", "category": "service", "pinned": "on"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="notes"' in html
    assert "Prefers calls after 6 pm" in html
    assert "Note saved." in html
    note = ClientNote.objects.get()
    assert note.pinned
    assert note.author == cast.owner
    assert note.category == "service"


def test_an_empty_note_comes_back_with_the_error(cast):
    response = cast.http("owner").post(
        reverse("stylists:note_add", args=[cast.client.public_id]),
        {"body": "  "},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only 2xx: the form shows the error
    assert "field__error" in response.content.decode()
    without_js = cast.http("owner").post(
        reverse("stylists:note_add", args=[cast.client.public_id]), {"body": ""}
    )
    assert without_js.status_code == 422
    assert not ClientNote.objects.exists()


def test_sizes_and_preferences_inline(cast):
    http = cast.http("owner")
    form = http.get(
        reverse("stylists:sizes_edit", args=[cast.client.public_id]), HTTP_HX_REQUEST="true"
    )
    assert 'name="ready_to_wear"' in form.content.decode()
    http.post(
        reverse("stylists:sizes_edit", args=[cast.client.public_id]),
        {"ready_to_wear": "40", "shoes": "", "ring": "52"},
    )
    cast.client.refresh_from_db()
    assert cast.client.sizes == {"ready_to_wear": "40", "ring": "52"}
    response = http.post(
        reverse("stylists:preferences_edit", args=[cast.client.public_id]),
        {
            "preferred_categories": "Ready-to-wear, jewellery",
            "preferred_colours": "navy, ivory",
            "avoided": "fur",
            "price_band_min": "500",
            "price_band_max": "9000",
        },
    )
    assert response.status_code == 302
    cast.client.refresh_from_db()
    assert cast.client.preferred_categories == ["ready_to_wear", "jewellery"]
    assert cast.client.preferred_colours == ["navy", "ivory"]
    assert cast.client.avoided == ["fur"]
    assert cast.client.price_band_max == Decimal("9000")


def test_a_budget_upside_down_is_refused(cast):
    response = cast.http("owner").post(
        reverse("stylists:preferences_edit", args=[cast.client.public_id]),
        {"price_band_min": "9000", "price_band_max": "500"},
        HTTP_HX_REQUEST="true",
    )
    assert "The upper end is below the lower end." in response.content.decode()


def test_occasions_add_edit_remove(cast):
    http = cast.http("owner")
    http.post(
        reverse("stylists:occasion_add", args=[cast.client.public_id]),
        {"kind": "wedding", "title": "Her sister's wedding", "date": "2027-06-12"},
    )
    occasion = cast.client.occasions.get()
    assert occasion.next_date == dt.date(2027, 6, 12)
    edit = http.get(
        reverse("stylists:occasion_edit", args=[cast.client.public_id, occasion.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert "Her sister&#x27;s wedding" in edit.content.decode()
    http.post(
        reverse("stylists:occasion_edit", args=[cast.client.public_id, occasion.pk]),
        {"kind": "wedding", "title": "Lake Como wedding", "date": "2027-06-13"},
    )
    occasion.refresh_from_db()
    assert occasion.title == "Lake Como wedding"
    http.post(reverse("stylists:occasion_delete", args=[cast.client.public_id, occasion.pk]))
    assert not cast.client.occasions.exists()


def test_another_clients_occasion_is_404(cast):
    other = OccasionFactory(client=cast.other_client)
    response = cast.http("owner").post(
        reverse("stylists:occasion_delete", args=[cast.client.public_id, other.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["manager", "head_office"])
def test_readers_see_no_forms_and_get_403_on_writes(cast, persona):
    http = cast.http(persona)
    html = http.get(story_url(cast)).content.decode()
    assert "Save note" not in html
    assert "Add an occasion" not in html
    assert (
        http.post(
            reverse("stylists:note_add", args=[cast.client.public_id]), {"body": "x"}
        ).status_code
        == 403
    )


def test_the_query_count_does_not_grow_with_the_story(cast, count_queries):
    def grow(n):
        now = timezone.now()
        for i in range(n):
            order = OrderFactory(client=cast.client, placed_at=now - dt.timedelta(days=i + 1))
            OrderLineFactory(order=order)
            OrderLineFactory(order=order)
            lookbook = LookbookFactory(
                client=cast.client,
                status=LookbookStatus.PUBLISHED,
                published_at=now - dt.timedelta(days=i),
            )
            LookbookItemFactory(lookbook=lookbook)
            note_add(client=cast.client, author=cast.owner, body=f"Note {i}")
            OccasionFactory(client=cast.client)
            WishlistItemFactory(client=cast.client)
            Message.objects.create(
                client=cast.client,
                stylist=cast.owner,
                direction="in",
                channel="concierge",
                body="Hi",
                status="received",
                created_at=now - dt.timedelta(hours=i),
            )

    http = cast.http("owner")
    grow(3)
    http.get(story_url(cast))
    small = count_queries(lambda: http.get(story_url(cast)))
    grow(6)
    large = count_queries(lambda: http.get(story_url(cast)))
    assert small == large
    assert large <= 22  # 24 before the story read only the columns it shows (Dec 2026)
