"""Which language a page speaks, the switcher that remembers it, and prices and dates in it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from core.l10n import format_price, format_when

pytestmark = pytest.mark.django_db


def _lang(response: Any) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_client_reads_the_concierge_in_her_preferred_language(cast: Any) -> None:
    # Given Camille prefers Japanese
    cast.client.preferred_language = "ja"
    cast.client.save(update_fields=["preferred_language"])
    # When she opens her Style Story (her browser says English)
    page = cast.http("client_user").get("/concierge/", HTTP_ACCEPT_LANGUAGE="en")
    # Then it speaks Japanese
    assert _lang(page) == "ja"
    assert "マイ・スタイルストーリー" in page.content.decode()


def test_arabic_pages_are_right_to_left(cast: Any) -> None:
    cast.client.preferred_language = "ar"
    cast.client.save(update_fields=["preferred_language"])
    html = cast.http("client_user").get("/concierge/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_the_switcher_remembers_on_her_record_and_in_a_cookie(cast: Any) -> None:
    http = cast.http("client_user")
    response = http.post("/language/", {"language": "de", "next": "/concierge/wishlist/"})
    assert response.status_code == 302
    assert response["Location"] == "/concierge/wishlist/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    cast.client.refresh_from_db()
    assert cast.client.preferred_language == "de"
    # The choice follows her to another browser (which still says English): her record decides
    other_browser = cast.http("client_user")
    other_browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _lang(other_browser.get("/concierge/", HTTP_ACCEPT_LANGUAGE="en")) == "de"


def test_an_anonymous_visitor_chooses_for_the_sign_in_page(client: Any) -> None:
    response = client.post("/language/", {"language": "fr", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/")
    assert _lang(page) == "fr"
    assert "Se connecter" in page.content.decode()


@pytest.mark.parametrize("bad", ["nl", "xx", ""])
def test_an_unknown_language_changes_nothing(cast: Any, bad: str) -> None:
    response = cast.http("client_user").post("/language/", {"language": bad})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    cast.client.refresh_from_db()
    assert cast.client.preferred_language == "en"


def test_the_switcher_never_redirects_off_site(cast: Any) -> None:
    response = cast.http("client_user").post(
        "/language/", {"language": "fr", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_switcher_is_post_only(client: Any) -> None:
    assert client.get("/language/").status_code == 405


def test_the_stylist_dashboard_stays_in_english(cast: Any) -> None:
    http = cast.http("owner")
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    page = http.get("/stylist/", HTTP_ACCEPT_LANGUAGE="ja")
    assert _lang(page) == "en"


def test_a_stylist_choosing_a_language_does_not_touch_any_client(cast: Any) -> None:
    cast.http("owner").post("/language/", {"language": "ko"})
    cast.client.refresh_from_db()
    assert cast.client.preferred_language == "en"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€1,250"),
        ("fr", "1\u202f250\u00a0€"),
        ("de", "1.250\u00a0€"),
        ("ja", "€1,250"),
        ("zh-hant", "€1,250"),
    ],
)
def test_prices_are_written_as_each_language_writes_them(language: str, expected: str) -> None:
    assert format_price(Decimal("1250.00"), "EUR", language) == expected


def test_a_price_with_cents_keeps_them() -> None:
    assert format_price(Decimal("1250.50"), "EUR", "en") == "€1,250.50"
    assert format_price(Decimal("980"), "CHF", "fr") == "980\u00a0CHF"


def test_dates_follow_each_language() -> None:
    day = dt.date(2026, 12, 6)
    assert format_when(day, "day", "en") == "Sunday 6 December"
    assert format_when(day, "day", "fr") == "dimanche 6 décembre"
    assert format_when(day, "day", "ja") == "12月6日日曜日"
    assert format_when(day, "long_date", "ar") == "6 ديسمبر 2026"
    with translation.override("de"):
        assert format_when(day, "day") == "Sonntag, 6. Dezember"


def test_a_day_is_written_by_babel_once_per_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread of fifty messages on three days asks Babel three times, not fifty."""
    import core.l10n

    calls: list[tuple[Any, ...]] = []
    real = core.l10n.format_skeleton

    def counted(*args: Any, **kwargs: Any) -> str:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(core.l10n, "format_skeleton", counted)
    core.l10n._format_day.cache_clear()
    moments = [dt.datetime(2026, 12, 6 + k % 3, 9, k, tzinfo=dt.UTC) for k in range(50)]
    written = [format_when(moment, "day_month", "en") for moment in moments]
    assert len(calls) == 3
    assert written[:3] == ["December 6", "December 7", "December 8"]
    # another language is its own words, not the cached English ones
    assert format_when(moments[0], "day_month", "fr") == "6 décembre"
    assert len(calls) == 4
