"""A piece's page and the wishlist: privacy by design for browsing and saves."""

from __future__ import annotations

from typing import Any

import pytest

from clients.models import Interaction, InteractionKind, WishlistItem
from stylists.models import Message, MessageDirection
from tests.concierge.conftest import Story
from tests.factories.catalog import StockLevelFactory, VariantFactory


def _piece(story: Story) -> Any:
    return story.kept[0].product


def test_a_personal_clients_look_is_not_even_stored(
    story: Story, live_events: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    # Given Camille, Personal tier (browsing is not hers to give to personalisation)
    with django_capture_on_commit_callbacks(execute=True):
        response = story.cast.http("client_user").get(
            f"/concierge/pieces/{_piece(story).public_id}/"
        )
    # Then she sees the piece, and nothing of her look is kept or sent
    assert response.status_code == 200
    assert not Interaction.objects.filter(kind=InteractionKind.VIEW).exists()
    assert live_events == []


def test_a_bespoke_clients_look_is_stored_and_her_advisor_sees_it_live(
    story: Story, bespoke: Any, live_events: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    # Given Camille, Bespoke
    with django_capture_on_commit_callbacks(execute=True):
        story.cast.http("client_user").get(f"/concierge/pieces/{_piece(story).public_id}/")
    # Then the look is a signal, and Élise hears of it on her Today
    view = Interaction.objects.get(kind=InteractionKind.VIEW)
    assert view.client == story.cast.client
    assert view.product == _piece(story)
    assert [
        (stylist, event["type"], event["payload"]["kind"]) for stylist, event in live_events
    ] == [(story.cast.owner.pk, "live.signal", "view")]


def test_a_reload_is_the_same_look(
    story: Story, bespoke: Any, live_events: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    http = story.cast.http("client_user")
    with django_capture_on_commit_callbacks(execute=True):
        http.get(f"/concierge/pieces/{_piece(story).public_id}/")
        http.get(f"/concierge/pieces/{_piece(story).public_id}/")
    assert Interaction.objects.filter(kind=InteractionKind.VIEW).count() == 1
    assert len(live_events) == 1


def test_the_piece_page_shows_availability_in_her_size_and_the_heritage_moment(
    story: Story,
) -> None:
    html = (
        story.cast.http("client_user")
        .get(f"/concierge/pieces/{_piece(story).public_id}/")
        .content.decode()
    )
    assert "In your size, 38" in html
    assert "At the Paris boutique" in html
    assert "Heritage moment" in html
    assert "The saddler of the rue du Bac" in html
    assert "Try it in the boutique" in html
    assert _piece(story).materials[0] in html


def test_availability_elsewhere_and_other_sizes(story: Story, cast: Any) -> None:
    product = story.kept[2].product
    StockLevelFactory(variant=VariantFactory(product=product, size="38"), boutique=cast.milan)
    StockLevelFactory(variant=VariantFactory(product=product, size="40"), boutique=cast.paris)
    html = cast.http("client_user").get(f"/concierge/pieces/{product.public_id}/").content.decode()
    assert "In Milan" in html
    assert "Also in 40" in html


def test_saving_for_a_personal_client_keeps_the_wishlist_but_no_signal(
    story: Story, live_events: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    product = story.kept[1].product
    with django_capture_on_commit_callbacks(execute=True):
        response = story.cast.http("client_user").post(
            f"/concierge/pieces/{product.public_id}/save/"
        )
    assert response.status_code == 302
    assert WishlistItem.objects.filter(client=story.cast.client, product=product).exists()
    assert not Interaction.objects.filter(kind=InteractionKind.SAVE).exists()
    assert live_events == []


def test_saving_for_a_bespoke_client_is_a_signal_sent_live(
    story: Story, bespoke: Any, live_events: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    product = story.kept[1].product
    http = story.cast.http("client_user")
    with django_capture_on_commit_callbacks(execute=True):
        http.post(f"/concierge/pieces/{product.public_id}/save/")
        http.post(f"/concierge/pieces/{product.public_id}/save/")  # saving twice keeps one
    assert WishlistItem.objects.filter(client=story.cast.client, product=product).count() == 1
    assert Interaction.objects.filter(kind=InteractionKind.SAVE, product=product).count() == 1
    assert [event["payload"]["kind"] for _, event in live_events] == ["save"]


def test_htmx_save_toggles_the_button(story: Story) -> None:
    product = story.kept[1].product
    http = story.cast.http("client_user")
    saved = http.post(f"/concierge/pieces/{product.public_id}/save/", HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' in saved.content.decode()
    assert "In your wishlist" in saved.content.decode()
    removed = http.post(f"/concierge/pieces/{product.public_id}/unsave/", HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in removed.content.decode()
    assert not WishlistItem.objects.filter(product=product).exists()


def test_removing_from_the_wishlist_page(story: Story) -> None:
    product = story.kept[2].product  # saved in the story
    response = story.cast.http("client_user").post(
        f"/concierge/pieces/{product.public_id}/unsave/",
        {"context": "wishlist"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "is no longer in your wishlist" in response.content.decode()
    assert not story.cast.client.wishlist.exists()


def test_next_is_only_followed_on_this_site(story: Story) -> None:
    product = story.kept[1].product
    http = story.cast.http("client_user")
    outside = http.post(
        f"/concierge/pieces/{product.public_id}/save/", {"next": "https://evil.example/"}
    )
    assert outside["Location"] == "/concierge/wishlist/"
    inside = http.post(
        f"/concierge/pieces/{product.public_id}/unsave/",
        {"next": f"/concierge/pieces/{product.public_id}/"},
    )
    assert inside["Location"] == f"/concierge/pieces/{product.public_id}/"


def test_the_wishlist_shows_her_pieces_with_availability(story: Story) -> None:
    html = story.cast.http("client_user").get("/concierge/wishlist/").content.decode()
    assert story.kept[2].product.name in html
    assert "Share with Élise" in html


def test_sharing_the_wishlist_writes_to_the_advisor(story: Story) -> None:
    response = story.cast.http("client_user").post("/concierge/wishlist/share/")
    assert response.status_code == 302
    assert response["Location"] == "/concierge/messages/"
    message = Message.objects.get(client=story.cast.client)
    assert message.direction == MessageDirection.INBOUND
    assert message.stylist == story.cast.owner
    assert story.kept[2].product.name in message.body


def test_sharing_an_empty_wishlist_sends_nothing(story: Story) -> None:
    story.cast.client.wishlist.all().delete()
    story.cast.http("client_user").post("/concierge/wishlist/share/")
    assert not Message.objects.exists()


@pytest.mark.parametrize("tier_fixture", ["essential", "bespoke"])
def test_every_tier_gets_the_full_piece_page(
    story: Story, tier_fixture: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(tier_fixture)
    response = story.cast.http("client_user").get(f"/concierge/pieces/{_piece(story).public_id}/")
    assert response.status_code == 200
    assert "Save to wishlist" in response.content.decode()
