"""Reads for the team board (/stylist/team/): how each advisor's book and reviews are doing.

Per advisor, in six queries whatever the team's size:
- book size: clients in the advisor's book now;
- drafts waiting: lookbooks in draft or review for clients in that book;
- SLA breaches: styling requests of the last 30 days answered after their
  four-hour deadline, or still open past it;
- met within the promise: of those requests whose fate is known (answered, or
  open past the deadline), the share answered in time;
- review acceptance: kept ÷ (kept + removed) pieces in the advisor's review
  decisions (ReviewEvents) of the last 90 days;
- conversion: share of the lookbooks the advisor published in the last 90
  days followed, within 30 days of publishing, by the client buying one of
  the pieces it showed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from catalog.models import Boutique
from clients.models import Client, ClientStatus, OrderLine, OrderStatus
from clients.selectors import clients_visible_to
from recommendations.models import ItemState, Lookbook, LookbookStatus, ReviewAction, ReviewEvent
from stylists.models import BookAssignment, Role, StylingRequest, StylingRequestStatus, Stylist
from stylists.selectors.book import search_filter

SLA_WINDOW = dt.timedelta(days=30)
REVIEW_WINDOW = dt.timedelta(days=90)
CONVERSION_WINDOW = dt.timedelta(days=30)
PUBLISHED_WINDOW = dt.timedelta(days=90)
REVIEWABLE = (LookbookStatus.DRAFT, LookbookStatus.IN_REVIEW)


def may_see_team(user: Any, stylist: Stylist) -> bool:
    return stylist.role in (Role.MANAGER, Role.HEAD_OFFICE) or bool(user.is_superuser)


def team_boutiques(user: Any, stylist: Stylist) -> QuerySet[Boutique]:
    """Managers: their boutique. Head office and admins: every active boutique."""
    if stylist.role == Role.HEAD_OFFICE or user.is_superuser:
        return Boutique.objects.filter(active=True).order_by("name")
    return Boutique.objects.filter(pk=stylist.boutique_id or 0)


def managed_boutique(user: Any, stylist: Stylist, code: str) -> tuple[list[Boutique], Boutique]:
    """The boutiques a manager's pages may show, and the one shown: the one asked for by
    code if allowed, else her own, else the first. 404 for an advisor who manages no one."""
    if not may_see_team(user, stylist):
        raise Http404("Not found")
    boutiques = list(team_boutiques(user, stylist))
    by_code = {b.code: b for b in boutiques}
    chosen = by_code.get(code) or next(
        (b for b in boutiques if b.pk == stylist.boutique_id), boutiques[0] if boutiques else None
    )
    if chosen is None:
        raise Http404("No boutique")
    return boutiques, chosen


@dataclass
class AdvisorRow:
    stylist: Stylist
    book_size: int = 0
    drafts_waiting: int = 0
    sla_breaches: int = 0
    requests_met: int = 0
    requests_decided: int = 0
    kept: int = 0
    removed: int = 0
    published: int = 0
    converted: int = 0

    @property
    def acceptance(self) -> float | None:
        reviewed = self.kept + self.removed
        return self.kept / reviewed if reviewed else None

    @property
    def met_share(self) -> float | None:
        return self.requests_met / self.requests_decided if self.requests_decided else None

    @property
    def conversion(self) -> float | None:
        return self.converted / self.published if self.published else None


def _counts(queryset: QuerySet[Any], key: str) -> dict[int, int]:
    return {
        row[key]: row["n"] for row in queryset.values(key).annotate(n=Count("pk", distinct=True))
    }


def _promises(ids: list[int], now: dt.datetime) -> dict[int, dict[str, int]]:
    """Per advisor, styling requests of the window answered late (or open past due) and in time."""
    late = Q(answered_at__gt=F("due_at")) | Q(
        answered_at__isnull=True, status=StylingRequestStatus.OPEN, due_at__lt=now
    )
    met = Q(answered_at__isnull=False, answered_at__lte=F("due_at"))
    return {
        row["stylist_id"]: row
        for row in StylingRequest.objects.filter(
            stylist_id__in=ids, created_at__gte=now - SLA_WINDOW
        )
        .values("stylist_id")
        .annotate(late=Count("pk", filter=late), met=Count("pk", filter=met))
    }


def team_board(*, boutique_ids: list[int], now: dt.datetime | None = None) -> list[AdvisorRow]:
    now = now or timezone.now()
    advisors = list(
        Stylist.objects.filter(boutique_id__in=boutique_ids, active=True)
        .exclude(role=Role.HEAD_OFFICE)
        .select_related("user", "boutique")
        .order_by("boutique__name", "user__first_name", "user__last_name", "pk")
    )
    ids = [a.pk for a in advisors]
    books = _counts(
        BookAssignment.objects.filter(stylist_id__in=ids, ended_at__isnull=True), "stylist_id"
    )
    drafts = _counts(
        Lookbook.objects.filter(
            status__in=REVIEWABLE,
            client__book_assignments__ended_at__isnull=True,
            client__book_assignments__stylist_id__in=ids,
        ),
        "client__book_assignments__stylist_id",
    )
    promises = _promises(ids, now)
    reviews = {
        row["actor_id"]: row
        for row in ReviewEvent.objects.filter(
            actor_id__in=[a.user_id for a in advisors],
            action__in=[ReviewAction.KEEP, ReviewAction.REMOVE],
            created_at__gte=now - REVIEW_WINDOW,
        )
        .values("actor_id")
        .annotate(
            kept=Count("pk", filter=Q(action=ReviewAction.KEEP)),
            removed=Count("pk", filter=Q(action=ReviewAction.REMOVE)),
        )
    }
    bought = OrderLine.objects.filter(
        order__client_id=OuterRef("client_id"),
        order__status=OrderStatus.COMPLETED,
        order__placed_at__gte=OuterRef("published_at"),
        order__placed_at__lte=OuterRef("published_at") + CONVERSION_WINDOW,
        product__lookbook_items__lookbook_id=OuterRef("pk"),
        product__lookbook_items__state__in=[ItemState.PROPOSED, ItemState.KEPT],
    )
    conversions = {
        row["author_id"]: row
        for row in Lookbook.objects.filter(
            author_id__in=ids,
            status=LookbookStatus.PUBLISHED,
            published_at__gte=now - PUBLISHED_WINDOW,
        )
        .annotate(bought=Exists(bought))
        .values("author_id")
        .annotate(published=Count("pk"), converted=Count("pk", filter=Q(bought=True)))
    }
    rows = []
    for advisor in advisors:
        review = reviews.get(advisor.user_id, {})
        conversion = conversions.get(advisor.pk, {})
        rows.append(
            AdvisorRow(
                stylist=advisor,
                book_size=books.get(advisor.pk, 0),
                drafts_waiting=drafts.get(advisor.pk, 0),
                sla_breaches=promises.get(advisor.pk, {}).get("late", 0),
                requests_met=promises.get(advisor.pk, {}).get("met", 0),
                requests_decided=sum(
                    promises.get(advisor.pk, {}).get(k, 0) for k in ("late", "met")
                ),
                kept=review.get("kept", 0),
                removed=review.get("removed", 0),
                published=conversion.get("published", 0),
                converted=conversion.get("converted", 0),
            )
        )
    return rows


def team_totals(rows: list[AdvisorRow]) -> AdvisorRow:
    total = AdvisorRow(stylist=None)  # type: ignore[arg-type]
    for row in rows:
        for name in (
            "book_size",
            "drafts_waiting",
            "sla_breaches",
            "requests_met",
            "requests_decided",
            "kept",
            "removed",
            "published",
            "converted",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def reassign_candidates(user: Any, *, boutique_id: int, q: str = "") -> QuerySet[Client]:
    """Clients of the boutique the user may move between books, searchable."""
    queryset = clients_visible_to(user).filter(
        home_boutique_id=boutique_id, status=ClientStatus.ACTIVE
    )
    return queryset.filter(search_filter(q)).order_by("last_name", "first_name", "pk")
