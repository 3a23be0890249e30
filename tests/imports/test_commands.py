"""`manage.py import_clients` and `import_orders`: what they print, their exit codes,
--dry-run, --limit, --assign-to, --json, --rejections, and the ImportRun they leave.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from clients.models import Client, ImportRun, ImportStatus, Order
from stylists.selectors import book_of
from tests.imports.conftest import FIXTURES, ONLINE_RETAIL

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_import_clients_prints_the_counts_and_each_reason_then_names_the_run(cast):
    output = run("import_clients", str(FIXTURES / "clients_dirty.csv"))

    assert "21 rows read: 6 accepted, 1 skipped, 14 rejected" in output
    assert "clients: 5 created, 1 updated, 0 skipped, 14 rejected" in output
    assert "rejected 2 × duplicate_in_file: The e-mail is already on line 2" in output
    assert "rejected 1 × bad_phone: phone is not a phone number of the client" in output
    run_record = ImportRun.objects.get()
    assert f"ImportRun {run_record.public_id}" in output


def test_a_successful_import_with_rejected_rows_exits_0_and_a_refused_file_exits_1(
    cast, capsys, monkeypatch
):
    # run_from_argv closes every connection when done; the test's transaction needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    clean = ManagementUtility(["manage.py", "import_clients", str(FIXTURES / "clients_dirty.csv")])
    clean.execute()  # no SystemExit: exit code 0
    assert "14 rejected" in capsys.readouterr().out

    refused = ManagementUtility(
        ["manage.py", "import_clients", str(FIXTURES / "clients_wrong_header.csv")]
    )
    with pytest.raises(SystemExit) as exited:
        refused.execute()
    assert exited.value.code == 1
    printed = capsys.readouterr()
    assert printed.out.startswith("Stopped: This is not an atelier clients file")
    assert "CommandError: This is not an atelier clients file" in printed.err


def test_a_refused_file_prints_why_and_raises_with_the_same_sentence(cast, capsys):
    with pytest.raises(CommandError, match="This is not an atelier clients file"):
        run("import_clients", str(FIXTURES / "clients_wrong_header.csv"))
    assert ImportRun.objects.get().status == ImportStatus.FAILED


def test_a_missing_file_is_an_error_before_any_run_is_recorded(cast):
    with pytest.raises(CommandError, match="No such file"):
        run("import_clients", str(FIXTURES / "nope.csv"))
    assert not ImportRun.objects.exists()


def test_a_limit_below_one_is_refused(cast):
    with pytest.raises(CommandError, match="--limit must be at least 1"):
        run("import_clients", str(FIXTURES / "clients_dirty.csv"), "--limit", "0")


def test_dry_run_prints_the_same_report_and_saves_nothing(cast):
    before = Client.objects.count()

    output = run("import_clients", str(FIXTURES / "clients_dirty.csv"), "--dry-run")

    assert output.startswith("Dry run (nothing saved): 21 rows read: 6 accepted")
    assert Client.objects.count() == before
    assert ImportRun.objects.get().dry_run is True


def test_limit_stops_after_n_rows_and_says_so(cast):
    output = run("import_clients", str(FIXTURES / "clients_dirty.csv"), "--limit", "3")

    assert "3 rows read" in output
    assert "Stopped after 3 rows, as asked (--limit)." in output


def test_assign_to_puts_new_clients_in_that_advisors_book(cast):
    run("import_clients", str(FIXTURES / "clients_cp1252.csv"), "--assign-to", "colleague")

    assert book_of(cast.colleague).count() == 3
    assert ImportRun.objects.get().assign_to == cast.colleague


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "No advisor has the username 'nobody'"),
        ("head_office", "head_office has no book to put clients in"),
    ],
)
def test_assign_to_someone_without_a_book_is_refused(cast, username, message):
    with pytest.raises(CommandError, match=message):
        run("import_clients", str(FIXTURES / "clients_cp1252.csv"), "--assign-to", username)


def test_json_prints_the_whole_report_as_one_object(cast):
    output = run(
        "import_orders", str(FIXTURES / "retail_dirty.csv"), "--format", "online-retail", "--json"
    )

    data = json.loads(output)
    assert data["rows"] == {"read": 25, "accepted": 13, "skipped": 0, "rejected": 12}
    assert data["rejected_by_reason"]["non_product"] == 4
    assert data["run"] == str(ImportRun.objects.get().public_id)
    assert data["rejections"][0][:2] == [4, "non_product"]


def test_rejections_are_written_to_a_csv_with_formulas_neutralised(cast, tmp_path: Path):
    target = tmp_path / "rejected.csv"

    run("import_clients", str(FIXTURES / "clients_dirty.csv"), "--rejections", str(target))

    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["line", "reason", "value"]
    assert len(rows) == 15
    formula = next(row for row in rows if row[0] == "7")
    assert formula[2] == "'=cmd|' /C calc'!A0"


def test_import_orders_imports_atelier_orders(cast, catalogue):
    output = run("import_orders", str(FIXTURES / "orders_dirty.csv"))

    assert "17 rows read: 4 accepted, 0 skipped, 13 rejected" in output
    assert Order.objects.count() == 3


def test_the_command_leaves_a_completed_import_run_with_its_report(cast):
    run("import_clients", str(FIXTURES / "clients_dirty.csv"))

    record = ImportRun.objects.get()
    assert (record.kind, record.format, record.origin, record.status) == (
        "clients",
        "atelier",
        "command",
        ImportStatus.COMPLETED,
    )
    assert record.filename == "clients_dirty.csv"
    assert record.file_size == (FIXTURES / "clients_dirty.csv").stat().st_size
    assert (record.rows_read, record.rows_accepted, record.rows_rejected) == (21, 6, 14)
    assert record.started_at
    assert record.finished_at
    assert record.requested_by is None
    assert record.report["rejected_by_reason"]["bad_email"] == 1
    assert len(record.report["rejections"]) == 14
    assert record.error == ""


@pytest.mark.skipif(not ONLINE_RETAIL.is_file(), reason="the shared Online Retail file is absent")
def test_the_real_online_retail_file_can_be_imported_with_a_limit(cast):
    output = run("import_orders", str(ONLINE_RETAIL), "--format", "online-retail", "--limit", "300")

    assert "300 rows read" in output
    assert Order.objects.exists()
