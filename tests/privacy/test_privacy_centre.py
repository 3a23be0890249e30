"""The privacy centre: who may enter, what it shows, and changing tier and channels."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from consent import policy
from consent.forms import proof_text_for
from consent.models import ConsentRecord
from consent.services import access_log_record
from recommendations.models import LookbookStatus
from tests.factories.clients import InteractionFactory, OccasionFactory
from tests.factories.recommendations import LookbookFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("get", "/concierge/privacy/"),
    ("get", "/concierge/privacy/erase/"),
    ("post", "/concierge/privacy/consent/"),
    ("post", "/concierge/privacy/export/"),
]
STAFF_AND_OTHERS = [
    "owner",
    "colleague",
    "stylist_elsewhere",
    "manager",
    "manager_elsewhere",
    "head_office",
]


def test_the_client_sees_her_privacy_centre(cast):
    response = cast.http("client_user").get("/concierge/privacy/")
    assert response.status_code == 200
    body = response.content.decode()
    for tier_text in policy.TIER_DESCRIPTIONS.values():
        assert tier_text in body  # each tier in plain words
    assert "What we hold about you" in body
    assert "Who looked at your profile" in body
    assert 'name="tier" value="personal" checked' in body


@pytest.mark.parametrize(("method", "url"), PAGES)
@pytest.mark.parametrize("persona", STAFF_AND_OTHERS)
def test_staff_get_404_on_every_privacy_page(cast, persona, method, url):
    response = getattr(cast.http(persona), method)(url)
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(cast, method, url):
    response = getattr(cast.http("anonymous"), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_client_sees_only_her_own(cast):
    body = cast.http("other_client_user").get("/concierge/privacy/").content.decode()
    assert "Camille" not in body
    assert "Laurent" not in body


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/concierge/privacy/"),
        ("get", "/concierge/privacy/consent/"),
        ("get", "/concierge/privacy/export/"),
    ],
)
def test_wrong_method_is_405(cast, method, url):
    assert getattr(cast.http("client_user"), method)(url).status_code == 405


def test_query_count_does_not_grow_with_data(cast, django_assert_max_num_queries):
    http = cast.http("client_user")
    # session, user, client, consent, policy, advisor, export, one count per section (12),
    # access summary, and the navigation's two profile look-ups: 21 today.
    with django_assert_max_num_queries(25) as few:
        http.get("/concierge/privacy/")
    for _ in range(15):
        InteractionFactory(client=cast.client)
        OccasionFactory(client=cast.client)
        LookbookFactory(client=cast.client)
        access_log_record(actor=cast.owner.user, client=cast.client, action="viewed_story")
        access_log_record(actor=cast.manager.user, client=cast.client, action="viewed_notes")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = http.get("/concierge/privacy/")
    assert response.status_code == 200


def test_changing_tier_and_channels_records_the_words_shown(cast):
    http = cast.http("client_user")
    page = http.get("/concierge/privacy/").content.decode()
    response = http.post(
        "/concierge/privacy/consent/", {"tier": "bespoke", "channels": ["email", "sms"]}
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.filter(client=cast.client).order_by("-recorded_at", "-id")[0]
    assert record.tier == "bespoke"
    assert (record.email, record.sms, record.whatsapp, record.phone) == (True, True, False, False)
    assert record.source == "concierge"
    assert record.recorded_by == cast.client.user
    assert record.proof_text == proof_text_for("bespoke", ["email", "sms"], cast.policy)
    # The proof holds the very words the page showed
    assert policy.TIER_DESCRIPTIONS["bespoke"] in page
    assert policy.TIER_DESCRIPTIONS["bespoke"] in record.proof_text


def test_lowering_the_tier_here_takes_effect_at_once(cast):
    draft = LookbookFactory(client=cast.client, data_basis={"kinds": ["purchases"]})
    cast.http("client_user").post("/concierge/privacy/consent/", {"tier": "essential"})
    state = policy.current_consent(cast.client)
    assert state.tier == "essential"
    assert state.channels == frozenset()
    draft.refresh_from_db()
    assert draft.status == LookbookStatus.WITHDRAWN


def test_a_bad_choice_changes_nothing(cast):
    before = ConsentRecord.objects.filter(client=cast.client).count()
    cast.http("client_user").post("/concierge/privacy/consent/", {"tier": "platinum"})
    cast.http("client_user").post(
        "/concierge/privacy/consent/", {"tier": "personal", "channels": ["pigeon"]}
    )
    assert ConsentRecord.objects.filter(client=cast.client).count() == before


def test_the_client_sees_who_looked_at_her_profile(cast):
    access_log_record(actor=cast.owner.user, client=cast.client, action="viewed_story")
    access_log_record(actor=cast.head_office.user, client=cast.client, action="viewed_notes")
    body = cast.http("client_user").get("/concierge/privacy/").content.decode()
    assert "Your advisor Élise viewed your profile on" in body
    assert "Head office (" in body
    assert "read the notes kept for you" in body


def test_forms_need_the_csrf_token(cast):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(cast.client.user)
    assert http.post("/concierge/privacy/consent/", {"tier": "bespoke"}).status_code == 403
    assert http.post("/concierge/privacy/export/").status_code == 403
    assert http.post("/concierge/privacy/erase/", {"confirm": "ERASE"}).status_code == 403


def test_the_erase_page_asks_for_typed_confirmation(cast):
    body = cast.http("client_user").get("/concierge/privacy/erase/").content.decode()
    assert "Type ERASE to confirm" in body
    assert "Kept without your name" in body


@pytest.mark.parametrize(
    ("language", "held"),
    [
        ("fr", ["Votre profil", "Coordonnées et identifiants", "Commandes"]),
        ("ja", ["お客様のプロフィール", "連絡先と識別番号", "ご注文"]),
    ],
)
def test_what_the_house_holds_is_listed_in_her_language(cast, language, held):
    # The list of what is held about her was in English on every page; each section of it
    # is now a string of the catalogues, read in her language
    cast.client.preferred_language = language
    cast.client.save(update_fields=["preferred_language"])
    body = cast.http("client_user").get("/concierge/privacy/").content.decode()
    for label in held:
        assert label in body
    assert "Contact details and identifiers" not in body
    assert "Pieces you viewed, saved or reacted to" not in body


def test_the_archive_is_written_in_the_houses_language_as_plain_text(cast):
    # The labels are lazy translations; the archive (JSON) holds them as text, in the
    # house's language like its readable summary, whatever language is active around it
    import json

    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils import translation

    from consent.services.exports import privacy_archive

    with translation.override("ja"):
        archive = privacy_archive(cast.client)
    text = json.dumps(archive, cls=DjangoJSONEncoder)
    assert '"label": "Contact details and identifiers"' in text
