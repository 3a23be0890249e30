"""Twilio webhooks are idempotent (issue 15, item 5): a replayed MessageSid is one message.

Twilio retries a webhook it did not see answered, with the same MessageSid.
The concurrent cases need real row locks and a unique index under two
connections: they run on PostgreSQL (DATABASE_URL=postgres://...) and skip on
SQLite, which serialises writers anyway.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client as HttpClient
from twilio.request_validator import RequestValidator

from consent import policy
from consent.models import ConsentRecord, ConsentTier
from stylists.models import Message, MessageStatus, WebhookReceipt
from tests.stylists.conftest import consent

TOKEN = "twilio-test-auth-token"
SITE = "https://atelier.example.com"
INBOUND = "/webhooks/twilio/inbound/"


@pytest.fixture(autouse=True)
def _twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = SITE


def signed_post(path: str, data: dict[str, str]) -> Any:
    signature = RequestValidator(TOKEN).compute_signature(f"{SITE}{path}", data)
    return HttpClient().post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)


def _concurrently(times: int, call: Any) -> list[Any]:
    results: list[Any] = []
    barrier = threading.Barrier(times)

    def run() -> None:
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            results.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency needs PostgreSQL (set DATABASE_URL)"
)


@pytest.mark.django_db
def test_a_replayed_inbound_message_is_stored_and_notified_once(cast, monkeypatch):
    told: list[int] = []
    monkeypatch.setattr(
        "stylists.services.messaging.inbound.live_message_publish",
        lambda *, message, stylist: told.append(message.pk),
    )
    data = {"From": "+33612345678", "Body": "Merci !", "MessageSid": "SMreplay1"}
    first = signed_post(INBOUND, data)
    again = signed_post(INBOUND, data)
    assert first.status_code == again.status_code == 200
    assert Message.objects.filter(provider_sid="SMreplay1").count() == 1
    assert len(told) == 1
    assert WebhookReceipt.objects.filter(provider_sid="SMreplay1").count() == 1


@pytest.mark.django_db
def test_a_replayed_stop_writes_one_consent_change(cast):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True, sms=True)
    before = ConsentRecord.objects.filter(client=cast.client).count()
    data = {"From": "+33612345678", "Body": "STOP", "MessageSid": "SMstop1"}
    signed_post(INBOUND, data)
    signed_post(INBOUND, data)
    assert ConsentRecord.objects.filter(client=cast.client).count() == before + 1
    assert "sms" not in policy.current_consent(cast.client).channels


@pytest.mark.django_db
def test_a_second_stop_for_a_withdrawn_channel_writes_nothing(cast):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True, sms=True)
    before = ConsentRecord.objects.filter(client=cast.client).count()
    signed_post(INBOUND, {"From": "+33612345678", "Body": "STOP", "MessageSid": "SMstopA"})
    signed_post(INBOUND, {"From": "+33612345678", "Body": "stop", "MessageSid": "SMstopB"})
    assert ConsentRecord.objects.filter(client=cast.client).count() == before + 1


@pytest.mark.django_db
def test_a_replayed_status_callback_changes_nothing_the_second_time(cast):
    sent = Message.objects.create(
        client=cast.client,
        stylist=cast.owner,
        direction="out",
        channel="sms",
        body="Ready.",
        status=MessageStatus.SENT,
        provider_sid="SM" + "2" * 32,
        created_at=cast.client.created_at,
    )
    path = f"/webhooks/twilio/status/?m={sent.public_id}"
    data = {"MessageSid": sent.provider_sid, "MessageStatus": "delivered"}
    assert signed_post(path, data).content == b"Updated."
    sent.refresh_from_db()
    delivered_at = sent.delivered_at
    assert signed_post(path, data).content == b"Unchanged."
    sent.refresh_from_db()
    assert sent.delivered_at == delivered_at


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_message_sid_arriving_twice_at_once_is_one_message(cast):
    data = {"From": "+33612345678", "Body": "Merci !", "MessageSid": "SMrace1"}
    statuses = _concurrently(4, lambda: signed_post(INBOUND, data).status_code)
    assert statuses == [200, 200, 200, 200]
    assert Message.objects.filter(provider_sid="SMrace1").count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_stops_write_one_consent_row(cast):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True, sms=True)
    before = ConsentRecord.objects.filter(client=cast.client).count()
    sids = iter([f"SMstopRace{i}" for i in range(4)])
    lock = threading.Lock()

    def stop() -> int:
        with lock:
            sid = next(sids)
        data = {"From": "+33612345678", "Body": "STOP", "MessageSid": sid}
        return int(signed_post(INBOUND, data).status_code)

    assert _concurrently(4, stop) == [200, 200, 200, 200]
    assert ConsentRecord.objects.filter(client=cast.client).count() == before + 1
    assert "sms" not in policy.current_consent(cast.client).channels
