"""KPIs for managers and head office (/stylist/team/kpis/), per boutique, book and month.

Per boutique and per advisor's book, over a period of whole months (periods.py). Only
clients whose consent lets purchases serve analytics count (consent.policy), the same
rule as the nightly outlook. A fixed number of queries whatever the number of clients,
orders or months (aggregates grouped by client and month; consultations.py's four).

Definitions (shown on the page):
- buyers: clients with a completed order in the period;
- repeat rate: buyers of the period who had bought at least twice by its end;
- one-time buyers: of the clients who had bought by the period's end, those who had
  bought exactly once;
- average order value: completed orders' totals in the period ÷ their number;
- retention: clients who bought in the same length of time just before the
  period and bought again within it;
- lifetime value: mean lifetime spend of the period's buyers; expected value:
  mean 12-month value of the nightly outlook;
- requests met: styling requests of the period answered by their due time
  (a request still open past due counts as missed; one not yet due is left out);
- conversion, sales attributed to outreach, lookbook acceptance: consultations.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from catalog.models import Boutique
from clients.models import Client, Order, OrderStatus
from clients.selectors import clients_visible_to
from consent import policy
from recommendations.models import ClientOutlook, ModelVersion
from stylists.models import StylingRequest, StylingRequestStatus, Stylist
from stylists.pages.kpis.charts import charts_of
from stylists.pages.kpis.consultations import Credit, Credits, credits_for
from stylists.pages.kpis.figures import Figures
from stylists.pages.kpis.periods import DEFAULT_PERIOD, Period, month_start, period_for
from stylists.pages.team import may_see_team, team_boutiques
from stylists.selectors import current_assignments

HOUSE = "house"  # the boutique choice that means every boutique (head office)


@dataclass
class KpiPage:
    boutique: Boutique | None  # None: the whole house
    period: Period
    total: Figures
    books: list[Figures]
    months: list[Figures]
    book: Stylist | None = None
    models: list[tuple[str, Credit]] = field(default_factory=list)  # acceptance per version
    boutiques: list[Figures] = field(default_factory=list)  # the whole house: each boutique
    charts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def place(self) -> str:
        return self.boutique.name if self.boutique is not None else "The whole house"

    @property
    def code(self) -> str:
        return self.boutique.code if self.boutique is not None else HOUSE

    @property
    def start(self) -> dt.date:
        return self.period.start

    @property
    def end(self) -> dt.date:  # exclusive
        return self.period.end


def _orders_by_client_month(
    clients: QuerySet[Client], end: dt.date
) -> dict[int, dict[dt.date, tuple[int, Decimal]]]:
    rows = (
        Order.objects.filter(
            client__in=clients.values("pk"),
            status=OrderStatus.COMPLETED,
            placed_at__lt=_aware(end),
        )
        .annotate(month=TruncMonth("placed_at"))
        .values("client_id", "month")
        .annotate(n=Count("pk"), total=Sum("total"))
        .order_by()
    )
    out: dict[int, dict[dt.date, tuple[int, Decimal]]] = defaultdict(dict)
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        out[row["client_id"]][month] = (row["n"], row["total"] or Decimal(0))
    return out


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def kpi_page(
    user: Any,
    stylist: Stylist,
    boutique_id: int | None,
    *,
    period: str = DEFAULT_PERIOD,
    first: str = "",
    last: str = "",
    book: Stylist | None = None,
    today: dt.date | None = None,
) -> KpiPage:
    """The KPIs of a boutique (or one book in it; None: every boutique the user may see,
    each also as a row); 404 for anyone not managing it.

    period: a key of periods.PERIODS; "custom" takes `first` and `last` (YYYY-MM).
    """
    shown = _shown_boutiques(user, stylist, boutique_id)
    boutique = shown[0] if boutique_id is not None else None
    chosen = period_for(period, today or timezone.localdate(), first, last)
    start, end = chosen.start, chosen.end
    allowed = policy.client_ids_allowing(policy.DataKind.PURCHASES, policy.Purpose.ANALYTICS)
    clients = clients_visible_to(user).filter(
        home_boutique_id__in=[b.pk for b in shown], pk__in=allowed
    )
    rows = list(clients.values_list("pk", "lifetime_spend", "home_boutique_id"))
    spend = {pk: lifetime for pk, lifetime, _ in rows}
    advisors = current_assignments(list(spend))
    if book is not None:
        spend = {pk: v for pk, v in spend.items() if advisors.get(pk) == book}
    label = book.name if book else boutique.city if boutique else "the house"
    scopes = _Scopes(
        total=Figures(label=label),
        places={b.pk: Figures(label=b.city) for b in shown} if boutique is None else {},
        months={m: Figures(label=m.strftime("%b %Y")) for m in chosen.month_starts},
        advisors=advisors,
        home={pk: boutique_pk for pk, _, boutique_pk in rows},
    )
    _count_clients(
        spend,
        _orders_by_client_month(clients, end),
        _expected_values(spend),
        scopes.of,
        scopes.months,
        (chosen.before, start, end),
    )
    _count_requests(_requests(spend, start, end), scopes.of, scopes.months)
    models = scopes.credit(
        credits_for(
            spend,
            _aware(start),
            _aware(end),
            advisor=book.pk if book is not None else None,
            groups=scopes.home if scopes.places else None,
        )
    )
    page = KpiPage(
        boutique=boutique,
        period=chosen,
        total=scopes.total,
        books=sorted(scopes.books.values(), key=lambda f: f.label),
        months=list(scopes.months.values()),
        book=book,
        models=models,
        boutiques=list(scopes.places.values()),
    )
    page.charts = charts_of(page.months, label)
    return page


def _shown_boutiques(user: Any, stylist: Stylist, boutique_id: int | None) -> list[Boutique]:
    """The boutique asked for, or (None) every one the user manages; 404 otherwise."""
    if not may_see_team(user, stylist):
        raise Http404("Not found")
    boutiques = list(team_boutiques(user, stylist))
    shown = [b for b in boutiques if boutique_id is None or b.pk == boutique_id]
    if not shown:
        raise Http404("Not found")
    return shown


def _expected_values(spend: dict[int, Decimal]) -> dict[int, Decimal | None]:
    return dict(
        ClientOutlook.objects.filter(
            client_id__in=list(spend), predicted_value__isnull=False
        ).values_list("client_id", "predicted_value")
    )


def _requests(spend: dict[int, Decimal], start: dt.date, end: dt.date) -> list[Any]:
    return list(
        StylingRequest.objects.filter(
            client_id__in=list(spend), created_at__gte=_aware(start), created_at__lt=_aware(end)
        ).values("client_id", "created_at", "due_at", "answered_at", "status")
    )


@dataclass
class _Scopes:
    """Where each client's figures add up: the total, her book, her boutique (the house)."""

    total: Figures
    places: dict[int, Figures]  # boutique pk -> figures (the whole house only)
    months: dict[dt.date, Figures]
    advisors: dict[int, Stylist]  # client pk -> advisor now
    home: dict[int, int]  # client pk -> boutique pk
    books: dict[int | None, Figures] = field(default_factory=dict)

    def book_of(self, advisor: Stylist | None) -> Figures:
        key = advisor.pk if advisor else None
        if key not in self.books:
            self.books[key] = Figures(label=advisor.name if advisor else "In no book")
        return self.books[key]

    def of(self, client_id: int) -> list[Figures]:
        found = [self.total, self.book_of(self.advisors.get(client_id))]
        if self.places:
            found.append(self.places[self.home[client_id]])
        return found

    def credit(self, credits: Credits) -> list[tuple[str, Credit]]:
        """Hand each scope its credit; the acceptance per model version, newest first."""
        self.total.credit = credits.total
        for boutique_pk, credit in credits.by_group.items():
            self.places[boutique_pk].credit = credit
        credited = _advisors_by_pk(set(credits.by_advisor), self.advisors.values())
        for advisor_pk, credit in credits.by_advisor.items():
            self.book_of(credited.get(advisor_pk)).credit = credit
        versions = ModelVersion.objects.in_bulk(list(credits.by_model))
        return [
            (str(versions[pk]) if pk in versions else f"Model #{pk}", credit)
            for pk, credit in sorted(credits.by_model.items(), reverse=True)
        ]


