"""The home, "Your Style Story": the advisor, the chapter, what is ahead, a story of the house.

Heritage follows demonstrated interests only where consent allows using them
for personalisation; Essential clients get the house's editorial pick, and a
full, warm page all the same.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine

from catalog.models import Category
from tests.concierge.conftest import Story
from tests.factories.catalog import HeritageStoryFactory, ProductFactory
from tests.factories.clients import OrderLineFactory


def _stories(cast: Any) -> tuple[Any, Any]:
    """A jewellery story, and a leather one that comes first in the house's order."""
    leather = HeritageStoryFactory(title="The saddler's stitch", era="1867")
    leather.products.add(ProductFactory(category=Category.LEATHER_GOODS))
    jewel = HeritageStoryFactory(title="Étrier, a stirrup in gold", era="1956")
    ring = ProductFactory(category=Category.JEWELLERY, name="Perle de Rosée ring")
    jewel.products.add(ring)
    OrderLineFactory(order__client=cast.client, product=ring)
    return leather, jewel


@time_machine.travel("2026-11-23 11:00:00+00:00", tick=False)
def test_the_home_greets_her_and_introduces_her_advisor(cast: Any) -> None:
    cast.owner.languages = ["fr", "en", "ja"]
    cast.owner.save(update_fields=["languages"])
    html = cast.http("client_user").get("/concierge/").content.decode()
    assert "Good afternoon, Ms Laurent" in html  # 12:00 in Paris
    assert "Your story continues." in html
    assert "Élise" in html
    assert "Français, English, 日本語" in html
    assert "Write to Élise" in html
    assert "Book a moment" in html
    assert "Privacy and your data" in html


def test_a_personal_clients_heritage_follows_what_she_bought(cast: Any) -> None:
    _, jewel = _stories(cast)
    html = cast.http("client_user").get("/concierge/").content.decode()
    assert jewel.title in html
    # the story of the very piece she owns (issue 11), before any category match
    assert "The story behind the Perle de Rosée ring you own" in html


def test_an_essential_client_gets_the_houses_editorial_pick(cast: Any, essential: Any) -> None:
    _stories(cast)
    html = cast.http("client_user").get("/concierge/").content.decode()
    assert "The house’s story of the week" in html
    assert "Chosen for your love" not in html


def test_an_essential_client_has_a_full_and_warm_home(story: Story, essential: Any) -> None:
    html = story.cast.http("client_user").get("/concierge/").content.decode()
    for words in (
        "Your story continues.",
        "The current chapter",
        "Ahead of you",
        "From the house",
        "Saved for later",
        "Write to Élise",
        "Ask for styling",
    ):
        assert words in html, words


def test_upcoming_occasions_come_with_a_gentle_prompt(story: Story) -> None:
    html = story.cast.http("client_user").get("/concierge/").content.decode()
    assert "Opera gala" in html
    assert f"/concierge/requests/?occasion={story.occasion.pk}" in html
    assert "in 3 weeks" in html or "in 20 days" in html


def test_without_occasions_she_is_invited_not_pressed(cast: Any) -> None:
    html = cast.http("client_user").get("/concierge/").content.decode()
    assert "Share it if you wish" in html
    assert "Your next chapter is being written" in html


def test_the_next_appointment_is_in_hand(story: Story) -> None:
    html = story.cast.http("client_user").get("/concierge/").content.decode()
    assert "Your video consultation" in html
    assert f"/concierge/appointments/{story.appointment.public_id}/" in html


def test_in_arabic_her_advisor_s_english_words_keep_their_own_direction(
    cast: Any, story: Story
) -> None:
    """An English title and note inside the right-to-left page are isolated (<bdi>), so a
    full stop ends the sentence instead of opening it; the occasion she named keeps its
    name, in its own direction too."""
    cast.client.preferred_language = "ar"
    cast.client.save(update_fields=["preferred_language"])

    home = cast.http("client_user").get("/concierge/").content.decode()
    chapter = cast.http("client_user").get(f"/concierge/lookbooks/{story.lookbook.public_id}/")

    assert 'dir="rtl"' in home
    assert "<bdi>For the Opera gala</bdi>" in home
    assert "<bdi>For the gala at the Palais Garnier, an evening in navy silk.</bdi>" in home
    assert "<bdi>Opera gala</bdi>" in home
    assert "<bdi>For the gala at the Palais Garnier, an evening in navy silk.</bdi>" in (
        chapter.content.decode()
    )


def test_in_french_her_advisors_name_reads_as_french_writes_it(story: Story) -> None:
    # Given Camille reads her Style Story in French, with Élise as her advisor
    story.cast.client.preferred_language = "fr"
    story.cast.client.save(update_fields=["preferred_language"])
    story.lookbook.occasion = story.occasion
    story.lookbook.save(update_fields=["occasion"])
    html = story.cast.http("client_user").get("/concierge/").content.decode()
    # Then no "que Élise" (French elides: the name follows "à", which does not)
    assert "Demander quelques idées à Élise" in html
    assert "que Élise" not in html
    # And the chapter's count stands beside its occasion ("pour Gala", no article, before)
    assert re.search(r"\d+ pièces · Opera gala</p>", html)
    assert "pièces, pour" not in html


@pytest.mark.parametrize(
    ("language", "salutation", "greeting"),
    [
        ("fr", "Mme", "Madame Laurent"),  # in full: "Mme" is for envelopes, not for her
        ("de", "Mme", "Frau Laurent"),
        ("it", "M.", "Signor Laurent"),
        ("ja", "Mme", "Laurent様"),  # the honorific after the name
        ("zh-hans", "Mme", "Laurent女士"),
        ("en", "Dr", "Dr Laurent"),
    ],
)
def test_the_greeting_addresses_her_as_her_language_does(
    cast: Any, language: str, salutation: str, greeting: str
) -> None:
    cast.client.preferred_language = language
    cast.client.salutation = salutation
    cast.client.save(update_fields=["preferred_language", "salutation"])
    html = cast.http("client_user").get("/concierge/").content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert heading is not None
    assert greeting in heading[1]
    assert heading[1].count("様") <= 1  # once, not "Mme Laurent様" nor "Laurent様様"
    assert "Mme" not in heading[1]


@pytest.mark.parametrize(
    ("language", "greeting"), [("en", "Good afternoon, Camille"), ("ja", "Camille様、")]
)
@time_machine.travel("2026-11-23 11:00:00+00:00", tick=False)
def test_the_name_she_chose_is_how_she_is_greeted(cast: Any, language: str, greeting: str) -> None:
    # The name she asked to be called by, with the honorific only where her language adds it
    cast.client.preferred_language = language
    cast.client.preferred_name = "Camille"
    cast.client.save(update_fields=["preferred_language", "preferred_name"])
    html = cast.http("client_user").get("/concierge/").content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert heading is not None
    assert greeting in heading[1]


def test_each_occasion_ahead_offers_one_short_link_to_her_advisor(story: Story) -> None:
    html = story.cast.http("client_user").get("/concierge/").content.decode()
    link = re.search(r'<a href="/concierge/requests/\?occasion=\d+">([^<]+)</a>', html)
    assert link is not None
    assert link[1] == "Ask Élise for a few ideas"
    assert "Would you like" not in html  # the question, once under every date, is gone


def test_every_salutation_has_its_form_of_address() -> None:
    from clients.addressing import FORMS_OF_ADDRESS
    from clients.models import Salutation

    assert set(FORMS_OF_ADDRESS) == {value for value in Salutation.values if value}
