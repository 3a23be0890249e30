"""The nightly segments: the analytics audience's buyers only, kept by name, none when too few."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Category
from consent.models import ConsentTier
from recommendations.models import ClientOutlook, ClientSegment
from recommendations.pipeline.outlook import client_outlooks_refresh
from tests.factories.catalog import ProductFactory
from tests.factories.clients import ClientFactory, OrderFactory, OrderLineFactory
from tests.factories.consent import ConsentRecordFactory

pytestmark = pytest.mark.django_db

LOYAL = "Loyal high-spending collectors of leather goods"


def buyer(cast, product, days_ago, tier=ConsentTier.PERSONAL, price=None):
    client = ClientFactory(home_boutique=cast.paris)
    ConsentRecordFactory(client=client, tier=tier, policy_version=cast.policy)
    for days in days_ago:
        order = OrderFactory(
            client=client,
            total=price or product.price,
            placed_at=timezone.now() - dt.timedelta(days=days),
        )
        OrderLineFactory(order=order, product=product, unit_price=price or product.price)
    return client


@pytest.fixture
def house(cast):
    """Loyal bag collectors, lapsing one-off fragrance buyers, recent ring buyers; one Essential."""
    bag = ProductFactory(category=Category.LEATHER_GOODS, price=Decimal("2400"))
    scent = ProductFactory(category=Category.FRAGRANCE, price=Decimal("180"))
    ring = ProductFactory(category=Category.JEWELLERY, price=Decimal("900"))
    collectors = [
        buyer(cast, bag, range(3 + i, 720, 45 + i), price=Decimal(2200 + 30 * i)) for i in range(15)
    ]
    lapsing = [buyer(cast, scent, [600 + i * 9], price=Decimal(150 + 5 * i)) for i in range(15)]
    recent = [buyer(cast, ring, [20 + i * 2], price=Decimal(800 + 10 * i)) for i in range(15)]
    essential = buyer(cast, bag, range(5, 720, 60), tier=ConsentTier.ESSENTIAL)
    return collectors, lapsing, recent, essential


def test_buyers_of_the_audience_get_a_named_segment(house):
    collectors, lapsing, recent, essential = house
    client_outlooks_refresh()

    segment_of = dict(ClientOutlook.objects.values_list("client_id", "segment__name"))
    assert {segment_of[c.pk] for c in collectors} == {LOYAL}
    assert {segment_of[c.pk] for c in lapsing} == {"Lapsing occasional buyers of fragrance"}
    assert len({segment_of[c.pk] for c in recent}) == 1
    assert essential.pk not in segment_of  # her consent does not allow analytics
    assert ClientSegment.objects.count() >= 2
    for segment in ClientSegment.objects.all():
        assert segment.description.endswith(".")
        assert segment.size == segment.outlooks.count()


def test_a_rerun_keeps_segments_by_name(house):
    client_outlooks_refresh()
    before = dict(ClientSegment.objects.values_list("name", "pk"))
    client_outlooks_refresh()
    assert dict(ClientSegment.objects.values_list("name", "pk")) == before


def test_a_client_who_withdraws_analytics_loses_her_segment(house, cast):
    collectors = house[0]
    client_outlooks_refresh()
    ConsentRecordFactory(
        client=collectors[0], tier=ConsentTier.ESSENTIAL, policy_version=cast.policy
    )
    client_outlooks_refresh()
    assert not ClientOutlook.objects.filter(client=collectors[0]).exists()
    segment = ClientOutlook.objects.get(client=collectors[1]).segment
    assert segment is not None
    assert segment.size == segment.outlooks.count()


def test_too_few_buyers_clear_the_segments(house):
    client_outlooks_refresh()
    assert ClientSegment.objects.exists()
    ClientOutlook.objects.all().delete()
    from clients.models import Order

    Order.objects.all().delete()
    client_outlooks_refresh()
    assert not ClientSegment.objects.exists()
    assert not ClientOutlook.objects.exclude(segment=None).exists()


def test_her_outlook_and_profile_are_in_her_export_and_go_with_erasure(house):
    from recommendations.privacy import erase_outlook, export_outlook

    collector = house[0][0]
    client_outlooks_refresh()
    exported = export_outlook(collector)
    assert exported["buying_profile"] == LOYAL
    assert exported["buying_profile_description"].endswith(".")
    assert erase_outlook(collector) == 1
    assert export_outlook(collector) == {}
