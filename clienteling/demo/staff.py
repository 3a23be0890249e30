"""The house's places and people who work in them: boutiques, staff accounts, availability.

Staff are created only through stylists.services.stylist_create, which grants
each role its permissions; their passwords are then set in one UPDATE with a
single hash of the demo password (hashing 30 times would take most of the run).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from catalog.models import Boutique
from clienteling.demo.bulk import insert
from clienteling.demo.roster import (
    BOUTIQUES,
    DEMO_PASSWORD,
    MASCULINE_ADVISORS,
    STAFF,
    STAFF_EMAIL_DOMAIN,
)
from clienteling.demo.state import Staff
from clienteling.demo.vocabulary import handle
from stylists.models import Availability, GrammaticalGender, Role, Stylist
from stylists.services import stylist_create

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def demo_password_hash() -> str:
    """One hash of the demo password, shared by every demo login."""
    return make_password(DEMO_PASSWORD)


def build_boutiques() -> dict[str, Boutique]:
    boutiques = insert(
        [
            Boutique(
                code=spec.code,
                name=spec.name,
                city=spec.city,
                country=spec.country,
                timezone=spec.timezone,
                address=spec.address,
                phone=spec.phone,
                email=spec.email,
                opening_hours=spec.opening_hours,
            )
            for spec in BOUTIQUES
        ],
        with_ids=True,
    )
    return {b.code: b for b in boutiques}


def build_staff(*, boutiques: dict[str, Boutique], password_hash: str) -> Staff:
    """Every advisor, manager and head office account, plus the `admin` superuser."""
    user_model = get_user_model()
    by_username: dict[str, Stylist] = {}
    for spec in STAFF:
        by_username[spec.username] = stylist_create(
            username=spec.username,
            password=None,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{handle(spec.first_name)}.{handle(spec.last_name)}@{STAFF_EMAIL_DOMAIN}",
            boutique=boutiques[spec.boutique] if spec.boutique else None,
            role=spec.role,
            title=spec.title,
            languages=spec.languages,
            specialities=spec.specialities,
            bio=spec.bio,
            grammatical_gender=(
                GrammaticalGender.MASCULINE
                if spec.username in MASCULINE_ADVISORS
                else GrammaticalGender.FEMININE
            ),
        )
    admin = user_model(
        username="admin",
        first_name="Atelier",
        last_name="Administrator",
        email=f"admin@{STAFF_EMAIL_DOMAIN}",
        is_staff=True,
        is_superuser=True,
        password=password_hash,
    )
    admin.save()
    user_model.objects.filter(pk__in=[s.user_id for s in by_username.values()]).update(
        password=password_hash
    )
    advisors: dict[str, list[Stylist]] = {code: [] for code in boutiques}
    managers: dict[str, Stylist] = {}
    head_office: Stylist | None = None
    for spec in STAFF:
        stylist = by_username[spec.username]
        if spec.role == Role.STYLIST and spec.boutique:
            advisors[spec.boutique].append(stylist)
        elif spec.role == Role.MANAGER and spec.boutique:
            managers[spec.boutique] = stylist
        elif spec.role == Role.HEAD_OFFICE:
            head_office = stylist
    if head_office is None:
        raise ValueError("The roster needs a head office account.")
    return Staff(
        boutiques=boutiques,
        advisors=advisors,
        managers=managers,
        head_office=head_office,
        by_username=by_username,
        admin_user_id=admin.pk,
    )


def build_availability(staff: Staff) -> int:
    """Weekly windows: the boutique's hours, with one rest day per person, rotating."""
    rows: list[Availability] = []
    for code, boutique in staff.boutiques.items():
        people = [*staff.advisors[code], staff.managers[code]]
        open_days = [i for i, day in enumerate(WEEKDAYS) if boutique.opening_hours.get(day)]
        for n, stylist in enumerate(people):
            rest_day = open_days[n % len(open_days)]
            for weekday in open_days:
                if weekday == rest_day:
                    continue
                for starts, ends in boutique.opening_hours[WEEKDAYS[weekday]]:
                    rows.append(
                        Availability(
                            stylist=stylist,
                            weekday=weekday,
                            starts=dt.time.fromisoformat(starts),
                            ends=dt.time.fromisoformat(ends),
                        )
                    )
    insert(rows)
    return len(rows)


def works_on(boutique: Boutique, staff_index: int, weekday: int) -> bool:
    """Whether the n-th person of a boutique's roster works that weekday (see availability)."""
    open_days = [i for i, day in enumerate(WEEKDAYS) if boutique.opening_hours.get(day)]
    return weekday in open_days and weekday != open_days[staff_index % len(open_days)]
