"""On a phone no page is wider than the screen, whatever it holds, in any language
(nor, for the concierge, on a laptop).

A long message, a pasted link, a wide table: each wraps, or scrolls inside its own box,
never the page. Found by looking at the demo on 7 Dec 2026: the client's messages ran
1,059 px wide (the thread's grid column grew to the longest line, a link), cutting
every message off at the screen's edge, and the managers' merge queue 394 px (a
visually hidden legend placed outside the table's scrolling box).

At 320 px (WCAG 2.1's reflow width, 1.4.10) the concierge holds in each of its twelve
languages, whose words run longer than English: the same day, the wishlist's cards
(a stock badge and "Ask about it" kept to one line), the Russian privacy title, the
occasions form and a chapter's pieces all pushed the page sideways in one language or
another.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from clients.merging import merge_suggestions_refresh
from clients.models import Client
from recommendations.models import LookbookStatus
from stylists.models import Message, Role
from tests.browser.conftest import camille_in_elise_s_book, log_in
from tests.factories.catalog import ProductFactory, StockLevelFactory
from tests.factories.clients import ClientFactory, WishlistItemFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory
from tests.factories.stylists import make_stylist

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "atelier-phone-pass"
PHONE = {"width": 390, "height": 844}
LINK = "https://maison-verlaine.example/concierge/l/" + "Zq4" * 30 + "/"


def _house() -> dict[str, str]:
    paris, elise, client = camille_in_elise_s_book(PASSWORD)
    make_stylist(boutique=paris, role=Role.MANAGER, username="helene", password=PASSWORD)
    client.sizes = {"ready_to_wear": "38"}
    client.save(update_fields=["sizes"])
    for name in ("Faubourg blouse", "Monceau dress"):  # saved, and in stock in her size
        piece = ProductFactory(name=name)
        StockLevelFactory(variant__product=piece, variant__size="38", boutique=paris)
        WishlistItemFactory(client=client, product=piece)
    # A near twin, so the merge queue has a row
    ClientFactory(home_boutique=paris, first_name="Camile", last_name="Laurent")
    merge_suggestions_refresh()
    lookbook = LookbookFactory(
        client=client,
        author=elise,
        status=LookbookStatus.PUBLISHED,
        title="For the Opera gala",
        published_at=timezone.now() - dt.timedelta(hours=2),
    )
    # Three pieces: a laptop draws them in three columns, the narrowest a card gets
    for position, name in enumerate(("Navy gown", "Gourmette collar", "Rue du Bac bag")):
        LookbookItemFactory(lookbook=lookbook, position=position, product=ProductFactory(name=name))
    now = timezone.now()
    Message.objects.create(
        client=client,
        stylist=elise,
        direction="out",
        channel="email",
        subject="A piece set aside for you",
        body=f"Chère Madame Laurent, a selection awaits you in your Style Story: {LINK} Élise",
        status="delivered",
        created_at=now - dt.timedelta(hours=3),
    )
    Message.objects.create(
        client=client,
        stylist=elise,
        direction="in",
        channel="concierge",
        body="They are lovely. The second one especially. Is it possible in navy? " * 3,
        status="received",
        created_at=now - dt.timedelta(hours=1),
    )
    return {
        "lookbook": f"/concierge/lookbooks/{lookbook.public_id}/",
        "story": f"/stylist/clients/{client.public_id}/",
        "conversation": f"/stylist/messages/{client.public_id}/",
    }


def _wider_than_the_screen(page, paths: list[str], *, screen: int = PHONE["width"]):
    wide = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        # goto waits for the load event (styles, images); the width is read once the
        # fonts are in. No page fetches anything after load, so no wait for the network.
        width = page.evaluate(
            "document.fonts.ready.then(() => document.documentElement.scrollWidth)"
        )
        if width > screen:
            wide[path] = width
    return wide


def test_the_client_s_pages_fit_a_phone(page) -> None:
    house = _house()
    page.set_viewport_size(PHONE)
    log_in(page, "camille", PASSWORD)

    wide = _wider_than_the_screen(
        page,
        [
            "/concierge/",
            "/concierge/lookbooks/",
            house["lookbook"],
            "/concierge/messages/",
            "/concierge/wishlist/",
            "/concierge/pieces/",
            "/concierge/heritage/",
            "/concierge/occasions/",
            "/concierge/requests/",
            "/concierge/appointments/",
            "/concierge/appointments/book/",
            "/concierge/privacy/",
        ],
    )

    assert wide == {}
    # The link wraps inside its message rather than running off the screen
    assert page.goto("/concierge/messages/") is not None
    assert page.get_by_text("awaits you in your Style Story").is_visible()


def test_the_manager_s_pages_fit_a_phone(page) -> None:
    house = _house()
    page.set_viewport_size(PHONE)
    log_in(page, "helene", PASSWORD)  # a manager: her boutique's clients and the team pages

    wide = _wider_than_the_screen(
        page,
        [
            "/stylist/",
            "/stylist/clients/",
            house["story"],
            "/stylist/messages/",
            house["conversation"],
            "/stylist/review/",
            "/stylist/appointments/",
            "/stylist/team/",
            "/stylist/team/kpis/",
            "/stylist/team/merges/",
            "/stylist/team/quality/",
        ],
    )

    assert wide == {}


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_concierge_reflows_at_320_px_in_every_language(page, language) -> None:
    house = _house()
    Client.objects.filter(user__username="camille").update(preferred_language=language)
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, "camille", PASSWORD)

    wide = _wider_than_the_screen(
        page,
        [
            "/concierge/",
            house["lookbook"],
            "/concierge/messages/",
            "/concierge/wishlist/",
            "/concierge/occasions/",
            "/concierge/privacy/",
        ],
        screen=320,
    )

    assert wide == {}


def test_the_concierge_fits_a_laptop_in_every_language(page) -> None:
    """At 1024 px a label wider than its box ran past the screen: "Ajouter à ma liste
    d'envies" on each piece of a chapter, "Élise 어드바이저에게 메시지 보내기" in the
    advisor's card (found by looking at the demo on 7 Dec 2026)."""
    house = _house()
    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(page, "camille", PASSWORD)
    wide = {}
    for language, _ in settings.LANGUAGES:
        Client.objects.filter(user__username="camille").update(preferred_language=language)
        paths = ["/concierge/", house["lookbook"], "/concierge/messages/"]
        for path, width in _wider_than_the_screen(page, paths, screen=1024).items():
            wide[(language, path)] = width

    assert wide == {}
