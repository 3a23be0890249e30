"""In Chromium: a client switches the concierge to Japanese, then Arabic (right to left), and back.

The choice is remembered on her record, so it follows her to the next page and
the next sign-in. Each language's pages are checked with axe-core (no serious or
critical violation) and photographed on a phone and a desktop
(var/screenshots/i18n/, for the eyes of whoever changes the CSS).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from clients.models import Client
from recommendations.models import LookbookStatus
from tests.browser.conftest import camille_in_elise_s_book, log_in
from tests.factories.catalog import ProductFactory
from tests.factories.clients import OccasionFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "atelier-demo-pass"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "i18n"
PHONE = {"width": 390, "height": 844}


def _client() -> Client:
    _, elise, client = camille_in_elise_s_book(PASSWORD, username="client")
    lookbook = LookbookFactory(
        client=client,
        author=elise,
        status=LookbookStatus.PUBLISHED,
        title="For the Opera gala",
        note="An evening in navy silk.",
        published_at=timezone.now() - dt.timedelta(hours=2),
    )
    for n, name in enumerate(["Navy silk gown", "Rose gold cuff", "Evening cape"]):
        LookbookItemFactory(
            lookbook=lookbook, position=n, product=ProductFactory(name=name, price=1250)
        )
    OccasionFactory(client=client, date=timezone.localdate() + dt.timedelta(days=20))
    return client


def _switch(page: Any, language: str) -> None:
    switcher = page.locator("header .language-switcher")
    switcher.locator("select").select_option(language)
    switcher.get_by_role("button").click()
    page.wait_for_load_state("networkidle")


def _axe_serious(page: Any) -> list[str]:
    # Evaluated through the DevTools protocol: the page's CSP forbids inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8") + ";0")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def _photograph(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1360, "height": 900})


def test_client_switches_to_japanese_then_arabic_and_back(page: Any) -> None:
    client = _client()
    log_in(page, "client", PASSWORD)
    page.goto("/concierge/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "en"
    assert html.get_attribute("dir") == "ltr"

    # Japanese: the page speaks it, and the choice is on her record
    _switch(page, "ja")
    assert html.get_attribute("lang") == "ja"
    assert html.get_attribute("dir") == "ltr"
    assert page.get_by_role("heading", level=1).inner_text().endswith("こんにちは") or (
        "様" in page.get_by_role("heading", level=1).inner_text()
    )
    assert "マイ・スタイルストーリー" in page.locator(".concierge-header").inner_text()
    client.refresh_from_db()
    assert client.preferred_language == "ja"
    assert _axe_serious(page) == []
    _photograph(page, "home-ja")
    page.goto(page.locator("a.btn--primary", has_text="章を開く").get_attribute("href"))
    assert "€1,250" in page.content() or "€1,250" in page.inner_text("main")
    _photograph(page, "lookbook-ja")

    # Arabic: right to left, mirrored, still remembered on the next page
    _switch(page, "ar")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    assert "حكاية أناقتكم" in page.locator(".concierge-header").inner_text()
    page.goto("/concierge/")
    assert html.get_attribute("dir") == "rtl"
    # The layout mirrors: the brand sits at the right edge, the switcher at the left
    brand = page.locator(".concierge-header__brand").bounding_box()
    end = page.locator(".concierge-header__end").bounding_box()
    assert brand["x"] > end["x"]
    assert _axe_serious(page) == []
    _photograph(page, "home-ar")
    page.goto("/concierge/occasions/")
    _photograph(page, "occasions-ar")

    # And back to English
    _switch(page, "en")
    assert html.get_attribute("lang") == "en"
    assert html.get_attribute("dir") == "ltr"
    assert "Your Style Story" in page.locator(".concierge-header").inner_text()
    client.refresh_from_db()
    assert client.preferred_language == "en"
    assert page.console_errors == []


def test_the_sign_in_page_speaks_the_visitors_choice(page: Any) -> None:
    page.goto("/accounts/login/")
    switcher = page.locator(".language-switcher")
    switcher.locator("select").select_option("fr")
    switcher.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("button", name="Se connecter").is_visible()
    assert _axe_serious(page) == []
