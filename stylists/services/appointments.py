"""Appointments with an advisor, in boutique or by video (contract C4).

Slots come from the advisor's weekly Availability windows, read in the local
time of the advisor's boutique, cut into steps of the appointment's length
(60 minutes in boutique, 45 by video), without the times already taken, from
BOOKING_MIN_NOTICE from now up to BOOKING_HORIZON_DAYS ahead. Times are aware
datetimes; pages show them in the client's own time zone.

Booking locks the advisor's Stylist row (select_for_update, primary-key order)
so that two clients reaching for the same slot cannot both have it: the second
gets a clear ValidationError. How the advisor hears of it: a FollowUp
("appointment:<public_id>", due on the day, "Prepare for ...") written in the
same transaction; a cancellation dismisses it. Video appointments get an
unguessable room name; the video provider (Twilio Video in production) is
only ever called by the page that opens the room, never here.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Boutique
from clients.models import Client, Occasion
from clients.selectors import can_change_client
from stylists.models import (
    Appointment,
    AppointmentKind,
    AppointmentNoticeKind,
    AppointmentStatus,
    Availability,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Stylist,
)
from stylists.services.appointment_notices import notice_on_commit

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
# A new appointment's relations that appointment_book has already shown to exist.
BOOKED_BY_CONSTRUCTION = ["client", "stylist", "boutique"]
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


def _advisor_follow_up_key(appointment: Appointment) -> str:
    return f"appointment:{appointment.public_id}"


def _lock_stylists(stylists: Iterable[Stylist]) -> set[int]:
    """Lock the advisors' rows (primary-key order); the ids of those that exist."""
    ids = sorted({s.pk for s in stylists})
    return set(
        Stylist.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


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


def _check_booking_request(
    *,
    client: Client,
    stylist: Stylist,
    kind: str,
    starts_at: dt.datetime,
    boutique: Boutique | None,
    occasion: Occasion | None,
) -> None:
    """What the client asked for makes sense on its own (no lock needed)."""
    if not moment_fits(starts_at):
        raise ValidationError({"starts_at": _("Choose one of the times offered.")})
    if kind == AppointmentKind.BOUTIQUE:
        if boutique is None:
            raise ValidationError(
                {"boutique": _("Choose the boutique where you would like to meet.")}
            )
        if boutique.pk != stylist.boutique_id:
            raise ValidationError(
                {
                    "boutique": _("%(advisor)s receives clients at %(boutique)s.")
                    % {"advisor": stylist.first_name, "boutique": stylist.boutique}
                }
            )
    if occasion is not None and occasion.client_id != client.pk:
        raise ValidationError({"occasion": _("This occasion is not one of yours.")})


def just_taken() -> ValidationError:
    """The answer to a client who reached for a time someone else has just taken."""
    return ValidationError(
        {
            "starts_at": ValidationError(
                _("This time has just been taken. Please choose another moment."),
                code="just_taken",
            )
        }
    )


def _check_slot_free(
    *,
    client: Client,
    stylist: Stylist,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    ignoring: int | None = None,
) -> ZoneInfo:
    """The slot is still free for both (under the advisor's lock); the advisor's zone.

    Two queries: who holds an overlapping time (the advisor, the client, both), and
    the advisor's windows. The windows need not be read against her busy times again:
    the first query has just shown that none of them meets this one.
    """
    overlapping = Appointment.objects.filter(
        Q(stylist=stylist) | Q(client=client),
        status__in=ACTIVE_STATUSES,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if ignoring is not None:
        overlapping = overlapping.exclude(pk=ignoring)
    holders = set(overlapping.values_list("stylist_id", flat=True))
    if stylist.pk in holders:  # the advisor's own overlap first, as "just taken"
        raise just_taken()
    if holders:
        raise ValidationError({"starts_at": _("You already have an appointment at that time.")})
    zone = stylist_zone(stylist)
    if zone is None or not stylist.active:
        raise ValidationError(
            _("%(advisor)s does not take appointments.") % {"advisor": stylist.first_name}
        )
    if starts_at < timezone.now() + BOOKING_MIN_NOTICE:
        raise ValidationError(
            {"starts_at": _("This time is too soon for us to prepare. Please choose a later one.")}
        )
    if not _offered_by_windows(stylist=stylist, zone=zone, kind=kind, starts_at=starts_at):
        raise ValidationError(
            {
                "starts_at": _(
                    "%(advisor)s is not available at that time. "
                    "Please choose one of the times offered."
                )
                % {"advisor": stylist.first_name}
            }
        )
    return zone


def _offered_by_windows(
    *, stylist: Stylist, zone: ZoneInfo, kind: str, starts_at: dt.datetime
) -> bool:
    """A step of the advisor's windows on its boutique day, within the booking horizon.

    With the notice and the busy times checked by the caller, this is exactly
    `starts_at in appointment_slots(...)` for its day, one query instead of two.
    """
    local_day = starts_at.astimezone(zone).date()
    horizon = timezone.now().astimezone(zone).date() + dt.timedelta(days=BOOKING_HORIZON_DAYS)
    if local_day > horizon:
        return False
    windows = _windows_by_weekday(stylist)
    return starts_at in _window_starts(local_day, windows, zone, duration_of(kind))


def save_slot(appointment: Appointment, update_fields: list[str] | None = None) -> None:
    """Store the appointment's time; the database's exclusion constraint (PostgreSQL) is the
    last word on overlaps, and its refusal is the same "just taken" as the service's check."""
    try:
        with transaction.atomic():
            appointment.save(update_fields=update_fields)
    except IntegrityError as error:
        if OVERLAP_CONSTRAINT in str(error):
            raise just_taken() from error
        raise


def _prepare_follow_up(*, appointment: Appointment, zone: ZoneInfo) -> FollowUp:
    """The advisor's "Prepare for …" line on the appointment's local day."""
    what = (
        "video consultation"
        if appointment.kind == AppointmentKind.VIDEO
        else "visit to the boutique"
    )
    local_start = appointment.starts_at.astimezone(zone)
    reason = f"Prepare for {appointment.client.full_name}'s {what} at {local_start:%H:%M}"
    if appointment.purpose:
        reason += f": {appointment.purpose}"
    follow_up = FollowUp(
        stylist=appointment.stylist,
        client=appointment.client,
        kind=FollowUpKind.CUSTOM,
        due_on=local_start.date(),
        reason=reason[:280],
        occasion=appointment.occasion,
        dedupe_key=_advisor_follow_up_key(appointment),
    )
    # Its advisor, client and occasion are the appointment's, just checked and stored in
    # this transaction; its key is the appointment's new public id, so unique.
    follow_up.full_clean(exclude=["stylist", "client", "occasion"], validate_unique=False)
    follow_up.save()
    return follow_up


@transaction.atomic
def appointment_book(
    *,
    client: Client,
    stylist: Stylist,
    kind: str,
    starts_at: dt.datetime,
    boutique: Boutique | None = None,
    purpose: str = "",
    occasion: Occasion | None = None,
) -> Appointment:
    """Book a free slot with the advisor; ValidationError (nothing stored) when it is not free.

    In-boutique appointments take place at the advisor's boutique (required);
    video appointments are hosted by it and receive a private room name.
    """
    length = duration_of(kind)
    _check_booking_request(
        client=client,
        stylist=stylist,
        kind=kind,
        starts_at=starts_at,
        boutique=boutique,
        occasion=occasion,
    )
    purpose = " ".join((purpose or "").split())
    if stylist.pk not in _lock_stylists([stylist]):
        raise ValidationError(
            _("%(advisor)s does not take appointments.") % {"advisor": stylist.first_name}
        )
    ends_at = starts_at + length
    zone = _check_slot_free(
        client=client, stylist=stylist, kind=kind, starts_at=starts_at, ends_at=ends_at
    )
    appointment = Appointment(
        client=client,
        stylist=stylist,
        boutique=stylist.boutique,
        kind=kind,
        status=AppointmentStatus.CONFIRMED,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose[:200],
        occasion=occasion,
        video_room=f"verlaine-{secrets.token_hex(8)}" if kind == AppointmentKind.VIDEO else "",
        scheduled_at=timezone.now(),
    )
    # The fields as written; not again what holds by construction, each also the
    # database's rule: the client (this request's), the advisor (locked above) and
    # her boutique exist, the end follows the start by `length`, a visit has the
    # boutique (her zone came from it) and the public id is a fresh uuid4.
    appointment.full_clean(
        exclude=BOOKED_BY_CONSTRUCTION, validate_unique=False, validate_constraints=False
    )
    save_slot(appointment)
    _prepare_follow_up(appointment=appointment, zone=zone)
    notice_on_commit(appointment, AppointmentNoticeKind.CONFIRMATION)
    return appointment


def client_may_cancel(appointment: Appointment, *, now: dt.datetime | None = None) -> bool:
    """Whether the client can still cancel online (otherwise: a call to the boutique)."""
    now = now or timezone.now()
    return (
        appointment.status in ACTIVE_STATUSES
        and appointment.starts_at - now >= CLIENT_CANCEL_NOTICE
    )


def past_cut_off(appointment: Appointment) -> ValidationError:
    """Too close to change online: the house's cut-off, and the boutique's number."""
    boutique = appointment.boutique
    if boutique is not None and boutique.phone:
        text = _(
            "Your appointment is less than a day away: please call the boutique on "
            "%(phone)s, and we will gladly find another moment."
        ) % {"phone": boutique.phone}
    else:
        text = _(
            "Your appointment is less than a day away: please call the boutique, "
            "and we will gladly find another moment."
        )
    return ValidationError(text, code="cut_off")


def video_room_open(appointment: Appointment, *, now: dt.datetime | None = None) -> bool:
    """The room is shown from ten minutes before the start until the end."""
    now = now or timezone.now()
    return (
        appointment.kind == AppointmentKind.VIDEO
        and appointment.status in ACTIVE_STATUSES
        and appointment.starts_at - VIDEO_ROOM_OPENS <= now < appointment.ends_at
    )


def _close_follow_up(appointment: Appointment, status: str) -> None:
    FollowUp.objects.filter(
        dedupe_key=_advisor_follow_up_key(appointment),
        status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
    ).update(status=status, completed_at=timezone.now())


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by_client: bool) -> Appointment:
    """Cancel; clients may do so online until 24 hours before (then: call the boutique).

    Cancelling twice changes nothing. A past appointment cannot be cancelled.
    """
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("boutique")
        .get(pk=appointment.pk)
    )
    if locked.status == AppointmentStatus.CANCELLED:
        appointment.status = locked.status
        return appointment
    if locked.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This appointment has already taken place."))
    if by_client and not client_may_cancel(locked):
        raise past_cut_off(locked)
    locked.status = AppointmentStatus.CANCELLED
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence"])
    _close_follow_up(locked, FollowUpStatus.DISMISSED)
    notice_on_commit(locked, AppointmentNoticeKind.CANCELLED)
    appointment.status = locked.status
    return appointment


