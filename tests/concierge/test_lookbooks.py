"""Chapters: only published lookbooks of the client, pieces in order without removed ones,
and reactions that toggle and feed Interaction rows."""

from __future__ import annotations

import re
from typing import Any

import pytest

from clients.models import Interaction, InteractionKind
from recommendations.models import LookbookStatus
from tests.concierge.conftest import Story, publish


def _piece_names(html: str) -> list[str]:
    return re.findall(
        r'class="product-card__name lookbook-piece__name"[^>]*><a [^>]*>([^<]+)</a>', html
    )


def test_the_client_sees_exactly_the_published_pieces_in_order_with_the_note(story: Story) -> None:
    # When Camille opens her newest chapter
    response = story.cast.http("client_user").get(
        f"/concierge/lookbooks/{story.lookbook.public_id}/"
    )
    html = response.content.decode()
    # Then she sees the kept pieces in the advisor's order, and the note
    assert _piece_names(html) == [item.product.name for item in story.kept]
    assert 'class="pullquote lookbook-note"' in html
    assert "an evening in navy silk" in html
    assert "For the Opera gala" in html


def test_a_removed_piece_is_never_shown(story: Story) -> None:
    html = (
        story.cast.http("client_user")
        .get(f"/concierge/lookbooks/{story.lookbook.public_id}/")
        .content.decode()
    )
    assert story.removed.product.name not in html
    assert f"piece-{story.removed.pk}" not in html


@pytest.mark.parametrize(
    "status",
    [
        LookbookStatus.DRAFT,
        LookbookStatus.IN_REVIEW,
        LookbookStatus.WITHDRAWN,
        LookbookStatus.DISCARDED,
    ],
)
def test_a_lookbook_that_is_not_published_is_a_404(story: Story, status: str) -> None:
    # Given a lookbook of Camille's in any state but published
    story.draft.status = status
    story.draft.save(update_fields=["status"])
    # When she (or anyone guessing its id) asks for it, it does not exist
    response = story.cast.http("client_user").get(f"/concierge/lookbooks/{story.draft.public_id}/")
    assert response.status_code == 404


def test_a_draft_cannot_be_reacted_to(story: Story) -> None:
    item = story.draft.items.first()
    response = story.cast.http("client_user").post(
        f"/concierge/lookbooks/{story.draft.public_id}/pieces/{item.pk}/reaction/",
        {"reaction": "love"},
    )
    assert response.status_code == 404
    assert not Interaction.objects.exists()


def test_another_clients_lookbook_is_a_404(story: Story) -> None:
    response = story.cast.http("client_user").get(f"/concierge/lookbooks/{story.others.public_id}/")
    assert response.status_code == 404


def test_the_chapters_list_shows_only_her_published_lookbooks(story: Story) -> None:
    html = story.cast.http("client_user").get("/concierge/lookbooks/").content.decode()
    assert "For the Opera gala" in html
    assert "For the new season" in html
    assert "Secret draft" not in html
    assert "Inès only" not in html
    # newest first, numbered as chapters
    assert html.index("For the Opera gala") < html.index("For the new season")
    assert "Chapter 2" in html
    assert "Chapter 1" in html


def test_the_home_shows_the_newest_published_chapter(story: Story) -> None:
    html = story.cast.http("client_user").get("/concierge/").content.decode()
    assert "The current chapter" in html
    assert "For the Opera gala" in html
    assert "Secret draft" not in html
    assert "Your story continues" in html
    assert "Recommended products" not in html


def _react(http: Any, story: Story, reaction: str, **headers: str) -> Any:
    item = story.kept[0]
    return http.post(
        f"/concierge/lookbooks/{story.lookbook.public_id}/pieces/{item.pk}/reaction/",
        {"reaction": reaction},
        **headers,
    )


