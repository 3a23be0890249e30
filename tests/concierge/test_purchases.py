"""Her pieces: every channel, with the house's care notes, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import OrderChannel
from tests.factories.catalog import ProductFactory, VariantFactory
from tests.factories.clients import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _orders(client: Any, n: int) -> None:
    for i in range(n):
        channel = (OrderChannel.BOUTIQUE, OrderChannel.ONLINE, OrderChannel.PHONE)[i % 3]
        order = OrderFactory(
            client=client, channel=channel, placed_at=timezone.now() - dt.timedelta(days=i + 1)
        )
        product = ProductFactory(name=f"Piece {i}", materials=["cashmere", "18k rose gold"])
        OrderLineFactory(order=order, product=product, variant=VariantFactory(product=product))


def test_her_purchases_on_every_channel_with_care_notes(cast: Any) -> None:
    _orders(cast.client, 3)
    _orders(cast.other_client, 1)
    response = cast.http("client_user").get("/concierge/pieces/")
    html = response.content.decode()
    assert [o.channel for o in response.context["orders"]] == ["boutique", "online", "phone"]
    assert "Online" in html
    assert "By telephone" in html
    assert "Fold, never hang" in html  # cashmere
    assert "cleans and checks settings" in html  # gold
    assert "Size 38" in html
    assert "Piece 0" in html
    assert response.context["orders"][0].client_id == cast.client.pk
    # Inès sees only hers; staff are not clients
    assert len(cast.http("other_client_user").get("/concierge/pieces/").context["orders"]) == 1
    assert cast.http("owner").get("/concierge/pieces/").status_code == 404


def test_the_page_costs_the_same_queries_for_3_or_30_orders(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    http = cast.http("client_user")
    _orders(cast.client, 3)
    with CaptureQueriesContext(connection) as few:
        http.get("/concierge/pieces/")
    _orders(cast.client, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = http.get("/concierge/pieces/")
    assert len(response.context["orders"]) == 30
