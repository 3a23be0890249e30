"""Every client-facing string has a translation in each of the twelve languages.

The extraction is the one `make messages` uses (clienteling.catalogues): a
string wrapped in a template or in code but missing, untranslated or fuzzy in
any catalogue, a placeholder a translation dropped, or a .po edited without
recompiling its .mo fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from clienteling.catalogues import catalogue_gaps, extract_messages, po_path

LANGUAGES = [code for code, _ in settings.LANGUAGES]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_client_facing_string_is_translated(language: str) -> None:
    gaps = catalogue_gaps([language])
    assert not gaps, "Run `make messages` and translate:\n" + "\n".join(map(str, gaps[:40]))


def test_the_client_side_is_marked_for_translation() -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extract_messages() if m.id}
    # A sample from the concierge shell, a form, a message and an error page.
    for msgid in ("Your Style Story", "Write to your advisor", "Privacy and your data"):
        assert msgid in ids


def test_a_string_without_a_translation_is_reported(tmp_path: Path) -> None:
    # Given a catalogue set where French lacks one marked string
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% load i18n %}<p>{% translate "A string no one has translated yet" %}</p>'
    )
    with override_settings(BASE_DIR=tmp_path, LOCALE_PATHS=[settings.LOCALE_PATHS[0]]):
        gaps = catalogue_gaps(["fr"])
    # Then the check names it
    assert any(g.msgid == "A string no one has translated yet" for g in gaps)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_each_catalogue_is_compiled_and_used(language: str) -> None:
    assert po_path(language).with_suffix(".mo").exists()
    with translation.override(language):
        rendered = Template('{% load i18n %}{% translate "Your Style Story" %}').render(Context())
    assert rendered
    assert rendered != "Your Style Story"


# What a placeholder may hold that begins with a vowel: a name (Élise, Emi), a house, a
# city (Osaka), a piece. Dates, times, counts and sizes never need the article elided.
_NO_ELISION_NEEDED = {"date", "when", "day", "day_name", "time", "count", "counter", "size"}
_ELIDED_IN_FRENCH = re.compile(
    r"\b(que|de|le|la|ce|je|me|te|se|ne|jusque|lorsque|puisque) %\((\w+)\)s", re.IGNORECASE
)


def test_french_puts_no_elided_word_before_a_name() -> None:
    # French writes "qu’Élise", "d’Osaka": a translation that reads "que %(name)s" prints
    # "que Élise" for the house's first advisor. The French strings put names where
    # nothing elides ("Demander quelques idées à %(name)s", "… avec %(name)s").
    with po_path("fr").open("rb") as po:
        catalog = read_po(po)
    found = []
    for message in catalog:
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            for match in _ELIDED_IN_FRENCH.finditer(text or ""):
                if match[2] not in _NO_ELISION_NEEDED:
                    found.append(text)
    assert found == []
