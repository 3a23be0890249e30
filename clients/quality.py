"""Data quality of client records: a score per client, per book and per boutique, with what to fix.

Four components, each 0..1, the score their mean × 100:
- completeness: a way to reach her (e-mail or phone), salutation, sizes, birthday, style;
- validity: her e-mail addresses well formed, her phones in an allocated range (phonenumbers);
- duplicates: 0 while a merge suggestion naming her waits in the queue;
- freshness: 1 when the record was touched (purchase, contact, edit) within a year, falling
  to 0 at three years.
Reads a fixed number of queries whatever the number of clients.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.utils import timezone

from clients.identities import phone_is_valid
from clients.models import (
    Client,
    ClientStatus,
    Identity,
    IdentityKind,
    MergeStatus,
    MergeSuggestion,
    Occasion,
    OccasionKind,
)

FRESH_DAYS = 365
STALE_DAYS = 3 * 365
COMPONENTS = ("completeness", "validity", "duplicates", "freshness")


@dataclass
class ClientQuality:
    client: Client
    completeness: float
    validity: float
    duplicates: float
    freshness: float
    to_fix: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        parts = (self.completeness, self.validity, self.duplicates, self.freshness)
        return round(100 * sum(parts) / len(parts))


def completeness(client: Client, *, reachable: bool, has_birthday: bool) -> tuple[float, list[str]]:
    style = any(
        (
            client.preferred_categories,
            client.preferred_colours,
            client.preferred_materials,
            client.style_keywords,
        )
    )
    checks = {
        "no e-mail or phone": reachable,
        "no salutation": bool(client.salutation),
        "no sizes": bool(client.sizes),
        "no birthday": has_birthday,
        "no style preferences": style,
    }
    missing = [words for words, ok in checks.items() if not ok]
    return 1 - len(missing) / len(checks), missing


def validity(identities: Iterable[tuple[str, str]]) -> tuple[float, list[str]]:
    checked, problems = 0, []
    for kind, value in identities:
        if kind == IdentityKind.EMAIL:
            checked += 1
            try:
                validate_email(value)
            except ValidationError:
                problems.append("an e-mail address is malformed")
        elif kind == IdentityKind.PHONE:
            checked += 1
            if not phone_is_valid(value):
                problems.append("a phone number is not in use anywhere")
    return (1.0 if not checked else 1 - len(problems) / checked), problems


def freshness(client: Client, today: dt.date) -> tuple[float, list[str]]:
    moments = [m for m in (client.last_purchase_at, client.last_contact_at, client.updated_at) if m]
    if not moments:
        return 0.0, ["never updated"]
    age = (today - max(moments).date()).days
    if age <= FRESH_DAYS:
        return 1.0, []
    value = max(0.0, 1 - (age - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS))
    return value, [f"not touched for {age // 30} months"]


def quality_of(clients: QuerySet[Client]) -> list[ClientQuality]:
    """The quality of each active client of the queryset (four queries in all)."""
    rows = list(
        clients.filter(status=ClientStatus.ACTIVE).order_by("last_name", "first_name", "pk")
    )
    ids = [c.pk for c in rows]
    identities: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for client_id, kind, value in Identity.objects.filter(client_id__in=ids).values_list(
        "client_id", "kind", "value"
    ):
        identities[client_id].append((kind, value))
    birthdays = set(
        Occasion.objects.filter(client_id__in=ids, kind=OccasionKind.BIRTHDAY).values_list(
            "client_id", flat=True
        )
    )
    suspected: set[int] = set()
    for a, b in MergeSuggestion.objects.filter(
        Q(client_a_id__in=ids) | Q(client_b_id__in=ids), status=MergeStatus.PENDING
    ).values_list("client_a_id", "client_b_id"):
        suspected.update((a, b))
    today = timezone.localdate()
    result = []
    for client in rows:
        held = identities.get(client.pk, [])
        reachable = any(kind in (IdentityKind.EMAIL, IdentityKind.PHONE) for kind, _ in held)
        complete, missing = completeness(
            client, reachable=reachable, has_birthday=client.pk in birthdays
        )
        valid, invalid = validity(held)
        fresh, stale = freshness(client, today)
        duplicate = client.pk in suspected
        result.append(
            ClientQuality(
                client=client,
                completeness=complete,
                validity=valid,
                duplicates=0.0 if duplicate else 1.0,
                freshness=fresh,
                to_fix=[*invalid, *(["may be a duplicate"] if duplicate else []), *missing, *stale],
            )
        )
    return result


@dataclass(frozen=True)
class QualitySummary:
    clients: int
    score: int
    components: dict[str, float]
    to_fix: int


def summarise_quality(items: list[ClientQuality]) -> QualitySummary:
    """The mean of each component (a book's, a boutique's) and how many records need work."""
    if not items:
        return QualitySummary(
            clients=0, score=0, components=dict.fromkeys(COMPONENTS, 0.0), to_fix=0
        )
    components = {
        name: round(sum(getattr(item, name) for item in items) / len(items), 3)
        for name in COMPONENTS
    }
    return QualitySummary(
        clients=len(items),
        score=round(100 * sum(components.values()) / len(components)),
        components=components,
        to_fix=sum(1 for item in items if item.to_fix),
    )
