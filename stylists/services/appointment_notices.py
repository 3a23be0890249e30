"""Telling the client about her appointment: confirmation, new time, cancellation, reminders.

Each notice goes on every channel the client allows for service messages
(e-mail with the .ics attached, SMS and WhatsApp only where her consent says
so), through message_send, so consent, addresses and delivery are the
messaging service's as for any message. A notice is claimed before it is sent:
an AppointmentNotice row, unique per (appointment, kind, start time), inserted
in the same transaction as the messages. A task that runs twice, or two
workers racing for the same reminder, insert the same row; the database lets
one through and the other sends nothing.

Reminders: 24 hours and 1 hour before, for a time chosen before that moment
(a visit booked three hours ahead gets its confirmation, not a "tomorrow"
reminder). The beat task asks `appointment_reminders_due` every five minutes.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.l10n import format_when
from core.tasks import enqueue_on_commit
from stylists.models import (
    Appointment,
    AppointmentKind,
    AppointmentNotice,
    AppointmentNoticeKind,
    AppointmentStatus,
    MessageChannel,
)
from stylists.selectors.calendar import appointment_where
from stylists.services.messaging import SERVICE, MessageBlocked, message_send

logger = logging.getLogger(__name__)

NOTICE_TASK = "stylists.tasks.send_appointment_notice"
# The channels a notice may use, in the order they are tried (each where consent allows).
NOTICE_CHANNELS = (MessageChannel.EMAIL, MessageChannel.SMS, MessageChannel.WHATSAPP)
REMINDERS: dict[str, dt.timedelta] = {
    AppointmentNoticeKind.REMINDER_24H: dt.timedelta(hours=24),
    AppointmentNoticeKind.REMINDER_1H: dt.timedelta(hours=1),
}
ACTIVE = (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED)


def _when(appointment: Appointment) -> str:
    zone = ZoneInfo(appointment.client.effective_timezone)
    local = appointment.starts_at.astimezone(zone)
    # Weekday, day and month in the client's language and its own order (Babel, core.l10n).
    day = format_when(local.date(), "day_year")
    return f"{day}, {local:%H:%M} ({zone.key.rsplit('/', 1)[-1].replace('_', ' ')})"


def _what(appointment: Appointment) -> str:
    if appointment.kind == AppointmentKind.VIDEO:
        return _("video consultation")
    return _("visit to the boutique")


def notice_text(appointment: Appointment, kind: str) -> tuple[str, str]:
    """Subject and body of a notice, in the client's language."""
    values = {
        "name": appointment.client.preferred_name or appointment.client.first_name,
        "what": _what(appointment),
        "advisor": appointment.stylist.first_name,
        "when": _when(appointment),
        "where": appointment_where(appointment),
    }
    if kind == AppointmentNoticeKind.CONFIRMATION:
        subject = _("Your appointment is confirmed")
        body = _(
            "Dear %(name)s, your %(what)s with %(advisor)s is confirmed for %(when)s. "
            "%(where)s. The invitation for your calendar is attached to our e-mail."
        )
    elif kind == AppointmentNoticeKind.RESCHEDULED:
        subject = _("Your appointment has a new time")
        body = _(
            "Dear %(name)s, your %(what)s with %(advisor)s now takes place on %(when)s. "
            "%(where)s. The previous time is released."
        )
    elif kind == AppointmentNoticeKind.CANCELLED:
        subject = _("Your appointment is cancelled")
        body = _(
            "Dear %(name)s, your %(what)s with %(advisor)s on %(when)s is cancelled. "
            "We would be delighted to welcome you another time."
        )
    elif kind == AppointmentNoticeKind.REMINDER_24H:
        subject = _("Until tomorrow")
        body = _(
            "Dear %(name)s, a reminder of your %(what)s with %(advisor)s tomorrow, "
            "%(when)s. %(where)s."
        )
    else:
        subject = _("In one hour")
        body = _(
            "Dear %(name)s, %(advisor)s looks forward to your %(what)s at %(when)s. %(where)s."
        )
    # No place (a boutique visit without a boutique): no empty sentence, in any script.
    return subject, (body % values).replace(". .", ".").replace("。。", "。")


