"""KPIs for managers (/stylist/team/kpis/): repeat rate, lifetime value, retention, requests met.

Per boutique and per advisor's book, over a period of whole months. Only clients
whose consent lets purchases serve analytics count (consent.policy), the same
rule as the nightly outlook. A fixed number of queries whatever the number of
clients, orders or months (aggregates grouped by client and month).

Definitions (shown on the page):
- buyers: clients with a completed order in the period;
- repeat rate: buyers of the period who had bought at least twice by its end;
- retention: clients who bought in the same length of time just before the
  period and bought again within it;
- lifetime value: mean lifetime spend of the period's buyers; expected value:
  mean 12-month value of the nightly outlook;
- requests met: styling requests of the period answered by their due time
  (a request still open past due counts as missed; one not yet due is left out).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from catalog.models import Boutique
from clients.models import Client, Order, OrderStatus
from clients.selectors import clients_visible_to
from consent import policy
from core.charts import Bar, bar_chart
from recommendations.models import ClientOutlook
from stylists.models import StylingRequest, StylingRequestStatus, Stylist
from stylists.pages.team import may_see_team, team_boutiques
from stylists.selectors import current_assignments

PERIODS = {"3": "3 months", "6": "6 months", "12": "12 months", "24": "24 months"}
DEFAULT_PERIOD = "12"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class Figures:
    """One scope's KPIs (the boutique, a book, or a month)."""

    label: str
    buyers: int = 0
    repeat_buyers: int = 0
    base: int = 0  # bought in the window before the period
    retained: int = 0
    lifetime_total: Decimal = Decimal(0)
    expected_total: Decimal = Decimal(0)
    expected_n: int = 0
    requests: int = 0
    requests_met: int = 0

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def repeat_rate(self) -> float | None:
        return self._share(self.repeat_buyers, self.buyers)

    @property
    def retention(self) -> float | None:
        return self._share(self.retained, self.base)

    @property
    def lifetime_value(self) -> Decimal | None:
        return (self.lifetime_total / self.buyers).quantize(Decimal(1)) if self.buyers else None

    @property
    def expected_value(self) -> Decimal | None:
        if not self.expected_n:
            return None
        return (self.expected_total / self.expected_n).quantize(Decimal(1))

    @property
    def requests_met_rate(self) -> float | None:
        return self._share(self.requests_met, self.requests)


