"""The occasions phase: birthdays and anniversaries every year, and one-off events ahead.

Dates are drawn as offsets from today, so every run has occasions in the next
sixty days for the drafting engine and the follow-ups; next_date comes from
Occasion.occurrence_on_or_after, the rule the occasion services use.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from clienteling.demo.bulk import insert
from clienteling.demo.phrases import OCCASION_NOTES, OCCASION_TITLES, suited
from clienteling.demo.randomness import Weighted, birthday, chance, stream
from clienteling.demo.state import ClientFact, Clients
from clients.models import Occasion, OccasionKind

CLIENT_CHUNK = 5000
EVENT_KIND = Weighted(
    [
        OccasionKind.WEDDING,
        OccasionKind.GALA,
        OccasionKind.TRAVEL,
        OccasionKind.MILESTONE,
        OccasionKind.HOLIDAY,
    ],
    [22, 26, 28, 12, 12],
)
SOON_DAYS = 90  # occasions remembered for appointments and styling requests


@dataclass(slots=True, frozen=True)
class Upcoming:
    pk: int
    kind: str
    label: str
    next_date: dt.date


def _same_day(year: int, day: dt.date) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, 2, 28)


def _title(rng: random.Random, kind: str, fact: ClientFact) -> str:
    titles = OCCASION_TITLES[kind]
    return rng.choice(suited(titles.get(fact.boutique) or titles["*"], fact.gender))


def _occasions_for(rng: random.Random, fact: ClientFact, today: dt.date) -> list[Occasion]:
    made_by = fact.advisor.user_id
    rows: list[Occasion] = []

    def add(kind: str, date: dt.date, title: str, yearly: bool, notes: str = "") -> None:
        source = "concierge" if chance(rng, 0.25) else "stylist"
        rows.append(
            Occasion(
                client_id=fact.pk,
                kind=kind,
                title=title,
                date=date,
                recurring_yearly=yearly,
                notes=notes,
                source=source,
                created_by_id=made_by if source == "stylist" else None,
            )
        )

    if fact.persona == "client":
        add(OccasionKind.BIRTHDAY, _same_day(1984, today + dt.timedelta(days=12)), "Birthday", True)
        add(
            OccasionKind.GALA,
            today + dt.timedelta(days=26),
            "Gala at the Palais Garnier",
            False,
            "Dress code: black tie.",
        )
        # No name of its own: the kind says it, in each client's language
        add(OccasionKind.ANNIVERSARY, _same_day(2011, today + dt.timedelta(days=95)), "", True)
        return rows
    if fact.persona == "client-essential":
        add(OccasionKind.BIRTHDAY, _same_day(1979, today + dt.timedelta(days=40)), "Birthday", True)
        return rows
    if chance(rng, 0.62):
        add(OccasionKind.BIRTHDAY, birthday(rng), "Birthday", True)
    if chance(rng, 0.18):
        year = rng.randint(1980, 2023)
        add(OccasionKind.ANNIVERSARY, _same_day(year, birthday(rng)), "", True)
    for _ in range(2 if chance(rng, 0.05) else 1 if chance(rng, 0.25) else 0):
        kind = EVENT_KIND.pick(rng)
        offset = rng.randint(1, 300) if chance(rng, 0.7) else -rng.randint(1, 200)
        add(
            kind,
            today + dt.timedelta(days=offset),
            _title(rng, kind, fact),
            False,
            rng.choice(OCCASION_NOTES),
        )
    return rows


def build_occasions(
    *, seed: int, clients: Clients, today: dt.date
) -> tuple[int, dict[int, list[Upcoming]]]:
    """Every client's occasions; returns the count and those falling in the next 90 days."""
    rng = stream(seed, "occasions")
    written = 0
    soon: dict[int, list[Upcoming]] = {}
    horizon = today + dt.timedelta(days=SOON_DAYS)
    for start in range(0, len(clients.facts), CLIENT_CHUNK):
        rows = [
            o
            for f in clients.facts[start : start + CLIENT_CHUNK]
            for o in _occasions_for(rng, f, today)
        ]
        for occasion in rows:
            occasion.next_date = occasion.occurrence_on_or_after(today)
        insert(rows, with_ids=True)
        for occasion in rows:
            if occasion.next_date and occasion.next_date <= horizon:
                soon.setdefault(occasion.client_id, []).append(
                    Upcoming(occasion.pk, occasion.kind, occasion.label, occasion.next_date)
                )
        written += len(rows)
    return written, soon
