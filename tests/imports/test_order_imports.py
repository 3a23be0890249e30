"""Importing orders from atelier CSV files: an order comes in whole or not at all, every
refused line says why, orders already recorded are never touched, and a second run adds
nothing. The clients' figures (spend, order count) follow what was imported.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clients.models import Order, OrderChannel, OrderLine, OrderStatus
from tests.factories.clients import OrderFactory, OrderLineFactory
from tests.imports.conftest import counts, rejected, run_import

pytestmark = pytest.mark.django_db

HEADER = "external_ref,client_email,placed_at,channel,boutique,style_code,sku,quantity,unit_price"

ORDER_REJECTIONS = [
    (5, "negative_quantity"),  # a return written as -1
    (6, "order_incomplete"),  # the other line of PAR-1002
    (7, "unknown_client"),  # nobody@example.com
    (8, "unknown_product"),  # MV-NOPE
    (9, "boutique_required"),  # a boutique order without its boutique
    (10, "order_incomplete"),  # PAR-1006's first line
    (11, "order_inconsistent"),  # PAR-1006's second line, on another day
    (12, "future_date"),  # 2030
    (13, "zero_price"),
    (14, "bad_date"),  # "not a date"
    (15, "wrong_field_count"),  # an extra field
    (16, "bad_channel"),  # fax
    (18, "product_mismatch"),  # a trench style code with a scarf sku
]


def orders_snapshot() -> list[tuple[object, ...]]:
    return sorted(
        (
            o.external_ref,
            o.client_id,
            o.status,
            o.total,
            o.placed_at,
            o.channel,
            o.boutique_id,
            o.currency,
            tuple(
                sorted(o.lines.values_list("product_id", "variant_id", "quantity", "unit_price"))
            ),
        )
        for o in Order.objects.all()
    )


def test_each_dirty_order_line_is_rejected_with_its_own_reason(cast, catalogue):
    report = run_import("orders_dirty.csv", kind="orders")

    assert report.ok, report.error
    assert sorted(rejected(report)) == ORDER_REJECTIONS
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (17, 4, 13)
    assert counts(report, "orders") == {"created": 3, "updated": 0, "skipped": 0, "rejected": 5}
    assert counts(report, "order_lines")["created"] == 4


def test_the_lines_of_one_order_become_one_order_with_its_total(cast, catalogue):
    run_import("orders_dirty.csv", kind="orders")

    order = Order.objects.get(external_ref="PAR-1001")
    assert order.client == cast.client
    assert (order.channel, order.boutique, order.currency) == (
        OrderChannel.BOUTIQUE,
        cast.paris,
        "EUR",
    )
    assert order.total == Decimal("3230.00")  # 1 × 2450 + 2 × 390
    lines = sorted(order.lines.values_list("product_id", "variant_id", "quantity", "unit_price"))
    assert lines == sorted(
        [
            (catalogue["trench"].pk, None, 1, Decimal("2450.00")),
            (catalogue["scarf"].product_id, catalogue["scarf"].pk, 2, Decimal("390.00")),
        ]
    )
    assert order.placed_at == dt.datetime(2026, 1, 10, 14, 30, tzinfo=dt.UTC)


def test_an_online_order_with_a_french_decimal_comma_and_no_currency_is_read_right(cast, catalogue):
    run_import("orders_dirty.csv", kind="orders")

    web = Order.objects.get(external_ref="WEB-2001")
    assert (web.channel, web.boutique, web.currency, web.total) == (
        OrderChannel.ONLINE,
        None,
        "EUR",
        Decimal("2450.00"),
    )
    # No boutique, no offset: the house's own time zone.
    assert web.placed_at == dt.datetime(2026, 2, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def test_an_order_with_one_bad_line_is_kept_out_whole(cast, catalogue):
    report = run_import("orders_dirty.csv", kind="orders")

    assert not Order.objects.filter(external_ref__in=["PAR-1002", "PAR-1006"]).exists()
    reasons = {r.line: r.reason for r in report.rejections}
    assert reasons[6] == ("Line 5 of the same order was rejected, so the whole order is kept out.")
    assert "line 10" in reasons[11]


def test_the_clients_figures_follow_the_imported_orders(cast, catalogue):
    run_import("orders_dirty.csv", kind="orders")

    cast.client.refresh_from_db()
    assert cast.client.orders_count == 3
    assert cast.client.lifetime_spend == Decimal("3230.00") + Decimal("2450.00") + Decimal("100")
    assert cast.client.last_purchase_at == dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC)


def test_an_order_already_recorded_is_skipped_and_never_overwritten(cast, catalogue):
    existing = OrderFactory(
        client=cast.other_client,
        external_ref="EXISTING-1",
        total=Decimal("999.00"),
        placed_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
    )
    OrderLineFactory(
        order=existing, product=catalogue["trench"], quantity=3, unit_price=Decimal("333.00")
    )
    before = orders_snapshot()

    report = run_import("orders_dirty.csv", kind="orders")

    existing.refresh_from_db()
    assert (existing.client, existing.total) == (cast.other_client, Decimal("999.00"))
    assert list(existing.lines.values_list("quantity", flat=True)) == [3]
    assert counts(report, "orders")["skipped"] == 1
    assert set(orders_snapshot()) >= set(before)


def test_importing_the_same_orders_twice_changes_nothing_the_second_time(cast, catalogue):
    run_import("orders_dirty.csv", kind="orders")
    before = orders_snapshot()
    cast.client.refresh_from_db()
    spend = cast.client.lifetime_spend

    again = run_import("orders_dirty.csv", kind="orders")

    assert orders_snapshot() == before
    cast.client.refresh_from_db()
    assert cast.client.lifetime_spend == spend
    assert again.rows_accepted == 0
    assert again.rows_skipped == 4
    assert counts(again, "orders") == {"created": 0, "updated": 0, "skipped": 3, "rejected": 5}
    assert sorted(rejected(again)) == ORDER_REJECTIONS


def test_lines_of_one_order_spread_over_several_batches_still_make_one_order(cast, catalogue):
    report = run_import("orders_dirty.csv", kind="orders", batch_rows=1)

    assert sorted(rejected(report)) == ORDER_REJECTIONS
    assert Order.objects.get(external_ref="PAR-1001").total == Decimal("3230.00")


def test_an_order_whose_lines_are_far_apart_in_the_file_gets_them_all(cast, catalogue):
    rows = [
        "A-1,camille.laurent@example.com,2026-01-10 10:00,online,,MV-TRENCH,,1,100",
        "B-1,camille.laurent@example.com,2026-01-11 10:00,online,,MV-TRENCH,,1,200",
        "A-1,camille.laurent@example.com,2026-01-10 10:00,online,,,SKU-SCARF-1,1,50",
    ]
    report = run_import(("\n".join([HEADER, *rows]) + "\n").encode(), kind="orders", batch_rows=1)

    assert report.rows_rejected == 0
    assert Order.objects.get(external_ref="A-1").total == Decimal("150.00")
    assert OrderLine.objects.filter(order__external_ref="A-1").count() == 2


def test_a_client_named_by_loyalty_id_is_found(cast, catalogue):
    run_import(b"first_name,last_name,loyalty_id,home_boutique\nJules,Verne,LOY-77,paris\n")
    header = "external_ref,client_loyalty_id,placed_at,channel,style_code,quantity,unit_price"
    report = run_import(
        f"{header}\nL-1,loy-77,2026-01-10 10:00,online,MV-TRENCH,1,10\n".encode(), kind="orders"
    )

    assert report.rows_accepted == 1
    assert Order.objects.get(external_ref="L-1").client.last_name == "Verne"  # case ignored


def test_a_dry_run_of_orders_saves_nothing_and_reports_the_same(cast, catalogue):
    dry = run_import("orders_dirty.csv", kind="orders", dry_run=True)

    assert not Order.objects.exists()
    cast.client.refresh_from_db()
    assert cast.client.orders_count == 0
    assert sorted(rejected(dry)) == ORDER_REJECTIONS
    assert counts(dry, "orders")["created"] == 3


def test_a_clients_file_given_as_orders_is_refused_before_anything_is_written(cast, catalogue):
    report = run_import("clients_dirty.csv", kind="orders")

    assert report.error_code == "bad_header"
    assert "atelier orders" in report.error
    assert not Order.objects.exists()


def test_every_row_read_is_accepted_skipped_or_rejected(cast, catalogue):
    report = run_import("orders_dirty.csv", kind="orders")

    assert report.rows_read == report.rows_accepted + report.rows_skipped + report.rows_rejected
    assert all(line.quantity >= 1 for line in OrderLine.objects.all())
    assert not Order.objects.filter(status=OrderStatus.CANCELLED).exists()
