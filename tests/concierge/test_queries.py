"""Each concierge page costs the same number of queries with N rows as with 3N.

Every page is rendered twice, once with N and once with 3N rows of what it
lists; the counts must be equal, and under the page's budget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recommendations.models import Lookbook
from stylists.models import (
    STYLING_REQUEST_SLA,
    Appointment,
    AppointmentKind,
    Message,
    MessageChannel,
    MessageDirection,
    MessageStatus,
    StylingRequest,
)
from tests.concierge.conftest import publish
from tests.factories.catalog import HeritageStoryFactory, ProductFactory, StockLevelFactory
from tests.factories.clients import OccasionFactory, WishlistItemFactory
from tests.factories.recommendations import LookbookItemFactory

N = 2


def _count(http: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _lookbooks(cast: Any, n: int) -> str:
    for k in range(n):
        publish(cast.client, title=f"Chapter {k}", author=cast.owner, pieces=3, removed_at=1)
    return "/concierge/lookbooks/"


def _pieces(cast: Any, n: int) -> str:
    lookbook = Lookbook.objects.filter(client=cast.client).first()
    if lookbook is None:
        lookbook, _ = publish(cast.client, title="Growing", author=cast.owner, pieces=0)
    start = lookbook.items.count()
    for k in range(n - start):
        item = LookbookItemFactory(lookbook=lookbook, position=start + k)
        StockLevelFactory(variant__product=item.product, boutique=cast.paris)
        HeritageStoryFactory().products.add(item.product)
    return f"/concierge/lookbooks/{lookbook.public_id}/"


def _wishlist(cast: Any, n: int) -> str:
    for _ in range(n - cast.client.wishlist.count()):
        item = WishlistItemFactory(client=cast.client)
        StockLevelFactory(variant__product=item.product, boutique=cast.paris)
    return "/concierge/wishlist/"


def _occasions(cast: Any, n: int) -> str:
    for k in range(n - cast.client.occasions.count()):
        OccasionFactory(client=cast.client, title=f"Occasion {k}")
    return "/concierge/occasions/"


def _home(cast: Any, n: int) -> str:
    _lookbooks(cast, n - Lookbook.objects.filter(client=cast.client).count())
    _wishlist(cast, n)
    _occasions(cast, n)
    _requests(cast, n)
    return "/concierge/"


def _requests(cast: Any, n: int) -> str:
    now = timezone.now()
    for k in range(n - StylingRequest.objects.filter(client=cast.client).count()):
        request = StylingRequest.objects.create(
            client=cast.client,
            stylist=cast.owner,
            message=f"Request {k}",
            occasion=OccasionFactory(client=cast.client),
            created_at=now,
            due_at=now + STYLING_REQUEST_SLA,
        )
        lookbook, _ = publish(cast.client, title=f"Answer {k}", pieces=1)
        lookbook.styling_request = request
        lookbook.save(update_fields=["styling_request"])
    return "/concierge/requests/"


def _appointments(cast: Any, n: int) -> str:
    now = timezone.now()
    taken = cast.client.appointments.count()  # never two at once for one advisor: new days
    for k in range(taken, n):
        starts = now + dt.timedelta(days=k + 2, hours=k)
        Appointment.objects.create(
            client=cast.client,
            stylist=cast.owner,
            boutique=cast.paris,
            kind=AppointmentKind.VIDEO,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=45),
            video_room=f"room-{k}",
            occasion=OccasionFactory(client=cast.client),
        )
        Appointment.objects.create(
            client=cast.client,
            stylist=cast.owner,
            boutique=cast.paris,
            kind="boutique",
            status="completed",
            starts_at=now - dt.timedelta(days=k + 2),
            ends_at=now - dt.timedelta(days=k + 2) + dt.timedelta(hours=1),
        )
    return "/concierge/appointments/"


def _messages(cast: Any, n: int) -> str:
    now = timezone.now()
    for k in range(n - cast.client.messages.count()):
        for direction in (MessageDirection.INBOUND, MessageDirection.OUTBOUND):
            Message.objects.create(
                client=cast.client,
                stylist=cast.owner,
                direction=direction,
                channel=MessageChannel.CONCIERGE,
                body=f"Message {k}",
                status=MessageStatus.DELIVERED,
                created_at=now - dt.timedelta(minutes=k),
            )
    return "/concierge/messages/"


def _heritage(cast: Any, n: int) -> str:
    from catalog.models import HeritageStory

    for _ in range(n - HeritageStory.objects.count()):
        HeritageStoryFactory()
    return "/concierge/heritage/"


def _heritage_pieces(cast: Any, n: int) -> str:
    from catalog.models import HeritageStory

    story = HeritageStory.objects.filter(slug="the-story").first() or HeritageStoryFactory(
        slug="the-story"
    )
    for _ in range(n - story.products.count()):
        story.products.add(ProductFactory())
    return "/concierge/heritage/the-story/"


def _product(cast: Any, n: int) -> str:
    product = ProductFactory(style_code=f"MV-Q-{n}")
    for k in range(n):
        StockLevelFactory(variant__product=product, variant__size=str(36 + k), boutique=cast.paris)
        HeritageStoryFactory().products.add(product)
    return f"/concierge/pieces/{product.public_id}/"


# page → (builder, query budget). Measured (N and 3N alike): home 18, lookbooks 8,
# lookbook_detail 12, wishlist 8, occasions 8, requests 10, appointments 7, messages 9,
# heritage 7, heritage_detail 9, product_detail 11; the budgets leave three for middleware.
PAGES: dict[str, tuple[Callable[[Any, int], str], int]] = {
    "home": (_home, 21),
    "lookbooks": (_lookbooks, 11),
    "lookbook_detail": (_pieces, 15),
    "wishlist": (_wishlist, 11),
    "occasions": (_occasions, 11),
    "requests": (_requests, 13),
    "appointments": (_appointments, 10),
    "messages": (_messages, 12),
    "heritage": (_heritage, 10),
    "heritage_detail": (_heritage_pieces, 12),
    "product_detail": (_product, 14),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_query_count_does_not_grow_with_rows(cast: Any, name: str) -> None:
    build, budget = PAGES[name]
    http = cast.http("client_user")
    few = _count(http, build(cast, N))
    many = _count(http, build(cast, 3 * N))
    assert few == many, f"{name}: {few} queries with {N} rows, {many} with {3 * N}"
    assert many <= budget, f"{name}: {many} queries (budget {budget})"
