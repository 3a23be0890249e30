"""Reads for the client book (/stylist/clients/): scopes, search, filters, sort, one page of rows.

Filters and sorts run on columns and subqueries (the denormalised lifetime
spend and purchase dates, consent.policy.annotate_consent, the next
occasion), so a page costs the same few queries for a book of 60 or 6,000.
E-mail and phone searches are exact, through the identities' lookup hash:
encrypted values are never scanned.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from clients.identities import identity_lookup_hash, normalize_identity
from clients.models import Client, ClientStatus, Identity, IdentityKind, Occasion
from clients.selectors import (
    clients_visible_to,
    occasions_by_id,
    sees_all_clients,
    segment_filter,
    segment_of,
)
from consent import policy
from stylists.models import Role, Stylist
from stylists.selectors import book_of, current_assignments

PAGE_SIZE = 50

SCOPES = {"mine": "My book", "boutique": "My boutique", "all": "All clients"}
SEGMENTS = {
    "prospect": "Prospect",
    "new": "New",
    "active": "Active",
    "dormant": "Dormant",
    "lapsed": "Lapsed",
}
LAST_PURCHASE = {
    "30": "In the last 30 days",
    "90": "In the last 90 days",
    "365": "In the last year",
    "over_365": "More than a year ago",
    "never": "Never",
}
SPEND_BANDS: dict[str, tuple[str, Decimal | None, Decimal | None]] = {
    "lt5k": ("Under €5,000", None, Decimal(5000)),
    "5k-20k": ("€5,000 – €20,000", Decimal(5000), Decimal(20000)),
    "20k-50k": ("€20,000 – €50,000", Decimal(20000), Decimal(50000)),
    "50k+": ("€50,000 and more", Decimal(50000), None),
}
OCCASION_WITHIN = {"7": "Within 7 days", "30": "Within 30 days", "90": "Within 90 days"}
SORTS = {
    "name": "Name",
    "last_purchase": "Last purchase",
    "spend": "Lifetime spend",
    "occasion": "Next occasion",
    "churn_risk": "Churn risk",
    "value": "12-month value",
}
# The nightly outlook (recommendations.ClientOutlook, reached by its reverse name
# "outlook": consent.policy decides whose may be read). Stage keys = LifecycleStage.
OUTLOOKS = {
    "about_to_lapse": "About to lapse",
    "prospect": "Prospect",
    "new": "New",
    "active": "Active",
    "dormant": "Dormant",
    "lapsed": "Lapsed",
    "won_back": "Won back",
}
LAPSE_RISK = 0.5  # as recommendations.selectors.outlook.LAPSE_RISK (tested equal)
STILL_BUYING = ("new", "active", "won_back", "dormant")
_PHONEISH = re.compile(r"^[\d\s+().\-]{6,}$")


@dataclass
class BookFilters:
    scope: str = "mine"
    q: str = ""
    tier: str = ""
    segment: str = ""
    last_purchase: str = ""
    spend: str = ""
    occasion: str = ""
    vic: bool = False
    channel: str = ""
    outlook: str = ""
    profile: str = ""  # a ClientSegment's id (the nightly buying profile)
    sort: str = "name"
    descending: bool = False

    @property
    def filtering(self) -> bool:
        """True when a filter other than the search narrows the list (the panel opens)."""
        return self.active and any(
            getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("scope", "sort", "descending", "q")
        )

    @property
    def active(self) -> bool:
        """True when anything narrows the list (for the empty state's wording)."""
        return any(
            getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("scope", "sort", "descending")
        )


def scopes_for(user: Any, stylist: Stylist) -> list[str]:
    """The tabs this person may use: mine for advisors, boutique for managers, all for HQ."""
    if sees_all_clients(user):
        return ["all"] if stylist.role == Role.HEAD_OFFICE else ["mine", "all"]
    if stylist.role == Role.MANAGER:
        return ["mine", "boutique"]
    return ["mine"]


def default_scope(user: Any, stylist: Stylist) -> str:
    scopes = scopes_for(user, stylist)
    if stylist.role == Role.MANAGER:
        return "boutique"
    return scopes[0]


def _scope_queryset(user: Any, stylist: Stylist, scope: str) -> QuerySet[Client]:
    if scope == "boutique":
        return clients_visible_to(user).filter(home_boutique_id=stylist.boutique_id)
    if scope == "all":
        return clients_visible_to(user)
    return Client.objects.filter(pk__in=book_of(stylist).values("pk"))


def _identity_match(kind: str, value: str, *, region: str = "") -> Q | None:
    try:
        normalized = normalize_identity(kind, value, region=region)
    except ValidationError:
        return None
    hashed = identity_lookup_hash(kind, normalized)
    return Q(pk__in=Identity.objects.filter(kind=kind, lookup_hash=hashed).values("client_id"))


def search_filter(q: str, *, country: str = "") -> Q:
    """Name (contains, every word), or exact e-mail / phone through the lookup hash."""
    q = q.strip()[:120]
    if not q:
        return Q()
    if "@" in q:
        return _identity_match(IdentityKind.EMAIL, q) or Q(pk__in=[])
    if _PHONEISH.match(q):
        # "06 12 34 56 78" typed in Paris is read as a French number (phonenumbers).
        return _identity_match(IdentityKind.PHONE, q, region=country) or Q(pk__in=[])
    query = Q()
    for word in q.split()[:5]:
        query &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return query


def _last_purchase_filter(key: str, today: dt.date) -> Q:
    end_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.max))
    if key == "never":
        return Q(last_purchase_at__isnull=True)
    if key == "over_365":
        return Q(last_purchase_at__lt=end_of_today - dt.timedelta(days=365))
    if key in LAST_PURCHASE:
        return Q(last_purchase_at__gte=end_of_today - dt.timedelta(days=int(key)))
    return Q()


