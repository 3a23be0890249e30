"""The concierge speaks of her advisor in the advisor's grammatical gender (core.grammar)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from clienteling.catalogues import extract_messages, names_an_advisor
from core.grammar import ADVISOR_MASCULINE, advisor_wording
from stylists.models import GrammaticalGender

pytestmark = pytest.mark.django_db


def _home(cast: Any, language: str, gender: str) -> str:
    cast.client.preferred_language = language
    cast.client.save(update_fields=["preferred_language"])
    cast.owner.grammatical_gender = gender
    cast.owner.save(update_fields=["grammatical_gender"])
    return cast.http("client_user").get("/concierge/messages/").content.decode()


@pytest.mark.parametrize(
    ("language", "feminine", "masculine"),
    [
        ("fr", "Votre conseillère", "Votre conseiller"),
        ("de", "Ihre Beraterin", "Ihr Berater"),
        ("it", "La Sua consulente", "Il Suo consulente"),
        ("es", "asesora", "asesor"),
        ("pt", "consultora", "consultor"),
        ("ar", "مستشارتكم", "مستشاركم"),
    ],
)
def test_her_pages_speak_of_her_advisor_in_his_or_her_gender(
    cast: Any, language: str, feminine: str, masculine: str
) -> None:
    as_she = _home(cast, language, GrammaticalGender.FEMININE)
    assert feminine in as_she

    as_he = _home(cast, language, GrammaticalGender.MASCULINE)
    assert masculine in as_he
    assert feminine not in as_he


def test_a_client_with_no_advisor_reads_the_sentences_as_written(cast: Any) -> None:
    cast.owner.grammatical_gender = GrammaticalGender.MASCULINE
    cast.owner.save(update_fields=["grammatical_gender"])
    cast.client.book_assignments.update(ended_at="2026-01-01T00:00:00Z")
    cast.client.preferred_language = "fr"
    cast.client.save(update_fields=["preferred_language"])
    html = cast.http("client_user").get("/concierge/messages/").content.decode()
    assert "conseiller vous" not in html


def test_the_wording_ends_with_the_block_and_leaves_other_sentences_alone() -> None:
    with translation.override("fr"):
        with advisor_wording("masculine"):
            assert translation.gettext("Your advisor") == "Votre conseiller"
            # A twin, and a sentence with a context of its own (no twin).
            assert translation.gettext("Ask my advisor") == "Demander à mon conseiller"
            assert translation.pgettext("form of address", "Ms %(last_name)s") == (
                "Madame %(last_name)s"
            )
            assert translation.get_language() == "fr"
        assert translation.gettext("Your advisor") == "Votre conseillère"
        with advisor_wording("feminine"):
            assert translation.gettext("Your advisor") == "Votre conseillère"


def test_plural_sentences_with_no_twin_are_translated_as_written() -> None:
    with translation.override("fr"), advisor_wording("masculine"):
        one = "%(counter)s new message"
        assert translation.ngettext(one, "%(counter)s new messages", 2) == (
            "%(counter)s nouveaux messages"
        )


def test_every_sentence_naming_an_advisor_has_a_masculine_twin_to_translate() -> None:
    catalog = extract_messages()
    named = {m.id for m in catalog if m.context is None and m.id and names_an_advisor(m.id)}
    twins = {m.id for m in catalog if m.context == ADVISOR_MASCULINE}
    assert named
    assert named == twins
