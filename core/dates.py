"""Django's `date` filter, with the work it repeats done once.

Django formats a date through `dateformat.DateFormat`: a regex split of the format,
a method call per letter, and a translation look-up for each month or weekday name;
about 30 µs a call, and a page of fifty clients asks for 150 of them (issue 14).
`format_date` gives exactly Django's output for any value and format, and remembers
what it can: a format whose letters all depend on the calendar day alone (d j D l N
m n M F b E y Y …) is written once per day, format and language; ISO 8601 (`c`) is
`isoformat()`, which is what Django's `c` returns. Anything else goes to Django.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.template import defaultfilters
from django.utils import translation
from django.utils.formats import FORMAT_SETTINGS

# Letters of Django's date format whose output depends on the calendar day only.
_DAY_ONLY = frozenset("dDjlLNSwzWmMnFbEyYto")


@functools.lru_cache(maxsize=256)
def _day_only(fmt: str) -> bool:
    return (
        fmt not in FORMAT_SETTINGS
        and "\\" not in fmt
        and all(ch in _DAY_ONLY for ch in fmt if ch.isalpha())
    )


@functools.lru_cache(maxsize=8192)
def _day(day: dt.date, fmt: str, language: str | None) -> str:
    return defaultfilters.date(day, fmt)


def format_date(value: Any, fmt: str | None = None) -> str:
    """What `{{ value|date:fmt }}` prints, `value` already in the time zone to show."""
    if fmt and isinstance(value, dt.date):
        if fmt == "c":
            return value.isoformat()
        if _day_only(fmt):
            day = value.date() if isinstance(value, dt.datetime) else value
            return _day(day, fmt, translation.get_language())
    return defaultfilters.date(value, fmt)