def _spend_filter(key: str) -> Q:
    if key not in SPEND_BANDS:
        return Q()
    _, low, high = SPEND_BANDS[key]
    query = Q()
    if low is not None:
        query &= Q(lifetime_spend__gte=low)
    if high is not None:
        query &= Q(lifetime_spend__lt=high)
    return query


def client_book(user: Any, stylist: Stylist, filters: BookFilters) -> QuerySet[Client]:
    """The filtered, annotated, sorted book (lazy: the view paginates it)."""
    today = timezone.localdate()
    queryset = _scope_queryset(user, stylist, filters.scope).filter(status=ClientStatus.ACTIVE)
    country = stylist.boutique.country if stylist.boutique_id else ""  # type: ignore[union-attr]
    queryset = queryset.filter(search_filter(filters.q, country=country))
    if filters.segment in SEGMENTS:
        queryset = queryset.filter(segment_filter(filters.segment, today=today))
    queryset = queryset.filter(_last_purchase_filter(filters.last_purchase, today))
    queryset = queryset.filter(_spend_filter(filters.spend))
    if filters.vic:
        queryset = queryset.filter(is_vic=True)
    if filters.occasion in OCCASION_WITHIN:
        soon = Occasion.objects.filter(
            client_id=OuterRef("pk"),
            next_date__gte=today,
            next_date__lte=today + dt.timedelta(days=int(filters.occasion)),
        )
        queryset = queryset.filter(Exists(soon))
    queryset = _with_outlook(queryset, filters.outlook, filters.profile)
    queryset = policy.annotate_consent(queryset)
    if filters.tier in policy.TIER_DESCRIPTIONS:
        queryset = queryset.filter(**{"consent_tier": filters.tier})  # an annotation
    if filters.channel in policy.CHANNELS:
        queryset = queryset.filter(**{f"consent_{filters.channel}": True})
    next_occasion = Occasion.objects.filter(client_id=OuterRef("pk"), next_date__gte=today)
    queryset = queryset.annotate(
        next_occasion_date=Subquery(
            next_occasion.order_by("next_date", "pk").values("next_date")[:1]
        ),
        next_occasion_id=Subquery(next_occasion.order_by("next_date", "pk").values("pk")[:1]),
    ).select_related("home_boutique")
    return queryset.order_by(*_ordering(filters))


