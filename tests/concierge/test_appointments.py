"""Appointments (contract C4): slots in the right time zones, no double booking, the cancel window,
and the video room from ten minutes before."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from stylists.models import Appointment, AppointmentStatus, FollowUp, FollowUpStatus
from stylists.services import (
    appointment_book,
    appointment_cancel,
    appointment_set_status,
    appointment_slots,
)
from tests.concierge.conftest import Story, weekly

PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")
# Monday 23 November 2026, 09:00 in Paris.
MONDAY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
TUESDAY = dt.date(2026, 11, 24)


def paris(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS)


@pytest.fixture
def tuesdays(cast: Any) -> None:
    """Élise receives on Tuesdays, 10:00 to 12:00, Paris time."""
    weekly(cast.owner, weekdays=[1])


@time_machine.travel(MONDAY, tick=False)
def test_slots_follow_availability_in_the_boutiques_time(cast: Any, tuesdays: None) -> None:
    assert appointment_slots(stylist=cast.owner, day=TUESDAY, kind="boutique") == [
        paris(10),
        paris(11),
    ]
    assert appointment_slots(stylist=cast.owner, day=TUESDAY, kind="video") == [
        paris(10),
        paris(10, 45),
    ]
    # not on days she does not work, nor beyond a few weeks
    assert (
        appointment_slots(stylist=cast.owner, day=TUESDAY + dt.timedelta(days=1), kind="video")
        == []
    )
    assert (
        appointment_slots(stylist=cast.owner, day=TUESDAY + dt.timedelta(days=42), kind="video")
        == []
    )


def test_only_future_slots_with_two_hours_notice(cast: Any, tuesdays: None) -> None:
    with time_machine.travel(paris(8, 30), tick=False):  # 11:00 is 2 h 30 away
        assert appointment_slots(stylist=cast.owner, day=TUESDAY, kind="boutique") == [paris(11)]
    with time_machine.travel(paris(9, 30), tick=False):  # nothing left to prepare for in time
        assert appointment_slots(stylist=cast.owner, day=TUESDAY, kind="boutique") == []


@time_machine.travel(MONDAY, tick=False)
def test_taken_times_are_not_offered(cast: Any, tuesdays: None) -> None:
    appointment_book(
        client=cast.other_client, stylist=cast.owner, kind="video", starts_at=paris(10, 45)
    )
    assert appointment_slots(stylist=cast.owner, day=TUESDAY, kind="video") == [paris(10)]
    # the boutique hour 10:00-11:00 and 11:00-12:00 both overlap 10:45-11:30
    assert appointment_slots(stylist=cast.owner, day=TUESDAY, kind="boutique") == []


@time_machine.travel(MONDAY, tick=False)
def test_a_tokyo_client_books_a_paris_video_slot_in_her_own_time(cast: Any, tuesdays: None) -> None:
    # Given Camille now lives in Tokyo (eight hours ahead of Paris in November)
    cast.client.timezone = "Asia/Tokyo"
    cast.client.save(update_fields=["timezone"])
    http = cast.http("client_user")
    # When she looks for a video slot, she sees Élise's 10:45 as 18:45, Tuesday
    page = http.get("/concierge/appointments/book/?kind=video").content.decode()
    assert "Tuesday 24 November" in page
    assert ">18:00<" in page
    assert ">18:45<" in page
    assert "Times are shown in your time zone (Asia/Tokyo)" in page
    # And books it
    at = paris(10, 45).astimezone(TOKYO).isoformat()
    confirm = http.get(f"/concierge/appointments/book/?kind=video&at={quote(at)}").content.decode()
    assert "18:45" in confirm
    assert "10:45 in Paris" in confirm
    response = http.post(
        "/concierge/appointments/book/",
        {
            "kind": "video",
            "at": at,
            "purpose": "The gala dress",
            "occasion": "",
        },
    )
    appointment = Appointment.objects.get(client=cast.client)
    assert response["Location"] == f"/concierge/appointments/{appointment.public_id}/"
    assert appointment.starts_at == paris(10, 45)
    assert appointment.ends_at == paris(11, 30)
    assert appointment.stylist == cast.owner
    assert appointment.video_room.startswith("verlaine-")
    assert appointment.purpose == "The gala dress"
    # And the advisor has it in her follow-ups, on her day
    follow_up = FollowUp.objects.get(dedupe_key=f"appointment:{appointment.public_id}")
    assert follow_up.due_on == TUESDAY
    assert "10:45" in follow_up.reason


@time_machine.travel(MONDAY, tick=False)
def test_double_booking_is_refused_clearly(cast: Any, tuesdays: None) -> None:
    appointment_book(
        client=cast.other_client,
        stylist=cast.owner,
        kind="boutique",
        starts_at=paris(10),
        boutique=cast.paris,
    )
    with pytest.raises(ValidationError) as error:
        appointment_book(
            client=cast.client,
            stylist=cast.owner,
            kind="boutique",
            starts_at=paris(10),
            boutique=cast.paris,
        )
    assert "just been taken" in str(error.value)
    assert Appointment.objects.count() == 1


@time_machine.travel(MONDAY, tick=False)
def test_a_slot_taken_meanwhile_shows_the_times_again(cast: Any, tuesdays: None) -> None:
    http = cast.http("client_user")
    appointment_book(
        client=cast.other_client, stylist=cast.owner, kind="video", starts_at=paris(10)
    )
    response = http.post(
        "/concierge/appointments/book/",
        {
            "kind": "video",
            "at": paris(10).isoformat(),
            "purpose": "Keep these words",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "just been taken" in html
    assert ">10:45<" in html  # the other times, to choose again
    assert not Appointment.objects.filter(client=cast.client).exists()


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize(
    ("starts_at", "words"),
    [
        (paris(9), "not available"),  # outside her window
        (paris(10, 15), "not available"),  # not a step of the day
        (paris(10, 0, TUESDAY - dt.timedelta(days=7)), "too soon"),  # in the past
    ],
)
def test_times_outside_availability_are_refused(
    cast: Any, tuesdays: None, starts_at: dt.datetime, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        appointment_book(client=cast.client, stylist=cast.owner, kind="video", starts_at=starts_at)
    assert words in str(error.value)


@time_machine.travel(MONDAY, tick=False)
def test_in_boutique_needs_her_advisors_boutique(cast: Any, tuesdays: None) -> None:
    with pytest.raises(ValidationError):
        appointment_book(
            client=cast.client, stylist=cast.owner, kind="boutique", starts_at=paris(10)
        )
    with pytest.raises(ValidationError):
        appointment_book(
            client=cast.client,
            stylist=cast.owner,
            kind="boutique",
            starts_at=paris(10),
            boutique=cast.milan,
        )
    appointment = appointment_book(
        client=cast.client,
        stylist=cast.owner,
        kind="boutique",
        starts_at=paris(10),
        boutique=cast.paris,
    )
    assert appointment.boutique == cast.paris
    assert appointment.video_room == ""


@time_machine.travel(MONDAY, tick=False)
def test_she_cannot_be_in_two_places(cast: Any, tuesdays: None) -> None:
    weekly(cast.colleague, weekdays=[1])
    appointment_book(client=cast.client, stylist=cast.owner, kind="video", starts_at=paris(10))
    with pytest.raises(ValidationError) as error:
        appointment_book(
            client=cast.client, stylist=cast.colleague, kind="video", starts_at=paris(10)
        )
    assert "already have an appointment" in str(error.value)


@time_machine.travel(MONDAY, tick=False)
def test_cancel_up_to_a_day_before(cast: Any, tuesdays: None) -> None:
    appointment = appointment_book(
        client=cast.client,
        stylist=cast.owner,
        kind="video",
        starts_at=paris(11) - dt.timedelta(minutes=15),
    )
    response = cast.http("client_user").post(
        f"/concierge/appointments/{appointment.public_id}/cancel/"
    )
    assert response["Location"] == "/concierge/appointments/"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert FollowUp.objects.get(dedupe_key=f"appointment:{appointment.public_id}").status == (
        FollowUpStatus.DISMISSED
    )
    # and the time is free again
    assert paris(10, 45) in appointment_slots(stylist=cast.owner, day=TUESDAY, kind="video")


def test_within_a_day_she_is_asked_to_call_the_boutique(cast: Any, tuesdays: None) -> None:
    cast.paris.phone = "+33 1 42 60 00 00"
    cast.paris.save(update_fields=["phone"])
    with time_machine.travel(MONDAY, tick=False):
        appointment = appointment_book(
            client=cast.client, stylist=cast.owner, kind="video", starts_at=paris(10)
        )
    with time_machine.travel(
        paris(9, 0, TUESDAY - dt.timedelta(days=1)) + dt.timedelta(hours=2), tick=False
    ):
        http = cast.http("client_user")
        page = http.get(f"/concierge/appointments/{appointment.public_id}/").content.decode()
        assert "please call the boutique" in page
        assert "+33 1 42 60 00 00" in page
        response = http.post(
            f"/concierge/appointments/{appointment.public_id}/cancel/", follow=True
        )
        assert "please call the boutique" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


@time_machine.travel(MONDAY, tick=False)
def test_cancelling_twice_changes_nothing(cast: Any, tuesdays: None) -> None:
    appointment = appointment_book(
        client=cast.client, stylist=cast.owner, kind="video", starts_at=paris(10)
    )
    appointment_cancel(appointment=appointment, by_client=True)
    appointment_cancel(appointment=appointment, by_client=True)
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED


def test_the_video_room_is_shown_from_ten_minutes_before(story: Story) -> None:
    url = f"/concierge/appointments/{story.appointment.public_id}/video/"

    def page_at(moment: dt.datetime) -> str:
        with time_machine.travel(moment, tick=False):
            return str(story.cast.http("client_user").get(url).content.decode())

    before = page_at(story.appointment.starts_at - dt.timedelta(minutes=11))
    open_ = page_at(story.appointment.starts_at - dt.timedelta(minutes=10))
    after = page_at(story.appointment.ends_at)
    room = f'data-ws-path="/ws/video/{story.appointment.public_id}/"'
    assert room not in before
    assert "The room opens at" in before
    assert room in open_
    assert "Enter the room" in open_
    assert "Waiting for Élise to join" in open_
    assert room not in after
    assert "has ended" in after
    assert "How to join" in before


def test_a_boutique_appointment_has_no_video_page(story: Story) -> None:
    story.appointment.kind = "boutique"
    story.appointment.save(update_fields=["kind"])
    response = story.cast.http("client_user").get(
        f"/concierge/appointments/{story.appointment.public_id}/video/"
    )
    assert response.status_code == 404


def test_the_appointment_goes_into_her_calendar(story: Story) -> None:
    response = story.cast.http("client_user").get(
        f"/concierge/appointments/{story.appointment.public_id}/calendar.ics"
    )
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body
    assert f"UID:{story.appointment.public_id}" in body
    assert story.appointment.video_room not in body


def test_the_list_shows_upcoming_and_how_to_join(story: Story) -> None:
    html = story.cast.http("client_user").get("/concierge/appointments/").content.decode()
    assert "Video consultation with Élise" in html
    assert "How to join" in html


@time_machine.travel(MONDAY, tick=False)
def test_booking_is_rate_limited(cast: Any, tuesdays: None, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "appointment_book": "1/h"}
    http = cast.http("client_user")
    first = http.post(
        "/concierge/appointments/book/", {"kind": "video", "at": paris(10).isoformat()}
    )
    second = http.post(
        "/concierge/appointments/book/", {"kind": "video", "at": paris(10, 45).isoformat()}
    )
    assert first.status_code == 302
    assert second.status_code == 429
    assert Appointment.objects.count() == 1


def test_a_malformed_time_is_a_clear_error(cast: Any, tuesdays: None) -> None:
    response = cast.http("client_user").post(
        "/concierge/appointments/book/", {"kind": "video", "at": "tomorrow at tea time"}
    )
    assert "Please choose one of the times offered." in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_kind_is_chosen_first(cast: Any) -> None:
    html = cast.http("client_user").get("/concierge/appointments/book/").content.decode()
    assert "At the boutique" in html
    assert "By video" in html


@time_machine.travel(MONDAY, tick=False)
def test_staff_move_an_appointment_on(cast: Any, tuesdays: None) -> None:
    appointment = appointment_book(
        client=cast.client, stylist=cast.owner, kind="video", starts_at=paris(10)
    )
    with pytest.raises(PermissionDenied):
        appointment_set_status(
            appointment=appointment, status="completed", by=cast.stylist_elsewhere.user
        )
    with pytest.raises(ValidationError):  # not before it began
        appointment_set_status(appointment=appointment, status="completed", by=cast.owner.user)
    with time_machine.travel(paris(10, 50), tick=False):
        appointment_set_status(appointment=appointment, status="completed", by=cast.owner.user)
    assert Appointment.objects.get().status == "completed"
    assert FollowUp.objects.get().status == FollowUpStatus.DONE
    with pytest.raises(ValidationError):
        appointment_set_status(appointment=appointment, status="cancelled", by=cast.owner.user)
