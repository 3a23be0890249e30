"""Out-of-range booking times get a clear message, not a 500 (issue 15, item 7).

`?at=9999-12-31T23:00:00-05:00` (or 0001-01-01T00:00:00+14:00) is a valid
ISO time whose UTC form overflows datetime in the slot arithmetic.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from stylists.models import Appointment
from stylists.services.appointments import bookable_moment

pytestmark = pytest.mark.django_db

URL = "/concierge/appointments/book/"
EXTREMES = ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59+00:00"]


@pytest.mark.parametrize("at", EXTREMES)
def test_an_out_of_range_time_in_the_link_is_a_clear_message(cast, at):
    response = cast.http("client_user").get(URL, {"kind": "boutique", "at": at})
    assert response.status_code == 200
    assert "That time is not one we can offer" in response.content.decode()


@pytest.mark.parametrize("at", EXTREMES)
def test_an_out_of_range_time_posted_is_refused_and_nothing_is_booked(cast, at):
    response = cast.http("client_user").post(
        URL, {"kind": "video", "at": at, "purpose": "Gala", "occasion": ""}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "That time is not one we can offer" in text
    assert not Appointment.objects.exists()


def test_bookable_moment_keeps_to_the_horizon():
    now = timezone.now()
    assert bookable_moment(now + dt.timedelta(days=3), now=now)
    assert not bookable_moment(now + dt.timedelta(days=400), now=now)
    assert not bookable_moment(dt.datetime(2026, 12, 1, 10, 0), now=now)  # naive
    assert not bookable_moment(dt.datetime.fromisoformat(EXTREMES[0]), now=now)


def test_the_service_refuses_an_overflowing_time_with_a_validation_error(cast):
    from django.core.exceptions import ValidationError

    from stylists.services import appointment_book

    with pytest.raises(ValidationError, match="Choose one of the times offered"):
        appointment_book(
            client=cast.client,
            stylist=cast.owner,
            kind="video",
            starts_at=dt.datetime.fromisoformat(EXTREMES[0]),
        )
