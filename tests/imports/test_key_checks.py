"""The Online Retail COPY checks its lines' foreign keys once per batch (PostgreSQL).

clients.imports.writers.key_checks locks every order and product a batch's lines point
at FOR KEY SHARE, refuses the batch if one is missing, and only then copies the lines
with the per-row key triggers off — where the role may, and nothing else would be
skipped. These tests hold it to that: the same rows as with the triggers, a missing
key refused, the triggers back on after the COPY, the locks really held, and every
condition under which PostgreSQL keeps checking each row.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError, connection, connections, transaction

from catalog.models import Product
from clients.imports.writers import key_checks
from clients.imports.writers.key_checks import (
    referenced_rows_locked,
    rows_checked_as_a_set,
    set_based_checks_allowed,
)
from clients.models import Order, OrderLine
from tests.factories.catalog import ProductFactory
from tests.factories.clients import OrderFactory
from tests.imports.conftest import run_import
from tests.imports.test_retail_fast_path import forget_the_import, report_without_timing, stored

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers"),
]
LINE_COLUMNS = ("order_id", "product_id", "quantity", "unit_price")


def replication_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return str(cursor.fetchone()[0])


def allowed() -> bool:
    with connection.cursor() as cursor:
        return set_based_checks_allowed(cursor, OrderLine)


@pytest.mark.django_db
def test_the_import_stores_and_reports_the_same_with_per_row_checks(cast, settings, monkeypatch):
    batches: list[set[str]] = []
    original = key_checks.referenced_rows_locked

    def spy(cursor: Any, keys: Any) -> None:
        batches.append({model.__name__ for model in keys})
        original(cursor, keys)

    monkeypatch.setattr(key_checks, "referenced_rows_locked", spy)
    set_based = run_import("retail_dirty.csv", kind="orders", fmt="online-retail", batch_rows=4)
    set_based_rows = stored()
    # The set-based checks ran (the test database's role is a superuser): the new orders'
    # clients, and the lines' orders and products.
    assert {"Client"} in batches
    assert {"Order", "Product"} in batches
    forget_the_import()
    batches.clear()
    settings.IMPORT_SET_BASED_KEY_CHECKS = False

    per_row = run_import("retail_dirty.csv", kind="orders", fmt="online-retail", batch_rows=4)

    assert batches == []
    assert report_without_timing(set_based) == report_without_timing(per_row)
    assert set_based_rows == stored()
    assert set_based_rows["lines"]


@pytest.mark.django_db
def test_a_key_that_does_not_exist_refuses_the_batch(cast):
    product = ProductFactory()

    keys = {Product: [product.pk, product.pk + 10_000]}
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        pytest.raises(IntegrityError, match="1 of 2 rows of catalog_product"),
    ):
        referenced_rows_locked(cursor, keys)


@pytest.mark.django_db
def test_the_row_triggers_are_off_only_inside_the_block(cast):
    product = ProductFactory()
    order = OrderFactory(client=cast.client)
    with transaction.atomic(), connection.cursor() as cursor:
        keys = {Order: [order.pk], Product: [product.pk]}
        with rows_checked_as_a_set(cursor, OrderLine, LINE_COLUMNS, keys, allowed=True) as off:
            inside = replication_role()
        after = replication_role()

    assert (off, inside, after) == (True, "replica", "origin")


@pytest.mark.django_db
def test_a_missing_key_leaves_the_row_triggers_on(cast):
    product = ProductFactory()
    keys = {Product: [product.pk + 10_000]}
    entered = []
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            with (
                transaction.atomic(),
                rows_checked_as_a_set(cursor, OrderLine, LINE_COLUMNS, keys, allowed=True),
            ):
                entered.append(True)
        except IntegrityError:
            pass
        role = replication_role()

    assert (entered, role) == ([], "origin")


@pytest.mark.django_db
def test_a_copy_that_leaves_out_a_required_key_keeps_the_row_triggers(cast):
    product = ProductFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        columns = ("order_id", "quantity", "unit_price")  # product_id: required, left out
        with rows_checked_as_a_set(
            cursor, OrderLine, columns, {Product: [product.pk]}, allowed=True
        ) as off:
            inside = replication_role()

    assert (off, inside) == (False, "origin")


@pytest.mark.django_db
def test_a_superuser_may_check_per_batch_unless_the_setting_says_no(settings):
    assert allowed()
    settings.IMPORT_SET_BASED_KEY_CHECKS = False
    assert not allowed()


@pytest.mark.django_db
def test_a_role_that_may_not_set_the_replication_role_keeps_the_row_checks():
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE atelier_test_importer NOSUPERUSER")  # rolled back
        cursor.execute("SET LOCAL ROLE atelier_test_importer")
        denied = set_based_checks_allowed(cursor, OrderLine)
        cursor.execute("RESET ROLE")
        granted = None
        if connection.pg_version >= 150000:
            cursor.execute(
                "GRANT SET ON PARAMETER session_replication_role TO atelier_test_importer"
            )
            cursor.execute("SET LOCAL ROLE atelier_test_importer")
            granted = set_based_checks_allowed(cursor, OrderLine)
            cursor.execute("RESET ROLE")

    assert denied is False
    assert granted in (None, True)  # None: PostgreSQL 14 has no such grant


@pytest.mark.django_db
def test_a_trigger_of_our_own_on_the_lines_keeps_the_row_checks():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION atelier_test_noop() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER atelier_test_audit AFTER INSERT ON clients_orderline "
            "FOR EACH ROW EXECUTE FUNCTION atelier_test_noop()"
        )

    assert not allowed()


@pytest.mark.django_db
def test_a_replica_session_is_left_alone():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")

    assert not allowed()


@pytest.mark.django_db(transaction=True)
def test_the_checked_rows_stay_locked_until_the_batch_commits(cast):
    product = ProductFactory()
    outcome: list[BaseException | None] = []

    def delete_from_another_connection() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
                cursor.execute("DELETE FROM catalog_product WHERE id = %s", [product.pk])
            outcome.append(None)
        except OperationalError as exc:
            outcome.append(exc)
        finally:
            connections.close_all()

    with transaction.atomic(), connection.cursor() as cursor:
        referenced_rows_locked(cursor, {Product: [product.pk]})
        other = threading.Thread(target=delete_from_another_connection)
        other.start()
        other.join(10)

    assert len(outcome) == 1
    assert isinstance(outcome[0], OperationalError)
    assert "lock timeout" in str(outcome[0])
    assert Product.objects.filter(pk=product.pk).exists()
