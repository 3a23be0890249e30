"""In Chromium: every section of the concierge's navigation can be seen, in every language.

Found by looking at the demo in French on 7 Dec 2026: the row of sections was centred
inside a scrolling box narrower than its names, so at 1440 px it began "'RE HISTOIRE DE
STYLE" and ended "CONFIDENTIAL", and the first name could not be scrolled to at all (a
centred row overflows on both sides; a scroll box reaches only one). From a laptop up the
row now takes a second line where a language needs one; a phone scrolls it from the
first section.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from clients.models import Client
from tests.browser.conftest import camille_in_elise_s_book, log_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "atelier-nav-pass"

LINKS = """() => {
  const list = document.querySelector('.concierge-nav__list');
  const box = list.getBoundingClientRect();
  return [...list.querySelectorAll('a')].map((a) => {
    const r = a.getBoundingClientRect();
    return {name: a.textContent.trim(), left: r.left - box.left, right: r.right - box.left,
            width: box.width, scroll: list.scrollWidth, client: list.clientWidth};
  });
}"""


def _links(page: Any, width: int, *, load: bool = True) -> list[dict[str, Any]]:
    page.set_viewport_size({"width": width, "height": 900})
    if load:
        page.goto("/concierge/messages/")
    return page.evaluate(LINKS)


def test_every_section_is_in_view_from_a_tablet_up_in_every_language(page: Any) -> None:
    camille_in_elise_s_book(PASSWORD)
    log_in(page, "camille", PASSWORD)
    for language, _ in settings.LANGUAGES:
        Client.objects.filter(user__username="camille").update(preferred_language=language)
        for width in (1440, 1280, 1024, 768):  # one page per language, narrowed in place
            links = _links(page, width, load=width == 1440)
            assert len(links) >= 7
            for link in links:
                where = (language, width, link)
                assert link["left"] >= 0, where
                assert link["right"] <= link["width"] + 0.5, where
            # nothing hidden to scroll to
            assert links[0]["scroll"] <= links[0]["client"], (language, width)


def test_on_a_phone_the_row_scrolls_from_the_first_section(page: Any) -> None:
    camille_in_elise_s_book(PASSWORD)
    Client.objects.filter(user__username="camille").update(preferred_language="fr")
    log_in(page, "camille", PASSWORD)
    links = _links(page, 390)
    assert links[0]["left"] >= 0, links[0]  # the first section is where the row begins
    assert links[0]["scroll"] > links[0]["client"]  # the rest is reached by scrolling
