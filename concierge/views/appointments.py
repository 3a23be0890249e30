"""Appointments with the advisor: in boutique or by video (contract C4).

Booking is three calm steps, each a plain page that works without script:
the kind of appointment, a time (shown in the client's time zone), then a
confirmation with what it is for. The free times come from
stylists.services.appointments, which also refuses a slot taken meanwhile.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.selectors import product_by_public_id
from clients.models import Client
from clients.selectors import upcoming_occasions
from concierge.access import ClientRequest, client_required
from concierge.forms import AppointmentConfirmForm, parse_slot
from concierge.views._common import client_zone, page
from core.ratelimit import rate_limit
from stylists.models import Appointment, AppointmentKind, Stylist
from stylists.selectors import advisor_of, appointment_of_client, appointments_of_client
from stylists.selectors.advisors import bookable_advisor
from stylists.selectors.calendar import appointment_ics
from stylists.selectors.live import video_seat
from stylists.services import appointments as booking
from stylists.services.appointments import (
    ACTIVE_STATUSES,
    BOOKING_HORIZON_DAYS,
    DURATIONS,
    VIDEO_ROOM_OPENS,
    appointment_cancel,
    appointment_slots_between,
    client_may_cancel,
    stylist_zone,
    video_room_open,
)
from stylists.services.video import video_room_config

KINDS: dict[str, dict[str, Any]] = {
    AppointmentKind.BOUTIQUE.value: {
        "label": gettext_lazy("At the boutique"),
        "text": gettext_lazy("An hour in a private salon, the pieces ready in your size."),
    },
    AppointmentKind.VIDEO.value: {
        "label": gettext_lazy("By video"),
        "text": gettext_lazy("Forty-five minutes with your advisor, wherever you are."),
    },
}
WEEKS = BOOKING_HORIZON_DAYS // 7
PAST_SHOWN = 12


@require_GET
@client_required
def appointments(request: ClientRequest) -> HttpResponse:
    client: Client = request.client
    now = timezone.now()
    rows = list(appointments_of_client(client))
    upcoming = [a for a in rows if a.status in ACTIVE_STATUSES and a.ends_at >= now]
    past = [a for a in reversed(rows) if a not in upcoming][:PAST_SHOWN]
    context = {
        "upcoming": [
            {
                "appointment": a,
                "may_cancel": client_may_cancel(a, now=now),
                "room_open": video_room_open(a, now=now),
            }
            for a in upcoming
        ],
        "past": past,
        "kinds": KINDS,
    }
    return page(request, "clients/appointments.html", context)


def _slots_by_client_day(
    advisor: Stylist, kind: str, week: int, client: Client, ignoring: int | None = None
) -> list[tuple[dt.date, list[dt.datetime]]]:
    zone = stylist_zone(advisor)
    if zone is None:
        return []
    first_day = timezone.now().astimezone(zone).date() + dt.timedelta(days=7 * week)
    slots = appointment_slots_between(
        stylist=advisor, first_day=first_day, days=7, kind=kind, ignoring=ignoring
    )
    mine = client_zone(client)
    days: dict[dt.date, list[dt.datetime]] = {}
    for starts in (s for day in slots.values() for s in day):
        local = starts.astimezone(mine)
        days.setdefault(local.date(), []).append(local)
    return sorted(days.items())


def _week(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("week", 0)), 0), WEEKS - 1)
    except ValueError:
        return 0


def _piece_purpose(request: HttpRequest) -> str:
    product = product_by_public_id(request.GET.get("piece") or request.POST.get("piece"))
    return gettext("To try the %(piece)s") % {"piece": product.name} if product is not None else ""


@require_http_methods(["GET", "POST"])
@client_required
@rate_limit("appointment_book")
def appointment_book(request: ClientRequest) -> HttpResponse:
    client: Client = request.client
    source = request.POST if request.method == "POST" else request.GET
    # Her own advisor by default; any advisor the house offers when she chose one.
    chosen = source.get("advisor", "")
    advisor = bookable_advisor(chosen) if chosen else advisor_of(client)
    kind = source.get("kind", "")
    context: dict[str, Any] = {
        "advisor": advisor,
        "kinds": KINDS,
        "kind": kind,
        "advisor_param": str(advisor.pk) if chosen and advisor is not None else "",
    }
    if advisor is None or advisor.boutique is None:
        return page(request, "clients/appointment_book.html", {**context, "step": "no_advisor"})
    if kind not in KINDS:
        return page(request, "clients/appointment_book.html", {**context, "step": "kind"})
    context.update(
        kind_label=KINDS[kind]["label"],
        duration=int(DURATIONS[kind].total_seconds() // 60),
        piece=source.get("piece", ""),
        different_zone=client_zone(client).key != advisor.boutique.timezone,
        client_zone=client_zone(client).key,
    )
    occasions = upcoming_occasions(client, within_days=365)  # read by the form if needed
    asked = source.get("at", "")
    at = parse_slot(asked)
    if asked and at is None:
        context["slot_error"] = gettext(
            "That time is not one we can offer. Please choose one of the times below."
        )
    if request.method == "POST":
        form = AppointmentConfirmForm(request.POST, occasions=occasions)
        if form.is_valid() and at is not None:
            try:
                appointment = booking.appointment_book(
                    client=client,
                    stylist=advisor,
                    kind=kind,
                    starts_at=at,
                    boutique=advisor.boutique if kind == AppointmentKind.BOUTIQUE else None,
                    purpose=form.cleaned_data["purpose"],
                    occasion=form.cleaned_data["occasion_obj"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
                context["taken"] = True
            else:
                messages.success(
                    request,
                    gettext(
                        "Your appointment is confirmed, and a confirmation is on its way. "
                        "We look forward to it."
                    ),
                )
                return redirect("concierge:appointment_detail", public_id=appointment.public_id)
        elif at is None:
            form.add_error(None, gettext("Please choose one of the times offered."))
            context["taken"] = True
    else:
        form = AppointmentConfirmForm(
            occasions=occasions,
            initial={
                "kind": kind,
                "at": at.isoformat() if at else "",
                "purpose": _piece_purpose(request),
            },
        )
    if at is not None and not context.get("taken"):
        advisor_time = f"{at.astimezone(stylist_zone(advisor)):%H:%M}"
        context.update(step="confirm", form=form, at=at, advisor_time=advisor_time)
        return page(request, "clients/appointment_book.html", context)
    return _choose_a_time(request, context, advisor=advisor, kind=kind, form=form)


def _choose_a_time(
    request: ClientRequest,
    context: dict[str, Any],
    *,
    advisor: Stylist,
    kind: str,
    form: AppointmentConfirmForm,
) -> HttpResponse:
    """The week of free times to choose from (first, or again after a refusal)."""
    week = _week(request)
    context.update(
        step="time",
        form=form,
        days=_slots_by_client_day(advisor, kind, week, request.client),
        week=week,
        previous_week=week - 1 if week > 0 else None,
        next_week=week + 1 if week + 1 < WEEKS else None,
    )
    return page(request, "clients/appointment_book.html", context)


def _entry(appointment: Appointment) -> dict[str, Any]:
    now = timezone.now()
    zone = stylist_zone(appointment.stylist)
    return {
        "appointment": appointment,
        "may_cancel": client_may_cancel(appointment, now=now),
        "room_open": video_room_open(appointment, now=now),
        "upcoming": appointment.status in ACTIVE_STATUSES and appointment.ends_at >= now,
        "boutique_time": f"{appointment.starts_at.astimezone(zone):%H:%M}" if zone else "",
        "room_opens_at": appointment.starts_at - VIDEO_ROOM_OPENS,
    }


@require_GET
@client_required
def appointment_detail(request: ClientRequest, public_id: Any) -> HttpResponse:
    client: Client = request.client
    appointment = appointment_of_client(client, public_id)
    context = {
        **_entry(appointment),
        "different_zone": client_zone(client).key
        != (appointment.boutique.timezone if appointment.boutique else client_zone(client).key),
    }
    return page(request, "clients/appointment_detail.html", context)


@require_POST
@client_required
@rate_limit("appointment_cancel")
def appointment_cancel_view(request: ClientRequest, public_id: Any) -> HttpResponse:
    client: Client = request.client
    appointment = appointment_of_client(client, public_id)
    try:
        appointment_cancel(appointment=appointment, by_client=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("concierge:appointment_detail", public_id=appointment.public_id)
    messages.success(
        request, gettext("Your appointment is cancelled. We hope to see you another time.")
    )
    return redirect("concierge:appointments")


@require_GET
@client_required
def appointment_video(request: ClientRequest, public_id: Any) -> HttpResponse:
    """The video consultation: the room itself from ten minutes before the start to its end.

    Before then the page says when the room opens and how to prepare; only the
    client, her advisor and the manager she invited may enter
    (stylists.selectors.live.video_seat, also checked by the socket).
    """
    client: Client = request.client
    appointment = appointment_of_client(client, public_id)
    if appointment.kind != AppointmentKind.VIDEO:
        raise Http404("This appointment is at the boutique")
    seat = video_seat(request.user, appointment.public_id)
    if seat is None:
        raise Http404("No such appointment")
    context = {
        **_entry(appointment),
        "ended": seat.state == "ended",
        "room": video_room_config(seat=seat),
        "waiting_for": appointment.stylist.first_name,
    }
    return page(request, "clients/appointment_video.html", context)


@require_GET
@client_required
def appointment_calendar(request: ClientRequest, public_id: Any) -> HttpResponse:
    """The appointment as an .ics file (RFC 5545, written by icalendar), for her own calendar."""
    client: Client = request.client
    appointment = appointment_of_client(client, public_id)
    response = HttpResponse(
        appointment_ics(appointment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="maison-verlaine.ics"'
    return response
