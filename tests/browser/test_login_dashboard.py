"""In Chromium: an advisor signs in and lands on her dashboard."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories.catalog import BoutiqueFactory
from tests.factories.stylists import make_stylist

pytestmark = pytest.mark.django_db(transaction=True)


def test_stylist_logs_in_and_sees_today(page):
    # Given an advisor in Paris
    paris = BoutiqueFactory(code="paris", city="Paris")
    make_stylist(
        boutique=paris, username="stylist", first_name="Élise", password="atelier-demo-pass"
    )
    # When she signs in through the login page
    log_in(page, "stylist", "atelier-demo-pass")
    # Then she lands on Today, greeted by name, with the navigation
    assert page.url.endswith("/stylist/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Good day, Élise")
    assert page.get_by_role("navigation").first.is_visible()
    assert page.console_errors == []


def test_wrong_password_shows_a_clear_error(page):
    BoutiqueFactory(code="paris", city="Paris")
    make_stylist(boutique=None, role="head_office", username="ho", password="atelier-demo-pass")
    log_in(page, "ho", "wrong-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").first.is_visible()
