"""An appointment moves on: cancelled (online until a day before), held, missed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.selectors import can_change_client
from stylists.models import (
    Appointment,
    AppointmentKind,
    AppointmentNoticeKind,
    AppointmentStatus,
    FollowUp,
    FollowUpStatus,
)
from stylists.services.appointment_notices import notice_on_commit
from stylists.services.appointments.booking import _advisor_follow_up_key
from stylists.services.appointments.slots import (
    ACTIVE_STATUSES,
    CLIENT_CANCEL_NOTICE,
    VIDEO_ROOM_OPENS,
)


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
