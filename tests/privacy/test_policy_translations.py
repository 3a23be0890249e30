"""The privacy policy in the client's own language, where the house has published it.

A client reading the concierge in German was shown the policy in English. Each policy
version may now have translations (published once, never edited: consents quote them);
the privacy centre shows hers, or the original with a word that it is not yet in her
language, and her consent's proof quotes the words she was shown.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from consent.admin import PolicyTranslationInline
from consent.models import ConsentRecord, PolicyTranslation
from consent.selectors import policy_wording
from consent.services import policy_translation_publish, policy_version_publish
from tests.factories.security import otp_verify

pytestmark = pytest.mark.django_db

GERMAN = "Maison Verlaine verwendet, was Sie uns anvertrauen, nur so, wie Sie es wählen."
PORTUGUESE = "A Maison Verlaine utiliza o que partilha connosco apenas como escolher."
SIMPLIFIED = "Maison Verlaine 仅按照您的选择使用您与我们分享的信息。"


@pytest.fixture
def version():
    version = policy_version_publish(
        version="2027.1", summary="Maison Verlaine uses what you share only as you choose."
    )
    for language, summary in (("de", GERMAN), ("pt", PORTUGUESE), ("zh-hans", SIMPLIFIED)):
        policy_translation_publish(policy_version=version, language=language, summary=summary)
    return version


def test_a_reader_gets_her_language_s_words(version, django_assert_num_queries):
    with django_assert_num_queries(1):
        wording = policy_wording(version, "de")
    assert (wording.summary, wording.language, wording.in_reader_language) == (GERMAN, "de", True)


def test_a_regional_reader_gets_the_language_s_words(version):
    wording = policy_wording(version, "pt-br")
    assert (wording.summary, wording.language, wording.in_reader_language) == (
        PORTUGUESE,
        "pt",
        True,
    )


def test_traditional_chinese_is_never_given_simplified(version):
    wording = policy_wording(version, "zh-hant")
    assert wording.summary == version.summary
    assert wording.language == "en"
    assert not wording.in_reader_language


def test_the_original_s_own_readers_cost_no_query(version, django_assert_num_queries):
    with django_assert_num_queries(0):
        wording = policy_wording(version, "en")
    assert (wording.summary, wording.in_reader_language) == (version.summary, True)


def test_a_language_not_yet_translated_gets_the_original_said_so(version):
    wording = policy_wording(version, "ko")
    assert (wording.summary, wording.language, wording.in_reader_language) == (
        version.summary,
        "en",
        False,
    )


def test_a_translation_is_published_once_per_language(version):
    with pytest.raises(ValidationError):
        policy_translation_publish(policy_version=version, language="de", summary="Anders.")
    with pytest.raises(ValidationError, match="written in this language"):
        policy_translation_publish(policy_version=version, language="en", summary="Again.")
    with pytest.raises(ValidationError):
        policy_translation_publish(policy_version=version, language="xx", summary="?")
    assert PolicyTranslation.objects.filter(policy_version=version).count() == 3


def _reading(cast, language):
    cast.client.preferred_language = language
    cast.client.save(update_fields=["preferred_language"])
    return cast.http("client_user")


def test_the_privacy_centre_shows_a_german_client_the_german_words(cast, version):
    page = _reading(cast, "de").get("/concierge/privacy/").content.decode()

    assert f'<span lang="de">{GERMAN}</span>' in page
    assert version.summary not in page
    assert "data-policy-untranslated" not in page


def test_a_client_whose_language_waits_reads_the_original_and_is_told(cast, version):
    page = _reading(cast, "ko").get("/concierge/privacy/").content.decode()

    assert f'<span lang="en">{version.summary}</span>' in page
    # In Korean, naming the original's language in Korean
    assert "개인정보 처리방침이 아직 고객님의 언어로 준비되지 않았습니다. 영어(으)로" in page


def test_her_consent_quotes_the_words_she_was_shown(cast, version):
    http = _reading(cast, "de")
    http.get("/concierge/privacy/")
    http.post("/concierge/privacy/consent/", {"tier": "personal", "channels": ["email"]})

    record = ConsentRecord.objects.filter(client=cast.client).order_by("-recorded_at", "-id")[0]
    assert GERMAN in record.proof_text
    assert version.summary not in record.proof_text


def test_the_admin_adds_a_translation_and_can_never_change_one(cast, version, admin_user):
    http = cast.http("anonymous")
    http.force_login(admin_user)
    otp_verify(http, admin_user)
    url = f"/admin/consent/policyversion/{version.pk}/change/"
    form = {
        "translations-TOTAL_FORMS": "4",
        "translations-INITIAL_FORMS": "3",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        **{
            f"translations-{n}-id": str(t.pk)
            for n, t in enumerate(version.translations.order_by("pk"))
        },
        **{f"translations-{n}-policy_version": str(version.pk) for n in range(4)},
        "translations-3-language": "it",
        "translations-3-summary": "Maison Verlaine utilizza ciò che condivide solo come sceglie.",
        "translations-3-full_text": "",
    }

    response = http.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert policy_wording(version, "it").summary.startswith("Maison Verlaine utilizza")
    request = RequestFactory().get(url)
    request.user = admin_user
    inline = PolicyTranslationInline(version.__class__, site)
    assert not inline.has_change_permission(request, version)
    assert not inline.has_delete_permission(request, version)