@dataclass
class KpiPage:
    boutique: Boutique
    period: str
    start: dt.date
    end: dt.date  # exclusive
    total: Figures
    books: list[Figures]
    months: list[Figures]
    book: Stylist | None = None
    charts: list[dict[str, Any]] = field(default_factory=list)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _orders_by_client_month(
    clients: QuerySet[Client], end: dt.date
) -> dict[int, dict[dt.date, int]]:
    rows = (
        Order.objects.filter(
            client__in=clients.values("pk"),
            status=OrderStatus.COMPLETED,
            placed_at__lt=_aware(end),
        )
        .annotate(month=TruncMonth("placed_at"))
        .values("client_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        out[row["client_id"]][month] = row["n"]
    return out


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def kpi_page(
    user: Any,
    stylist: Stylist,
    boutique_id: int,
    *,
    period: str = DEFAULT_PERIOD,
    book: Stylist | None = None,
    today: dt.date | None = None,
) -> KpiPage:
    """The KPIs of a boutique (or one book in it); 404 for anyone not managing it."""
    boutiques = team_boutiques(user, stylist) if may_see_team(user, stylist) else None
    boutique = boutiques.filter(pk=boutique_id).first() if boutiques is not None else None
    if boutique is None:
        raise Http404("Not found")
    period = period if period in PERIODS else DEFAULT_PERIOD
    months_n = int(period)
    today = today or timezone.localdate()
    end = add_months(month_start(today), 1)
    start = add_months(end, -months_n)
    before = add_months(start, -months_n)
    allowed = policy.client_ids_allowing(policy.DataKind.PURCHASES, policy.Purpose.ANALYTICS)
    clients = clients_visible_to(user).filter(home_boutique_id=boutique.pk, pk__in=allowed)
    spend = dict(clients.values_list("pk", "lifetime_spend"))
    advisors = current_assignments(list(spend))
    if book is not None:
        spend = {pk: v for pk, v in spend.items() if advisors.get(pk) == book}
    orders = _orders_by_client_month(clients, end)
    expected = dict(
        ClientOutlook.objects.filter(
            client_id__in=list(spend), predicted_value__isnull=False
        ).values_list("client_id", "predicted_value")
    )
    requests = list(
        StylingRequest.objects.filter(
            client_id__in=list(spend), created_at__gte=_aware(start), created_at__lt=_aware(end)
        ).values("client_id", "created_at", "due_at", "answered_at", "status")
    )

    total = Figures(label=boutique.city if book is None else book.name)
    books: dict[int | None, Figures] = {}
    month_list = [add_months(start, i) for i in range(months_n)]
    months = {m: Figures(label=m.strftime("%b %Y")) for m in month_list}

    def scopes(client_id: int) -> list[Figures]:
        advisor = advisors.get(client_id)
        key = advisor.pk if advisor else None
        if key not in books:
            books[key] = Figures(label=advisor.name if advisor else "In no book")
        return [total, books[key]]

    _count_clients(spend, orders, expected, scopes, months, (before, start, end))
    _count_requests(requests, scopes, months)

    page = KpiPage(
        boutique=boutique,
        period=period,
        start=start,
        end=end,
        total=total,
        books=sorted(books.values(), key=lambda f: f.label),
        months=[months[m] for m in month_list],
        book=book,
    )
    page.charts = _charts(page)
    return page


def _count_clients(
    spend: dict[int, Decimal],
    orders: dict[int, dict[dt.date, int]],
    expected: dict[int, Decimal | None],
    scopes: Callable[[int], list[Figures]],
    months: dict[dt.date, Figures],
    bounds: tuple[dt.date, dt.date, dt.date],
) -> None:
    """Buyers, repeat buyers, retention base and value, per scope and per month."""
    before, start, end = bounds
    for client_id, lifetime in spend.items():
        by_month = orders.get(client_id, {})
        in_period = sum(n for m, n in by_month.items() if start <= m < end)
        before_period = sum(n for m, n in by_month.items() if before <= m < start)
        ever = sum(by_month.values())
        for figures in scopes(client_id):
            if in_period:
                figures.buyers += 1
                figures.repeat_buyers += ever >= 2
                figures.lifetime_total += lifetime or 0
            if before_period:
                figures.base += 1
                figures.retained += bool(in_period)
            if client_id in expected:
                figures.expected_n += 1
                figures.expected_total += expected[client_id] or Decimal(0)
        earlier = 0
        for month in sorted(by_month):
            if month in months:
                months[month].buyers += 1
                months[month].repeat_buyers += earlier > 0 or by_month[month] >= 2
            earlier += by_month[month]


def _count_requests(
    requests: list[Any],
    scopes: Callable[[int], list[Figures]],
    months: dict[dt.date, Figures],
) -> None:
    """Met: answered by its due time; missed: late, closed unanswered, or open past due."""
    now = timezone.now()
    for request in requests:
        met = request["answered_at"] is not None and request["answered_at"] <= request["due_at"]
        missed = not met and (
            request["answered_at"] is not None
            or (request["status"] == StylingRequestStatus.OPEN and request["due_at"] < now)
            or request["status"] == StylingRequestStatus.CLOSED
        )
        if not (met or missed):
            continue  # still open and not yet due
        month = month_start(timezone.localtime(request["created_at"]).date())
        targets = [*scopes(request["client_id"])]
        if month in months:
            targets.append(months[month])
        for figures in targets:
            figures.requests += 1
            figures.requests_met += met


EMPTY_CHART = {
    "buyers": "No purchase in this period.",
    "repeat": "No buyer in this period.",
    "requests": "No styling request in this period.",
}


def _charts(page: KpiPage) -> list[dict[str, Any]]:
    """Each chart twice over: an SVG (no script) and the data Chart.js draws from.

    The data goes to the page through json_script (static/js/kpi-charts.js reads it):
    labels, values (None = no data that month), whether values are shares, the title and
    a sentence for the canvas's accessible name. The month table keeps every figure.
    """
    months = page.months
    scope = page.book.name if page.book else page.boutique.city
    specs: dict[str, tuple[str, str, list[float | None], list[str], float | None]] = {
        "buyers": (
            f"Buyers per month, {scope}",
            f"Clients with a completed purchase each month, {months[0].label} to "
            f"{months[-1].label}.",
            [float(m.buyers) for m in months],
            [str(m.buyers) for m in months],
            None,
        ),
        "repeat": (
            f"Returning buyers per month, {scope}",
            "Share of each month's buyers who had bought before or bought twice that month.",
            [m.repeat_rate for m in months],
            [percent(m.repeat_rate) for m in months],
            1.0,
        ),
        "requests": (
            f"Styling requests answered in time, {scope}",
            "Share of each month's styling requests answered by their due time "
            "(a gap: no request that month).",
            [m.requests_met_rate for m in months],
            [percent(m.requests_met_rate) for m in months],
            1.0,
        ),
    }
    charts = []
    for key, (title, about, values, texts, maximum) in specs.items():
        desc = f"{about} The table below gives every figure."
        bars = [Bar(m.label, v, t) for m, v, t in zip(months, values, texts, strict=True)]
        charts.append(
            {
                "key": key,
                "title": title,
                "svg": bar_chart(title, desc, bars, maximum=maximum),
                "data": {
                    "title": title,
                    "summary": f"{title}. {desc}",
                    "labels": [m.label for m in months],
                    "values": values,
                    "share": maximum == 1.0,
                    "empty": EMPTY_CHART[key] if all(v is None for v in values) else "",
                },
            }
        )
    return charts


def csv_rows(page: KpiPage) -> list[list[Any]]:
    """The page's figures as CSV rows: the whole scope, each book, each month."""
    header = [
        "scope",
        "label",
        "buyers",
        "repeat_rate",
        "retention",
        "lifetime_value_eur",
        "expected_12m_value_eur",
        "requests",
        "requests_met_rate",
    ]

    def row(kind: str, f: Figures) -> list[Any]:
        def share(v: float | None) -> str:
            return "" if v is None else f"{v:.4f}"

        return [
            kind,
            f.label,
            f.buyers,
            share(f.repeat_rate),
            share(f.retention),
            f.lifetime_value if f.lifetime_value is not None else "",
            f.expected_value if f.expected_value is not None else "",
            f.requests,
            share(f.requests_met_rate),
        ]

    rows = [header, row("total", page.total)]
    rows += [row("book", f) for f in page.books] if page.book is None else []
    rows += [row("month", f) for f in page.months]
    return rows
