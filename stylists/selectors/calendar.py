"""An appointment as an iCalendar (RFC 5545) file, written by the `icalendar` library.

The library folds long lines and escapes text, which the hand-written file
before it did not. The UID is the appointment's public id, so a new time or a
cancellation updates the event already in the client's calendar (a higher
SEQUENCE) instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from stylists.models import Appointment, AppointmentKind, AppointmentStatus

PRODID = "-//Maison Verlaine//Your Style Story//EN"
HOUSE = "Maison Verlaine"


def appointment_where(appointment: Appointment) -> str:
    if appointment.kind == AppointmentKind.VIDEO:
        return _("Video consultation (join from Your Style Story)")
    boutique = appointment.boutique
    if boutique is None:
        return ""
    return ", ".join(part for part in (boutique.name, " ".join(boutique.address.split())) if part)


def appointment_ics(appointment: Appointment, *, now: dt.datetime | None = None) -> bytes:
    """The .ics of one appointment (METHOD:CANCEL once it is cancelled)."""
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.public_id}@maison-verlaine")
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("sequence", appointment.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    summary = _("%(house)s with %(advisor)s") % {
        "house": HOUSE,
        "advisor": appointment.stylist.first_name,
    }
    event.add("summary", vText(summary))
    where = appointment_where(appointment)
    if where:
        event.add("location", vText(where))
    if appointment.purpose:
        event.add("description", vText(appointment.purpose))
    calendar.add_component(event)
    return bytes(calendar.to_ical())
