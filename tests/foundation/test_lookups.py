"""core.lookups.AnyOf finds what `__in` finds, sending the values as one array on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from core.lookups import AnyOf
from tests.factories.catalog import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes() -> dict[str, int]:
    return {ProductFactory(style_code=f"AO-{n}").style_code: 0 for n in range(5)}


def found(values: list[str | None]) -> dict[str, int]:
    return dict(
        Product.objects.filter(AnyOf(F("style_code"), values))
        .order_by()
        .values_list("style_code", "pk")
    )


def test_finds_what_in_finds(codes):
    wanted = ["AO-0", "AO-3", "AO-3", "AO-9", None]

    assert found(wanted) == dict(
        Product.objects.filter(style_code__in=wanted).values_list("style_code", "pk")
    )
    assert set(found(wanted)) == {"AO-0", "AO-3"}


def test_no_values_find_nothing(codes):
    assert found([]) == {}
    assert found([None]) == {}


def test_integer_keys(codes):
    pks = list(Product.objects.order_by("pk").values_list("pk", flat=True)[:2])

    assert set(
        Product.objects.filter(AnyOf(F("pk"), [*pks, 10**12])).values_list("pk", flat=True)
    ) == set(pks)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array is PostgreSQL's")
def test_postgresql_gets_one_array_parameter(codes):
    wanted = [f"AO-{n}" for n in range(300)]
    with CaptureQueriesContext(connection) as queries:
        assert len(found(wanted)) == 5

    (query,) = queries.captured_queries
    assert "= ANY(" in query["sql"]
    assert "IN (" not in query["sql"]
    assert query["sql"].count("AO-") == 300  # one array of the values, each once
