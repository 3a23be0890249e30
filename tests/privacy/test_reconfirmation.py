"""A new policy version asking for re-confirmation: banner, paused outreach, confirming again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import Client
from consent import policy
from consent.policy import Channel, MessageKind
from consent.services import consent_record, policy_version_publish
from tests.factories.consent import PolicyVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_policy(cast):
    """Given the cast consented under 2026.1, head office publishes 2027.1 asking again."""
    return policy_version_publish(
        version="2027.1",
        summary="We now also keep video consultation notes.",
        requires_reconfirmation=True,
    )


def test_consent_under_an_older_policy_is_flagged(cast, new_policy):
    state = policy.current_consent(cast.client)
    assert state.reconfirmation_due
    assert policy.needs_reconfirmation(state, new_policy)
    assert policy.current_consents([cast.client.pk])[cast.client.pk] == state


def test_proactive_outreach_pauses_while_service_continues(cast, new_policy):
    consent_state = policy.current_consent(cast.client)
    assert consent_state.tier == "personal"
    assert "email" in consent_state.channels
    proactive = policy.may_contact(cast.client, Channel.EMAIL, MessageKind.PROACTIVE)
    assert not proactive
    assert "new privacy policy" in proactive.reason
    assert policy.may_contact(cast.client, Channel.EMAIL, MessageKind.SERVICE)
    # Existing consent stays valid for using data to serve her
    assert policy.may_use(cast.client, policy.DataKind.PURCHASES, policy.Purpose.PERSONALISATION)
    reachable = policy.filter_clients_reachable(
        Client.objects.all(), Channel.EMAIL, MessageKind.PROACTIVE
    )
    assert not reachable.exists()
    service = policy.filter_clients_reachable(
        Client.objects.all(), Channel.EMAIL, MessageKind.SERVICE
    )
    assert cast.client in service


def test_confirming_in_the_privacy_centre_resumes_outreach(cast, new_policy):
    http = cast.http("client_user")
    page = http.get("/concierge/privacy/").content.decode()
    assert "Our privacy policy has changed" in page
    assert "Confirm my choices" in page
    http.post("/concierge/privacy/consent/", {"tier": "personal", "channels": ["email"]})
    state = policy.current_consent(cast.client)
    assert state.policy_version == "2027.1"
    assert not state.reconfirmation_due
    assert policy.may_contact(cast.client, Channel.EMAIL, MessageKind.PROACTIVE)
    assert cast.client in policy.filter_clients_reachable(
        Client.objects.all(), Channel.EMAIL, MessageKind.PROACTIVE
    )
    assert "Our privacy policy has changed" not in http.get("/concierge/privacy/").content.decode()


def test_a_version_not_asking_again_changes_nothing(cast):
    policy_version_publish(version="2026.2", summary="Typo fixes.")
    state = policy.current_consent(cast.client)
    assert not state.reconfirmation_due
    assert policy.may_contact(cast.client, Channel.EMAIL, MessageKind.PROACTIVE)


def test_a_later_minor_version_does_not_waive_an_earlier_reconfirmation(cast, new_policy):
    PolicyVersionFactory(version="2027.2", published_at=timezone.now() + dt.timedelta(minutes=1))
    assert policy.current_consent(cast.client).reconfirmation_due


def test_the_banner_is_available_to_every_concierge_page(cast, new_policy, rf):
    from consent.context_processors import privacy

    request = rf.get("/concierge/")
    request.user = cast.client.user
    assert bool(privacy(request)["privacy_reconfirmation_due"]) is True
    request.user = cast.owner.user
    assert bool(privacy(request)["privacy_reconfirmation_due"]) is False


def test_the_context_flag_costs_nothing_unless_used(
    cast, new_policy, rf, django_assert_num_queries
):
    from consent.context_processors import privacy

    request = rf.get("/concierge/")
    request.user = cast.client.user
    with django_assert_num_queries(0):
        privacy(request)


def test_consent_recorded_by_staff_under_the_new_version_clears_it(cast, new_policy):
    consent_record(
        client=cast.client,
        tier="personal",
        channels=["email"],
        source="boutique",
        proof_text="Confirmed in boutique.",
        recorded_by=cast.owner.user,
    )
    assert not policy.current_consent(cast.client).reconfirmation_due
