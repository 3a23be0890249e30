"""Moving an appointment to another free time with the same advisor.

The appointment keeps its identity (public id, room, the advisor's follow-up)
and takes the new time in place, in one transaction under the advisor's lock:
the old time is free the moment the new one is held, never both and never
neither. A client may move her appointment online until the house's cut-off
(a day before the current time, as for cancelling); the new time obeys the
same rules as a booking (free, offered, enough notice). The client hears of
it on her channels (notice "rescheduled", with the updated .ics).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stylists.models import Appointment, AppointmentNoticeKind, FollowUp, FollowUpStatus
from stylists.services.appointment_notices import notice_on_commit
from stylists.services.appointments import (
    ACTIVE_STATUSES,
    _advisor_follow_up_key,
    _check_slot_free,
    _lock_stylists,
    client_may_cancel,
    duration_of,
    past_cut_off,
    save_slot,
)


@transaction.atomic
def appointment_reschedule(
    *, appointment: Appointment, starts_at: dt.datetime, by_client: bool
) -> Appointment:
    """Move the appointment to `starts_at`; ValidationError (nothing changed) when it cannot go."""
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": _("Choose one of the times offered.")})
    _lock_stylists([appointment.stylist])
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("client", "stylist__user", "stylist__boutique", "boutique")
        .get(pk=appointment.pk)
    )
    if locked.status not in ACTIVE_STATUSES or locked.ends_at <= timezone.now():
        raise ValidationError(_("This appointment can no longer be moved."))
    if by_client and not client_may_cancel(locked):
        raise past_cut_off(locked)
    if starts_at == locked.starts_at:
        raise ValidationError({"starts_at": _("This is already the time of your appointment.")})
    ends_at = starts_at + duration_of(locked.kind)
    zone = _check_slot_free(
        client=locked.client,
        stylist=locked.stylist,
        kind=locked.kind,
        starts_at=starts_at,
        ends_at=ends_at,
        ignoring=locked.pk,
    )
    locked.starts_at = starts_at
    locked.ends_at = ends_at
    locked.scheduled_at = timezone.now()
    locked.sequence += 1
    locked.full_clean()
    save_slot(locked, update_fields=["starts_at", "ends_at", "scheduled_at", "sequence"])
    local_start = starts_at.astimezone(zone)
    follow_up = FollowUp.objects.filter(
        dedupe_key=_advisor_follow_up_key(locked),
        status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
    ).first()
    if follow_up is not None:
        head, _sep, tail = follow_up.reason.partition(" at ")
        rest = tail[5:] if len(tail) >= 5 else ""
        follow_up.reason = f"{head} at {local_start:%H:%M}{rest}"[:280]
        follow_up.due_on = local_start.date()
        follow_up.save(update_fields=["reason", "due_on"])
    notice_on_commit(locked, AppointmentNoticeKind.RESCHEDULED)
    for field in ("starts_at", "ends_at", "scheduled_at", "sequence"):
        setattr(appointment, field, getattr(locked, field))
    return appointment
