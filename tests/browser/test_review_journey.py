"""In Chromium: an advisor reviews a machine draft and publishes it; the client sees exactly that.

The walk: sign in as `stylist`, open the review queue and the draft, remove one
piece with a reason, swap one for a next candidate, add one from a catalogue
search, reorder (the keyboard alternative, then a drag), write a note, publish;
sign out; sign in as `client` and find exactly the published pieces, in that
order, with the note, and never the removed one. She gets 404 on the draft's
review page and on /stylist/.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from consent.models import ConsentTier
from recommendations.models import ItemState, Lookbook, LookbookStatus, ReviewAction
from tests.browser.conftest import log_in
from tests.factories.catalog import (
    BoutiqueFactory,
    ProductFactory,
    StockLevelFactory,
    VariantFactory,
)
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory, PolicyVersionFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory
from tests.factories.stylists import make_stylist, put_in_book

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "atelier-demo-pass"
PIECES = [
    "Manège coat",
    "Rivoli blazer",
    "Palais-Royal skirt",
    "Deauville pump",
    "Boucle earrings",
    "Voyage clutch",
]
NOTE = "Pour la saison de l'opéra, avec toute mon attention."


def _stocked(name: str, boutique: Any) -> Any:
    product = ProductFactory(name=name)
    variant = VariantFactory(product=product, size="38")
    StockLevelFactory(variant=variant, boutique=boutique, quantity=2)
    StockLevelFactory(variant=variant, boutique=None, quantity=5)
    return product


def _the_house() -> Lookbook:
    """An advisor `stylist` with the client `client` in her book, and a draft of six pieces."""
    paris = BoutiqueFactory(code="paris", city="Paris")
    policy = PolicyVersionFactory()
    stylist = make_stylist(
        boutique=paris, username="stylist", first_name="Élise", password=PASSWORD
    )
    user = get_user_model().objects.create_user(
        username="client", password=PASSWORD, first_name="Camille"
    )
    client = ClientFactory(
        user=user,
        home_boutique=paris,
        first_name="Camille",
        last_name="Laurent",
        email="camille@example.com",
    )
    ConsentRecordFactory(
        client=client, tier=ConsentTier.PERSONAL, email=True, policy_version=policy
    )
    put_in_book(stylist, client)
    products = [_stocked(name, paris) for name in PIECES]
    alternates = [_stocked(name, paris) for name in ("Carré twill", "Étrier ring")]
    _stocked("Sellier belt", paris)  # found by the catalogue search
    lookbook = LookbookFactory(
        client=client,
        author=stylist,
        title="For the opera season",
        data_basis={"tier": "personal", "kinds": ["purchases", "sizes"]},
        alternates=[
            {"product": p.pk, "score": 0.4, "why": "Her colours, in stock in Paris."}
            for p in alternates
        ],
    )
    for position, product in enumerate(products, start=1):
        LookbookItemFactory(
            lookbook=lookbook,
            product=product,
            position=position,
            explanation="She loved the Riviera trench.",
        )
    return lookbook


def _piece_names(page: Any) -> list[str]:
    """The pieces to publish, in order, as the review page shows them."""
    return [
        name.strip()
        for name in page.locator("#review-pieces [data-id] .product-card__name").all_inner_texts()
    ]


def _item_id(lookbook: Lookbook, name: str) -> int:
    return lookbook.items.get(product__name=name).pk


def test_a_stylist_reviews_a_draft_and_the_client_sees_exactly_what_was_published(page):
    lookbook = _the_house()
    review_path = f"/stylist/lookbooks/{lookbook.public_id}/"

    # The advisor signs in and opens her review queue, then the draft
    log_in(page, "stylist", PASSWORD)
    page.goto("/stylist/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    page.get_by_role("link", name="Review the lookbook for Mme Laurent").click()
    page.wait_for_url(f"**{review_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("For the opera season")
    assert _piece_names(page) == PIECES

    # She removes the blazer: she owns something similar
    blazer = _item_id(lookbook, "Rivoli blazer")
    page.get_by_role("button", name="Remove Rivoli blazer…").click()
    dialog = page.locator(f"#remove-{blazer}")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Owns something similar").check()
    dialog.get_by_role("button", name="Remove", exact=True).click()
    expect(page.locator("#removed-heading")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Removed Rivoli blazer")).to_be_visible()
    assert "Rivoli blazer" not in _piece_names(page)

    # She swaps the skirt for the model's next candidate
    skirt = _item_id(lookbook, "Palais-Royal skirt")
    page.get_by_role("button", name="Swap Palais-Royal skirt…").click()
    swap = page.locator(f"#swap-{skirt}")
    expect(swap).to_be_visible()
    swap.get_by_role("button", name="Swap in Carré twill").click()
    expect(page.locator("#review-pieces [data-id]").nth(1)).to_contain_text("Carré twill")

    # She adds a belt found in the catalogue
    expect(page.locator("dialog[open]")).to_have_count(0)
    page.locator("#add-q").click()
    page.locator("#add-q").fill("Sellier")
    add = page.get_by_role("button", name="Add Sellier belt")
    expect(add).to_be_visible()
    add.click()
    expect(page.locator("#review-pieces [data-id]").last).to_contain_text("Sellier belt")
    assert _piece_names(page) == [
        "Manège coat",
        "Carré twill",
        "Deauville pump",
        "Boucle earrings",
        "Voyage clutch",
        "Sellier belt",
    ]

    # She reorders with the keyboard alternative: the belt moves up, twice
    page.get_by_role("button", name="Move Sellier belt up").click()
    expect(page.locator("#review-pieces [data-id]").nth(4)).to_contain_text("Sellier belt")
    page.get_by_role("button", name="Move Sellier belt up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#review-pieces [data-id]").nth(3)).to_contain_text("Sellier belt")

    # And with a drag: the coat goes after the twill
    coat = page.locator("#review-pieces [data-id]").first
    twill = page.locator("#review-pieces [data-id]").nth(1)
    coat.locator(".drag-handle").drag_to(twill, target_position={"x": 60, "y": 300})
    expect(page.locator("#review-pieces [data-id]").first).to_contain_text("Carré twill")
    expected = [
        "Carré twill",
        "Manège coat",
        "Deauville pump",
        "Sellier belt",
        "Boucle earrings",
        "Voyage clutch",
    ]
    # Said once, by the server's toast: the page's own live region stays quiet
    # (it used to repeat it 50 ms later, so a screen reader heard it twice).
    saved = page.get_by_role("status").filter(has_text="New order saved")
    toast = page.locator("#toasts").get_by_role("status")
    expect(toast.filter(has_text="New order saved")).to_be_visible()
    page.wait_for_timeout(300)
    expect(saved).to_have_count(1)
    assert _piece_names(page) == expected

    # She writes her note and publishes, letting Camille know by e-mail too
    page.locator("#id_note").fill(NOTE)
    page.get_by_label("e-mail").check()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Published pieces")).to_be_visible()
    assert _piece_names(page) == expected
    # (The live server speaks WSGI: the dashboard's WebSocket cannot connect in this test.)
    assert [e for e in page.console_errors if "/ws/" not in e] == []

    lookbook.refresh_from_db()
    assert lookbook.status == LookbookStatus.PUBLISHED
    assert lookbook.note == NOTE
    assert lookbook.published_channels == ["concierge", "email"]
    actions = list(lookbook.events.order_by("pk").values_list("action", flat=True))
    for action in (
        ReviewAction.OPEN,
        ReviewAction.REMOVE,
        ReviewAction.SWAP,
        ReviewAction.ADD,
        ReviewAction.REORDER,
        ReviewAction.NOTE,
        ReviewAction.PUBLISH,
    ):
        assert action in actions
    assert lookbook.items.filter(state=ItemState.REMOVED).count() == 2  # blazer, skirt

    # She signs out; Camille signs in and reads the lookbook in her Style Story
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    log_in(page, "client", PASSWORD)
    page.goto(f"/concierge/lookbooks/{lookbook.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("For the opera season")
    names = [n.strip() for n in page.locator(".lookbook-piece__name").all_inner_texts()]
    assert names == expected
    expect(page.locator(".lookbook-note__text")).to_have_text(NOTE)
    body = page.locator("main").inner_text()
    assert "Rivoli blazer" not in body
    assert "Palais-Royal skirt" not in body

    # The stylist side does not exist for her
    assert page.goto(review_path).status == 404
    assert page.goto("/stylist/").status == 404
    assert page.goto("/stylist/review/").status == 404


def test_without_javascript_the_remove_dialog_still_works(browser, live_server):
    """Progressive enhancement: 'Remove…' is a link that opens the dialog server-side."""
    lookbook = _the_house()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "stylist", PASSWORD)
    page.goto(f"/stylist/lookbooks/{lookbook.public_id}/")
    page.get_by_role("button", name="Remove Rivoli blazer…").click()
    blazer = _item_id(lookbook, "Rivoli blazer")
    dialog = page.locator(f"#remove-{blazer}")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Price").check()
    dialog.get_by_role("button", name="Remove", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Removed Rivoli blazer")).to_be_visible()
    assert lookbook.items.get(pk=blazer).state == ItemState.REMOVED
    context.close()
