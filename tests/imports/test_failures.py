"""When an import goes wrong part-way: the report says exactly which rows were kept and
which were not, and nothing already stored is lost.

An import commits batch by batch (docs/imports.md): a file cut short, a database that
stops answering or a row the database refuses costs the rows concerned, never the
batches before them; running the same file again completes it without duplicating.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, OperationalError

from clients.imports.writers.clients import ClientsImporter
from clients.models import Client, Identity
from tests.imports.conftest import counts, rejected, run_import

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,email,home_boutique"


def clients_file(n: int) -> bytes:
    rows = "".join(f"Ana{i},Row{i:03d},ana{i}@example.com,paris\n" for i in range(n))
    return f"{HEADER}\n{rows}".encode()


def imported() -> set[str]:
    return set(
        Client.objects.filter(last_name__startswith="Row").values_list("last_name", flat=True)
    )


def test_a_file_larger_than_the_limit_stops_and_says_which_rows_were_kept(cast):
    data = clients_file(40)

    report = run_import(data, max_bytes=len(data) // 2, batch_rows=5)

    assert report.error_code == "too_large"
    assert f"the rows before line {report.stopped_at_line} were imported" in report.error
    kept = report.stopped_at_line - 2  # line 1 is the header
    assert report.rows_accepted == kept
    assert imported() == {f"Row{i:03d}" for i in range(kept)}


def test_running_a_stopped_file_again_completes_it_without_duplicates(cast):
    data = clients_file(40)
    run_import(data, max_bytes=len(data) // 2, batch_rows=5)

    report = run_import(data)

    assert report.ok
    assert imported() == {f"Row{i:03d}" for i in range(40)}
    assert Client.objects.filter(last_name__startswith="Row").count() == 40


def test_a_damaged_gzip_file_keeps_the_rows_read_before_the_damage(cast):
    import gzip

    packed = gzip.compress(clients_file(2000))
    report = run_import(packed[: len(packed) // 2], batch_rows=100)

    assert report.error_code == "damaged_file"
    assert "the rows before it were imported" in report.error
    assert report.rows_accepted == len(imported()) > 0


def test_when_the_database_stops_answering_the_committed_batches_stand(cast, monkeypatch):
    real_create = ClientsImporter._create
    calls = {"n": 0}

    def flaky(self, items, outcome):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real_create(self, items, outcome)

    monkeypatch.setattr(ClientsImporter, "_create", flaky)

    report = run_import(clients_file(10), batch_rows=3)

    assert report.error_code == "database"
    assert "line 8" in report.error
    assert "Run the import again" in report.error
    assert imported() == {f"Row{i:03d}" for i in range(6)}  # two batches of three
    assert report.rows_accepted == 6


def test_a_batch_the_database_refuses_is_saved_again_row_by_row_losing_only_the_culprit(
    cast, monkeypatch
):
    real_create = ClientsImporter._create

    def refuse_row_5(self, items, outcome):
        if any(item.data.last_name == "Row003" for item in items):
            raise IntegrityError("duplicate key value violates unique constraint")
        return real_create(self, items, outcome)

    monkeypatch.setattr(ClientsImporter, "_create", refuse_row_5)

    report = run_import(clients_file(6))

    assert rejected(report) == [(5, "not_saved")]
    assert "nothing of it was kept" in report.rejections[0].reason
    assert imported() == {f"Row{i:03d}" for i in range(6)} - {"Row003"}
    assert counts(report, "clients")["created"] == 5
    assert Identity.objects.filter(client__last_name="Row003").count() == 0


def test_a_parser_bug_costs_one_row_not_the_import(cast, monkeypatch):
    real_prepare = ClientsImporter.prepare

    def buggy(self, line, values):
        if line == 3:
            raise KeyError("a bug")
        return real_prepare(self, line, values)

    monkeypatch.setattr(ClientsImporter, "prepare", buggy)

    report = run_import(clients_file(3))

    assert rejected(report) == [(3, "unreadable")]
    assert (
        report.rejections[0].reason == "The row could not be read (KeyError); it was not imported."
    )
    assert imported() == {"Row000", "Row002"}


def test_bad_rows_never_remove_or_change_clients_already_stored(cast):
    before = sorted(Client.objects.values_list("pk", "first_name", "last_name", "sizes"))
    identities = sorted(Identity.objects.values_list("pk", "client_id", "lookup_hash"))

    run_import(
        f"{HEADER}\n,Laurent,camille.laurent@example.com,paris\n"
        "Other,Name,camille.laurent@example.com,paris\n"
        "Camille,Laurent,camille.laurent@example.com,nowhere\n".encode()
    )

    assert sorted(Client.objects.values_list("pk", "first_name", "last_name", "sizes")) == before
    assert sorted(Identity.objects.values_list("pk", "client_id", "lookup_hash")) == identities


def test_a_gzip_file_damaged_from_its_first_line_is_refused_and_nothing_is_written(cast):
    import gzip

    packed = gzip.compress(clients_file(50))

    report = run_import(packed[:20])

    assert report.error_code == "damaged_file"
    assert "nothing was imported" in report.error
    assert imported() == set()
