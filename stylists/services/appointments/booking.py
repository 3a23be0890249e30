"""Booking a slot under the advisor's lock: checks, the insert, her follow-up, the notice.

Also the checks a new time must pass (stylists.services.rescheduling uses them).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Boutique
from clients.models import Client, Occasion
from stylists.models import (
    Appointment,
    AppointmentKind,
    AppointmentNoticeKind,
    AppointmentStatus,
    FollowUp,
    FollowUpKind,
    Stylist,
)
from stylists.services.appointment_notices import notice_on_commit
from stylists.services.appointments.slots import (
    ACTIVE_STATUSES,
    BOOKING_HORIZON_DAYS,
    BOOKING_MIN_NOTICE,
    OVERLAP_CONSTRAINT,
    _window_starts,
    _windows_by_weekday,
    duration_of,
    moment_fits,
    stylist_zone,
)

# A new appointment's relations that appointment_book has already shown to exist.
BOOKED_BY_CONSTRUCTION = ["client", "stylist", "boutique"]


def _advisor_follow_up_key(appointment: Appointment) -> str:
    return f"appointment:{appointment.public_id}"


def _lock_stylists(stylists: Iterable[Stylist]) -> set[int]:
    """Lock the advisors' rows (primary-key order); the ids of those that exist.

    FOR NO KEY UPDATE: two bookings still wait for each other, but a transaction that
    only points at the advisor (a message she sends, a follow-up) is not held up by
    its foreign-key check. FOR UPDATE deadlocked with the appointment notice under load.
    """
    ids = sorted({s.pk for s in stylists})
    return set(
        Stylist.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


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
