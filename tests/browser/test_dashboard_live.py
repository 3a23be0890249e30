"""In Chromium: a Bespoke client saves a piece in the concierge; Today shows it at once.

WebSockets need an ASGI server, and pytest-django's live_server speaks WSGI,
so these tests use the `asgi_url` fixture (tests/browser/conftest.py): Daphne in
a thread of the test process, shared by every live test.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from consent.models import ConsentTier
from tests.browser.conftest import log_in
from tests.factories.catalog import BoutiqueFactory, ProductFactory, StockLevelFactory
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory, PolicyVersionFactory
from tests.factories.stylists import make_stylist, put_in_book

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "atelier-demo-pass"


def _context(browser: Any, base_url: str) -> Any:
    context = browser.new_context(base_url=base_url, viewport={"width": 1360, "height": 900})
    context.set_default_timeout(10_000)
    return context


def test_a_save_in_the_concierge_shows_on_today_within_a_second(browser, asgi_url):
    # Given Élise, and Camille (Bespoke, in Élise's book, with a concierge login)
    paris = BoutiqueFactory(code="paris", city="Paris")
    policy = PolicyVersionFactory()
    elise = make_stylist(boutique=paris, username="elise", first_name="Élise", password=PASSWORD)
    from django.contrib.auth import get_user_model

    camille_user = get_user_model().objects.create_user(username="camille", password=PASSWORD)
    camille = ClientFactory(  # she reads English: the steps below quote the English page
        user=camille_user,
        home_boutique=paris,
        first_name="Camille",
        last_name="Laurent",
        preferred_language="en",
    )
    ConsentRecordFactory(client=camille, tier=ConsentTier.BESPOKE, policy_version=policy)
    put_in_book(elise, camille)
    trench = ProductFactory(name="Riviera trench")
    StockLevelFactory(variant__product=trench, boutique=paris)

    advisor = _context(browser, asgi_url)
    client = _context(browser, asgi_url)
    try:
        today = advisor.new_page()
        errors: list[str] = []
        today.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(today, "elise", PASSWORD)
        today.goto("/stylist/")
        today.wait_for_selector("[data-live-signals][data-live-connected]")
        # When Camille saves the trench in her Style Story, in another browser
        concierge = client.new_page()
        log_in(concierge, "camille", PASSWORD)
        concierge.goto(f"/concierge/pieces/{trench.public_id}/")
        button = concierge.get_by_role("button", name="Save to wishlist")
        started = time.monotonic()
        button.click()
        # Then Élise's Today shows it within a second, without a reload
        today.get_by_text("Camille Laurent saved the Riviera trench").wait_for(timeout=1_000)
        assert time.monotonic() - started < 1.0
        # (opening the piece was a signal too: newest first)
        items = today.locator("[data-live-list] li .list__title").all_inner_texts()
        assert items == [
            "Camille Laurent saved the Riviera trench",
            "Camille Laurent is looking at the Riviera trench",
        ]
        assert errors == []
    finally:
        advisor.close()
        client.close()
