"""The smaller findings of the probe (issue 15, item 11).

- /healthz tells anyone only ok/degraded (tests/foundation/test_healthz.py has the staff side);
- a message or note of nothing but invisible characters is refused;
- a withdrawn (inactive) piece's page is a 404 and it cannot be saved;
- staff pages and API answers about clients carry Cache-Control: private, no-store;
- an e-mail subject with a line break is refused at the form, not "Sent" then failed.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Product
from clients.models import WishlistItem
from clients.services import wishlist_save
from consent.models import ConsentTier
from core.text import has_visible_text
from stylists.models import ClientNote, Message, StylingRequest
from stylists.services import message_from_client, note_add
from tests.factories.catalog import ProductFactory
from tests.stylists.conftest import consent

pytestmark = pytest.mark.django_db

# Right-to-left override, isolates, zero-width space/joiner, BOM, Hangul filler, and spaces.
INVISIBLE = ["\u202e\u2066\u2069", "\u200b\u200d\ufeff", "\u200e \u200f\u3164", "\u2800\u00a0"]


# --- Invisible text --------------------------------------------------------------------------


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_text_is_not_text(text):
    assert not has_visible_text(text)
    assert has_visible_text(text + "a")
    assert has_visible_text("\u202eمرحبا")  # a real right-to-left word stays


@pytest.mark.parametrize("text", INVISIBLE)
def test_a_clients_message_of_invisible_characters_is_refused(cast, text):
    response = cast.http("client_user").post("/concierge/messages/", {"body": text})
    assert response.status_code in (200, 400, 422)
    assert "Your message is empty." in response.content.decode()
    assert not Message.objects.exists()
    with pytest.raises(ValidationError):
        message_from_client(client=cast.client, body=text)


@pytest.mark.parametrize("text", INVISIBLE)
def test_an_advisors_message_and_note_of_invisible_characters_are_refused(cast, text):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True)
    http = cast.http("owner")
    http.post(
        f"/stylist/messages/{cast.client.public_id}/send/",
        {"channel": "email", "kind": "service", "body": text},
    )
    http.post(
        f"/stylist/clients/{cast.client.public_id}/notes/", {"body": text, "category": "style"}
    )
    assert not Message.objects.exists()
    assert not ClientNote.objects.exists()
    with pytest.raises(ValidationError):
        note_add(client=cast.client, author=cast.owner, body=text)


def test_a_styling_request_of_invisible_characters_is_refused(cast):
    response = cast.http("client_user").post("/concierge/requests/", {"message": INVISIBLE[0]})
    assert response.status_code != 302
    assert not StylingRequest.objects.exists()


# --- A withdrawn piece --------------------------------------------------------------------------


@pytest.fixture
def withdrawn(cast) -> Product:
    return ProductFactory(name="Withdrawn trench", active=False)


def test_a_withdrawn_pieces_page_is_a_404(cast, withdrawn):
    assert (
        cast.http("client_user").get(f"/concierge/pieces/{withdrawn.public_id}/").status_code == 404
    )


def test_a_withdrawn_piece_cannot_be_saved(cast, withdrawn):
    response = cast.http("client_user").post(f"/concierge/pieces/{withdrawn.public_id}/save/")
    assert response.status_code == 404
    assert not WishlistItem.objects.exists()
    with pytest.raises(ValidationError):
        wishlist_save(client=cast.client, product=withdrawn, record_interaction=False)


def test_a_piece_saved_before_it_was_withdrawn_can_still_be_removed(cast, withdrawn):
    WishlistItem.objects.create(client=cast.client, product=withdrawn)
    response = cast.http("client_user").post(f"/concierge/pieces/{withdrawn.public_id}/unsave/")
    assert response.status_code == 302
    assert not WishlistItem.objects.exists()


# --- Cache-Control ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("owner", "/stylist/"),
        ("owner", "/stylist/clients/"),
        ("owner", "/api/v1/clients/"),
        ("manager", "/stylist/team/"),
        ("client_user", "/concierge/"),
        ("client_user", "/api/v1/lookbooks/"),
        ("anonymous", "/api/v1/clients/"),
    ],
)
def test_pages_and_api_answers_about_people_are_not_stored(cast, persona, path):
    response = cast.http(persona).get(path)
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (path, response.get("Cache-Control"))


def test_a_client_story_is_not_stored(cast):
    response = cast.http("owner").get(f"/stylist/clients/{cast.client.public_id}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_imagery_keeps_its_public_caching(cast):
    product = ProductFactory()
    response = cast.http("anonymous").get(f"/catalog/products/{product.public_id}/image.svg")
    if response.status_code == 200:
        assert "public" in response["Cache-Control"]


# --- E-mail subject ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject", ["Hello\r\nBcc: everyone@example.com", "Line\nbreak", "Cr\rhere"]
)
def test_a_subject_with_a_line_break_is_refused_at_the_form(cast, subject):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True)
    response = cast.http("owner").post(
        f"/stylist/messages/{cast.client.public_id}/send/",
        {"channel": "email", "kind": "service", "subject": subject, "body": "Your piece is ready."},
    )
    assert "A subject is one line" in response.content.decode()
    assert "Sent to" not in response.content.decode()
    assert not Message.objects.exists()
