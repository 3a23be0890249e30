"""Serialising locks that do not hold up foreign-key checks (PostgreSQL).

Booking locks the advisor's row, sending a message locks the client's: to make two
bookings (or two senders) take turns. Taken FOR UPDATE, such a lock also blocks every
other transaction that merely *points* at the row, because PostgreSQL checks a foreign
key with FOR KEY SHARE; under load a booking (holding the advisor, writing rows that
point at the client) and an appointment notice (holding the client, writing a message
that points at the advisor) deadlocked at COMMIT and the booking answered 503. FOR NO
KEY UPDATE keeps the turn-taking and lets the key checks through.

Each test holds the lock in a second thread (its own connection), then writes a row
pointing at the locked one under a 2-second lock_timeout, and commits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from clients.models import Client
from stylists.models import FollowUp, FollowUpKind
from stylists.services.appointments.booking import _lock_stylists
from tests.factories.catalog import BoutiqueFactory
from tests.factories.clients import ClientFactory
from tests.factories.stylists import make_stylist

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks"),
]


@contextmanager
def held(lock: Callable[[], object]) -> Iterator[None]:
    """`lock()` inside a transaction of another connection, held until the block ends."""
    taken, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                lock()
                taken.set()
                release.wait(10)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failure.append(exc)
            taken.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    try:
        assert not failure, failure
        yield
    finally:
        release.set()
        thread.join(10)


def point_at(stylist: object, client: Client) -> None:
    """A row with foreign keys to both, committed under a short lock timeout."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        FollowUp.objects.create(
            stylist=stylist,
            client=client,
            kind=FollowUpKind.OCCASION,
            due_on="2026-12-24",
            reason="Points at both rows",
            dedupe_key="lock-modes",
        )


def test_the_booking_lock_lets_rows_that_point_at_the_advisor_commit() -> None:
    stylist = make_stylist(boutique=BoutiqueFactory())
    client = ClientFactory()
    with held(lambda: _lock_stylists([stylist])):
        point_at(stylist, client)
    assert FollowUp.objects.filter(dedupe_key="lock-modes").exists()


def test_for_update_would_have_blocked_the_same_row() -> None:
    """What the test above guards against: FOR UPDATE does hold the key check up (the
    client's row here, as message_send locked it before it took FOR NO KEY UPDATE)."""
    from django.db.utils import OperationalError

    stylist = make_stylist(boutique=BoutiqueFactory())
    client = ClientFactory()

    def for_update() -> None:
        Client.objects.select_for_update().get(pk=client.pk)

    with held(for_update), pytest.raises(OperationalError, match="lock timeout"):
        point_at(stylist, client)
