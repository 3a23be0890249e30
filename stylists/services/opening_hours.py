"""Working time in a boutique's opening hours: "four hours" means four hours the boutique is open.

Opening hours are the boutique's JSON ({"mon": [["10:00", "19:00"]], "sun": []}),
read in its own time zone. A boutique with no hours on record is taken as
always open (the promise then runs on the clock), so a missing setting never
makes a request due "never".
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from catalog.models import Boutique

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Far enough for any week with a few open hours; a boutique closed all week falls back.
SEARCH_DAYS = 14


def _intervals(hours: dict[str, list[list[str]]], day: dt.date) -> list[tuple[dt.time, dt.time]]:
    found = []
    for pair in hours.get(DAY_KEYS[day.weekday()], []) or []:
        try:
            opens, closes = dt.time.fromisoformat(pair[0]), dt.time.fromisoformat(pair[1])
        except (TypeError, ValueError, IndexError):
            continue
        if opens < closes:
            found.append((opens, closes))
    return sorted(found)


def add_opening_hours(
    start: dt.datetime, duration: dt.timedelta, boutique: Boutique | None
) -> dt.datetime:
    """The moment `duration` of the boutique's opening hours have passed after `start`."""
    hours = boutique.opening_hours if boutique is not None else None
    if not hours or not any(hours.values()):
        return start + duration
    zone = ZoneInfo(boutique.timezone if boutique is not None else "UTC")
    local = start.astimezone(zone)
    remaining = duration
    day = local.date()
    for _ in range(SEARCH_DAYS):
        for opens, closes in _intervals(hours, day):
            window_start = dt.datetime.combine(day, opens, zone)
            window_end = dt.datetime.combine(day, closes, zone)
            begin = max(window_start, local)
            if begin >= window_end:
                continue
            available = window_end - begin
            if remaining <= available:
                return (begin + remaining).astimezone(dt.UTC)
            remaining -= available
        day += dt.timedelta(days=1)
    return start + duration
