"""Booking a time costs the same queries however full the advisor's week or the client's diary.

The page of times reads the advisor, her windows and her busy times (one query
each, whatever their number); it never reads the client's occasions (the form
there only carries errors). Booking adds the advisor's lock, one overlap query
for advisor and client together, her windows and the two inserts: its figures
are those of issue 14 (30 queries before, 14 on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stylists.models import Appointment, AppointmentKind
from tests.concierge.conftest import weekly
from tests.factories.clients import OccasionFactory

PARIS = ZoneInfo("Europe/Paris")
# Monday 23 November 2026, 09:00 in Paris: the week to come is Tuesday to Sunday.
MONDAY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
N = 2
# Measured on SQLite (the same with N and 3N): the page of times 7, a booking 14
# (middleware's session, user and profile reads included). Budgets are the measures.
TIMES_BUDGET = 7
BOOKING_BUDGET = 14


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """`day` days after Monday 23 November, at hour:minute in Paris."""
    return dt.datetime.combine(
        dt.date(2026, 11, 23) + dt.timedelta(days=day), dt.time(hour, minute), PARIS
    )


def _fill(cast: Any, n: int) -> None:
    """n of the advisor's 10:45 video times taken by another client, and n occasions of hers."""
    taken = Appointment.objects.filter(client=cast.other_client).count()
    for day in range(1 + taken, 1 + n):
        Appointment.objects.create(
            client=cast.other_client,
            stylist=cast.owner,
            boutique=cast.paris,
            kind=AppointmentKind.VIDEO,
            starts_at=_at(day, 10, 45),
            ends_at=_at(day, 11, 30),
        )
    for k in range(n - cast.client.occasions.count()):
        OccasionFactory(client=cast.client, title=f"Occasion {k}")


def _times(http: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = http.get("/concierge/appointments/book/?kind=video")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _book(http: Any, starts_at: dt.datetime) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.post(
            "/concierge/appointments/book/",
            {"kind": "video", "at": starts_at.isoformat(), "purpose": "The gala dress"},
        )
    assert response.status_code == 302, response.content.decode()[:500]
    return len(queries)


@time_machine.travel(MONDAY, tick=False)
def test_the_page_of_times_costs_the_same_with_a_fuller_week(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    weekly(cast.owner)
    http = cast.http("client_user")
    _fill(cast, N)
    few, html = _times(http)
    assert html.count('class="pill slots__time"') == 2 * 6 - N  # none on Monday (too soon)
    _fill(cast, 3 * N)
    with django_assert_max_num_queries(TIMES_BUDGET):
        many, html = _times(http)
    assert html.count('class="pill slots__time"') == 2 * 6 - 3 * N
    assert few == many, f"{few} queries with {N} times taken, {many} with {3 * N}"


@time_machine.travel(MONDAY, tick=False)
def test_booking_costs_the_same_with_a_fuller_week(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    weekly(cast.owner)
    http = cast.http("client_user")
    _fill(cast, N)
    few = _book(http, _at(1, 10))
    _fill(cast, 3 * N)
    with django_assert_max_num_queries(BOOKING_BUDGET):
        many = _book(http, _at(2, 10))
    assert few == many, f"{few} queries with {N} times taken, {many} with {3 * N}"
    assert Appointment.objects.filter(client=cast.client).count() == 2


@time_machine.travel(MONDAY, tick=False)
def test_an_occasion_chosen_is_read_and_kept(cast: Any) -> None:
    """Occasions are read lazily: one chosen still reaches the appointment, a foreign one not."""
    weekly(cast.owner)
    http = cast.http("client_user")
    mine: Any = OccasionFactory(client=cast.client, title="The Opera gala")
    hers: Any = OccasionFactory(client=cast.other_client, title="Not mine")
    refused = http.post(
        "/concierge/appointments/book/",
        {"kind": "video", "at": _at(1, 10).isoformat(), "occasion": str(hers.pk)},
    )
    assert refused.status_code == 200
    assert "The Opera gala" in refused.content.decode()  # the choices, shown again
    assert not Appointment.objects.filter(client=cast.client).exists()
    booked = http.post(
        "/concierge/appointments/book/",
        {"kind": "video", "at": _at(1, 10).isoformat(), "occasion": str(mine.pk)},
    )
    assert booked.status_code == 302
    assert Appointment.objects.get(client=cast.client).occasion == mine
