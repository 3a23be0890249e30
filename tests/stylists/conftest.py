"""Helpers for the dashboard's tests: consent in one line, books of N clients, query counting.

The root `cast` gives the personas; cast.client is Camille Laurent (Personal,
e-mail allowed, in Élise's book, with a concierge login and a phone number).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Boutique
from clients.models import Client
from consent.models import ConsentTier
from stylists.models import Stylist
from tests.factories.clients import ClientFactory, OccasionFactory, OrderFactory
from tests.factories.consent import ConsentRecordFactory
from tests.factories.stylists import put_in_book

_phones = itertools.count(100000)


# Who may open a manager's page or export (team board, data quality, KPIs, their CSVs):
# managers their own boutique, head office every one; everyone else 404, anonymous sign-in.
MANAGER_PAGE_ACCESS = [
    ("manager", 200),
    ("head_office", 200),
    ("manager_elsewhere", 200),  # their own boutique
    ("owner", 404),
    ("colleague", 404),
    ("stylist_elsewhere", 404),
    ("client_user", 404),
    ("other_client_user", 404),
    ("anonymous", 302),
]


def consent(cast: Any, client: Client, tier: str = ConsentTier.PERSONAL, **channels: bool) -> None:
    """Record the client's consent now: tier and channels (email, sms, whatsapp, phone)."""
    values = {"email": False, "sms": False, "whatsapp": False, "phone": False, **channels}
    ConsentRecordFactory(
        client=client,
        tier=tier,
        policy_version=cast.policy,
        recorded_at=timezone.now() + dt.timedelta(microseconds=1),
        **values,
    )


def book_of_n(
    cast: Any,
    stylist: Stylist,
    n: int,
    *,
    boutique: Boutique | None = None,
    tier: str = ConsentTier.PERSONAL,
    with_history: bool = True,
) -> list[Client]:
    """n clients in the stylist's book, each with consent, an order and an occasion."""
    boutique = boutique or stylist.boutique or cast.paris
    clients = []
    for i in range(n):
        client = ClientFactory(
            home_boutique=boutique,
            first_name=f"Reader{i}",
            last_name=f"Book{i:04d}",
            email=f"reader{next(_phones)}@example.com",
            lifetime_spend=Decimal(1000 * (i % 60)),
            is_vic=i % 7 == 0,
        )
        consent(cast, client, tier, email=True, sms=i % 2 == 0)
        if with_history:
            OrderFactory(client=client, total=Decimal("1200"))
            OccasionFactory(client=client)
        clients.append(client)
    put_in_book(stylist, *clients)
    return clients


class QueryCounter:
    """Counts the queries a callable makes (for 'N vs 3N rows' proofs)."""

    def __call__(self, action: Callable[[], Any]) -> int:
        with CaptureQueriesContext(connection) as captured:
            action()
        return len(captured.captured_queries)


@pytest.fixture
def count_queries() -> QueryCounter:
    return QueryCounter()


def bulk_book(cast: Any, stylist: Stylist, n: int, *, start: int = 0) -> list[Client]:
    """n clients in the stylist's book, bulk-inserted (for 200 vs 600 row proofs).

    Each has consent (tiers and channels vary), an e-mail identity, purchase figures
    and, for every other client, an occasion in the next weeks.
    """
    from clients.models import Occasion
    from clients.services import identity_build
    from consent.models import ConsentRecord, ConsentSource
    from stylists.services import book_assign_bulk

    now = timezone.now()
    today = timezone.localdate()
    tiers = [ConsentTier.ESSENTIAL, ConsentTier.PERSONAL, ConsentTier.BESPOKE]
    clients = Client.objects.bulk_create(
        [
            Client(
                first_name=f"Bulk{i}",
                last_name=f"Client{i:05d}",
                home_boutique=stylist.boutique or cast.paris,
                preferred_language="fr",
                is_vic=i % 9 == 0,
                lifetime_spend=Decimal(500 * (i % 150)),
                orders_count=i % 5,
                first_purchase_at=now - dt.timedelta(days=400 + i % 300) if i % 5 else None,
                last_purchase_at=now - dt.timedelta(days=i % 500) if i % 5 else None,
            )
            for i in range(start, start + n)
        ]
    )
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                client=c,
                tier=tiers[k % 3],
                policy_version=cast.policy,
                source=ConsentSource.BOUTIQUE,
                proof_text="Agreed in the boutique.",
                recorded_at=now,
                email=True,
                sms=k % 2 == 0,
                whatsapp=k % 3 == 0,
                phone=True,
            )
            for k, c in enumerate(clients)
        ]
    )
    from clients.models import Identity

    Identity.objects.bulk_create(
        [
            identity_build(
                client=c, kind="email", value=f"{c.first_name.lower()}@example.com", is_primary=True
            )
            for c in clients
        ]
    )
    Occasion.objects.bulk_create(
        [
            Occasion(
                client=c,
                kind="birthday",
                date=today + dt.timedelta(days=k % 60),
                next_date=today + dt.timedelta(days=k % 60),
            )
            for k, c in enumerate(clients)
            if k % 2 == 0
        ]
    )
    book_assign_bulk(pairs=[(c.pk, stylist) for c in clients])
    return clients