def _with_outlook(queryset: QuerySet[Client], outlook: str, profile: str = "") -> QuerySet[Client]:
    """Annotate the outlook where her consent lets purchases serve analytics; filter on it.

    The buying profile is the nightly segment (recommendations.ClientSegment, reached as
    "outlook__segment"): its name is a joined column, so a page costs no more queries.
    """
    allowed = policy.allowing(policy.DataKind.PURCHASES, policy.Purpose.ANALYTICS)
    queryset = queryset.annotate(
        outlook_stage=Case(
            When(allowed, then=F("outlook__stage")), default=Value(""), output_field=CharField()
        ),
        outlook_risk=Case(
            When(allowed, then=F("outlook__churn_risk")), default=None, output_field=FloatField()
        ),
        outlook_value=Case(
            When(allowed, then=F("outlook__predicted_value")),
            default=None,
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        outlook_expected=Case(
            When(allowed, then=F("outlook__expected_purchases")),
            default=None,
            output_field=FloatField(),
        ),
        outlook_profile=Case(
            When(allowed, then=F("outlook__segment__name")),
            default=Value(""),
            output_field=CharField(),
        ),
    )
    if profile.isdigit():
        queryset = queryset.filter(allowed, outlook__segment_id=int(profile))
    if outlook == "about_to_lapse":
        return queryset.filter(outlook_risk__gte=LAPSE_RISK, outlook_stage__in=STILL_BUYING)
    if outlook in OUTLOOKS:
        return queryset.filter(outlook_stage=outlook)
    return queryset


def _ordering(filters: BookFilters) -> list[Any]:
    desc = filters.descending
    if filters.sort in ("churn_risk", "value"):
        column = F("outlook_risk" if filters.sort == "churn_risk" else "outlook_value")
        # Highest first by default; clients with no outlook always last.
        first = column.asc(nulls_last=True) if desc else column.desc(nulls_last=True)
        return [first, "last_name", "first_name", "pk"]
    if filters.sort == "last_purchase":
        column = F("last_purchase_at")
        # Most recent first by default; "never" always last.
        first = column.asc(nulls_last=True) if desc else column.desc(nulls_last=True)
        return [first, "last_name", "first_name", "pk"]
    if filters.sort == "spend":
        return ["lifetime_spend" if desc else "-lifetime_spend", "last_name", "pk"]
    if filters.sort == "occasion":
        column = F("next_occasion_date")
        first = column.desc(nulls_last=True) if desc else column.asc(nulls_last=True)
        return [first, "last_name", "pk"]
    name = ["-last_name", "-first_name", "-pk"] if desc else ["last_name", "first_name", "pk"]
    return name


def decorate_rows(rows: list[Client], *, with_advisor: bool) -> list[Client]:
    """Add segment, next occasion, allowed channels and (optionally) advisor: ≤ 2 queries."""
    today = timezone.localdate()
    occasions = occasions_by_id([row.next_occasion_id for row in rows])  # type: ignore[attr-defined]
    advisors = current_assignments([row.pk for row in rows]) if with_advisor else {}
    for row in rows:
        row.segment = segment_of(row, today=today)  # type: ignore[attr-defined]
        row.next_occasion = occasions.get(row.next_occasion_id)  # type: ignore[attr-defined]
        row.outlook_stage_label = OUTLOOKS.get(getattr(row, "outlook_stage", ""), "")  # type: ignore[attr-defined]
        risk = getattr(row, "outlook_risk", None)
        # As {% widthratio risk 1 100 %} printed it (round() on the percentage).
        row.outlook_risk_percent = None if risk is None else round(risk * 100)  # type: ignore[attr-defined]
        row.advisor = advisors.get(row.pk)  # type: ignore[attr-defined]
        row.channels = [  # type: ignore[attr-defined]
            policy.channel_label(c) for c in policy.CHANNELS if getattr(row, f"consent_{c}")
        ]
    return rows
