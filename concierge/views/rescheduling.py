"""Choosing any advisor of the house to book with, and moving an appointment to another time.

The advisors page filters by boutique, speciality and language and leads into
the usual booking steps with that advisor. Moving an appointment offers the
same advisor's free times (her own current time counts as free) and takes the
new one in one step; the old time is released in the same transaction
(stylists.services.rescheduling).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalog import imagery
from catalog.models import Boutique
from clients.models import Client
from concierge.access import ClientRequest, client_required
from concierge.forms import parse_slot
from concierge.views._common import client_zone, page
from concierge.views.appointments import KINDS, WEEKS, _slots_by_client_day, _week
from core.ratelimit import rate_limit
from stylists.selectors import appointment_of_client
from stylists.selectors.advisors import (
    advisor_filter_choices,
    bookable_advisor,
    bookable_advisors,
)
from stylists.services.appointments import client_may_cancel
from stylists.services.rescheduling import appointment_reschedule


@require_GET
@client_required
def advisors(request: ClientRequest) -> HttpResponse:
    """Every advisor she may book with, filtered by boutique, speciality and language."""
    chosen = {
        "boutique": request.GET.get("boutique", "")[:20],
        "speciality": request.GET.get("speciality", "")[:80],
        "language": request.GET.get("language", "")[:8],
    }
    everyone = bookable_advisors()
    shown = bookable_advisors(**chosen)
    context = {
        "advisors": shown,
        "chosen": chosen,
        "choices": advisor_filter_choices(everyone),
        "boutiques": Boutique.objects.filter(active=True).order_by("name"),
        "kinds": KINDS,
    }
    return page(request, "clients/advisors.html", context)


@require_http_methods(["GET", "POST"])
@client_required
@rate_limit("appointment_reschedule")
def appointment_reschedule_view(request: ClientRequest, public_id: Any) -> HttpResponse:
    client: Client = request.client
    appointment = appointment_of_client(client, public_id)
    errors: list[str] = []
    if request.method == "POST":
        at = parse_slot(request.POST.get("at", ""))
        if at is None:
            errors.append(_("Please choose one of the times offered."))
        else:
            try:
                appointment_reschedule(appointment=appointment, starts_at=at, by_client=True)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(
                    request,
                    _("Your appointment has a new time; the previous one is released."),
                )
                return redirect("concierge:appointment_detail", public_id=appointment.public_id)
    week = _week(request)
    movable = client_may_cancel(appointment) and appointment.ends_at > timezone.now()
    context = {
        "appointment": appointment,
        "movable": movable,
        "errors": errors,
        "days": _slots_by_client_day(
            appointment.stylist, appointment.kind, week, client, ignoring=appointment.pk
        )
        if movable
        else [],
        "week": week,
        "previous_week": week - 1 if week > 0 else None,
        "next_week": week + 1 if week + 1 < WEEKS else None,
        "client_zone": client_zone(client).key,
    }
    return page(request, "clients/appointment_reschedule.html", context)


PORTRAIT_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}


@require_GET
@client_required
def advisor_portrait(request: ClientRequest, pk: int) -> HttpResponse:
    """The advisor's photo when the house has one; otherwise a generated portrait."""
    advisor = bookable_advisor(pk)
    photo = advisor.photo
    suffix = Path(photo.name).suffix.lower() if photo else ""
    if photo and suffix in PORTRAIT_TYPES:
        with photo.open("rb") as handle:
            response = HttpResponse(handle.read(), content_type=PORTRAIT_TYPES[suffix])
    else:
        svg = imagery.portrait_svg(seed=f"advisor:{advisor.pk}", title=advisor.name)
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
