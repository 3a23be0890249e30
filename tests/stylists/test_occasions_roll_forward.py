"""Yearly occasions come back: a birthday that passed yesterday is next year's, everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from clients.models import Occasion, OccasionKind
from clients.selectors import upcoming_occasions
from clients.tasks import roll_occasions_forward
from stylists.tasks import generate_follow_ups

pytestmark = pytest.mark.django_db

# The house clock's today: Monday 23 November 2026. Her birthday was yesterday.
YESTERDAY = dt.date(2026, 11, 22)
NEXT_BIRTHDAY = dt.date(2027, 11, 22)


def test_a_birthday_passed_yesterday_is_back_for_next_year(cast: Any) -> None:
    # Given Camille's yearly birthday, whose stored next date is yesterday
    birthday = Occasion.objects.create(
        client=cast.client,
        kind=OccasionKind.BIRTHDAY,
        title="Camille's birthday",
        date=dt.date(1988, 11, 22),
        recurring_yearly=True,
        next_date=YESTERDAY,
    )
    one_off = Occasion.objects.create(
        client=cast.client, kind=OccasionKind.GALA, date=YESTERDAY, next_date=YESTERDAY
    )
    assert list(upcoming_occasions(cast.client)) == []
    # When the daily beat task runs (twice: it is idempotent)
    assert roll_occasions_forward() == 2
    assert roll_occasions_forward() == 0
    # Then the birthday is next year's and the gala is over
    birthday.refresh_from_db()
    one_off.refresh_from_db()
    assert (birthday.next_date, one_off.next_date) == (NEXT_BIRTHDAY, None)
    # In the concierge: among what is coming
    assert list(upcoming_occasions(cast.client)) == [birthday]
    page = cast.http("client_user").get("/concierge/occasions/")
    assert birthday in page.context["coming"]
    assert one_off in page.context["passed"]

    # And three weeks before it, on Élise's Today and in her book's occasion filter
    with time_machine.travel(dt.datetime(2027, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        roll_occasions_forward()
        generate_follow_ups()
        today = cast.http("owner").get("/stylist/").content.decode()
        assert "Camille&#x27;s birthday on 22 November" in today
        book = cast.http("owner").get("/stylist/clients/", {"occasion": "30"})
        assert [row.full_name for row in book.context["rows"]] == ["Camille Laurent"]


def test_without_rolling_forward_the_birthday_would_stay_lost(cast: Any) -> None:
    """The defect the beat task mends: readers filter on the stored next date."""
    Occasion.objects.create(
        client=cast.client,
        kind=OccasionKind.BIRTHDAY,
        date=dt.date(1988, 11, 22),
        recurring_yearly=True,
        next_date=YESTERDAY,
    )
    with time_machine.travel(dt.datetime(2027, 11, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        book = cast.http("owner").get("/stylist/clients/", {"occasion": "30"})
        assert [row.full_name for row in book.context["rows"]] == []
        roll_occasions_forward()
        book = cast.http("owner").get("/stylist/clients/", {"occasion": "30"})
        assert [row.full_name for row in book.context["rows"]] == ["Camille Laurent"]
