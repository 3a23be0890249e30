"""In Chromium: a client opens her latest chapter, loves a piece, saves one, books a video
consultation with her advisor and writes to her."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import Interaction, WishlistItem
from recommendations.models import ItemState, LookbookStatus
from stylists.models import Appointment, Availability, Message
from tests.browser.conftest import camille_in_elise_s_book, log_in
from tests.factories.catalog import ProductFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "atelier-demo-pass"


def _camille() -> dict[str, object]:
    _, elise, client = camille_in_elise_s_book(PASSWORD)
    for weekday in range(7):  # Élise receives all day, every day, so a slot is always near
        Availability.objects.create(
            stylist=elise, weekday=weekday, starts=dt.time(0, 0), ends=dt.time(23, 59)
        )
    older = LookbookFactory(
        client=client,
        author=elise,
        status=LookbookStatus.PUBLISHED,
        title="For the new season",
        published_at=timezone.now() - dt.timedelta(days=30),
    )
    LookbookItemFactory(lookbook=older, position=0)
    latest = LookbookFactory(
        client=client,
        author=elise,
        status=LookbookStatus.PUBLISHED,
        title="For the Opera gala",
        note="An evening in navy silk.",
        published_at=timezone.now() - dt.timedelta(hours=2),
    )
    names = ["Navy silk gown", "Rose gold cuff", "Evening cape"]
    for n, name in enumerate(names):
        LookbookItemFactory(lookbook=latest, position=n, product=ProductFactory(name=name))
    LookbookItemFactory(
        lookbook=latest,
        position=9,
        state=ItemState.REMOVED,
        product=ProductFactory(name="Removed boots"),
    )
    return {"client": client, "latest": latest, "names": names}


def test_a_client_reacts_saves_books_and_writes(page) -> None:
    world = _camille()
    # She signs in and lands on her Style Story
    log_in(page, "camille", PASSWORD)
    assert page.url.endswith("/concierge/")
    assert page.get_by_role("heading", level=1).inner_text().endswith(", Ms Laurent")
    # She opens the current chapter
    page.get_by_role("link", name="Open the chapter").click()
    page.wait_for_load_state("networkidle")
    pieces = page.locator("ol.lookbook-pieces > li.lookbook-piece .lookbook-piece__name")
    assert pieces.all_inner_texts() == world["names"]
    assert "navy silk" in page.locator("blockquote.lookbook-note").inner_text()
    assert page.get_by_text("Removed boots").count() == 0

    # She loves the first piece (htmx: the button is pressed in place)
    first = page.locator("li.lookbook-piece").first
    first.get_by_role("button", name="Love").click()
    first.locator('button[value="love"][aria-pressed="true"]').wait_for()
    assert page.locator("#concierge-status").inner_text().startswith("You love the Navy silk gown")

    # She saves the second to her wishlist
    second = page.locator("li.lookbook-piece").nth(1)
    second.get_by_role("button", name="Save to wishlist").click()
    second.get_by_role("button", name="In your wishlist").wait_for()

    # She books a video consultation with Élise
    page.goto("/concierge/appointments/book/?kind=video")
    page.locator("a.slots__time").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("What would you like to see or discuss?").fill("The gala pieces")
    page.get_by_role("button", name="Confirm the appointment").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Your video consultation"
    assert page.get_by_text("Your appointment is confirmed").is_visible()

    # And writes to her
    page.goto("/concierge/messages/")
    page.get_by_label("Your message").fill("Could I see the cape in black too?")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#latest").inner_text().find("Could I see the cape in black too?") >= 0

    client = world["client"]
    assert (
        Interaction.objects.filter(
            client=client, kind="love", product__name="Navy silk gown"
        ).count()
        == 1
    )
    assert WishlistItem.objects.filter(client=client, product__name="Rose gold cuff").exists()
    appointment = Appointment.objects.get(client=client)
    assert appointment.kind == "video"
    assert appointment.purpose == "The gala pieces"
    assert Message.objects.get(client=client).body == "Could I see the cape in black too?"
    assert page.console_errors == []


def test_the_concierge_reads_well_on_a_phone(page) -> None:
    world = _camille()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "camille", PASSWORD)
    page.goto(f"/concierge/lookbooks/{world['latest'].public_id}/")
    # nothing wider than the screen
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390
    assert page.locator("li.lookbook-piece").count() == 3
    assert page.console_errors == []