def _claim(appointment: Appointment, kind: str) -> AppointmentNotice | None:
    """Insert the notice's row; None if another run has it already."""
    try:
        with transaction.atomic():
            return AppointmentNotice.objects.create(
                appointment=appointment,
                kind=kind,
                starts_at=appointment.starts_at,
                created_at=timezone.now(),
            )
    except IntegrityError:
        return None


def _still_due(appointment: Appointment, kind: str, now: dt.datetime) -> bool:
    if kind == AppointmentNoticeKind.CANCELLED:
        return appointment.status == AppointmentStatus.CANCELLED
    if appointment.status not in ACTIVE or appointment.starts_at <= now:
        return False
    if kind in REMINDERS:
        moment = appointment.starts_at - REMINDERS[kind]
        chosen = appointment.scheduled_at or appointment.created_at
        return moment <= now and chosen <= moment
    return True


@transaction.atomic
def appointment_notice_send(
    *, appointment_id: int, kind: str, starts_at: str | None = None
) -> AppointmentNotice | None:
    """Send one notice about one appointment, once; None when it was sent already or is moot.

    `starts_at` (ISO) pins the notice to the time it was queued for: a confirmation
    queued before a reschedule is not sent for the new time.
    """
    if kind not in AppointmentNoticeKind.values:
        raise ValueError(f"Unknown appointment notice {kind!r}")
    appointment = (
        Appointment.objects.select_related("client", "stylist__user", "boutique")
        .filter(pk=appointment_id)
        .first()
    )
    now = timezone.now()
    if appointment is None or not _still_due(appointment, kind, now):
        return None
    if starts_at is not None and dt.datetime.fromisoformat(starts_at) != appointment.starts_at:
        return None
    notice = _claim(appointment, kind)
    if notice is None:
        return None
    client = appointment.client
    with translation.override(client.preferred_language or None):
        subject, body = notice_text(appointment, kind)
    sent: list[str] = []
    for channel in NOTICE_CHANNELS:
        try:
            message_send(
                client=client,
                stylist=appointment.stylist,
                channel=channel,
                kind=SERVICE,
                subject=subject,
                body=body,
                context={"appointment": str(appointment.public_id), "notice": kind},
            )
        except MessageBlocked as blocked:
            logger.info("Appointment notice %s not on %s: %s", kind, channel, blocked.code)
            continue
        sent.append(channel)
    notice.channels = sent
    notice.save(update_fields=["channels"])
    return notice


def appointment_reminders_due(*, now: dt.datetime | None = None) -> list[tuple[int, str]]:
    """(appointment id, reminder kind) pairs whose moment has come and were not sent yet."""
    now = now or timezone.now()
    due: list[tuple[int, str]] = []
    for kind, before in REMINDERS.items():
        sent = AppointmentNotice.objects.filter(
            appointment=OuterRef("pk"), kind=kind, starts_at=OuterRef("starts_at")
        )
        rows = (
            Appointment.objects.filter(
                status__in=ACTIVE, starts_at__gt=now, starts_at__lte=now + before
            )
            .filter(~Exists(sent))
            .order_by("starts_at", "pk")
            .values_list("pk", "starts_at", "scheduled_at", "created_at")
        )
        for pk, starts_at, scheduled_at, created_at in rows:
            if (scheduled_at or created_at) <= starts_at - before:
                due.append((pk, str(kind)))
    return due


def notice_on_commit(appointment: Appointment, kind: str) -> None:
    """Queue a notice for after the commit, pinned to the appointment's current time."""
    enqueue_on_commit(NOTICE_TASK, appointment.pk, kind, appointment.starts_at.isoformat())
