"""One test per row rejection code that had none: each bad cell is refused with its own
code and plain reason, and the good row beside it in the same file is still imported.
"""

from __future__ import annotations

import pytest

from clients.models import Client, Order
from tests.imports.conftest import rejected, run_import

pytestmark = pytest.mark.django_db

CLIENTS = "first_name,last_name,email,home_boutique,salutation,loyalty_id"
GOOD_CLIENT = "Anna,Weber,anna.weber@example.com,paris,Mme,"
ORDER_FIELDS = {
    "external_ref": "PAR-1",
    "client_email": "camille.laurent@example.com",
    "placed_at": "2026-01-10T15:30:00+01:00",
    "channel": "boutique",
    "boutique": "paris",
    "style_code": "MV-TRENCH",
    "quantity": "1",
    "unit_price": "2450",
    "currency": "EUR",
}
ORDERS = ",".join(ORDER_FIELDS)
GOOD_ORDER = ",".join(ORDER_FIELDS.values())


def order_row(**changes: str) -> str:
    return ",".join({**ORDER_FIELDS, "external_ref": "PAR-2", **changes}.values())


RETAIL = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"


def clients_file(*rows: str, header: str = CLIENTS) -> bytes:
    return "\n".join([header, GOOD_CLIENT, *rows]).encode()


def orders_file(*rows: str, header: str = ORDERS) -> bytes:
    return "\n".join([header, GOOD_ORDER, *rows]).encode()


def only_rejection(report, code: str) -> str:
    assert report.ok, report.error
    assert rejected(report) == [(3, code)]
    return report.rejections[0].reason


CLIENT_CASES = [
    ("missing_value", ",Dupont,jeanne@example.com,paris,,", "first_name is empty"),
    ("too_long", f"{'A' * 81},Dupont,jeanne@example.com,paris,,", "longer than 80"),
    ("control_characters", "Jea\x0bnne,Dupont,jeanne@example.com,paris,,", "control characters"),
    ("bad_identifier", f"Jeanne,Dupont,,paris,,{'L' * 65}", "64 characters"),
    ("bad_salutation", "Jeanne,Dupont,jeanne@example.com,paris,Your Grace,", "salutation must"),
]


@pytest.mark.parametrize(("code", "row", "words"), CLIENT_CASES, ids=[c[0] for c in CLIENT_CASES])
def test_a_bad_client_cell_is_rejected_with_its_code(cast, code, row, words):
    report = run_import(clients_file(row))

    assert words in only_rejection(report, code)
    assert Client.objects.filter(last_name="Weber").exists()
    assert not Client.objects.filter(last_name="Dupont").exists()


CONSENT = "first_name,last_name,email,home_boutique,consent_tier,consent_email,consent_proof"


@pytest.mark.parametrize(
    ("code", "row", "words"),
    [
        (
            "consent_without_tier",
            "Jeanne,Dupont,j@example.com,paris,,yes,Signed 2026-01-02",
            "without a consent_tier",
        ),
        (
            "bad_consent_tier",
            "Jeanne,Dupont,j@example.com,paris,gold,yes,Signed",
            "essential, personal or bespoke",
        ),
    ],
)
def test_incomplete_consent_is_rejected_with_its_code(cast, code, row, words):
    good = "Anna,Weber,anna.weber@example.com,paris,personal,yes,Signed in Paris 2026-01-02"
    report = run_import("\n".join([CONSENT, good, row]).encode())

    assert words in only_rejection(report, code)
    assert not Client.objects.filter(last_name="Dupont").exists()


ORDER_CASES = [
    ("no_client", order_row(client_email=""), "names no client"),
    ("bad_quantity", order_row(quantity="1.5"), "whole number"),
    ("bad_price", order_row(unit_price="ten euros"), "amount such as"),
    ("bad_currency", order_row(currency="EURO"), "3-letter code"),
    ("no_product", order_row(style_code=""), "names no product"),
]


@pytest.mark.parametrize(("code", "row", "words"), ORDER_CASES, ids=[c[0] for c in ORDER_CASES])
def test_a_bad_order_line_is_rejected_with_its_code(cast, catalogue, code, row, words):
    report = run_import(orders_file(row), kind="orders")

    assert words in only_rejection(report, code)
    assert list(Order.objects.values_list("external_ref", flat=True)) == ["PAR-1"]


def test_a_line_of_another_customer_on_the_same_invoice_is_invoice_inconsistent(cast):
    data = "\n".join(
        [
            RETAIL,
            "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
            "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,13047.0,United Kingdom",
        ]
    ).encode()

    report = run_import(data, kind="orders", fmt="online-retail")

    assert report.ok, report.error
    assert rejected(report) == [(3, "invoice_inconsistent")]
    assert "CustomerID differs from line 2" in report.rejections[0].reason
    order = Order.objects.get(external_ref="536365")
    assert order.lines.count() == 1
