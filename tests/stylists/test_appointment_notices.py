"""Appointment notices: confirmation on the allowed channels with an RFC 5545 .ics, reminders
24 h and 1 h before sent exactly once, a new time and a cancellation told, the cut-off kept."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from icalendar import Calendar

from consent.models import ConsentTier
from stylists.models import (
    Appointment,
    AppointmentNotice,
    AppointmentStatus,
    FollowUp,
    Message,
)
from stylists.services import (
    appointment_book,
    appointment_cancel,
    appointment_notice_send,
    appointment_reminders_due,
    appointment_reschedule,
    appointment_slots,
)
from stylists.tasks import send_appointment_reminders
from tests.concierge.conftest import weekly
from tests.factories.consent import ConsentRecordFactory

PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
THURSDAY = dt.date(2026, 11, 26)


def paris(hour: int, minute: int = 0, day: dt.date = THURSDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS)


@pytest.fixture
def thursdays(cast: Any) -> None:
    """Élise receives on Thursdays 10:00-13:00 Paris; Camille reads English."""
    cast.client.preferred_language = "en"
    cast.client.save(update_fields=["preferred_language"])
    weekly(cast.owner, weekdays=[3], starts=dt.time(10, 0), ends=dt.time(13, 0))


def _book(cast: Any, captured: Any, at: dt.datetime, client: Any = None) -> Appointment:
    with captured(execute=True):
        return appointment_book(
            client=client or cast.client,
            stylist=cast.owner,
            kind="boutique",
            starts_at=at,
            boutique=cast.paris,
            purpose="To try the Verlaine coat, in navy; and a scarf",
        )


@time_machine.travel(MONDAY, tick=False)
def test_confirmation_is_an_email_with_a_folded_escaped_ics(
    cast: Any, thursdays: None, django_capture_on_commit_callbacks: Any
) -> None:
    # Given Camille (Personal tier, e-mail allowed, no SMS) books Thursday 10:00
    appointment = _book(cast, django_capture_on_commit_callbacks, paris(10))
    # Then one e-mail reached her, with the appointment as a calendar attachment
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["camille.laurent@example.com"]
    assert "confirmed" in email.subject
    assert "Thursday 26 November 2026, 10:00 (Paris)" in email.body
    (name, content, mimetype) = email.attachments[0]
    assert name == "maison-verlaine.ics"
    assert mimetype.startswith("text/calendar")
    raw = content if isinstance(content, bytes) else content.encode()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 folding
    assert b"navy\\; and a scarf" in raw.replace(b"\r\n ", b"")  # escaping
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["uid"]) == f"{appointment.public_id}@maison-verlaine"
    assert event.decoded("dtstart") == paris(10)
    assert event.decoded("dtend") == paris(11)
    # And no SMS went: her consent does not allow it
    assert list(Message.objects.values_list("channel", flat=True)) == ["email"]
    notice = AppointmentNotice.objects.get()
    assert (notice.kind, notice.channels) == ("confirmation", ["email"])


def test_sms_and_whatsapp_only_where_consent_allows(
    cast: Any, thursdays: None, django_capture_on_commit_callbacks: Any
) -> None:
    # Given Camille now allows SMS as well (and still not WhatsApp)
    ConsentRecordFactory(
        client=cast.client, tier=ConsentTier.PERSONAL, policy_version=cast.policy, sms=True
    )
    with time_machine.travel(MONDAY + dt.timedelta(hours=8), tick=False):
        _book(cast, django_capture_on_commit_callbacks, paris(11))
    channels = sorted(Message.objects.values_list("channel", flat=True))
    assert channels == ["email", "sms"]
    sms = Message.objects.get(channel="sms")
    assert "Thursday 26 November 2026, 11:00" in sms.body


@time_machine.travel(MONDAY, tick=False)
def test_each_reminder_is_sent_once_even_when_the_task_runs_twice(
    cast: Any, thursdays: None, django_capture_on_commit_callbacks: Any
) -> None:
    appointment = _book(cast, django_capture_on_commit_callbacks, paris(12))
    mail.outbox.clear()
    # Nothing is due on Monday
    assert appointment_reminders_due() == []
    # On Wednesday at 12:30 Paris (23 h 30 before), the day-before reminder is due, twice run
    on_commit = django_capture_on_commit_callbacks(execute=True)
    with time_machine.travel(paris(12, 30, THURSDAY - dt.timedelta(days=1)), tick=False), on_commit:
        assert appointment_reminders_due() == [(appointment.pk, "reminder_24h")]
        assert send_appointment_reminders() == 1
        assert send_appointment_reminders() == 0
        assert appointment_reminders_due() == []
    assert [m.subject for m in mail.outbox] == ["Until tomorrow"]
    # At 11:05 on Thursday the hour-before reminder, once
    on_commit = django_capture_on_commit_callbacks(execute=True)
    with time_machine.travel(paris(11, 5), tick=False), on_commit:
        assert send_appointment_reminders() == 1
        assert send_appointment_reminders() == 0
        # calling the service directly again (a second worker) sends nothing either
        assert appointment_notice_send(appointment_id=appointment.pk, kind="reminder_1h") is None
    assert [m.subject for m in mail.outbox] == ["Until tomorrow", "In one hour"]
    kinds = list(AppointmentNotice.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["confirmation", "reminder_24h", "reminder_1h"]


def test_no_day_before_reminder_for_a_visit_booked_the_same_day(
    cast: Any, thursdays: None, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(paris(7, 0), tick=False):
        appointment = _book(cast, django_capture_on_commit_callbacks, paris(12))
        assert appointment_reminders_due() == []
    with time_machine.travel(paris(11, 1), tick=False):
        assert appointment_reminders_due() == [(appointment.pk, "reminder_1h")]


@time_machine.travel(MONDAY, tick=False)
def test_reschedule_frees_the_old_time_and_tells_her(
    cast: Any, thursdays: None, django_capture_on_commit_callbacks: Any
) -> None:
    appointment = _book(cast, django_capture_on_commit_callbacks, paris(10))
    mail.outbox.clear()
    assert paris(10) not in appointment_slots(stylist=cast.owner, day=THURSDAY, kind="boutique")
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=appointment, starts_at=paris(12), by_client=True)
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (paris(12), paris(13))
    # the old time is offered again, the new one no longer
    slots = appointment_slots(stylist=cast.owner, day=THURSDAY, kind="boutique")
    assert paris(10) in slots
    assert paris(12) not in slots
    assert Appointment.objects.count() == 1
    # her calendar's event is updated (same UID, a higher SEQUENCE), and the advisor's line moved
    assert [m.subject for m in mail.outbox] == ["Your appointment has a new time"]
    event = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == paris(12)
    assert int(event["sequence"]) > 0
    assert "at 13:00" not in FollowUp.objects.get().reason
    assert " at 12:00" in FollowUp.objects.get().reason
    # And another client can now take the old time
    other = _book(cast, django_capture_on_commit_callbacks, paris(10), client=cast.other_client)
    assert other.starts_at == paris(10)


@time_machine.travel(MONDAY, tick=False)
def test_reschedule_to_a_taken_time_or_after_the_cut_off_changes_nothing(
    cast: Any, thursdays: None, django_capture_on_commit_callbacks: Any
) -> None:
    mine = _book(cast, django_capture_on_commit_callbacks, paris(10))
    _book(cast, django_capture_on_commit_callbacks, paris(11), client=cast.other_client)
    with pytest.raises(ValidationError, match="just been taken"):
        appointment_reschedule(appointment=mine, starts_at=paris(11), by_client=True)
    with time_machine.travel(paris(9, 0, THURSDAY - dt.timedelta(days=1)) + dt.timedelta(hours=2)):
        with pytest.raises(ValidationError, match="less than a day away"):
            appointment_reschedule(appointment=mine, starts_at=paris(12), by_client=True)
        with pytest.raises(ValidationError, match="less than a day away"):
            appointment_cancel(appointment=mine, by_client=True)
    mine.refresh_from_db()
    assert (mine.starts_at, mine.status) == (paris(10), AppointmentStatus.CONFIRMED)


@time_machine.travel(MONDAY, tick=False)
def test_cancellation_is_told_with_a_cancelling_ics_and_no_reminder_follows(
    cast: Any, thursdays: None, django_capture_on_commit_callbacks: Any
) -> None:
    appointment = _book(cast, django_capture_on_commit_callbacks, paris(10))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=appointment, by_client=True)
    assert [m.subject for m in mail.outbox] == ["Your appointment is cancelled"]
    calendar = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert str(calendar["method"]) == "CANCEL"
    with time_machine.travel(paris(9, 30), tick=False):
        assert appointment_reminders_due() == []
        assert appointment_notice_send(appointment_id=appointment.pk, kind="reminder_1h") is None


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize(
    ("language", "subject", "day", "summary"),
    [
        ("fr", "Votre rendez-vous est confirmé", "jeudi 26 novembre 2026, 10:00", "avec"),
        ("ja", "ご予約が確定いたしました", "2026年11月26日木曜日, 10:00", "とのご予約"),
    ],
)
def test_the_confirmation_and_its_calendar_speak_her_language(
    cast: Any,
    thursdays: None,
    django_capture_on_commit_callbacks: Any,
    language: str,
    subject: str,
    day: str,
    summary: str,
) -> None:
    # Given Camille reads French (then Japanese)
    cast.client.preferred_language = language
    cast.client.save(update_fields=["preferred_language"])
    # When she books Thursday 10:00
    _book(cast, django_capture_on_commit_callbacks, paris(10))
    # Then the e-mail, its date and the event in her calendar are in her language
    email = mail.outbox[0]
    assert email.subject == subject
    assert day in email.body
    assert "Thursday" not in email.body
    (_name, content, _mimetype) = email.attachments[0]
    raw = content if isinstance(content, bytes) else content.encode()
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert summary in str(event["summary"])
    assert cast.owner.first_name in str(event["summary"])
