"""The ImportRun record: created for every import, claimed once, finished with its report."""

from __future__ import annotations

import io

import pytest

from clients.imports import runs
from clients.imports.runs import (
    can_import,
    import_run_create,
    import_run_execute,
    import_run_execute_stored,
)
from clients.models import ImportRun, ImportStatus
from tests.imports.conftest import fixture_bytes

pytestmark = pytest.mark.django_db


def queued(**extra) -> ImportRun:
    return import_run_create(
        kind="clients", fmt="atelier", filename="C:/exports/clients.csv", **extra
    )


def test_a_new_run_is_queued_and_keeps_only_the_files_name(cast):
    run = queued(requested_by=cast.head_office.user)

    assert run.status == ImportStatus.QUEUED
    assert run.filename == "clients.csv"
    assert run.requested_by == cast.head_office.user


def test_a_run_executes_once_even_if_asked_twice(cast):
    run = queued()
    data = fixture_bytes("clients_cp1252.csv")

    first = import_run_execute(run=run, stream=io.BytesIO(data))
    second = import_run_execute(run=run, stream=io.BytesIO(data))

    assert first is not None
    assert first.rows_accepted == 3
    assert second is None
    run.refresh_from_db()
    assert run.status == ImportStatus.COMPLETED
    assert run.rows_accepted == 3


def test_a_refused_file_leaves_a_failed_run_with_the_reason(cast):
    run = queued()

    import_run_execute(run=run, stream=io.BytesIO(fixture_bytes("clients_wrong_header.csv")))

    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.error.startswith("This is not an atelier clients file")
    assert run.report["error_code"] == "bad_header"


def test_an_internal_error_marks_the_run_failed_and_is_raised(cast, monkeypatch):
    def crash(**kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(runs, "import_stream", crash)
    run = queued()

    with pytest.raises(ZeroDivisionError):
        import_run_execute(run=run, stream=io.BytesIO(b"x"))

    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.error == "The import stopped on an internal error (ZeroDivisionError)."


def test_a_queued_upload_whose_file_is_gone_fails_with_a_sentence(cast):
    run = queued(file_path="imports/missing.upload")

    assert import_run_execute_stored(run_id=run.pk) is None

    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.error == "The uploaded file is no longer there: upload it again."


def test_a_stored_path_outside_the_private_root_is_never_read(cast, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_bytes(fixture_bytes("clients_cp1252.csv"))
    run = queued(file_path=f"../../../../../../../../{outside}")

    import_run_execute_stored(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.rows_read == 0
    assert outside.exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("head_office", True),
        ("owner", False),
        ("manager", False),
        ("client_user", False),
        ("anonymous", False),
    ],
)
def test_only_head_office_and_superusers_may_import(cast, persona, allowed):
    from django.contrib.auth.models import AnonymousUser

    user = cast.user(persona) or AnonymousUser()

    assert can_import(user) is allowed


def test_a_deactivated_head_office_account_may_not_import(cast):
    user = cast.head_office.user
    user.is_active = False

    assert can_import(user) is False
