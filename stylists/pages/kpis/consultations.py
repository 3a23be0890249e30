"""What advisors' work turned into, for the KPIs: conversion, attributed sales, acceptance.

For the clients the page counts, over the period, in four queries whatever their number:

- consultations: appointments completed and lookbooks published in the period, each
  credited to its advisor (the appointment's advisor, the lookbook's author); one
  *converts* when the client completes a purchase within CONVERSION_DAYS after it;
- sales attributed to outreach: completed purchases of the period placed within
  CONVERSION_DAYS after an outreach (a message sent to the client, a lookbook
  published for her, an appointment completed with her), credited to the advisor of
  the latest outreach before the purchase; the sum of their totals;
- lookbook acceptance: of the pieces the model drafted in lookbooks published in the
  period (or published, then withdrawn), the share the advisor kept — the admin's
  definition per model version (recommendations.selectors.acceptance), here per advisor
  and per model version over the period.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from clients.models import Order, OrderStatus
from recommendations.models import ItemState, Lookbook, LookbookStatus
from recommendations.selectors.acceptance import judged_model_pieces
from stylists.models import Appointment, AppointmentStatus, Message, MessageDirection
from stylists.pages.kpis.ratios import share

CONVERSION_DAYS = 30
WINDOW = dt.timedelta(days=CONVERSION_DAYS)


@dataclass
class Credit:
    """What one advisor's (or the whole scope's) consultations and outreach brought."""

    consultations: int = 0
    converted: int = 0
    attributed_orders: int = 0
    attributed_sales: Decimal = Decimal(0)
    judged: int = 0  # model-drafted pieces in decided lookbooks
    kept: int = 0

    @property
    def conversion(self) -> float | None:
        return share(self.converted, self.consultations)

    @property
    def acceptance(self) -> float | None:
        return share(self.kept, self.judged)


@dataclass
class Credits:
    total: Credit = field(default_factory=Credit)
    by_advisor: dict[int, Credit] = field(default_factory=lambda: defaultdict(Credit))
    by_model: dict[int, Credit] = field(default_factory=lambda: defaultdict(Credit))
    by_group: dict[int, Credit] = field(default_factory=lambda: defaultdict(Credit))

    def targets(self, advisor: int, group: int | None) -> list[Credit]:
        """The credits one advisor's work for a client of `group` adds to."""
        found = [self.total, self.by_advisor[advisor]]
        if group is not None:
            found.append(self.by_group[group])
        return found


def credits_for(
    client_ids: Collection[int],
    start: dt.datetime,
    end: dt.datetime,
    advisor: int | None,
    groups: Mapping[int, int] | None = None,
) -> Credits:
    """The credits of the period [start, end) for these clients (one advisor's only if set).

    groups: client id -> a group (her boutique) whose credit is also added up (by_group).
    """
    groups = groups or {}
    ids = list(client_ids)
    credits = Credits()
    touches: dict[int, list[tuple[dt.datetime, int, bool]]] = defaultdict(list)
    for row in Appointment.objects.filter(
        client_id__in=ids,
        status=AppointmentStatus.COMPLETED,
        starts_at__gte=start - WINDOW,
        starts_at__lt=end,
    ).values_list("client_id", "starts_at", "stylist_id"):
        touches[row[0]].append((row[1], row[2], row[1] >= start))
    for client_id, published_at, author_id in (
        Lookbook.objects.filter(
            client_id__in=ids,
            published_at__gte=start - WINDOW,
            published_at__lt=end,
            author__isnull=False,
        )
        .exclude(status=LookbookStatus.DISCARDED)
        .values_list("client_id", "published_at", "author_id")
    ):
        if published_at is not None and author_id is not None:
            touches[client_id].append((published_at, author_id, published_at >= start))
    for client_id, sent_at, sender in Message.objects.filter(
        client_id__in=ids,
        direction=MessageDirection.OUTBOUND,
        stylist__isnull=False,
        sent_at__gte=start - WINDOW,
        sent_at__lt=end,
    ).values_list("client_id", "sent_at", "stylist_id"):
        if sent_at is not None and sender is not None:  # outreach, not a consultation
            touches[client_id].append((sent_at, sender, False))
    orders: dict[int, list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
    for client_id, placed_at, total in Order.objects.filter(
        client_id__in=ids,
        status=OrderStatus.COMPLETED,
        placed_at__gt=start - WINDOW,
        placed_at__lt=end + WINDOW,
    ).values_list("client_id", "placed_at", "total"):
        orders[client_id].append((placed_at, total or Decimal(0)))
    for client_id, client_touches in touches.items():
        bought = sorted(orders.get(client_id, []))
        group = groups.get(client_id)
        _credit_client(credits, sorted(client_touches), bought, (start, end), advisor, group)
    _acceptance(credits, ids, start, end, advisor, groups)
    return credits


def _credit_client(
    credits: Credits,
    touches: list[tuple[dt.datetime, int, bool]],
    orders: list[tuple[dt.datetime, Decimal]],
    bounds: tuple[dt.datetime, dt.datetime],
    advisor: int | None,
    group: int | None,
) -> None:
    start, end = bounds
    placed = [when for when, _ in orders]
    for when, by, consultation in touches:
        if not consultation or (advisor is not None and by != advisor):
            continue
        first_after = bisect.bisect_right(placed, when)
        converted = first_after < len(placed) and placed[first_after] <= when + WINDOW
        for credit in credits.targets(by, group):
            credit.consultations += 1
            credit.converted += converted
    times = [when for when, _, _ in touches]
    for when, total in orders:
        if not start <= when < end:
            continue
        latest = bisect.bisect_left(times, when) - 1  # the last outreach strictly before
        if latest < 0 or touches[latest][0] < when - WINDOW:
            continue
        by = touches[latest][1]
        if advisor is not None and by != advisor:
            continue
        for credit in credits.targets(by, group):
            credit.attributed_orders += 1
            credit.attributed_sales += total


def _acceptance(
    credits: Credits,
    ids: list[int],
    start: dt.datetime,
    end: dt.datetime,
    advisor: int | None,
    groups: Mapping[int, int],
) -> None:
    items = judged_model_pieces().filter(
        lookbook__client_id__in=ids,
        lookbook__published_at__gte=start,
        lookbook__published_at__lt=end,
        lookbook__author__isnull=False,
    )
    if advisor is not None:
        items = items.filter(lookbook__author_id=advisor)
    rows = (
        items.order_by()
        .values("lookbook__author_id", "lookbook__model_version_id", "lookbook__client_id")
        .annotate(judged=Count("pk"), kept=Count("pk", filter=Q(state=ItemState.KEPT)))
    )
    for row in rows:
        targets = credits.targets(
            row["lookbook__author_id"], groups.get(row["lookbook__client_id"])
        )
        if row["lookbook__model_version_id"] is not None:
            targets.append(credits.by_model[row["lookbook__model_version_id"]])
        for credit in targets:
            credit.judged += row["judged"]
            credit.kept += row["kept"]
