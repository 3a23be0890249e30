"""One scope's KPIs (the boutique, a book or a month), and how a share is shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from stylists.pages.kpis.consultations import Credit
from stylists.pages.kpis.ratios import mean, share


@dataclass
class Figures:
    """One scope's KPIs (the boutique, a book, or a month)."""

    label: str
    buyers: int = 0
    repeat_buyers: int = 0
    ever_buyers: int = 0  # had bought by the period's end
    one_time_buyers: int = 0  # ... exactly once
    orders: int = 0  # completed orders in the period
    order_total: Decimal = Decimal(0)
    base: int = 0  # bought in the window before the period
    retained: int = 0
    lifetime_total: Decimal = Decimal(0)
    expected_total: Decimal = Decimal(0)
    expected_n: int = 0
    requests: int = 0
    requests_met: int = 0
    credit: Credit = field(default_factory=Credit)  # consultations, outreach, acceptance

    @property
    def repeat_rate(self) -> float | None:
        return share(self.repeat_buyers, self.buyers)

    @property
    def one_time_rate(self) -> float | None:
        return share(self.one_time_buyers, self.ever_buyers)

    @property
    def average_order_value(self) -> Decimal | None:
        return mean(self.order_total, self.orders)

    @property
    def retention(self) -> float | None:
        return share(self.retained, self.base)

    @property
    def lifetime_value(self) -> Decimal | None:
        return mean(self.lifetime_total, self.buyers)

    @property
    def expected_value(self) -> Decimal | None:
        return mean(self.expected_total, self.expected_n)

    @property
    def requests_met_rate(self) -> float | None:
        return share(self.requests_met, self.requests)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"