def _advisors_by_pk(wanted: set[int], known: Any) -> dict[int, Stylist]:
    """The credited advisors, from the clients' books, the rest in one query."""
    found = {advisor.pk: advisor for advisor in known if advisor.pk in wanted}
    missing = wanted - set(found)
    if missing:
        found.update(Stylist.objects.select_related("user").in_bulk(list(missing)))
    return found


def _count_clients(
    spend: dict[int, Decimal],
    orders: dict[int, dict[dt.date, tuple[int, Decimal]]],
    expected: dict[int, Decimal | None],
    scopes: Callable[[int], list[Figures]],
    months: dict[dt.date, Figures],
    bounds: tuple[dt.date, dt.date, dt.date],
) -> None:
    """Buyers, repeat and one-time buyers, orders, retention and value, per scope and month."""
    before, start, end = bounds
    for client_id, lifetime in spend.items():
        by_month = orders.get(client_id, {})
        period = [by_month[m] for m in by_month if start <= m < end]
        in_period = sum(n for n, _ in period)
        spent = sum((amount for _, amount in period), Decimal(0))
        before_period = sum(n for m, (n, _) in by_month.items() if before <= m < start)
        ever = sum(n for n, _ in by_month.values())
        for figures in scopes(client_id):
            if in_period:
                figures.buyers += 1
                figures.repeat_buyers += ever >= 2
                figures.lifetime_total += lifetime or 0
                figures.orders += in_period
                figures.order_total += spent
            if ever:
                figures.ever_buyers += 1
                figures.one_time_buyers += ever == 1
            if before_period:
                figures.base += 1
                figures.retained += bool(in_period)
            if client_id in expected:
                figures.expected_n += 1
                figures.expected_total += expected[client_id] or Decimal(0)
        earlier = 0
        for month in sorted(by_month):
            n, amount = by_month[month]
            if month in months:
                figures = months[month]
                figures.buyers += 1
                figures.repeat_buyers += earlier > 0 or n >= 2
                figures.orders += n
                figures.order_total += amount
            earlier += n


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
