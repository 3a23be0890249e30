"""Messaging services: consent, the frequency guard, quiet hours, delivery, callbacks, inbound."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery import current_app
from django.core import mail
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent import policy
from consent.models import ConsentTier
from core import tasks as core_tasks
from stylists.messaging_backends import TransientDeliveryError, TwilioBackend
from stylists.models import FollowUp, FollowUpKind, FollowUpStatus, Message, MessageStatus
from stylists.services import (
    MessageBlocked,
    inbound_sms,
    message_deliver,
    message_from_client,
    message_mark_read,
    message_send,
    message_status_update,
)
from stylists.services.messaging import messages_redeliver
from tests.factories.clients import ClientFactory
from tests.stylists.conftest import consent

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# A Monday afternoon in Paris: outside everyone's quiet hours in Europe.
AFTERNOON = dt.datetime(2026, 11, 23, 15, 0, tzinfo=PARIS)


def send(cast, *, deliver=True, **overrides):
    """message_send as the owner, running (or not) what it leaves for after the commit."""
    values = {
        "client": cast.client,
        "stylist": cast.owner,
        "channel": "email",
        "kind": "proactive",
        "body": "Bonjour Camille, the new season is here.",
        "subject": "The new season",
        "sent_by": cast.owner.user,
    }
    values.update(overrides)
    with TestCase.captureOnCommitCallbacks(execute=deliver):
        return message_send(**values)


# --- Consent -------------------------------------------------------------------------------


@time_machine.travel(AFTERNOON, tick=False)
def test_a_message_on_an_allowed_channel_is_stored_and_delivered(cast):
    # Given Camille (Personal) who allows e-mail
    # When her advisor writes to her by e-mail
    message = send(cast)
    # Then the message is stored, handed to the e-mail backend and marked sent
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.sent_at == timezone.now()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille.laurent@example.com"]
    # And the house's last contact with her is now
    cast.client.refresh_from_db()
    assert cast.client.last_contact_at == timezone.now()


@time_machine.travel(AFTERNOON, tick=False)
def test_a_channel_the_client_has_not_allowed_is_refused_and_nothing_stored(cast):
    # Given Camille has not allowed SMS
    # When her advisor tries to text her
    with pytest.raises(MessageBlocked) as refused:
        send(cast, channel="sms")
    # Then the refusal says why, in her name, and nothing was stored
    assert refused.value.code == "consent"
    assert refused.value.reason == "Camille has not allowed SMS."
    assert not Message.objects.exists()
    assert len(mail.outbox) == 0


@time_machine.travel(AFTERNOON, tick=False)
def test_proactive_outreach_to_an_essential_client_is_refused(cast):
    # Given Camille chose Essential, with e-mail allowed
    consent(cast, cast.client, ConsentTier.ESSENTIAL, email=True)
    # When her advisor reaches out first
    with pytest.raises(MessageBlocked) as refused:
        send(cast)
    # Then it is refused (the house never reaches out first) and nothing stored
    assert refused.value.code == "consent"
    assert "may not reach out first" in refused.value.reason
    assert not Message.objects.exists()
    # But a service message (an answer) on the same channel goes
    assert send(cast, kind="service").pk


@time_machine.travel(AFTERNOON, tick=False)
def test_the_concierge_always_carries_service_messages(cast):
    consent(cast, cast.client, ConsentTier.ESSENTIAL)  # no channel at all
    message = send(cast, channel="concierge", kind="service")
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED  # it is in her Style Story inbox
    assert message.subject == ""  # subjects are for e-mail


@time_machine.travel(AFTERNOON, tick=False)
def test_no_address_on_file_is_a_clear_refusal(cast):
    consent(cast, cast.other_client, ConsentTier.PERSONAL, email=True)
    with pytest.raises(MessageBlocked) as refused:
        send(cast, client=cast.other_client)
    assert refused.value.code == "no_address"
    assert refused.value.reason == "We have no e-mail address for Inès."


@time_machine.travel(AFTERNOON, tick=False)
def test_unknown_channel_or_kind_or_empty_body_are_validation_errors(cast):
    from django.core.exceptions import ValidationError

    for bad in ({"channel": "pigeon"}, {"kind": "spam"}, {"body": "   "}):
        with pytest.raises(ValidationError):
            send(cast, **bad)


# --- The frequency guard ------------------------------------------------------------------


def test_one_proactive_message_per_seven_days_across_channels(cast):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True, sms=True)
    # Given a proactive e-mail on Friday 20 November
    with time_machine.travel(dt.datetime(2026, 11, 20, 11, 0, tzinfo=PARIS), tick=False):
        send(cast)
    # When her advisor tries a proactive SMS on Monday 23 November
    with time_machine.travel(AFTERNOON, tick=False), pytest.raises(MessageBlocked) as refused:
        send(cast, channel="sms")
    # Then the guard says when the house last wrote and when it may again
    assert refused.value.code == "frequency"
    assert refused.value.reason == (
        "Camille had a message from the house 3 days ago; the next proactive message is "
        "possible from 27 November."
    )
    assert Message.objects.count() == 1
    # And a service message is not held back
    with time_machine.travel(AFTERNOON, tick=False):
        assert send(cast, channel="sms", kind="service").pk
    # And seven days later the proactive message may go
    with time_machine.travel(dt.datetime(2026, 11, 27, 11, 30, tzinfo=PARIS), tick=False):
        assert send(cast, channel="sms").pk


def test_failed_or_blocked_messages_do_not_count_against_the_guard(cast):
    with time_machine.travel(dt.datetime(2026, 11, 20, 11, 0, tzinfo=PARIS), tick=False):
        first = send(cast)
    Message.objects.filter(pk=first.pk).update(status=MessageStatus.FAILED)
    with time_machine.travel(AFTERNOON, tick=False):
        assert send(cast).pk


@override_settings(FREQUENCY_GUARD_DAYS=2)
def test_the_guard_window_is_configurable(cast):
    with time_machine.travel(dt.datetime(2026, 11, 20, 11, 0, tzinfo=PARIS), tick=False):
        send(cast)
    with time_machine.travel(AFTERNOON, tick=False):
        assert send(cast).pk


@pytest.mark.parametrize(
    ("zone", "local", "blocked"),
    [
        (
            "Asia/Tokyo",
            dt.datetime(2026, 11, 23, 22, 40),
            "It is 22:40 in Tokyo; quiet hours until 09:00.",
        ),
        (
            "Asia/Tokyo",
            dt.datetime(2026, 11, 23, 8, 59),
            "It is 08:59 in Tokyo; quiet hours until 09:00.",
        ),
        ("Asia/Tokyo", dt.datetime(2026, 11, 23, 9, 0), None),
        (
            "America/New_York",
            dt.datetime(2026, 11, 23, 21, 5),
            "It is 21:05 in New York; quiet hours until 09:00.",
        ),
        ("Europe/Paris", dt.datetime(2026, 11, 23, 20, 59), None),
    ],
)
def test_quiet_hours_follow_the_clients_own_time_zone(cast, zone, local, blocked):
    # Given Camille lives in `zone` for now
    cast.client.timezone = zone
    cast.client.save(update_fields=["timezone"])
    # When her advisor (in Paris) reaches out at `local` in her time zone
    moment = local.replace(tzinfo=ZoneInfo(zone))
    with time_machine.travel(moment, tick=False):
        if blocked is None:
            assert send(cast).pk
            return
        with pytest.raises(MessageBlocked) as refused:
            send(cast)
    # Then quiet hours hold the proactive message, with the local time in words
    assert refused.value.code == "quiet_hours"
    assert refused.value.reason == blocked


def test_quiet_hours_use_the_home_boutique_when_the_client_has_no_time_zone(cast):
    # 22:30 in Paris (her boutique's zone) is quiet; a service message still goes
    with time_machine.travel(dt.datetime(2026, 11, 23, 22, 30, tzinfo=PARIS), tick=False):
        with pytest.raises(MessageBlocked, match="It is 22:30 in Paris"):
            send(cast)
        assert send(cast, kind="service").pk


@override_settings(QUIET_HOURS=None)
def test_quiet_hours_can_be_switched_off(cast):
    with time_machine.travel(dt.datetime(2026, 11, 23, 23, 30, tzinfo=PARIS), tick=False):
        assert send(cast).pk


@time_machine.travel(AFTERNOON, tick=False)
def test_reaching_out_answers_a_lapsing_follow_up(cast):
    follow_up = FollowUp.objects.create(
        stylist=cast.owner,
        client=cast.client,
        kind=FollowUpKind.LAPSING,
        due_on=timezone.localdate(),
        dedupe_key="lapsing:test",
    )
    send(cast)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE


# --- Delivery -------------------------------------------------------------------------------


@time_machine.travel(AFTERNOON, tick=False)
def test_delivery_claims_the_message_once(cast):
    # Given a queued message (its on-commit hand-off not run yet)
    message = send(cast, deliver=False)
    # When delivery runs twice (a retry, or two workers)
    first = message_deliver(message_id=message.pk)
    second = message_deliver(message_id=message.pk)
    # Then it went out once
    assert first is not None
    assert first.status == MessageStatus.SENT
    assert second is None
    assert len(mail.outbox) == 1


@time_machine.travel(AFTERNOON, tick=False)
def test_delivery_is_handed_over_by_name_after_the_commit(cast, monkeypatch):
    # Given the hand-off to Celery recorded instead of run
    handed_off = []
    monkeypatch.setattr(
        core_tasks, "enqueue", lambda name, *args, **kwargs: handed_off.append((name, args))
    )
    # When a message is sent, before its transaction commits: nothing is handed over
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        message = message_send(
            client=cast.client,
            stylist=cast.owner,
            channel="email",
            kind="proactive",
            body="Bonjour Camille.",
            sent_by=cast.owner.user,
        )
    assert handed_off == []
    # Then on commit: the delivery task, by its registered name, with the message id only
    for callback in callbacks:
        callback()
    assert handed_off == [("stylists.tasks.deliver_message", (message.pk,))]
    assert "stylists.tasks.deliver_message" in current_app.tasks


@time_machine.travel(AFTERNOON, tick=False)
def test_a_consent_decided_by_the_caller_is_not_read_again(cast):
    # Given her advisor's flow already decided Camille's consent (Personal, e-mail)
    decided = policy.consent_decision(cast.client)
    # When it sends with that decision: no query reads her consent records
    with CaptureQueriesContext(connection) as queries:
        send(cast, deliver=False, consent=decided)
    assert not [q for q in queries.captured_queries if "consent_consentrecord" in q["sql"]]
    assert Message.objects.filter(client=cast.client).count() == 1
    # And a decision about another client is a programming error, refused before anything
    with pytest.raises(ValueError, match="another client"):
        send(cast, client=cast.other_client, deliver=False, consent=decided)


@time_machine.travel(AFTERNOON, tick=False)
def test_consent_withdrawn_before_delivery_blocks_the_stored_message(cast):
    message = send(cast, deliver=False)
    consent(cast, cast.client, ConsentTier.PERSONAL)  # e-mail withdrawn meanwhile
    delivered = message_deliver(message_id=message.pk)
    assert delivered.status == MessageStatus.BLOCKED
    assert delivered.status_detail == "Camille has not allowed e-mail."
    assert len(mail.outbox) == 0


class FakeTwilio:
    """twilio.rest.Client at the boundary: records calls, returns a sid or raises."""

    calls: list[dict] = []
    error: Exception | None = None

    def __init__(self, sid, token):
        self.messages = self

    def create(self, **kwargs):
        FakeTwilio.calls.append(kwargs)
        if FakeTwilio.error is not None:
            raise FakeTwilio.error
        return SimpleNamespace(sid="SM" + "a" * 32, status="queued")


@pytest.fixture
def twilio(monkeypatch, settings):
    settings.MESSAGING_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = "test-token"
    settings.TWILIO_SMS_FROM = "+33700000000"
    settings.TWILIO_WHATSAPP_FROM = "+33700000001"
    settings.SITE_URL = "https://atelier.example.com"
    FakeTwilio.calls, FakeTwilio.error = [], None
    monkeypatch.setattr("twilio.rest.Client", FakeTwilio)
    return FakeTwilio


@time_machine.travel(AFTERNOON, tick=False)
def test_sms_and_whatsapp_go_through_twilio_with_a_status_callback(cast, twilio):
    consent(cast, cast.client, ConsentTier.PERSONAL, sms=True, whatsapp=True)
    sms = send(cast, channel="sms", kind="service", body="Your alteration is ready.")
    whatsapp = send(cast, channel="whatsapp", kind="service", body="See you at 4.")
    sms.refresh_from_db()
    whatsapp.refresh_from_db()
    assert [c["to"] for c in twilio.calls] == ["+33612345678", "whatsapp:+33612345678"]
    assert [c["from_"] for c in twilio.calls] == ["+33700000000", "whatsapp:+33700000001"]
    assert twilio.calls[0]["status_callback"] == (
        f"https://atelier.example.com/webhooks/twilio/status/?m={sms.public_id}"
    )
    assert sms.status == MessageStatus.SENT
    assert sms.provider_sid == "SM" + "a" * 32
    assert whatsapp.status == MessageStatus.SENT


@time_machine.travel(AFTERNOON, tick=False)
def test_a_permanent_twilio_refusal_fails_the_message_in_words(cast, twilio):
    from twilio.base.exceptions import TwilioRestException

    consent(cast, cast.client, ConsentTier.PERSONAL, sms=True)
    twilio.error = TwilioRestException(400, "/Messages", "Invalid To", code=21211)
    message = send(cast, channel="sms", kind="service")
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.status_detail == "The phone number on file is not a valid mobile number."


@time_machine.travel(AFTERNOON, tick=False)
def test_a_transient_twilio_fault_puts_the_message_back_in_the_queue(cast, twilio):
    from twilio.base.exceptions import TwilioRestException

    consent(cast, cast.client, ConsentTier.PERSONAL, sms=True)
    twilio.error = TwilioRestException(503, "/Messages", "Service unavailable")
    message = send(cast, channel="sms", kind="service", deliver=False)
    with pytest.raises(TransientDeliveryError):
        message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    # And the redelivery sweep picks it up once the hand-off is overdue
    with time_machine.travel(AFTERNOON + dt.timedelta(minutes=5), tick=False):
        assert messages_redeliver() == [message.pk]
    twilio.error = None
    assert message_deliver(message_id=message.pk).status == MessageStatus.SENT


@time_machine.travel(AFTERNOON, tick=False)
def test_the_eager_task_never_fails_the_sender_on_a_transient_fault(cast, twilio):
    from twilio.base.exceptions import TwilioRestException

    consent(cast, cast.client, ConsentTier.PERSONAL, sms=True)
    twilio.error = TwilioRestException(503, "/Messages", "Service unavailable")
    message = send(cast, channel="sms", kind="service")  # on-commit runs the task eagerly
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED


def test_twilio_backend_without_a_sender_number_fails_clearly(cast, twilio, settings):
    settings.TWILIO_SMS_FROM = ""
    message = Message(channel="sms", body="x")
    delivery = TwilioBackend().send(message, to="+33612345678", status_callback="https://x/")
    assert delivery.status == MessageStatus.FAILED
    assert "No sending number" in delivery.detail


@time_machine.travel(AFTERNOON, tick=False)
def test_email_has_an_escaped_html_part(cast):
    send(cast, kind="service", body="Dear <b>Camille</b> & co.\n\nSee you soon.")
    html, mimetype = mail.outbox[0].alternatives[0]
    assert mimetype == "text/html"
    assert "Dear &lt;b&gt;Camille&lt;/b&gt; &amp; co." in html
    assert "<b>Camille</b>" not in html


# --- Status callbacks ---------------------------------------------------------------------------


def _sent_sms(cast, twilio):
    consent(cast, cast.client, ConsentTier.PERSONAL, sms=True)
    with time_machine.travel(AFTERNOON, tick=False):
        message = send(cast, channel="sms", kind="service")
    message.refresh_from_db()
    return message


def test_status_callbacks_only_move_forwards(cast, twilio):
    message = _sent_sms(cast, twilio)
    sid = message.provider_sid
    assert message_status_update(provider_sid=sid, status="delivered") is True
    # A late "sent" (callbacks arrive out of order) changes nothing
    assert message_status_update(provider_sid=sid, status="sent") is False
    assert message_status_update(provider_sid=sid, status="delivered") is False  # idempotent
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at is not None
    # And read (WhatsApp) moves on from delivered
    assert message_status_update(provider_sid=sid, status="read") is True


def test_a_failure_callback_records_the_reason_in_words(cast, twilio):
    message = _sent_sms(cast, twilio)
    assert message_status_update(
        provider_sid=message.provider_sid, status="undelivered", error="30003"
    )
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.status_detail == "The client's phone was unreachable."


def test_a_callback_that_overtakes_the_send_finds_the_message_by_its_id(cast, twilio):
    # Given a message whose provider sid is not stored yet (the callback raced the send)
    consent(cast, cast.client, ConsentTier.PERSONAL, sms=True)
    with time_machine.travel(AFTERNOON, tick=False):
        message = send(cast, channel="sms", kind="service")
    Message.objects.filter(pk=message.pk).update(provider_sid="", status=MessageStatus.SENDING)
    # When the status callback arrives with ?m=<public id>
    assert message_status_update(
        provider_sid="SMlate", status="delivered", message_public_id=message.public_id
    )
    message.refresh_from_db()
    assert message.provider_sid == "SMlate"
    assert message.status == MessageStatus.DELIVERED


def test_unknown_status_or_message_is_refused(cast, twilio):
    message = _sent_sms(cast, twilio)
    with pytest.raises(ValueError, match="Unknown message status"):
        message_status_update(provider_sid=message.provider_sid, status="teleported")
    with pytest.raises(Message.DoesNotExist):
        message_status_update(provider_sid="SMnobody", status="delivered")


# --- Inbound ----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["STOP", "stop", "Arrêt", "ARRET", "STOPALL", "unsubscribe "])
def test_stop_withdraws_sms_consent_and_stores_no_message(cast, word):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True, sms=True)
    assert inbound_sms(from_number="+33 6 12 34 56 78", body=word) is None
    state = policy.current_consent(cast.client)
    assert "sms" not in state.channels
    assert "email" in state.channels  # only the channel she stopped
    assert state.tier == ConsentTier.PERSONAL
    assert not Message.objects.exists()


def test_stop_on_whatsapp_withdraws_whatsapp(cast):
    consent(cast, cast.client, ConsentTier.PERSONAL, sms=True, whatsapp=True)
    inbound_sms(from_number="whatsapp:+33612345678", body="STOP")
    assert policy.current_consent(cast.client).channels == frozenset({"sms"})


def test_other_replies_become_messages_for_the_advisor(cast):
    message = inbound_sms(from_number="+33612345678", body="Could you keep the navy one?")
    assert message.direction == "in"
    assert message.channel == "sms"
    assert message.stylist == cast.owner
    assert message.status == MessageStatus.RECEIVED


def test_an_unknown_number_is_ignored(cast):
    assert inbound_sms(from_number="+447700900123", body="Hello?") is None
    assert not Message.objects.exists()


def test_reading_marks_inbound_for_the_advisor_and_concierge_for_the_client(cast):
    message_from_client(client=cast.client, body="Is the navy one back?")
    with time_machine.travel(AFTERNOON, tick=False):
        reply = send(cast, channel="concierge", kind="service", body="Yes, on Friday.")
    assert message_mark_read(client=cast.client) == 1
    assert message_mark_read(client=cast.client) == 0
    assert message_mark_read(client=cast.client, by_client=True) == 1
    reply.refresh_from_db()
    assert reply.status == MessageStatus.READ


def test_erased_clients_cannot_be_written_to(cast):
    erased = ClientFactory(home_boutique=cast.paris, status="erased")
    with time_machine.travel(AFTERNOON, tick=False), pytest.raises(MessageBlocked) as refused:
        send(cast, client=erased, channel="concierge", kind="service")
    assert refused.value.code == "erased"


@time_machine.travel(AFTERNOON, tick=False)
def test_a_message_whose_worker_was_killed_is_taken_over_once(cast):
    # Given a message claimed by a worker that was then killed (SIGKILL): still "sending"
    message = send(cast, deliver=False)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING)
    # A plain second delivery leaves it alone (another worker may be sending it)
    assert message_deliver(message_id=message.pk) is None
    # When the broker hands the killed worker's task on (redelivered), it goes out once
    resumed = message_deliver(message_id=message.pk, resume=True)
    assert resumed is not None
    assert resumed.status == MessageStatus.SENT
    assert len(mail.outbox) == 1
    assert message_deliver(message_id=message.pk, resume=True) is None
    assert len(mail.outbox) == 1
