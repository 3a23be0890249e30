"""The KPIs' period: whole months, chosen as this month, quarter or year, the last N
months, or a custom run of months (`from` and `to`, YYYY-MM, both included).

A custom period that cannot be read, runs backwards, reaches past this month or spans
more than MAX_CUSTOM_MONTHS falls back to the last 12 months, with a sentence saying why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PERIODS: dict[str, str] = {
    "month": "This month",
    "quarter": "This quarter",
    "year": "This year",
    "3": "Last 3 months",
    "6": "Last 6 months",
    "12": "Last 12 months",
    "24": "Last 24 months",
    "custom": "Chosen months",
}
DEFAULT_PERIOD = "12"
MAX_CUSTOM_MONTHS = 36


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass(frozen=True)
class Period:
    key: str
    start: dt.date  # the first day of its first month
    end: dt.date  # the first day of the month after its last (exclusive)
    error: str = ""  # why a custom choice was not taken

    @property
    def months(self) -> int:
        return months_between(self.start, self.end)

    @property
    def month_starts(self) -> list[dt.date]:
        return [add_months(self.start, i) for i in range(self.months)]

    @property
    def before(self) -> dt.date:
        """The start of as many months just before it (retention's base)."""
        return add_months(self.start, -self.months)


def period_for(key: str, today: dt.date, first: str = "", last: str = "") -> Period:
    """The period `key` names (custom: `first`..`last`, YYYY-MM) as of `today`."""
    key = key if key in PERIODS else DEFAULT_PERIOD
    this_month = month_start(today)
    end = add_months(this_month, 1)
    if key == "month":
        return Period(key, this_month, end)
    if key == "quarter":
        return Period(key, this_month.replace(month=(today.month - 1) // 3 * 3 + 1), end)
    if key == "year":
        return Period(key, this_month.replace(month=1), end)
    if key == "custom":
        return _custom(first, last, this_month)
    return Period(key, add_months(end, -int(key)), end)


def _custom(first: str, last: str, this_month: dt.date) -> Period:
    start, final = _month(first), _month(last)
    error = ""
    if start is None or final is None:
        error = "Choose the first and the last month (YYYY-MM) of the period."
    elif final < start:
        error = "The last month comes before the first: choose them the other way round."
    elif final > this_month:
        error = "The period cannot reach past this month."
    elif months_between(start, add_months(final, 1)) > MAX_CUSTOM_MONTHS:
        error = f"Choose at most {MAX_CUSTOM_MONTHS} months."
    if error or start is None or final is None:
        fallback = period_for(DEFAULT_PERIOD, this_month)
        return Period(fallback.key, fallback.start, fallback.end, error)
    return Period("custom", start, add_months(final, 1))


def _month(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        return None
