"""The nightly segments: KMeans over the audience's purchases, one named segment per buyer.

Runs inside client_outlooks_refresh (recommendations.pipeline.outlook), on the same
audience: clients whose consent lets purchases serve analytics (consent.policy). Reads
their completed order lines, asks recommendations.ml.segments for the clustering, keeps
each segment by name (ClientSegment) and points each buyer's outlook at hers. Prospects
and everyone outside the audience have no segment; segments left empty are deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from django.db.models import F
from django.utils import timezone

from catalog.models import Category
from clients.models import OrderLine, OrderStatus
from recommendations.ml.segments import Line, buyer_features, segment_buyers
from recommendations.models import ClientOutlook, ClientSegment

logger = logging.getLogger(__name__)
CATEGORY_WORDS = {
    Category.READY_TO_WEAR: "ready-to-wear",
    Category.LEATHER_GOODS: "leather goods",
    Category.SHOES: "shoes",
    Category.JEWELLERY: "jewellery",
    Category.FRAGRANCE: "fragrance",
}


def _lines(ids: list[int], today: dt.date) -> Iterator[Line]:
    rows = (
        OrderLine.objects.filter(
            order__client_id__in=ids,
            order__status=OrderStatus.COMPLETED,
            order__placed_at__date__lte=today,
        )
        .values_list("order__client_id", "order__placed_at", "product__category", "unit_price")
        .annotate(amount=F("unit_price") * F("quantity"))
        .order_by()
    )
    for client_id, placed, category, unit_price, amount in rows.iterator(chunk_size=5000):
        yield (
            int(client_id),
            timezone.localtime(placed).date(),
            str(category),
            float(amount),
            float(unit_price),
        )


def client_segments_refresh(ids: list[int], *, today: dt.date) -> int:
    """Segment the buyers among `ids` (their outlooks exist); returns how many segments."""
    features = buyer_features(_lines(ids, today), today, [str(c) for c in Category.values])
    try:
        result = segment_buyers(features, {str(k): v for k, v in CATEGORY_WORDS.items()})
    except ValueError as reason:  # too few buyers: no segment this time
        logger.info("segments skipped: %s", reason)
        ClientOutlook.objects.exclude(segment=None).update(segment=None)
        ClientSegment.objects.all().delete()
        return 0
    now = timezone.now()
    stored = []
    for rank, profile in enumerate(result.segments):
        segment, _ = ClientSegment.objects.update_or_create(
            name=profile.name,
            defaults={
                "description": profile.description,
                "size": profile.size,
                "rank": rank,
                "silhouette": result.silhouette,
                "computed_at": now,
            },
        )
        stored.append(segment)
    ClientOutlook.objects.exclude(segment=None).update(segment=None)
    members: dict[int, list[int]] = {}
    for client_id, label in zip(features.ids.tolist(), result.labels.tolist(), strict=True):
        members.setdefault(label, []).append(client_id)
    for label, client_ids in members.items():
        for start in range(0, len(client_ids), 5000):
            ClientOutlook.objects.filter(client_id__in=client_ids[start : start + 5000]).update(
                segment=stored[label]
            )
    ClientSegment.objects.exclude(pk__in=[s.pk for s in stored]).delete()
    logger.info("segments: k=%s silhouette=%.3f", result.k, result.silhouette)
    return len(stored)
