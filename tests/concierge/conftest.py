"""Fixtures for the concierge: Camille's Style Story (published chapters, a draft, her things).

`story` builds on the root `cast`: cast.client (Camille, Personal tier, in
Élise's book) gets a published lookbook with a removed piece, an older
published one, a draft (never to be seen), an occasion, a wishlist, an
appointment and a styling request; cast.other_client gets her own published
lookbook (never to be seen by Camille).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from catalog.models import HeritageStory, Product
from clients.models import Client, Occasion
from consent.models import ConsentTier
from recommendations.models import ItemState, Lookbook, LookbookItem, LookbookStatus
from stylists.models import (
    STYLING_REQUEST_SLA,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Availability,
    StylingRequest,
    Stylist,
)
from tests.factories.catalog import HeritageStoryFactory, ProductFactory, StockLevelFactory
from tests.factories.clients import OccasionFactory, WishlistItemFactory
from tests.factories.consent import ConsentRecordFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory


@dataclass
class Story:
    cast: Any
    lookbook: Lookbook  # the newest published chapter (one removed piece)
    older: Lookbook  # an earlier published chapter
    draft: Lookbook  # never shown
    others: Lookbook  # another client's published lookbook
    kept: list[LookbookItem]  # the lookbook's visible pieces, in order
    removed: LookbookItem
    occasion: Occasion
    appointment: Appointment
    styling_request: StylingRequest
    heritage: HeritageStory


def publish(
    client: Client,
    *,
    title: str,
    note: str = "",
    pieces: int = 3,
    removed_at: int | None = None,
    author: Stylist | None = None,
    days_ago: int = 1,
) -> tuple[Lookbook, list[LookbookItem]]:
    lookbook = LookbookFactory(
        client=client,
        author=author,
        status=LookbookStatus.PUBLISHED,
        title=title,
        note=note,
        published_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    items = [
        LookbookItemFactory(
            lookbook=lookbook,
            position=n,
            state=ItemState.REMOVED if n == removed_at else ItemState.KEPT,
        )
        for n in range(pieces)
    ]
    return lookbook, items


def set_tier(client: Client, tier: str, policy: Any) -> None:
    """A newer consent record: the client's tier from now on."""
    ConsentRecordFactory(
        client=client,
        tier=tier,
        policy_version=policy,
        recorded_at=timezone.now() + dt.timedelta(seconds=1),
    )


@pytest.fixture
def story(cast: Any) -> Story:
    lookbook, items = publish(
        cast.client,
        title="For the Opera gala",
        author=cast.owner,
        pieces=4,
        removed_at=1,
        note="For the gala at the Palais Garnier, an evening in navy silk.",
    )
    older, _ = publish(cast.client, title="For the new season", author=cast.owner, days_ago=40)
    draft = LookbookFactory(client=cast.client, status=LookbookStatus.DRAFT, title="Secret draft")
    LookbookItemFactory(lookbook=draft, position=0)
    others, _ = publish(cast.other_client, title="Inès only", author=cast.owner)
    heritage = HeritageStoryFactory(title="The saddler of the rue du Bac", era="1867")
    heritage.products.add(items[0].product)
    StockLevelFactory(
        variant__product=items[0].product, variant__size="38", boutique=cast.paris, quantity=2
    )
    occasion = OccasionFactory(client=cast.client, title="Opera gala")
    WishlistItemFactory(client=cast.client, product=items[3].product)  # kept[2]
    now = timezone.now()
    appointment = Appointment.objects.create(
        client=cast.client,
        stylist=cast.owner,
        boutique=cast.paris,
        kind=AppointmentKind.VIDEO,
        status=AppointmentStatus.CONFIRMED,
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, minutes=45),
        video_room="verlaine-test-room",
    )
    styling_request = StylingRequest.objects.create(
        client=cast.client,
        stylist=cast.owner,
        message="Something for the gala",
        created_at=now,
        due_at=now + STYLING_REQUEST_SLA,
    )
    return Story(
        cast=cast,
        lookbook=lookbook,
        older=older,
        draft=draft,
        others=others,
        kept=[item for item in items if item.state != ItemState.REMOVED],
        removed=items[1],
        occasion=occasion,
        appointment=appointment,
        styling_request=styling_request,
        heritage=heritage,
    )


@pytest.fixture
def bespoke(cast: Any) -> Client:
    """Camille, now Bespoke: browsing and saved items may personalise her story."""
    set_tier(cast.client, ConsentTier.BESPOKE, cast.policy)
    return cast.client


@pytest.fixture
def essential(cast: Any) -> Client:
    set_tier(cast.client, ConsentTier.ESSENTIAL, cast.policy)
    return cast.client


def weekly(
    stylist: Stylist,
    *,
    weekdays: range | list[int] = range(7),
    starts: dt.time = dt.time(10, 0),
    ends: dt.time = dt.time(12, 0),
) -> None:
    for weekday in weekdays:
        Availability.objects.create(stylist=stylist, weekday=weekday, starts=starts, ends=ends)


@pytest.fixture
def live_events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dict[str, Any]]]:
    """Live signals the advisor would receive (C2's channel-layer sends, captured)."""
    sent: list[tuple[int, dict[str, Any]]] = []
    monkeypatch.setattr(
        "stylists.services.signals._send",
        lambda stylist_id, event: sent.append((stylist_id, event)),
    )
    return sent


@pytest.fixture
def make_product() -> Callable[..., Product]:
    return ProductFactory
