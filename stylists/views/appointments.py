"""Appointments (/stylist/appointments/): the advisor's upcoming and recent appointments.

Status changes go through stylists.services.appointment_set_status (C4),
which checks who may make them and which moves are possible.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from stylists.access import stylist_required
from stylists.forms import AppointmentStatusForm
from stylists.models import Appointment, AppointmentStatus, Stylist
from stylists.selectors.live import ADVISOR, CLIENT, VideoSeat, managers_who_may_join, video_seat
from stylists.services import appointment_set_status
from stylists.services.video import appointment_invite_manager, video_room_config
from stylists.views._common import is_htmx, partial

PAST_DAYS = 30
SHOWN = 60


def _appointments(stylist: Stylist) -> QuerySet[Appointment]:
    return Appointment.objects.filter(stylist=stylist).select_related(
        "client", "boutique", "occasion"
    )


@require_GET
@stylist_required
def appointments(request: HttpRequest) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    now = timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    upcoming = list(
        _appointments(stylist)
        .filter(starts_at__gte=start_of_today)
        .exclude(status=AppointmentStatus.CANCELLED)
        .order_by("starts_at", "pk")[:SHOWN]
    )
    past = list(
        _appointments(stylist)
        .filter(
            starts_at__lt=start_of_today,
            starts_at__gte=start_of_today - dt.timedelta(days=PAST_DAYS),
        )
        .order_by("-starts_at", "-pk")[:SHOWN]
    )
    cancelled = list(
        _appointments(stylist)
        .filter(starts_at__gte=start_of_today, status=AppointmentStatus.CANCELLED)
        .order_by("starts_at", "pk")[:SHOWN]
    )
    # Video consultations another advisor invited this manager into (stylists.services.video).
    invited = list(
        Appointment.objects.filter(
            video_guest=stylist,
            ends_at__gt=now,
            status__in=[AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED],
        )
        .select_related("client", "stylist__user")
        .order_by("starts_at", "pk")[:SHOWN]
    )
    return render(
        request,
        "stylists/appointments.html",
        {
            "upcoming": upcoming,
            "past": past,
            "cancelled": cancelled,
            "invited": invited,
            "now": now,
        },
    )


@require_POST
@stylist_required
def appointment_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    try:
        appointment = _appointments(stylist).get(public_id=public_id)
    except Appointment.DoesNotExist:
        raise Http404("No such appointment") from None
    form = AppointmentStatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose confirm, held, did not attend or cancel.", status=400)
    status = form.cleaned_data["status"]
    error = ""
    try:
        appointment_set_status(appointment=appointment, status=status, by=request.user)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        error = " ".join(exc.messages)
    appointment.refresh_from_db()
    text = error or f"{appointment.client.full_name}: {appointment.get_status_display().lower()}."
    if is_htmx(request):
        return partial(
            request,
            "stylists/_appointment_row.html",
            {"appointment": appointment, "now": timezone.now()},
            toast_text=text,
            level="error" if error else "success",
            status=200,
        )
    (messages.error if error else messages.success)(request, text)
    return redirect("stylists:appointments")


def _seat_or_404(request: HttpRequest, public_id: UUID) -> VideoSeat:
    seat = video_seat(request.user, public_id)
    if seat is None or seat.party == CLIENT:
        raise Http404("No such video consultation")
    return seat


@require_GET
@stylist_required
def appointment_video(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The advisor's (or the invited manager's) side of a video consultation.

    The room is there from ten minutes before the slot until its end; before,
    the page says when it opens. Anyone but the advisor and the invited
    manager gets a 404 (stylists.selectors.live.video_seat).
    """
    seat = _seat_or_404(request, public_id)
    appointment = seat.appointment
    context = {
        "seat": seat,
        "appointment": appointment,
        "room": video_room_config(seat=seat),
        "waiting_for": appointment.client.full_name,
        "managers": managers_who_may_join(appointment) if seat.party == ADVISOR else [],
    }
    return render(request, "stylists/appointment_video.html", context)


@require_POST
@stylist_required
def appointment_video_guest(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The advisor invites one of her boutique's managers into the call (or withdraws it)."""
    seat = _seat_or_404(request, public_id)
    if seat.party != ADVISOR:
        raise PermissionDenied("Only the client's advisor invites a guest.")
    choice = request.POST.get("manager", "")
    managers = {str(m.pk): m for m in managers_who_may_join(seat.appointment)}
    if choice and choice not in managers:
        messages.error(request, "Choose a manager of your boutique.")
    else:
        appointment_invite_manager(
            appointment=seat.appointment,
            by=request.stylist,  # type: ignore[attr-defined]
            manager=managers.get(choice),
        )
        guest = managers.get(choice)
        messages.success(
            request,
            f"{guest.name} may now join the call." if guest else "The invitation is withdrawn.",
        )
    return redirect("stylists:appointment_video", public_id=seat.appointment.public_id)