def test_love_records_an_interaction_with_its_context(story: Story) -> None:
    # When Camille loves the first piece
    response = _react(story.cast.http("client_user"), story, "love")
    # Then she is back on the piece, and the love is a signal for the next model
    assert response.status_code == 302
    assert response["Location"].endswith(f"#piece-{story.kept[0].pk}")
    interaction = Interaction.objects.get()
    assert interaction.client == story.cast.client
    assert interaction.product == story.kept[0].product
    assert interaction.kind == InteractionKind.LOVE
    assert interaction.context == {
        "lookbook": str(story.lookbook.public_id),
        "item": story.kept[0].pk,
    }


def test_reactions_toggle_and_replace_each_other(story: Story) -> None:
    http = story.cast.http("client_user")
    _react(http, story, "love")
    # Not for me replaces love: one reaction per piece
    _react(http, story, "not_for_me")
    assert list(Interaction.objects.values_list("kind", flat=True)) == ["not_for_me"]
    # The same choice again takes it back
    _react(http, story, "not_for_me")
    assert not Interaction.objects.exists()


def test_htmx_reaction_returns_the_pressed_buttons_and_an_announcement(story: Story) -> None:
    response = _react(story.cast.http("client_user"), story, "love", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="reactions-{story.kept[0].pk}"' in html
    assert re.search(r'value="love" class="pill reactions__love" aria-pressed="true"', html)
    assert 'hx-swap-oob="innerHTML:#concierge-status"' in html
    assert "Your advisor will know" in html


def test_the_page_shows_her_reactions_pressed(story: Story) -> None:
    http = story.cast.http("client_user")
    _react(http, story, "love")
    html = http.get(f"/concierge/lookbooks/{story.lookbook.public_id}/").content.decode()
    assert html.count('aria-pressed="true"') >= 1


def test_an_unknown_reaction_is_refused_and_nothing_is_stored(story: Story) -> None:
    response = _react(story.cast.http("client_user"), story, "meh")
    assert response.status_code == 400
    assert not Interaction.objects.exists()


def test_a_removed_piece_cannot_be_reacted_to(story: Story) -> None:
    response = story.cast.http("client_user").post(
        f"/concierge/lookbooks/{story.lookbook.public_id}/pieces/{story.removed.pk}/reaction/",
        {"reaction": "love"},
    )
    assert response.status_code == 404


def test_a_piece_of_another_lookbook_cannot_be_reached_through_hers(
    story: Story, cast: Any
) -> None:
    _, items = publish(cast.other_client, title="Hers", pieces=1)
    response = cast.http("client_user").post(
        f"/concierge/lookbooks/{story.lookbook.public_id}/pieces/{items[0].pk}/reaction/",
        {"reaction": "love"},
    )
    assert response.status_code == 404


def test_heritage_moment_and_ask_my_advisor_on_each_piece(story: Story) -> None:
    html = (
        story.cast.http("client_user")
        .get(f"/concierge/lookbooks/{story.lookbook.public_id}/")
        .content.decode()
    )
    assert "Heritage moment" in html
    assert "The saddler of the rue du Bac" in html
    assert f"/concierge/messages/?about={story.kept[0].product.public_id}" in html
    assert "Save to wishlist" in html
    assert "In your wishlist" in html


def test_ask_my_advisor_prefills_the_message(story: Story) -> None:
    product = story.kept[0].product
    html = (
        story.cast.http("client_user")
        .get(f"/concierge/messages/?about={product.public_id}&lookbook={story.lookbook.public_id}")
        .content.decode()
    )
    assert f"About the {product.name} in “For the Opera gala”:" in html


def test_a_chapter_names_its_occasion_without_a_preposition(story: Story) -> None:
    # "11 pièces · pour Anniversaire" lacked its article; the occasion stands on its own
    from clients.models import OccasionKind
    from tests.factories.clients import OccasionFactory

    story.cast.client.preferred_language = "fr"
    story.cast.client.save(update_fields=["preferred_language"])
    story.lookbook.occasion = OccasionFactory(
        client=story.cast.client, kind=OccasionKind.BIRTHDAY, title=""
    )
    story.lookbook.save(update_fields=["occasion"])
    html = story.cast.http("client_user").get("/concierge/lookbooks/").content.decode()
    assert "· <bdi>Anniversaire</bdi></p>" in html
    assert "pour Anniversaire" not in html
