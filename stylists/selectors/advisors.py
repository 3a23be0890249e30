"""Advisors a client may book with: any active advisor of an active boutique who keeps hours.

Specialities and languages are short JSON lists on the advisor; a house has
tens of advisors, so the filters read them in Python after one query
(JSON containment is not portable to SQLite).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import Http404

from stylists.models import Availability, Role, Stylist


def bookable_advisors(
    *, boutique: str = "", speciality: str = "", language: str = ""
) -> list[Stylist]:
    """Advisors taking appointments, by boutique code, speciality and language (one query)."""
    rows = (
        Stylist.objects.filter(
            active=True,
            role__in=[Role.STYLIST, Role.MANAGER],
            boutique__active=True,
        )
        .filter(Exists(Availability.objects.filter(stylist=OuterRef("pk"))))
        .select_related("user", "boutique")
        .order_by("boutique__name", "user__first_name", "user__last_name", "pk")
    )
    if boutique:
        rows = rows.filter(boutique__code=boutique)
    speciality, language = speciality.strip().lower(), language.strip().lower()
    return [
        advisor
        for advisor in rows
        if (not speciality or speciality in [s.lower() for s in advisor.specialities or []])
        and (not language or language in [s.lower() for s in advisor.languages or []])
    ]


def bookable_advisor(pk: Any) -> Stylist:
    """One advisor a client may book with; 404 for anyone else or a malformed id."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such advisor") from None
    advisor = (
        Stylist.objects.filter(
            pk=number, active=True, role__in=[Role.STYLIST, Role.MANAGER], boutique__active=True
        )
        .select_related("user", "boutique")
        .first()
    )
    if advisor is None:
        raise Http404("No such advisor")
    return advisor


def advisor_filter_choices(advisors: list[Stylist]) -> dict[str, list[str]]:
    """The specialities and languages the house's bookable advisors offer, sorted."""
    specialities = sorted({s for a in advisors for s in a.specialities or []})
    languages = sorted({code for a in advisors for code in a.languages or []})
    return {"specialities": specialities, "languages": languages}
