"""KPI dashboards for managers: definitions, charts with a table, CSV, personas, queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from consent.models import ConsentTier
from core.charts import Bar, bar_chart
from stylists.models import StylingRequest, StylingRequestStatus
from tests.factories.clients import ClientFactory, OrderFactory
from tests.factories.stylists import put_in_book
from tests.stylists.conftest import MANAGER_PAGE_ACCESS, consent

pytestmark = pytest.mark.django_db

URL = "/stylist/team/kpis/"
CSV_URL = "/stylist/team/kpis/export.csv"


def months_ago(n: int, day: int = 10) -> dt.datetime:
    today = timezone.localdate().replace(day=1)
    index = today.year * 12 + today.month - 1 - n
    return timezone.make_aware(dt.datetime(index // 12, index % 12 + 1, day, 12))


def buyer(cast, stylist, name, *months, tier=ConsentTier.PERSONAL, spend="3000"):
    client = ClientFactory(
        home_boutique=cast.paris, first_name=name, last_name="Kpi", lifetime_spend=Decimal(spend)
    )
    consent(cast, client, tier, email=True)
    put_in_book(stylist, client)
    for n in months:
        OrderFactory(client=client, total=Decimal("1000"), placed_at=months_ago(n))
    return client


def request_for(client, stylist, *, answered_after_hours):
    created = months_ago(1)
    due = created + dt.timedelta(hours=4)
    return StylingRequest.objects.create(
        client=client,
        stylist=stylist,
        message="A dress for the opera",
        status=StylingRequestStatus.ANSWERED
        if answered_after_hours is not None
        else StylingRequestStatus.OPEN,
        created_at=created,
        due_at=due,
        answered_at=created + dt.timedelta(hours=answered_after_hours)
        if answered_after_hours is not None
        else None,
    )


@pytest.fixture
def world(cast):
    return kpi_world(cast)


def kpi_world(cast):
    # Within the last 3 months: Anna (twice), Berthe (once, bought before: retained),
    # Chloé (once, new). Before it: Berthe and Denise (not back: lost). Eva is Essential.
    anna = buyer(cast, cast.owner, "Anna", 1, 2)
    berthe = buyer(cast, cast.owner, "Berthe", 1, 4)
    chloe = buyer(cast, cast.colleague, "Chloe", 0)
    buyer(cast, cast.colleague, "Denise", 5)
    buyer(cast, cast.owner, "Eva", 1, 2, 3, tier=ConsentTier.ESSENTIAL)
    request_for(anna, cast.owner, answered_after_hours=2)  # met
    request_for(berthe, cast.owner, answered_after_hours=6)  # late
    request_for(chloe, cast.colleague, answered_after_hours=None)  # open past due: missed
    return {"anna": anna, "berthe": berthe, "chloe": chloe}


@pytest.mark.parametrize(("persona", "status"), MANAGER_PAGE_ACCESS)
@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_who_may_see_the_kpis(cast, persona, status, url):
    assert cast.http(persona).get(url).status_code == status


def test_post_is_not_allowed(cast):
    assert cast.http("manager").post(URL).status_code == 405


def test_figures_follow_their_definitions(cast, world):
    page = cast.http("manager").get(URL, {"months": "3"}).context["page"]
    total = page.total
    assert total.buyers == 3  # Anna, Berthe, Chloé (the cast's clients bought nothing)
    owner_book = next(b for b in page.books if b.label == cast.owner.name)
    assert owner_book.buyers == 2  # Anna, Berthe — Eva's consent keeps her out
    assert owner_book.repeat_rate == 1.0  # both bought twice
    assert owner_book.retention == 1.0  # Berthe bought before and again
    assert owner_book.lifetime_value == Decimal(3000)
    assert owner_book.requests == 2
    assert owner_book.requests_met_rate == 0.5
    colleague_book = next(b for b in page.books if b.label == cast.colleague.name)
    assert colleague_book.retention == 0.0  # Denise did not come back
    assert colleague_book.repeat_rate == 0.0  # Chloé bought once
    assert colleague_book.requests_met_rate == 0.0  # open past due = missed
    assert [m.buyers for m in page.months][-2] >= 2  # last month: Anna, Berthe


def test_one_book_and_the_period(cast, world):
    page = (
        cast.http("manager").get(URL, {"months": "6", "book": str(cast.owner.pk)}).context["page"]
    )
    assert page.book == cast.owner
    assert page.total.buyers == 2
    assert len(page.months) == 6
    assert page.total.retention is None  # no owner client bought 7-12 months ago
    # An unknown period falls back to 12 months, an unknown book to the boutique
    fallback = cast.http("manager").get(URL, {"months": "7", "book": "nope"}).context["page"]
    assert fallback.period.key == "12"
    assert fallback.book is None


def test_a_manager_cannot_read_another_boutique(cast, world):
    page = cast.http("manager_elsewhere").get(URL, {"boutique": "paris"}).context["page"]
    assert page.boutique == cast.milan
    assert all(b.label not in (cast.owner.name, cast.colleague.name) for b in page.books)


def test_charts_are_accessible_svg_with_the_table_beside_them(cast, world):
    html = cast.http("manager").get(URL, {"months": "3"}).content.decode()
    assert html.count('<svg class="chart" role="img"') == 3
    assert "<title id=" in html
    assert "<desc id=" in html
    assert 'id="months-table"' in html
    charts = html.split('id="charts-heading"')[1].split("</section>")[0]
    # No inline code: the only script element is json_script's data (CSP: script-src 'self')
    assert charts.count("<script") == 1
    assert '<script id="kpi-chart-data" type="application/json">' in charts


def test_chart_js_draws_the_same_figures_from_json_data(cast, world):
    response = cast.http("manager").get(URL, {"months": "3"})
    page = response.context["page"]
    data = response.context["chart_data"]
    assert list(data) == ["buyers", "repeat", "requests"]
    assert data["buyers"]["labels"] == [m.label for m in page.months]
    assert data["buyers"]["values"] == [float(m.buyers) for m in page.months]
    assert data["repeat"]["values"] == [m.repeat_rate for m in page.months]
    assert data["repeat"]["share"] is True
    assert data["buyers"]["summary"].startswith("Buyers per month")
    assert data["buyers"]["empty"] == ""
    html = response.content.decode()
    assert html.count('data-kpi-chart="') == 3
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>' in html
    assert '<script src="/static/js/kpi-charts.js" defer></script>' in html


def test_the_chart_escapes_its_labels_and_shows_gaps_in_words():
    svg = str(bar_chart("T<b>", "D", [Bar("<x>", 0.5, "50%"), Bar("y", None, "–")], maximum=1.0))
    assert "<b>" not in svg
    assert "&lt;x&gt;: 50%" in svg
    assert "chart__none" in svg


def test_csv_export_is_safe_and_complete(cast, world):
    response = cast.http("manager").get(CSV_URL, {"months": "3"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["scope", "label", "buyers"]
    kinds = [row[0] for row in rows[1:]]
    assert kinds.count("total") == 1
    assert kinds.count("month") == 3
    owner_row = dict(
        zip(rows[0], next(row for row in rows if row[1] == cast.owner.name), strict=True)
    )
    assert owner_row["buyers"] == "2"
    assert owner_row["requests_met_rate"] == "0.5000"
    assert {"one_time_buyer_rate", "average_order_value_eur", "conversion_rate"} <= set(rows[0])
    assert {"sales_attributed_to_outreach_eur", "lookbook_acceptance_rate"} <= set(rows[0])


def test_csv_cells_are_neutralised(cast):
    from stylists.pages.kpis import Figures, KpiPage, Period, csv_rows

    page = KpiPage(
        boutique=cast.paris,
        period=Period("3", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
        total=Figures(label="=cmd"),
        books=[],
        months=[],
    )
    from core.csvsafe import neutralise_row

    assert neutralise_row(csv_rows(page)[1])[1] == "'=cmd"


def test_the_page_costs_the_same_with_more_clients(
    cast, world, count_queries, django_assert_max_num_queries
):
    http = cast.http("manager")
    http.get(URL)
    small = count_queries(lambda: http.get(URL))
    for i in range(8):
        client = buyer(cast, cast.owner if i % 2 else cast.colleague, f"More{i}", 1, 3, 7)
        request_for(client, cast.owner, answered_after_hours=1)
    with django_assert_max_num_queries(small):
        http.get(URL)
    with django_assert_max_num_queries(small):
        http.get(CSV_URL)
