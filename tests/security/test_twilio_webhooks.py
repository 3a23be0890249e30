"""Twilio webhooks run only for requests Twilio really signed."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from twilio.request_validator import RequestValidator

from core.twilio_webhooks import twilio_signature_required

TOKEN = "twilio-test-auth-token"
SITE = "https://atelier.example.com"
PATH = "/webhooks/twilio/sms/?boutique=paris"
PARAMS = {"From": "+33612345678", "Body": "STOP", "MessageSid": "SM123", "To": "+33100000000"}

received: list[dict[str, str]] = []


@twilio_signature_required
def inbound_sms(request):
    received.append(request.POST.dict())  # stands for "stored a message"
    return HttpResponse("<Response/>", content_type="text/xml")


@pytest.fixture(autouse=True)
def _twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = SITE
    received.clear()


def _post(params, signature=None):
    headers = {} if signature is None else {"HTTP_X_TWILIO_SIGNATURE": signature}
    return inbound_sms(RequestFactory().post(PATH, params, **headers))


def test_a_request_signed_by_twilio_runs_the_view():
    signature = RequestValidator(TOKEN).compute_signature(SITE + PATH, PARAMS)
    response = _post(PARAMS, signature)
    assert response.status_code == 200
    assert received == [PARAMS]


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "bm90IGEgc2lnbmF0dXJl",
        RequestValidator("another-token").compute_signature(SITE + PATH, PARAMS),
        RequestValidator(TOKEN).compute_signature("http://attacker.example" + PATH, PARAMS),
    ],
)
def test_unsigned_or_wrongly_signed_requests_get_403_and_store_nothing(signature):
    response = _post(PARAMS, signature)
    assert response.status_code == 403
    assert received == []


def test_a_tampered_body_fails_the_signature():
    signature = RequestValidator(TOKEN).compute_signature(SITE + PATH, PARAMS)
    response = _post({**PARAMS, "Body": "START"}, signature)
    assert response.status_code == 403
    assert received == []


def test_without_an_auth_token_everything_is_refused(settings):
    settings.TWILIO_AUTH_TOKEN = ""
    signature = RequestValidator("").compute_signature(SITE + PATH, PARAMS)
    assert _post(PARAMS, signature).status_code == 403
    assert received == []


def test_the_webhook_needs_no_csrf_token():
    assert getattr(inbound_sms, "csrf_exempt", False) is True
