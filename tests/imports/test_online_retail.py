"""Importing the raw UCI Online Retail format: customers become clients (a till id),
stock codes become inactive products, invoices become online orders, and the file's
dirt (cancellations, stock adjustments, fees, missing customers, duplicates) is
reported row by row. Cancellations take units off earlier purchases, never negative lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from catalog.models import Product
from clients.models import Client, Identity, IdentityKind, Order, OrderLine, OrderStatus
from clients.services import identity_lookup_hash
from tests.imports.conftest import ONLINE_RETAIL, counts, rejected, run_import

pytestmark = pytest.mark.django_db

RETAIL_REJECTIONS = [
    (4, "non_product"),  # POST
    (5, "duplicate_row"),  # an exact copy of line 2
    (6, "missing_customer"),
    (8, "zero_price"),
    (10, "non_product"),  # DOT
    (11, "stock_adjustment"),  # -3 outside a C invoice, no customer
    (17, "cancellation_unmatched"),  # C536373: nothing bought to cancel
    (18, "cancellation_quantity"),  # a C invoice with a positive quantity
    (19, "malformed"),  # Quantity "x"
    (20, "bad_date"),  # 2010-13-45
    (24, "non_product"),  # gift voucher
    (25, "non_product"),  # M (manual)
]


def retail(**options):
    return run_import("retail_dirty.csv", kind="orders", fmt="online-retail", **options)


def customer(number: str) -> Client:
    digest = identity_lookup_hash(IdentityKind.POS, number)
    return Identity.objects.select_related("client").get(lookup_hash=digest).client


def state() -> dict[str, object]:
    return {
        "clients": sorted(
            Client.objects.values_list(
                "pk", "last_name", "home_boutique_id", "lifetime_spend", "orders_count"
            )
        ),
        "products": sorted(Product.objects.values_list("pk", "style_code", "name", "price")),
        "orders": sorted(Order.objects.values_list("pk", "external_ref", "status", "total")),
        "lines": sorted(
            OrderLine.objects.values_list("pk", "order_id", "product_id", "quantity", "unit_price")
        ),
    }


def test_each_dirty_retail_row_is_rejected_with_its_own_reason(cast):
    report = retail()

    assert report.ok, report.error
    assert sorted(rejected(report)) == RETAIL_REJECTIONS
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (25, 13, 12)
    assert report.rows_read == report.rows_accepted + report.rows_skipped + report.rows_rejected


def test_the_reasons_name_the_field_at_fault_never_the_customer(cast):
    report = retail()
    by_line = {r.line: r for r in report.rejections}

    assert by_line[4].value == "POST"
    assert "postage" in by_line[4].reason
    assert by_line[6].value == "536366"  # the invoice, not the (missing) customer
    assert by_line[5].reason == "An exact copy of line 2."
    assert all("17850" not in r.value for r in report.rejections)


def test_each_customer_becomes_one_client_with_a_till_identity_and_a_home_boutique(cast):
    report = retail()

    assert counts(report, "clients")["created"] == 4
    uk, france, italy, japan = (customer(n) for n in ("17850", "13047", "12583", "18074"))
    assert (uk.first_name, uk.last_name) == ("Client", "17850")
    assert uk.home_boutique == cast.paris  # no boutique for the UK: the default
    assert (france.home_boutique, france.preferred_language) == (cast.paris, "fr")
    assert (italy.home_boutique, italy.preferred_language) == (cast.milan, "it")
    assert japan.home_boutique == cast.paris  # no Tokyo boutique in this house
    assert not Identity.objects.filter(
        lookup_hash=identity_lookup_hash(IdentityKind.POS, "17850.0")
    ).exists()  # "17850.0" is stored as 17850


def test_stock_codes_become_inactive_products_with_tidy_names(cast):
    retail()

    codes = set(Product.objects.values_list("style_code", flat=True))
    assert codes == {
        "85123A",
        "71053",
        "84879",
        "22728",
        "21731",
        "22492",
        "90200A",
        "84836",
        "21755",
    }  # 85123a is 85123A; fees, vouchers and free items are not products
    assert not Product.objects.filter(active=True).exists()
    assert Product.objects.get(style_code="21755").name == "LOVE BUILDING BLOCK WORD"
    assert Product.objects.get(style_code="90200A").category == "jewellery"  # BRACELET
    lantern = Product.objects.get(style_code="71053")
    assert (lantern.price, lantern.currency) == (Decimal("3.39"), "GBP")


def test_invoices_become_online_orders_in_pounds_at_london_time(cast):
    retail()

    order = Order.objects.get(external_ref="536367")
    assert (order.client, order.channel, order.currency) == (customer("13047"), "online", "GBP")
    assert order.placed_at == dt.datetime(2010, 12, 1, 8, 34, tzinfo=dt.UTC)  # GMT in December
    assert order.total == Decimal("59.18")  # 32 × 1.69 + 2 × 2.55 (85123a)
    assert order.status == OrderStatus.COMPLETED


def test_a_partial_cancellation_takes_its_units_off_the_earlier_purchase(cast):
    retail()

    bought = Order.objects.get(external_ref="536370")
    clock = Product.objects.get(style_code="22728")
    assert bought.lines.get(product=clock).quantity == 20  # 24 bought, 4 cancelled
    assert bought.total == Decimal("138.00")  # 20 × 3.75 + 24 × 1.65 + 36 × 0.65
    cancellation = Order.objects.get(external_ref="C536372")
    assert cancellation.status == OrderStatus.CANCELLED
    assert list(cancellation.lines.values_list("product", "quantity", "unit_price")) == [
        (clock.pk, 4, Decimal("3.75"))
    ]


def test_a_whole_cancellation_leaves_the_purchase_cancelled_and_every_unit_on_one_order(cast):
    retail()

    assert Order.objects.get(external_ref="536378").status == OrderStatus.CANCELLED
    heart = Product.objects.get(style_code="84836")
    units = OrderLine.objects.filter(product=heart).values_list("order__external_ref", "quantity")
    assert list(units) == [("C536379", 12)]
    japan = customer("18074")
    assert (japan.orders_count, japan.lifetime_spend) == (0, Decimal("0"))


def test_the_clients_figures_count_only_what_was_kept(cast):
    retail()

    uk = customer("17850")
    # 536365: 6 × 2.55 (the lantern line moved to C536371), 536377: 4.25, 536382: 3 × 5.95
    assert uk.lifetime_spend == Decimal("37.40")
    assert uk.orders_count == 3
    assert not OrderLine.objects.filter(quantity__lt=1).exists()


def test_importing_the_retail_file_twice_changes_nothing_the_second_time(cast):
    retail()
    before = state()

    again = retail()

    assert state() == before
    assert again.rows_accepted == 0
    assert again.rows_skipped == 13
    assert counts(again, "orders") == {"created": 0, "updated": 0, "skipped": 6, "rejected": 0}
    assert counts(again, "cancellations")["skipped"] == 3
    assert counts(again, "clients") == {"created": 0, "updated": 0, "skipped": 4, "rejected": 0}
    assert sorted(rejected(again)) == RETAIL_REJECTIONS


def test_one_invoice_per_batch_ends_in_the_same_orders_as_one_batch(cast):
    retail(batch_rows=1, dry_run=False)
    one_by_one = {
        ref: (status, total)
        for ref, status, total in Order.objects.values_list("external_ref", "status", "total")
    }
    Order.objects.all().delete()
    Product.objects.filter(active=False).delete()
    Client.objects.filter(first_name="Client").delete()

    retail()

    together = {
        ref: (status, total)
        for ref, status, total in Order.objects.values_list("external_ref", "status", "total")
    }
    assert one_by_one == together


def test_the_clients_kind_imports_only_the_customers(cast):
    report = run_import("retail_dirty.csv", kind="clients", fmt="online-retail")

    assert counts(report, "clients")["created"] == 4
    assert not Order.objects.exists()
    assert not Product.objects.exists()
    assert report.rows_read == report.rows_accepted + report.rows_skipped + report.rows_rejected


def test_a_retail_file_needs_its_default_boutique(cast):
    report = retail(default_boutique="london")

    assert report.error_code == "no_boutique"
    assert "london" in report.error
    assert not Client.objects.filter(first_name="Client").exists()


def test_a_retail_header_is_matched_without_case_and_a_missing_column_refuses_the_file(cast):
    report = run_import(
        b"invoiceno,stockcode,description,quantity,invoicedate,unitprice,customerid,country\n"
        b"1,85123A,HEART,1,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n",
        kind="orders",
        fmt="online-retail",
    )
    assert report.rows_accepted == 1

    report = run_import(
        b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,Country\n",
        kind="orders",
        fmt="online-retail",
    )
    assert report.error_code == "bad_header"
    assert "customerid" in report.error


@pytest.mark.skipif(not ONLINE_RETAIL.is_file(), reason="the shared Online Retail file is absent")
def test_the_first_rows_of_the_real_online_retail_file_import_cleanly_and_only_once(cast):
    from clients.imports.services import import_path

    report = import_path(path=ONLINE_RETAIL, kind="orders", fmt="online-retail", limit=1500)

    assert report.ok, report.error
    assert report.rows_read == 1500
    assert report.rows_read == report.rows_accepted + report.rows_skipped + report.rows_rejected
    assert report.rows_accepted > 1000
    assert set(report.reasons) <= {
        "missing_customer",
        "non_product",
        "duplicate_row",
        "cancellation_unmatched",
        "zero_price",
        "stock_adjustment",
    }
    assert not OrderLine.objects.filter(quantity__lt=1).exists()
    before = state()
    again = import_path(path=ONLINE_RETAIL, kind="orders", fmt="online-retail", limit=1500)
    assert state() == before
    assert again.rows_accepted == 0
