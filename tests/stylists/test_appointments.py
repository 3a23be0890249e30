"""The advisor's appointments: upcoming and recent, and their status moves (service C4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from stylists.models import Appointment, AppointmentStatus
from tests.stylists.conftest import book_of_n

pytestmark = pytest.mark.django_db


def appointment(cast, *, client=None, days=2, status=AppointmentStatus.REQUESTED, stylist=None):
    start = timezone.now() + dt.timedelta(days=days)
    return Appointment.objects.create(
        client=client or cast.client,
        stylist=stylist or cast.owner,
        kind="boutique",
        boutique=cast.paris,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        status=status,
        purpose="Gala dress fitting",
    )


def test_upcoming_and_recent(cast):
    soon = appointment(cast)
    past = appointment(cast, days=-3, status=AppointmentStatus.COMPLETED)
    appointment(cast, stylist=cast.colleague)  # not hers
    response = cast.http("owner").get(reverse("stylists:appointments"))
    assert response.context["upcoming"] == [soon]
    assert response.context["past"] == [past]
    html = response.content.decode()
    assert "Gala dress fitting" in html
    assert "Confirm" in html


def test_confirm_with_htmx_swaps_the_row(cast):
    booked = appointment(cast)
    response = cast.http("owner").post(
        reverse("stylists:appointment_status", args=[booked.public_id]),
        {"status": "confirmed"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="appointment-{booked.public_id}"' in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CONFIRMED


def test_an_impossible_move_is_explained(cast):
    booked = appointment(cast, status=AppointmentStatus.CONFIRMED)
    response = cast.http("owner").post(
        reverse("stylists:appointment_status", args=[booked.public_id]),
        {"status": "completed"},
        HTTP_HX_REQUEST="true",
    )
    assert "only once it has begun" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CONFIRMED


def test_an_unknown_status_is_400(cast):
    booked = appointment(cast)
    response = cast.http("owner").post(
        reverse("stylists:appointment_status", args=[booked.public_id]), {"status": "teleported"}
    )
    assert response.status_code == 400


def test_the_page_costs_the_same_with_more_appointments(cast, count_queries):
    http = cast.http("owner")
    url = reverse("stylists:appointments")

    def grow(n):
        # never two at once for one advisor (a constraint on PostgreSQL): new days each time
        taken = Appointment.objects.filter(stylist=cast.owner).count()
        for i, client in enumerate(book_of_n(cast, cast.owner, n, with_history=False)):
            appointment(cast, client=client, days=1 + taken + i)
            appointment(
                cast, client=client, days=-1 - taken - i, status=AppointmentStatus.COMPLETED
            )

    grow(2)
    http.get(url)
    small = count_queries(lambda: http.get(url))
    grow(6)
    assert count_queries(lambda: http.get(url)) == small
