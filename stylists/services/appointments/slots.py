"""Free times: an advisor's weekly windows in her boutique's time, less what is taken.

The house's booking rules (lengths, notice, horizon, the cancel and video-room
windows) are named here; every other appointments module reads them from here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from stylists.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Availability,
    Stylist,
)

DURATIONS: dict[str, dt.timedelta] = {
    AppointmentKind.BOUTIQUE: dt.timedelta(minutes=60),
    AppointmentKind.VIDEO: dt.timedelta(minutes=45),
}
# The house needs a little time to prepare pieces and a fitting room.
BOOKING_MIN_NOTICE = dt.timedelta(hours=2)
BOOKING_HORIZON_DAYS = 28
# A client may cancel online until a day before; after that, a call to the boutique.
CLIENT_CANCEL_NOTICE = dt.timedelta(hours=24)
# The video room opens this long before the start.
VIDEO_ROOM_OPENS = dt.timedelta(minutes=10)
# The PostgreSQL exclusion constraint (migration 0005): no two active appointments of
# one advisor overlap.
OVERLAP_CONSTRAINT = "appt_no_overlap_per_advisor"
ACTIVE_STATUSES = (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED)
FINAL_STATUSES = (
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.CANCELLED,
)


def duration_of(kind: str) -> dt.timedelta:
    try:
        return DURATIONS[AppointmentKind(kind)]
    except ValueError:
        raise ValidationError(
            {"kind": _("Choose a visit to the boutique or a video call.")}
        ) from None


def stylist_zone(stylist: Stylist) -> ZoneInfo | None:
    """The time zone the advisor's availability is written in (their boutique's)."""
    boutique = stylist.boutique
    return ZoneInfo(boutique.timezone) if boutique is not None else None


def _windows_by_weekday(stylist: Stylist) -> dict[int, list[tuple[dt.time, dt.time]]]:
    windows: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in Availability.objects.filter(stylist=stylist).order_by("weekday", "starts"):
        windows.setdefault(row.weekday, []).append((row.starts, row.ends))
    return windows


def _busy(
    stylist: Stylist, start: dt.datetime, end: dt.datetime, ignoring: int | None = None
) -> list[tuple[dt.datetime, dt.datetime]]:
    rows = Appointment.objects.filter(
        stylist=stylist, status__in=ACTIVE_STATUSES, starts_at__lt=end, ends_at__gt=start
    )
    if ignoring is not None:
        rows = rows.exclude(pk=ignoring)
    return list(rows.values_list("starts_at", "ends_at"))


def appointment_slots_between(
    *,
    stylist: Stylist,
    first_day: dt.date,
    days: int,
    kind: str,
    now: dt.datetime | None = None,
    ignoring: int | None = None,
) -> dict[dt.date, list[dt.datetime]]:
    """Free start times for `days` days from `first_day` (the boutique's days), two queries.

    Keys are the boutique's local dates, in order, each with at least one slot.
    `ignoring`: an appointment whose own time counts as free (the one being moved).
    """
    length = duration_of(kind)
    zone = stylist_zone(stylist)
    if zone is None or not stylist.active or days < 1:
        return {}
    now = now or timezone.now()
    earliest = now + BOOKING_MIN_NOTICE
    local_today = now.astimezone(zone).date()
    last_day = min(
        first_day + dt.timedelta(days=days - 1),
        local_today + dt.timedelta(days=BOOKING_HORIZON_DAYS),
    )
    if last_day < first_day:
        return {}
    windows = _windows_by_weekday(stylist)
    if not windows:
        return {}
    range_start = dt.datetime.combine(first_day, dt.time.min, zone)
    range_end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, zone)
    busy = _busy(stylist, range_start, range_end, ignoring)
    slots: dict[dt.date, list[dt.datetime]] = {}
    day = first_day
    while day <= last_day:
        for start in _window_starts(day, windows, zone, length):
            finish = start + length
            if start >= earliest and not any(b0 < finish and b1 > start for b0, b1 in busy):
                slots.setdefault(day, []).append(start)
        day += dt.timedelta(days=1)
    return slots


def _window_starts(
    day: dt.date,
    windows: dict[int, list[tuple[dt.time, dt.time]]],
    zone: ZoneInfo,
    length: dt.timedelta,
) -> list[dt.datetime]:
    """The start times the advisor's windows offer on `day` (a boutique date), taken or not."""
    starts: list[dt.datetime] = []
    for opens, closes in windows.get(day.weekday(), []):
        start = dt.datetime.combine(day, opens, zone)
        end = dt.datetime.combine(day, closes, zone)
        while start + length <= end:
            starts.append(start)
            start += length
    return starts


def appointment_slots(
    *, stylist: Stylist, day: dt.date, kind: str, ignoring: int | None = None
) -> list[dt.datetime]:
    """Free start times on `day` (a date in the advisor's boutique's time zone)."""
    return appointment_slots_between(
        stylist=stylist, first_day=day, days=1, kind=kind, ignoring=ignoring
    ).get(day, [])


def moment_fits(moment: dt.datetime) -> bool:
    """An aware time whose UTC form, and a day either side, datetime can represent.

    9999-12-31T23:00-05:00 or 0001-01-01T00:00+14:00 are valid ISO times whose
    UTC form (and the slot's end) overflow datetime: refused, not a 500.
    """
    if timezone.is_naive(moment):
        return False
    try:
        utc = moment.astimezone(dt.UTC)
        utc + dt.timedelta(days=1)  # the slot's end and the zone shifts must fit too
        utc - dt.timedelta(days=1)
    except OverflowError:
        return False
    return True


def bookable_moment(moment: dt.datetime, *, now: dt.datetime | None = None) -> bool:
    """A time that could be one offered: it fits, and lies within the booking horizon."""
    if not moment_fits(moment):
        return False
    now = now or timezone.now()
    utc = moment.astimezone(dt.UTC)
    return now - dt.timedelta(days=1) <= utc <= now + dt.timedelta(days=BOOKING_HORIZON_DAYS + 1)