_TRANSITIONS: dict[str, frozenset[str]] = {
    AppointmentStatus.REQUESTED: frozenset(
        {AppointmentStatus.CONFIRMED, AppointmentStatus.CANCELLED}
    ),
    AppointmentStatus.CONFIRMED: frozenset(
        {AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED}
    ),
    # Corrections after the fact: she did come after all, or she did not.
    AppointmentStatus.COMPLETED: frozenset({AppointmentStatus.NO_SHOW}),
    AppointmentStatus.NO_SHOW: frozenset({AppointmentStatus.COMPLETED}),
    AppointmentStatus.CANCELLED: frozenset(),
}


def _may_manage(user: Any, appointment: Appointment) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    stylist = getattr(user, "stylist", None)
    if stylist is not None and stylist.pk == appointment.stylist_id:
        return True
    return can_change_client(user, appointment.client)


@transaction.atomic
def appointment_set_status(*, appointment: Appointment, status: str, by: Any) -> Appointment:
    """Staff move an appointment on: confirm, complete, no-show, cancel (same status: no-op).

    `by` must be the appointment's advisor, hold the client in their book, or be a
    superuser (PermissionDenied otherwise). Completed and no-show only once it began.
    """
    if status not in AppointmentStatus.values:
        raise ValidationError(f"Unknown appointment status {status!r}.")
    if not _may_manage(by, appointment):
        raise PermissionDenied("You may not change this appointment.")
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status == status:
        appointment.status = status
        return appointment
    if status not in _TRANSITIONS[AppointmentStatus(locked.status)]:
        raise ValidationError(
            f"An appointment that is {locked.get_status_display().lower()} cannot become "
            f"{AppointmentStatus(status).label.lower()}."
        )
    if status in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW) and (
        locked.starts_at > timezone.now()
    ):
        raise ValidationError("An appointment can be marked as held only once it has begun.")
    locked.status = status
    if status == AppointmentStatus.CANCELLED:
        locked.sequence += 1
    locked.save(update_fields=["status", "sequence"])
    if status == AppointmentStatus.CANCELLED:
        _close_follow_up(locked, FollowUpStatus.DISMISSED)
        notice_on_commit(locked, AppointmentNoticeKind.CANCELLED)
    elif status in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW):
        _close_follow_up(locked, FollowUpStatus.DONE)
    appointment.status = status
    return appointment
