"""The KPI dashboard's periods, and what advisors' work turned into (consultations.py).

The world of test_kpis: within the last 3 months Anna bought twice (1 and 2 months
ago), Berthe once (1 month ago; and 4 months ago), Chloé once (this month, the 10th);
Denise 5 months ago; Eva's consent keeps her out. Every order is €1,000, placed on the
10th. The house clock stands on Monday 23 November 2026.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from recommendations.models import ItemState, LookbookOrigin, LookbookStatus
from stylists.models import Appointment, AppointmentStatus, Message
from stylists.pages.kpis import CONVERSION_DAYS, period_for
from tests.factories.recommendations import (
    LookbookFactory,
    LookbookItemFactory,
    ModelVersionFactory,
)
from tests.stylists.test_kpis import CSV_URL, URL, buyer, kpi_world, months_ago

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def world(cast):
    return kpi_world(cast)


@pytest.mark.parametrize(
    ("key", "first", "last", "start", "end", "error"),
    [
        ("month", "", "", dt.date(2026, 11, 1), dt.date(2026, 12, 1), ""),
        ("quarter", "", "", dt.date(2026, 10, 1), dt.date(2026, 12, 1), ""),
        ("year", "", "", dt.date(2026, 1, 1), dt.date(2026, 12, 1), ""),
        ("3", "", "", dt.date(2026, 9, 1), dt.date(2026, 12, 1), ""),
        ("custom", "2025-02", "2025-04", dt.date(2025, 2, 1), dt.date(2025, 5, 1), ""),
        ("custom", "2026-11", "2026-11", dt.date(2026, 11, 1), dt.date(2026, 12, 1), ""),
        ("custom", "", "2026-04", dt.date(2025, 12, 1), dt.date(2026, 12, 1), "first and"),
        ("custom", "2026-05", "2026-04", dt.date(2025, 12, 1), dt.date(2026, 12, 1), "before"),
        ("custom", "2026-05", "2027-01", dt.date(2025, 12, 1), dt.date(2026, 12, 1), "past"),
        ("custom", "2020-01", "2026-01", dt.date(2025, 12, 1), dt.date(2026, 12, 1), "at most"),
        ("7", "", "", dt.date(2025, 12, 1), dt.date(2026, 12, 1), ""),
    ],
)
def test_periods_are_whole_months(key, first, last, start, end, error):
    period = period_for(key, TODAY, first, last)

    assert (period.start, period.end) == (start, end)
    assert error in period.error
    assert bool(period.error) == bool(error)
    assert period.before == start - (end - start) or period.months > 0  # same length before


def test_a_bad_custom_period_is_said_and_the_default_shown(cast, world):
    response = cast.http("manager").get(URL, {"months": "custom", "from": "2026-09"})

    assert response.status_code == 200
    assert response.context["page"].period.key == "12"
    assert 'role="alert"' in response.content.decode()
    assert "Choose the first and the last month" in response.content.decode()


def test_this_quarter_on_the_page(cast, world):
    page = cast.http("manager").get(URL, {"months": "quarter"}).context["page"]

    assert [m.label for m in page.months] == ["Oct 2026", "Nov 2026"]
    assert page.total.buyers == 3  # Anna and Berthe in October, Chloé in November


def test_one_time_buyers_and_the_average_order(cast, world):
    total = cast.http("manager").get(URL, {"months": "3"}).context["page"].total

    # Bought by the period's end: Anna (3), Berthe (2), Chloé (1), Denise (1)
    assert total.one_time_rate == 0.5
    # In the period: Anna twice, Berthe once, Chloé once, €1,000 each
    assert (total.orders, total.average_order_value) == (4, Decimal(1000))


def completed_appointment(cast, client, stylist, when):
    return Appointment.objects.create(
        client=client,
        stylist=stylist,
        boutique=cast.paris,
        kind="boutique",
        status=AppointmentStatus.COMPLETED,
        starts_at=when,
        ends_at=when + dt.timedelta(hours=1),
    )


def sent(client, stylist, when):
    """A message the advisor wrote to the client (outreach)."""
    return Message.objects.create(
        client=client,
        stylist=stylist,
        direction="out",
        channel="email",
        body="Bonjour",
        created_at=when,
        sent_at=when,
    )


def published(client, author, when, origin=LookbookOrigin.MODEL, version=None):
    return LookbookFactory(
        client=client,
        author=author,
        origin=origin,
        status=LookbookStatus.PUBLISHED,
        published_at=when,
        model_version=version,
    )


def test_consultations_convert_within_thirty_days_credited_to_their_advisor(cast, world):
    # Anna sees the owner on 1 October and buys on the 10th: converted.
    completed_appointment(cast, world["anna"], cast.owner, months_ago(1, day=1))
    # The colleague publishes for Chloé on 1 October; she buys on 10 November: too late.
    published(world["chloe"], cast.colleague, months_ago(1, day=1))
    # An appointment that did not happen counts for nothing.
    cancelled = completed_appointment(cast, world["berthe"], cast.owner, months_ago(1, day=2))
    Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.CANCELLED)

    page = cast.http("manager").get(URL, {"months": "3"}).context["page"]
    owner = next(b for b in page.books if b.label == cast.owner.name).credit
    colleague = next(b for b in page.books if b.label == cast.colleague.name).credit

    assert (owner.consultations, owner.converted) == (1, 1)
    assert (colleague.consultations, colleague.converted) == (1, 0)
    assert page.total.credit.conversion == 0.5
    assert CONVERSION_DAYS == 30


def test_sales_after_outreach_go_to_the_latest_advisor_within_thirty_days(cast, world):
    # Berthe: a message from the owner on 5 October, her order on the 10th.
    sent(world["berthe"], cast.owner, months_ago(1, day=5))
    # Anna: the colleague wrote on 2 October, the owner saw her on the 3rd; she bought on the
    # 10th (the owner's, the latest); her September order had no outreach before it.
    sent(world["anna"], cast.colleague, months_ago(1, day=2))
    completed_appointment(cast, world["anna"], cast.owner, months_ago(1, day=3))
    # Chloé: a message from the colleague 40 days before her order: too long ago.
    sent(world["chloe"], cast.colleague, months_ago(1, day=1))

    page = cast.http("manager").get(URL, {"months": "3"}).context["page"]
    owner = next(b for b in page.books if b.label == cast.owner.name).credit

    assert (page.total.credit.attributed_orders, page.total.credit.attributed_sales) == (
        2,
        Decimal(2000),
    )
    assert (owner.attributed_orders, owner.attributed_sales) == (2, Decimal(2000))
    colleague = next(b for b in page.books if b.label == cast.colleague.name).credit
    assert colleague.attributed_orders == 0


def test_lookbook_acceptance_per_advisor_and_per_model_version(cast, world):
    version = ModelVersionFactory()
    book = published(world["anna"], cast.owner, months_ago(1, day=1), version=version)
    for state in (ItemState.KEPT, ItemState.KEPT, ItemState.REMOVED):
        LookbookItemFactory(lookbook=book, state=state)
    LookbookItemFactory(lookbook=book, state=ItemState.KEPT, source="stylist")  # her own pick
    hand = published(world["berthe"], cast.owner, months_ago(1, day=1), LookbookOrigin.STYLIST)
    LookbookItemFactory(lookbook=hand, state=ItemState.KEPT)  # not the model's lookbook
    draft = LookbookFactory(client=world["anna"], author=cast.owner, model_version=version)
    LookbookItemFactory(lookbook=draft, state=ItemState.REMOVED)  # not decided yet

    page = cast.http("manager").get(URL, {"months": "3"}).context["page"]
    owner = next(b for b in page.books if b.label == cast.owner.name).credit

    assert (owner.judged, owner.kept) == (3, 2)
    assert [(label, c.judged, c.kept) for label, c in page.models] == [(str(version), 3, 2)]
    html = cast.http("manager").get(URL, {"months": "3"}).content.decode()
    assert 'id="models-table"' in html
    assert "67%" in html


def test_one_book_shows_only_its_advisors_credit(cast, world):
    completed_appointment(cast, world["anna"], cast.owner, months_ago(1, day=1))
    completed_appointment(cast, world["anna"], cast.colleague, months_ago(1, day=2))

    page = (
        cast.http("manager").get(URL, {"months": "3", "book": str(cast.owner.pk)}).context["page"]
    )

    assert page.total.credit.consultations == 1


def one_of_each(cast, world):
    """An appointment and a model lookbook with a kept piece: every query the page may run."""
    version = ModelVersionFactory()
    completed_appointment(cast, world["anna"], cast.owner, months_ago(1, day=1))
    first = published(world["anna"], cast.owner, months_ago(1, day=2), version=version)
    LookbookItemFactory(lookbook=first, state=ItemState.KEPT)
    return version


def test_the_page_costs_the_same_with_more_consultations(
    cast, world, count_queries, django_assert_max_num_queries
):
    http = cast.http("manager")
    version = one_of_each(cast, world)
    http.get(URL)
    small = count_queries(lambda: http.get(URL))
    for i in range(6):
        client = buyer(cast, cast.owner if i % 2 else cast.colleague, f"Touch{i}", 1, 2)
        completed_appointment(cast, client, cast.colleague, months_ago(1, day=1))
        book = published(client, cast.owner, months_ago(1, day=2), version=version)
        LookbookItemFactory(lookbook=book, state=ItemState.KEPT)
        sent(client, cast.owner, months_ago(1, day=3))
    with django_assert_max_num_queries(small):
        http.get(URL)


def test_head_office_sees_the_whole_house_and_each_boutique(cast, world):
    milan = buyer(cast, cast.stylist_elsewhere, "Giulia", 1)
    milan.home_boutique = cast.milan
    milan.save(update_fields=["home_boutique"])
    completed_appointment(cast, milan, cast.stylist_elsewhere, months_ago(1, day=1))

    http = cast.http("head_office")
    page = http.get(URL, {"months": "3", "boutique": "house"}).context["page"]

    assert page.boutique is None
    assert page.place == "The whole house"
    by_city = {place.label: place for place in page.boutiques}
    assert (by_city["Paris"].buyers, by_city["Milan"].buyers) == (3, 1)
    assert page.total.buyers == 4
    assert by_city["Milan"].credit.consultations == 1
    assert by_city["Milan"].credit.converted == 1  # her order on the 10th
    assert by_city["Paris"].credit.consultations == 0
    text = http.get(CSV_URL, {"months": "3", "boutique": "house"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["boutique", "Milan", "1"] in [row[:3] for row in rows]
    assert "kpis-house-" in http.get(CSV_URL, {"boutique": "house"})["Content-Disposition"]


def test_a_manager_asking_for_the_house_sees_her_boutique(cast, world):
    page = cast.http("manager").get(URL, {"boutique": "house"}).context["page"]

    assert page.boutique == cast.paris
    assert page.boutiques == []


def test_the_whole_house_costs_the_same_with_more_clients(
    cast, world, count_queries, django_assert_max_num_queries
):
    http = cast.http("head_office")
    one_of_each(cast, world)
    query = {"boutique": "house"}
    http.get(URL, query)
    small = count_queries(lambda: http.get(URL, query))
    for i in range(6):
        client = buyer(cast, cast.stylist_elsewhere if i % 2 else cast.owner, f"House{i}", 1)
        completed_appointment(cast, client, cast.colleague, months_ago(1, day=1))
    with django_assert_max_num_queries(small):
        http.get(URL, query)
    with django_assert_max_num_queries(small):
        http.get(CSV_URL, query)
