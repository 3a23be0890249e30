"""The appointments phase: past visits and the week ahead, in boutique hours and time zones.

Each appointment falls on a day the advisor works (see staff.build_availability)
and in a free half-hour slot of the boutique's opening hours, local time. No
two of one advisor's appointments overlap (PostgreSQL refuses it: the
exclusion constraint of stylists.0005), so starts keep the longest length
(90 minutes) apart.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from clienteling.demo.bulk import insert
from clienteling.demo.occasions import Upcoming
from clienteling.demo.phrases import APPOINTMENT_PURPOSES
from clienteling.demo.randomness import Weighted, chance, stream, uuid4_from
from clienteling.demo.staff import WEEKDAYS, works_on
from clienteling.demo.state import ClientFact, Clients, Staff
from stylists.models import Appointment, AppointmentKind, AppointmentStatus, Stylist

PAST_STATUS = Weighted(
    [AppointmentStatus.COMPLETED, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW],
    [85, 10, 5],
)
LONGEST = dt.timedelta(minutes=90)  # the longest appointment the demo books
FUTURE_STATUS = Weighted([AppointmentStatus.CONFIRMED, AppointmentStatus.REQUESTED], [80, 20])


class Diary:
    """Finds free slots in advisors' days; remembers what it has booked."""

    def __init__(self, staff: Staff, now: dt.datetime) -> None:
        self.now = now
        self.roster: dict[int, int] = {}
        for code in staff.boutiques:
            for n, person in enumerate([*staff.advisors[code], staff.managers[code]]):
                self.roster[person.pk] = n
        self.zones = {b.pk: ZoneInfo(b.timezone) for b in staff.boutiques.values()}
        self.taken: dict[int, list[dt.datetime]] = {}

    def slot(self, rng: random.Random, stylist: Stylist, days_ahead: int) -> dt.datetime | None:
        """A free start time about `days_ahead` days from today (negative: in the past)."""
        boutique = stylist.boutique
        if boutique is None:  # head office takes no appointments
            return None
        zone = self.zones[boutique.pk]
        day = self.now.astimezone(zone).date() + dt.timedelta(days=days_ahead)
        step = dt.timedelta(days=1 if days_ahead >= 0 else -1)
        for _ in range(8):
            if works_on(boutique, self.roster[stylist.pk], day.weekday()):
                break
            day += step
        else:
            return None
        opens, closes = boutique.opening_hours[WEEKDAYS[day.weekday()]][0]
        first = dt.datetime.combine(day, dt.time.fromisoformat(opens), zone)
        last = dt.datetime.combine(day, dt.time.fromisoformat(closes), zone)
        starts = []
        at = first + dt.timedelta(minutes=30)
        while at + dt.timedelta(minutes=90) <= last:
            starts.append(at)
            at += dt.timedelta(minutes=30)
        if not starts:
            return None
        offset = rng.randrange(len(starts))
        for k in range(len(starts)):
            start = starts[(offset + k) % len(starts)]
            upcoming = days_ahead >= 0
            booked = self.taken.setdefault(stylist.pk, [])
            if any(abs(start - other) < LONGEST for other in booked):
                continue
            if upcoming and start <= self.now:
                continue
            if not upcoming and start >= self.now:
                continue
            booked.append(start)
            return start
        return None


def _appointment(
    rng: random.Random,
    ids: random.Random,
    diary: Diary,
    fact: ClientFact,
    soon: list[Upcoming],
    days_ahead: int,
    purpose: str = "",
) -> Appointment | None:
    start = diary.slot(rng, fact.advisor, days_ahead)
    if start is None:
        return None
    video = chance(rng, 0.25)
    kind = AppointmentKind.VIDEO if video else AppointmentKind.BOUTIQUE
    occasion = soon[0] if soon and days_ahead >= 0 else None
    if not purpose:
        purpose = rng.choice(APPOINTMENT_PURPOSES[kind]).format(
            piece="new season's pieces", occasion=occasion.label if occasion else "the season"
        )
    status = FUTURE_STATUS.pick(rng) if days_ahead >= 0 else PAST_STATUS.pick(rng)
    return Appointment(
        public_id=uuid4_from(ids),
        client_id=fact.pk,
        stylist=fact.advisor,
        boutique=fact.advisor.boutique,
        kind=kind,
        status=status,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=rng.choice([45, 60, 90])),
        purpose=purpose,
        occasion_id=occasion.pk if occasion else None,
        video_room=f"mv-{ids.getrandbits(64):016x}" if video else "",
    )


def build_appointments(
    *, seed: int, clients: Clients, staff: Staff, soon: dict[int, list[Upcoming]], now: dt.datetime
) -> int:
    """Past visits (last six months), the coming three weeks, and a full week for `stylist`."""
    rng, ids = stream(seed, "appointments"), stream(seed, "appointments:uuid")
    diary = Diary(staff, now)
    lead = staff.by_username["stylist"]
    rows: list[Appointment | None] = []
    for fact in clients.facts:
        upcoming = soon.get(fact.pk, [])
        if fact.persona == "client":
            gala = [o for o in upcoming if o.kind == "gala"]
            rows.append(_appointment(rng, ids, diary, fact, gala, 5, "Gala dress fitting"))
            rows.append(
                _appointment(rng, ids, diary, fact, [], -40, "Wardrobe review for the season")
            )
            continue
        if chance(rng, 0.08):
            rows.append(_appointment(rng, ids, diary, fact, upcoming, -rng.randint(1, 180)))
        if chance(rng, 0.04):
            rows.append(_appointment(rng, ids, diary, fact, upcoming, rng.randint(0, 21)))
    lead_book = [f for f in clients.facts if f.advisor.pk == lead.pk and not f.persona]
    for fact in rng.sample(lead_book, min(6, len(lead_book))):
        rows.append(_appointment(rng, ids, diary, fact, soon.get(fact.pk, []), rng.randint(0, 6)))
    booked = [row for row in rows if row is not None]
    insert(booked)
    return len(booked)
