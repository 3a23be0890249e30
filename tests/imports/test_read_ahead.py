"""Read ahead (clients.imports.read_ahead): rows parsed in a second thread while batches are
written. The loop must see the same items in the same order, an error where it happened,
and the thread must end with the import; the report is the same as without it.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from catalog.models import Product
from clients.imports import batch_loop
from clients.imports.batch_loop import BatchLoop
from clients.imports.read_ahead import read_ahead
from clients.models import Client, Order, OrderLine
from tests.imports.conftest import run_import


def test_every_item_arrives_in_order_across_chunks():
    with read_ahead(iter(range(10_007)), chunk=100, depth=3) as items:
        assert list(items) == list(range(10_007))


def test_an_error_is_raised_after_the_items_before_it():
    def items():
        yield from range(5)
        raise ValueError("damaged")

    seen: list[int] = []

    def read_all() -> None:
        with read_ahead(items(), chunk=2, depth=1) as got:
            seen.extend(got)

    with pytest.raises(ValueError, match="damaged"):
        read_all()
    assert seen == [0, 1, 2, 3, 4]


def test_leaving_early_stops_the_thread_and_closes_the_source():
    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    before = {thread.name for thread in threading.enumerate()}
    with read_ahead(endless(), chunk=10, depth=2) as items:
        assert next(items) == 0
    assert closed.is_set()
    assert "import-read-ahead" not in {t.name for t in threading.enumerate()} - before


@pytest.mark.django_db
@pytest.mark.parametrize("options", [{}, {"batch_rows": 3}, {"limit": 12}])
def test_the_report_and_rows_are_the_same_with_read_ahead(cast, monkeypatch, options):
    def run() -> tuple[dict[str, Any], list[Any]]:
        report = run_import(  # line by line: read ahead is that reading's
            "retail_dirty.csv", kind="orders", fmt="online-retail", by_columns=False, **options
        )
        stored = [
            list(Order.objects.order_by("pk").values_list("external_ref", "status", "total")),
            list(OrderLine.objects.order_by("pk").values_list("quantity", "unit_price")),
        ]
        Order.objects.all().delete()  # the lines go with them
        Client.objects.filter(first_name="Client").delete()
        Product.objects.filter(season="Imported").delete()
        return report.as_dict() | {"seconds": None}, stored

    plain = run()
    threads = []
    original_read = BatchLoop.read
    original_ahead = batch_loop._read_ahead

    def forced(self, source, *, width, limit, read_ahead=False):
        return original_read(self, source, width=width, limit=limit, read_ahead=True)

    def counted(rows):
        threads.append(1)
        return original_ahead(rows)

    monkeypatch.setattr(BatchLoop, "read", forced)
    monkeypatch.setattr(batch_loop, "_read_ahead", counted)
    ahead = run()

    assert threads == [1]
    assert ahead == plain
    assert plain[0]["rejections"]
    assert plain[1][0]
