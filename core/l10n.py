"""Numbers, prices and dates as each of the client languages writes them (Babel, CLDR).

Django localises numbers and dates but not currencies; Babel knows where each
language puts the currency symbol, the grouping and the decimals, and each
language's order of weekday, day and month. Prices show no decimals when whole,
as the house writes them; digits stay Latin in every language (Arabic
included, as the house's Gulf clients read them); times use the 24-hour clock.
Datetimes are shown in the current time zone (the client's, on concierge pages).
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import parse_pattern
from django.utils import timezone, translation


def babel_locale(language: str | None = None) -> str:
    """Django's language code as a CLDR locale ("zh-hant" → "zh_Hant", "pt" → "pt")."""
    return translation.to_locale(language or translation.get_language() or "en")


def format_price(
    amount: Decimal | int | float | None, currency: str, language: str | None = None
) -> str:
    """The amount with its currency as the language writes it; whole amounts without decimals."""
    if amount is None:
        return ""
    value = Decimal(str(amount))
    locale = Locale.parse(babel_locale(language))
    pattern = parse_pattern(locale.currency_formats["standard"].pattern)
    if value == value.to_integral_value():
        pattern.frac_prec = (0, 0)
    return pattern.apply(value, locale, currency=currency or "EUR", currency_digits=False)


_SKELETONS = {
    "day_month": "MMMMd",
    "long_date": "yMMMMd",
    "month_year": "yMMMM",
}
# Weekday, day and month in full: CLDR has no full-width skeleton for it, so each
# language's own order is written out.
_DAY_PATTERNS = {
    "en": "EEEE d MMMM",
    "fr": "EEEE d MMMM",
    "it": "EEEE d MMMM",
    "de": "EEEE, d. MMMM",
    "es": "EEEE, d 'de' MMMM",
    "pt": "EEEE, d 'de' MMMM",
    "ru": "EEEE, d MMMM",
    "ar": "EEEE، d MMMM",
    "ja": "M月d日EEEE",
    "ko": "M월 d일 EEEE",
    "zh-hans": "M月d日EEEE",
    "zh-hant": "M月d日 EEEE",
}
# The same with the year, for letters that outlive the week (appointment notices).
_DAY_YEAR_PATTERNS = {
    "en": "EEEE d MMMM y",
    "fr": "EEEE d MMMM y",
    "it": "EEEE d MMMM y",
    "de": "EEEE, d. MMMM y",
    "es": "EEEE, d 'de' MMMM 'de' y",
    "pt": "EEEE, d 'de' MMMM 'de' y",
    "ru": "EEEE, d MMMM y 'г'.",
    "ar": "EEEE، d MMMM y",
    "ja": "y年M月d日EEEE",
    "ko": "y년 M월 d일 EEEE",
    "zh-hans": "y年M月d日EEEE",
    "zh-hant": "y年M月d日 EEEE",
}


def _local(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


def format_when(value: Any, kind: str, language: str | None = None) -> str:
    """`value` (a date or datetime) as "day", "day_year", "day_month", "long_date", "month_year"
    or "hm"."""
    if value in (None, ""):
        return ""
    value = _local(value)
    language = language or translation.get_language() or "en"
    if kind == "hm":
        return f"{value.hour:02d}:{value.minute:02d}"
    day_value = value.date() if isinstance(value, dt.datetime) else value
    return _format_day(day_value, kind, language)


@functools.lru_cache(maxsize=4096)
def _format_day(day: dt.date, kind: str, language: str) -> str:
    """One day as `kind` writes it in `language`: the same day, language and kind always give
    the same words, so a page that names one day many times (a thread, a week of times) asks
    Babel once (~50 µs a call) and a process keeps the few thousand it shows most."""
    if kind == "day":
        pattern = _DAY_PATTERNS.get(language, _DAY_PATTERNS["en"])
        return format_date(day, pattern, locale=babel_locale(language))
    if kind == "day_year":
        pattern = _DAY_YEAR_PATTERNS.get(language, _DAY_YEAR_PATTERNS["en"])
        return format_date(day, pattern, locale=babel_locale(language))
    return format_skeleton(_SKELETONS[kind], day, locale=babel_locale(language))


def long_date(value: Any) -> str:
    """Day, month and year in the current language: "6 December 2026", "2026年12月6日"."""
    return format_when(value, "long_date")
