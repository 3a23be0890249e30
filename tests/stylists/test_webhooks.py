"""Twilio webhooks: signed requests only, status callbacks, inbound SMS and STOP, bad payloads."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from twilio.request_validator import RequestValidator

from consent import policy
from consent.models import ConsentTier
from stylists.models import Message, MessageStatus
from tests.stylists.conftest import consent

pytestmark = pytest.mark.django_db

TOKEN = "twilio-test-auth-token"
SITE = "https://atelier.example.com"


@pytest.fixture(autouse=True)
def _twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = SITE


def signed_post(path: str, data: dict[str, str], *, token: str = TOKEN):
    signature = RequestValidator(token).compute_signature(f"{SITE}{path}", data)
    return HttpClient().post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def sent(cast):
    return Message.objects.create(
        client=cast.client,
        stylist=cast.owner,
        direction="out",
        channel="sms",
        body="Ready.",
        status=MessageStatus.SENT,
        provider_sid="SM" + "1" * 32,
        created_at=cast.client.created_at,
    )


def test_a_status_callback_moves_the_message_forwards_only(cast, sent):
    path = f"/webhooks/twilio/status/?m={sent.public_id}"
    ok = signed_post(path, {"MessageSid": sent.provider_sid, "MessageStatus": "delivered"})
    assert ok.status_code == 200
    assert ok.content == b"Updated."
    late = signed_post(path, {"MessageSid": sent.provider_sid, "MessageStatus": "sent"})
    assert late.status_code == 200
    assert late.content == b"Unchanged."
    sent.refresh_from_db()
    assert sent.status == MessageStatus.DELIVERED


def test_an_unsigned_or_badly_signed_callback_is_403_and_changes_nothing(cast, sent):
    path = "/webhooks/twilio/status/"
    data = {"MessageSid": sent.provider_sid, "MessageStatus": "failed"}
    assert HttpClient().post(path, data).status_code == 403
    assert signed_post(path, data, token="someone-else").status_code == 403
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT


@pytest.mark.parametrize(
    ("data", "query", "message"),
    [
        ({"MessageSid": "SMx"}, "", b"MessageStatus is missing."),
        ({"MessageStatus": "delivered"}, "", b"MessageSid is missing."),
        ({"MessageSid": "SMx", "MessageStatus": "teleported"}, "", b"Unknown message status"),
        ({"MessageSid": "SMx", "MessageStatus": "sent"}, "?m=not-a-uuid", b"not valid"),
    ],
)
def test_bad_status_payloads_are_400_with_a_clear_message(cast, data, query, message):
    response = signed_post(f"/webhooks/twilio/status/{query}", data)
    assert response.status_code == 400
    assert message in response.content


def test_a_callback_for_an_unknown_message_is_404(cast):
    response = signed_post(
        "/webhooks/twilio/status/", {"MessageSid": "SMnobody", "MessageStatus": "sent"}
    )
    assert response.status_code == 404


def test_inbound_stop_revokes_sms_consent(cast):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True, sms=True)
    response = signed_post(
        "/webhooks/twilio/inbound/", {"From": "+33612345678", "Body": "STOP", "MessageSid": "SMin1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert "sms" not in policy.current_consent(cast.client).channels


def test_an_inbound_reply_reaches_the_advisor(cast):
    signed_post(
        "/webhooks/twilio/inbound/",
        {"From": "+33612345678", "Body": "Merci !", "MessageSid": "SMin2"},
    )
    message = Message.objects.get()
    assert (message.direction, message.body, message.stylist) == ("in", "Merci !", cast.owner)
    assert message.provider_sid == "SMin2"


@pytest.mark.parametrize(
    ("data", "message"),
    [({"Body": "Hi"}, b"From is missing."), ({"From": "+33612345678"}, b"Body is empty.")],
)
def test_bad_inbound_payloads_are_400(cast, data, message):
    response = signed_post("/webhooks/twilio/inbound/", data)
    assert response.status_code == 400
    assert response.content == message


def test_webhooks_are_post_only(cast):
    for path in ("/webhooks/twilio/status/", "/webhooks/twilio/inbound/"):
        assert HttpClient().get(path).status_code == 405
