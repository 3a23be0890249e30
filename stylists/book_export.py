"""The client book as a CSV file for advisors: the clients they see, as filtered, consent-aware.

Which clients: exactly the rows of the book page for the same filters
(stylists.selectors.book.client_book: scope, search, filters, sort), further
intersected with clients.selectors.clients_visible_to, the one permission check.

Which columns: no more than the book page shows (name, boutique, tier,
segment, last purchase, spend, next occasion, the channels the client allows,
the advisor outside "My book"), the nightly outlook as the client story shows it
(stage, churn risk, expected purchases and value over 12 months, buying profile:
empty where her consent does not let purchases serve analytics), plus contact
details under consent.policy:

- the e-mail address only when the client allows e-mail, and the phone number
  only when they allow SMS, WhatsApp or phone calls: may_contact(channel,
  SERVICE), the least the house needs to hold a number for a client who
  asked to be reached there. For everyone else the cell is empty;
- no sizes, notes, preferences or order lines: a list taken out of the app is
  for calling and writing, not for profiling.

Every cell goes through core.csvsafe (formula injection neutralised);
UTF-8 with a BOM so Excel opens accents right; each exported client gets one
row in the staff access log ("exported"), written as its chunk leaves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from clients.models import Client, IdentityKind
from clients.selectors import clients_visible_to, clients_with_contact, occasions_by_id, segment_of
from consent import policy
from core.csvsafe import csv_lines
from stylists.models import Stylist
from stylists.selectors import current_assignments
from stylists.selectors.book import BookFilters, client_book

CHUNK = 500
PHONE_CHANNELS = (policy.Channel.SMS, policy.Channel.WHATSAPP, policy.Channel.PHONE)
COLUMNS = (
    "client_id",
    "salutation",
    "first_name",
    "last_name",
    "preferred_name",
    "home_boutique",
    "preferred_language",
    "vic",
    "consent_tier",
    "segment",
    "last_purchase",
    "lifetime_spend",
    "orders",
    "next_occasion",
    "next_occasion_date",
    "may_contact_by",
    "email",
    "phone",
    "outlook_stage",
    "churn_risk",
    "expected_purchases_12m",
    "predicted_value_12m",
    "buying_profile",
)


def book_export_filename(today: dt.date | None = None) -> str:
    return f"atelier-clients-{(today or timezone.localdate()):%Y-%m-%d}.csv"


def book_export_queryset(user: Any, stylist: Stylist, filters: BookFilters) -> QuerySet[Client]:
    """The book page's rows for these filters, and only clients the user may see."""
    visible = clients_visible_to(user).values("pk")
    return clients_with_contact(client_book(user, stylist, filters).filter(pk__in=visible))


def _allows(client: Client, channel: str) -> bool:
    return bool(getattr(client, f"consent_{channel}", False))


def _contact(client: Client) -> tuple[str, str]:
    """(e-mail, phone) as consent allows: primary identity first, else the oldest."""
    email = phone = ""
    for identity in sorted(client.identities.all(), key=lambda i: (not i.is_primary, i.pk)):
        if identity.kind == IdentityKind.EMAIL and not email:
            email = identity.value
        elif identity.kind == IdentityKind.PHONE and not phone:
            phone = identity.value
    if not _allows(client, policy.Channel.EMAIL):
        email = ""
    if not any(_allows(client, channel) for channel in PHONE_CHANNELS):
        phone = ""
    return email, phone


def _outlook(client: Client) -> list[str]:
    """Stage, churn risk, 12-month purchases and value, buying profile: empty unless scored.

    The annotations of client_book, which read the outlook only where her consent lets
    purchases serve analytics (consent.policy), as the page does.
    """
    stage = getattr(client, "outlook_stage", "")
    risk = getattr(client, "outlook_risk", None)
    expected = getattr(client, "outlook_expected", None)
    value = getattr(client, "outlook_value", None)
    return [
        stage,
        "" if risk is None else f"{risk:.2f}",
        "" if expected is None else f"{expected:.2f}",
        "" if value is None else f"{value:.2f}",
        getattr(client, "outlook_profile", "") or "",
    ]


def _row(client: Client, today: dt.date, occasion: str, advisor: str | None) -> list[Any]:
    email, phone = _contact(client)
    occasion_date = getattr(client, "next_occasion_date", None)
    channels = [policy.channel_label(c) for c in policy.CHANNELS if _allows(client, c)]
    row: list[Any] = [
        client.public_id,
        client.salutation,
        client.first_name,
        client.last_name,
        client.preferred_name,
        client.home_boutique.name,
        client.preferred_language,
        "yes" if client.is_vic else "no",
        getattr(client, "consent_tier", ""),
        segment_of(client, today=today),
        client.last_purchase_at.date().isoformat() if client.last_purchase_at else "",
        f"{client.lifetime_spend:.2f}",
        client.orders_count,
        occasion,
        occasion_date.isoformat() if occasion_date else "",
        ", ".join(channels),
        email,
        phone,
        *_outlook(client),
    ]
    if advisor is not None:
        row.append(advisor)
    return row


def book_export_rows(
    *,
    user: Any,
    stylist: Stylist,
    filters: BookFilters,
    on_chunk: Callable[[list[int]], None],
) -> Iterator[list[Any]]:
    """Header then one row per client, CHUNK clients per round of queries.

    on_chunk(ids) runs before a chunk's rows are handed out (the access log).
    """
    with_advisor = filters.scope != "mine"
    yield [*COLUMNS, "advisor"] if with_advisor else list(COLUMNS)
    today = timezone.localdate()
    chunk: list[Client] = []
    for client in book_export_queryset(user, stylist, filters).iterator(chunk_size=CHUNK):
        chunk.append(client)
        if len(chunk) >= CHUNK:
            yield from _chunk_rows(chunk, today, with_advisor, on_chunk)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, today, with_advisor, on_chunk)


def _chunk_rows(
    clients: list[Client],
    today: dt.date,
    with_advisor: bool,
    on_chunk: Callable[[list[int]], None],
) -> Iterator[list[Any]]:
    """A chunk's rows: two queries (next occasions, advisors) and the access log first."""
    ids = [client.pk for client in clients]
    advisors = current_assignments(ids) if with_advisor else {}
    occasions = occasions_by_id([getattr(c, "next_occasion_id", None) for c in clients])
    on_chunk(ids)
    for client in clients:
        occasion = occasions.get(getattr(client, "next_occasion_id", None) or 0)
        advisor: str | None = None
        if with_advisor:
            person = advisors.get(client.pk)
            advisor = f"{person.user.first_name} {person.user.last_name}".strip() if person else ""
        yield _row(client, today, occasion.label if occasion else "", advisor)


def book_export_lines(
    *,
    user: Any,
    stylist: Stylist,
    filters: BookFilters,
    on_chunk: Callable[[list[int]], None],
    delimiter: str = ",",
) -> Iterator[str]:
    """The CSV text (BOM, then neutralised, quoted lines) with this separator."""
    return csv_lines(
        book_export_rows(user=user, stylist=stylist, filters=filters, on_chunk=on_chunk),
        delimiter=delimiter,
    )
