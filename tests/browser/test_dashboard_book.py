"""In Chromium: an advisor filters her client book, opens a story and edits it inline."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consent.models import ConsentTier
from tests.browser.conftest import log_in
from tests.factories.catalog import BoutiqueFactory
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory, PolicyVersionFactory
from tests.factories.stylists import make_stylist, put_in_book

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "atelier-demo-pass"


@pytest.fixture
def book():
    paris = BoutiqueFactory(code="paris", city="Paris")
    policy = PolicyVersionFactory()
    elise = make_stylist(boutique=paris, username="elise", first_name="Élise", password=PASSWORD)
    people = {
        "Camille Laurent": (ConsentTier.BESPOKE, True, Decimal("64000")),
        "Inès Moreau": (ConsentTier.PERSONAL, False, Decimal("3200")),
        "Hugo Marchal": (ConsentTier.ESSENTIAL, False, Decimal("900")),
    }
    clients = {}
    for name, (tier, vic, spend) in people.items():
        first, last = name.split()
        client = ClientFactory(
            home_boutique=paris, first_name=first, last_name=last, is_vic=vic, lifetime_spend=spend
        )
        ConsentRecordFactory(client=client, tier=tier, policy_version=policy, sms=vic)
        clients[name] = client
    put_in_book(elise, *clients.values())
    return clients


def rows(page) -> list[str]:
    return page.locator("#client-table tbody th a.table__primary").all_inner_texts()


def test_filters_narrow_the_book_without_a_reload(page, book):
    log_in(page, "elise", PASSWORD)
    page.goto("/stylist/clients/")
    assert rows(page) == ["Camille Laurent", "Hugo Marchal", "Inès Moreau"]
    # When she opens the filters and picks the Bespoke tier, the table alone is swapped
    # (htmx) and the URL kept
    page.get_by_text("Filters:").click()
    page.get_by_label("Consent tier").select_option("bespoke")
    page.wait_for_url("**tier=bespoke**")
    assert rows(page) == ["Camille Laurent"]
    # And the filters add up: VIC only, then a spend band that excludes her
    page.get_by_label("VIC only").check()
    page.wait_for_url("**vic=on**")
    assert rows(page) == ["Camille Laurent"]
    page.get_by_label("Lifetime spend").select_option("lt5k")
    page.get_by_text("No client matches").wait_for()
    # And a search by name, from a clean book
    page.goto("/stylist/clients/")
    page.get_by_label("Search by name, e-mail or phone").fill("mor")
    page.get_by_label("Search by name, e-mail or phone").press("Enter")
    page.wait_for_url("**q=mor**")
    assert rows(page) == ["Inès Moreau"]
    assert page.console_errors == []


def test_the_story_is_edited_inline(page, book):
    camille = book["Camille Laurent"]
    log_in(page, "elise", PASSWORD)
    page.goto("/stylist/clients/")
    page.get_by_role("link", name="Camille Laurent").click()
    page.wait_for_url(f"**/stylist/clients/{camille.public_id}/")
    # Sizes: Edit opens the form in place; Save swaps the card back with the new size
    page.get_by_role("link", name="Edit sizes").click()
    page.get_by_label("Ready-to-wear").fill("40")
    page.get_by_role("button", name="Save sizes").click()
    page.locator("#sizes dd", has_text="40").wait_for()
    page.get_by_text("Sizes saved.").wait_for()
    # A pinned note goes to the top of the notes
    page.get_by_label("A note about Camille").fill("Prefers calls after 6 pm.")
    page.locator("#notes").get_by_label("Pin").check()
    page.get_by_role("button", name="Save note").click()
    page.locator("#notes li", has_text="Prefers calls after 6 pm.").wait_for()
    assert "Pinned" in page.locator("#notes li").first.inner_text()
    # An occasion, added in place
    page.get_by_text("Add an occasion").click()
    page.locator("#occasions").get_by_label("Title").fill("Lake Como wedding")
    page.locator("#occasions").get_by_label("Date").fill("2027-06-12")
    page.get_by_role("button", name="Add occasion").click()
    page.locator("#occasions .list__title", has_text="Lake Como wedding").wait_for()
    # And it all survives a reload
    page.reload()
    assert "40" in page.locator("#sizes").inner_text()
    assert "Lake Como wedding" in page.locator("#occasions").inner_text()
    camille.refresh_from_db()
    assert camille.sizes["ready_to_wear"] == "40"
    assert page.console_errors == []


def _table_overflow(page) -> int:
    return page.evaluate(
        "() => { const w = document.querySelector('.table-wrap');"
        " return w.scrollWidth - w.clientWidth; }"
    )


def test_on_a_laptop_every_column_is_in_reach_and_the_client_stays_in_view(page, book):
    log_in(page, "elise", PASSWORD)
    # At 1440 px the whole book fits: no column of the outlook out of sight
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/stylist/clients/")
    assert _table_overflow(page) <= 0
    # Narrower, it scrolls sideways, and whoever the row is about stays in view
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto("/stylist/clients/")
    assert _table_overflow(page) > 0
    page.evaluate("document.querySelector('.table-wrap').scrollLeft = 10000")
    wrap = page.locator(".table-wrap").bounding_box()
    box = page.locator("#client-table tbody th").first.bounding_box()
    assert box is not None
    assert wrap is not None
    assert box["x"] >= wrap["x"] - 1  # not scrolled away to the left
    # The tier is beside her city, not a column of its own
    assert "Tier" not in page.locator("#client-table thead").inner_text()
    assert "Bespoke" in page.locator("#client-table tbody th").first.inner_text().title()


def test_the_review_queue_fits_a_laptop_with_its_review_buttons_in_sight(page, book):
    from tests.factories.recommendations import LookbookFactory

    camille = book["Camille Laurent"]
    LookbookFactory(
        client=camille,
        title="Pour « Opening night, Théâtre des Champs-Élysées », 24 janvier, en soirée",
    )
    log_in(page, "elise", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/stylist/review/")
    assert _table_overflow(page) <= 0
    button = page.get_by_role("link", name="Review the lookbook for")
    assert button.first.is_visible()


def test_on_a_phone_the_clients_column_scrolls_with_the_rest(page, book):
    # A sticky first column would take most of a phone's width
    log_in(page, "elise", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/stylist/clients/")
    position = page.locator("#client-table tbody th").first.evaluate(
        "cell => getComputedStyle(cell).position"
    )
    assert position == "static"
