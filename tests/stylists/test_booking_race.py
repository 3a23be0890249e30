"""Races the database must win: twenty clients reaching for one slot, two workers for one reminder.

PostgreSQL only (run with DATABASE_URL=postgres://...): each contender is a
thread with its own connection, released together by a barrier. SQLite
serialises every writer, so there is no race to show there; the exclusion
constraint itself is PostgreSQL's (migration stylists.0005).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_concierge2 \
        .venv/bin/python -m pytest tests/stylists/test_booking_race.py -q -p no:randomly -s
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from consent.models import ConsentTier
from stylists.models import Appointment, AppointmentNotice, AppointmentStatus
from stylists.services import appointment_book, appointment_notice_send
from tests.concierge.conftest import weekly
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the race and the constraint are PostgreSQL's"
    ),
]

PARIS = ZoneInfo("Europe/Paris")
CONTENDERS = 20


def _next_weekday_10am(weekday: int) -> dt.datetime:
    today = dt.datetime.now(PARIS).date()
    days = (weekday - today.weekday()) % 7 or 7
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(10, 0), PARIS)


def _together(n: int, work: Any) -> list[Any]:
    """Run work(i) in n threads released at once, each on its own connection."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # the outcome is what the test reads
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_clients_one_slot_exactly_one_wins(cast: Any) -> None:
    # Given Élise receives on Wednesdays and twenty clients want the same hour
    weekly(cast.owner, weekdays=[2], starts=dt.time(10, 0), ends=dt.time(12, 0))
    slot = _next_weekday_10am(2)
    clients = [ClientFactory(home_boutique=cast.paris) for _ in range(CONTENDERS)]
    for client in clients:
        ConsentRecordFactory(client=client, tier=ConsentTier.PERSONAL, policy_version=cast.policy)

    # When all twenty book it at the same moment, each on its own connection
    def book(i: int) -> Any:
        return appointment_book(
            client=clients[i],
            stylist=cast.owner,
            kind="boutique",
            starts_at=slot,
            boutique=cast.paris,
        )

    results = _together(CONTENDERS, book)
    # Then exactly one has it, and nineteen hear "just taken"
    winners = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    answers = Counter(" ".join(r.messages) for r in refused)
    print(f"\n20-way race: {len(winners)} booked, {len(refused)} refused: {dict(answers)}")
    assert len(winners) == 1, results
    assert len(refused) == CONTENDERS - 1, results
    assert set(answers) == {"This time has just been taken. Please choose another moment."}
    assert Appointment.objects.filter(stylist=cast.owner, starts_at=slot).count() == 1


def test_the_database_itself_refuses_an_overlap(cast: Any) -> None:
    # Given a confirmed hour with Élise
    start = _next_weekday_10am(2)
    Appointment.objects.create(
        client=cast.client,
        stylist=cast.owner,
        boutique=cast.paris,
        kind="boutique",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    # When a write that skips the service overlaps it, PostgreSQL refuses
    with pytest.raises(IntegrityError, match="appt_no_overlap_per_advisor"), transaction.atomic():
        Appointment.objects.create(
            client=cast.other_client,
            stylist=cast.owner,
            boutique=cast.paris,
            kind="video",
            starts_at=start + dt.timedelta(minutes=30),
            ends_at=start + dt.timedelta(minutes=75),
        )
    # But back-to-back, another advisor, or over a cancelled one is fine
    for stylist, offset in ((cast.owner, 60), (cast.colleague, 0)):
        Appointment.objects.create(
            client=cast.other_client,
            stylist=stylist,
            boutique=cast.paris,
            kind="boutique",
            starts_at=start + dt.timedelta(minutes=offset),
            ends_at=start + dt.timedelta(minutes=offset + 60),
        )
    Appointment.objects.filter(stylist=cast.owner, starts_at=start).update(
        status=AppointmentStatus.CANCELLED
    )
    Appointment.objects.create(
        client=cast.milan_client,
        stylist=cast.owner,
        boutique=cast.paris,
        kind="boutique",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )


def test_two_workers_racing_for_one_reminder_send_it_once(cast: Any, settings: Any) -> None:
    # Given an appointment an hour away, its reminder not yet sent
    settings.CELERY_TASK_ALWAYS_EAGER = True
    start = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=50)
    appointment = Appointment.objects.create(
        client=cast.client,
        stylist=cast.owner,
        boutique=cast.paris,
        kind="boutique",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        scheduled_at=start - dt.timedelta(days=3),
    )
    mail.outbox = []

    # When two workers run the reminder at the same moment
    def remind(i: int) -> Any:
        return appointment_notice_send(appointment_id=appointment.pk, kind="reminder_1h")

    results = _together(2, remind)
    # Then one of them sent it, once
    assert sum(1 for r in results if isinstance(r, AppointmentNotice)) == 1, results
    assert sum(1 for r in results if r is None) == 1, results
    assert AppointmentNotice.objects.filter(appointment=appointment).count() == 1
    assert [m.subject for m in mail.outbox] == ["In one hour"]
