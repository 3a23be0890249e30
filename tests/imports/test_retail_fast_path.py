"""The PostgreSQL fast path of the Online Retail import (COPY to staging, set-based inserts)
stores exactly what the row-by-row ORM path stores, and reports the same.

Each test imports the same rows twice — once with fast_path=False, once with the fast
path — into an emptied database, and compares everything the import wrote (by natural
keys, since ids differ between the runs) and the report. On SQLite the fast path does
not exist (the import falls back to the ORM path), so these tests need PostgreSQL:
DATABASE_URL=postgres://... .venv/bin/pytest tests/imports/test_retail_fast_path.py
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from catalog.models import Product
from clients.imports.services import import_path
from clients.imports.writers.online_retail import RetailImporter
from clients.imports.writers.online_retail_copy import CopyRetailImporter
from clients.models import Client, Identity, Order, OrderLine
from tests.imports.conftest import ONLINE_RETAIL, run_import

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's"),
]


def stored() -> dict[str, Any]:
    """Every row an Online Retail import writes, by natural keys, in insertion order."""
    clients = {client.pk: client.last_name for client in Client.objects.filter(first_name="Client")}
    return {
        "clients": sorted(
            Client.objects.filter(first_name="Client").values_list(
                "last_name",
                "home_boutique__code",
                "preferred_language",
                "lifetime_spend",
                "orders_count",
                "first_purchase_at",
                "last_purchase_at",
                "status",
            )
        ),
        "identities": sorted(
            (
                clients[identity.client_id],
                identity.kind,
                identity.value,
                identity.lookup_hash,
                identity.is_primary,
                identity.source,
            )
            for identity in Identity.objects.filter(client_id__in=clients)
        ),
        "products": sorted(
            Product.objects.filter(season="Imported").values_list(
                "style_code",
                "name",
                "description",
                "category",
                "subcategory",
                "price",
                "currency",
                "active",
            )
        ),
        "orders": [
            (clients[client_id], *rest)
            for client_id, *rest in Order.objects.order_by("pk").values_list(
                "client_id",
                "external_ref",
                "channel",
                "boutique_id",
                "placed_at",
                "status",
                "currency",
                "total",
            )
        ],
        "lines": list(
            OrderLine.objects.order_by("pk").values_list(
                "order__external_ref",
                "product__style_code",
                "variant_id",
                "quantity",
                "unit_price",
            )
        ),
    }


def forget_the_import() -> None:
    OrderLine.objects.all().delete()
    Order.objects.all().delete()
    Product.objects.filter(season="Imported").delete()
    Identity.objects.filter(client__first_name="Client").delete()
    Client.objects.filter(first_name="Client").delete()


def report_without_timing(report: Any) -> dict[str, Any]:
    data = report.as_dict()
    data.pop("seconds")
    return data


def both_paths(run: Any) -> tuple[Any, Any]:
    """(slow report and rows, fast report and rows) for the same import."""
    slow = run(fast_path=False)
    slow_rows = stored()
    forget_the_import()
    fast = run(fast_path=True)
    return (report_without_timing(slow), slow_rows), (report_without_timing(fast), stored())


def test_the_importer_is_chosen_by_the_database_and_the_flag(cast, monkeypatch):
    chosen: list[type] = []
    original = RetailImporter.write  # CopyRetailImporter's too

    def spy(self, groups):
        chosen.append(type(self))
        return original(self, groups)

    monkeypatch.setattr(RetailImporter, "write", spy)
    run_import("retail_dirty.csv", kind="orders", fmt="online-retail", fast_path=False)
    run_import("retail_dirty.csv", kind="orders", fmt="online-retail")
    run_import("retail_dirty.csv", kind="clients", fmt="online-retail")

    assert chosen == [RetailImporter, CopyRetailImporter, RetailImporter]


@pytest.mark.parametrize("batch_rows", [1, 4, None])
def test_the_dirty_retail_file_is_stored_and_reported_the_same_by_both_paths(cast, batch_rows):
    def run(fast_path: bool) -> Any:
        return run_import(
            "retail_dirty.csv",
            kind="orders",
            fmt="online-retail",
            batch_rows=batch_rows or 2000,
            fast_path=fast_path,
        )

    (slow, slow_rows), (fast, fast_rows) = both_paths(run)

    assert fast == slow
    assert fast_rows == slow_rows
    assert fast_rows["lines"]  # the comparison compared something


def test_a_second_fast_import_of_the_file_creates_nothing(cast):
    first = run_import("retail_dirty.csv", kind="orders", fmt="online-retail")
    before = stored()

    again = run_import("retail_dirty.csv", kind="orders", fmt="online-retail")

    assert stored() == before
    assert (again.rows_accepted, again.rows_skipped) == (0, first.rows_accepted)
    assert again.reasons == first.reasons


@pytest.mark.skipif(not ONLINE_RETAIL.is_file(), reason="the shared Online Retail file is absent")
def test_a_slice_of_the_real_file_is_stored_and_reported_the_same_by_both_paths(cast):
    def run(fast_path: bool) -> Any:
        return import_path(
            path=ONLINE_RETAIL,
            kind="orders",
            fmt="online-retail",
            limit=6000,
            batch_rows=1500,  # invoices split across batches, cancellations of earlier ones
            fast_path=fast_path,
        )

    (slow, slow_rows), (fast, fast_rows) = both_paths(run)

    assert fast == slow
    assert fast_rows == slow_rows
    assert slow["entities"]["cancellations"]["created"] > 0
    assert slow["entities"]["orders"]["updated"] > 0
