"""The admin's "Import CSV" upload and the import runs: head office and superusers only.

The admin is for staff accounts (is_staff); a head-office advisor with an admin account
may import, as may a superuser. Any other staff account gets 403 on the upload and does
not see the runs; advisors, clients and anonymous visitors without an admin account are
sent to the admin's sign-in page and never reach the form.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from clients.models import Client, ImportRun, ImportStatus, Order
from stylists.selectors import book_of
from tests.factories.security import otp_verify
from tests.imports.conftest import fixture_bytes

pytestmark = pytest.mark.django_db

CLIENTS_IMPORT = "/admin/clients/client/import/"
ORDERS_IMPORT = "/admin/clients/order/import/"


def staff_http(cast: Any, persona: str) -> HttpClient:
    """The persona with an admin account (is_staff), signed in with two factors."""
    user = cast.user(persona)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return cast.http(persona)


@pytest.fixture
def superuser_http(db: Any) -> HttpClient:
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-1234")
    http = HttpClient()
    http.force_login(user)
    otp_verify(http, user)
    return http


def upload(name: str, data: bytes | None = None, **fields: str) -> dict[str, Any]:
    content = fixture_bytes(name) if data is None else data
    return {"file": SimpleUploadedFile(name, content, "text/csv"), "format": "atelier", **fields}


def test_the_upload_urls_are_named():
    assert reverse("admin:clients_client_import") == CLIENTS_IMPORT
    assert reverse("admin:clients_order_import") == ORDERS_IMPORT


def test_head_office_sees_the_import_button_and_the_form(cast):
    http = staff_http(cast, "head_office")

    changelist = http.get("/admin/clients/client/")
    form = http.get(CLIENTS_IMPORT)

    assert changelist.status_code == 200
    assert CLIENTS_IMPORT in changelist.content.decode()
    assert form.status_code == 200
    assert "Import clients from CSV" in form.content.decode()


def test_head_office_uploads_a_dirty_file_and_lands_on_its_report(cast):
    http = staff_http(cast, "head_office")

    response = http.post(CLIENTS_IMPORT, upload("clients_dirty.csv"), follow=True)

    run = ImportRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:clients_importrun_change", args=[run.pk]
    )
    page = response.content.decode()
    assert "21 rows read and imported: 6 accepted, 14 rejected." in page
    assert "not-an-email" in page
    assert "is not an e-mail address" in page
    assert (run.status, run.origin, run.requested_by) == (
        ImportStatus.COMPLETED,
        "admin",
        cast.head_office.user,
    )
    assert run.filename == "clients_dirty.csv"
    assert run.rows_rejected == 14


def test_a_superuser_may_import_orders(cast, catalogue, superuser_http):
    response = superuser_http.post(ORDERS_IMPORT, upload("orders_dirty.csv"))

    assert response.status_code == 302
    assert Order.objects.count() == 3
    assert ImportRun.objects.get().kind == "orders"


def test_a_staff_account_that_is_not_head_office_gets_403_and_imports_nothing(cast):
    http = staff_http(cast, "manager")
    before = Client.objects.count()

    assert http.get(CLIENTS_IMPORT).status_code == 403
    assert http.post(CLIENTS_IMPORT, upload("clients_cp1252.csv")).status_code == 403
    assert Client.objects.count() == before
    assert not ImportRun.objects.exists()
    assert http.get("/admin/clients/importrun/").status_code == 403


@pytest.mark.parametrize(
    "persona",
    ["owner", "colleague", "stylist_elsewhere", "head_office", "client_user", "anonymous"],
)
def test_anyone_without_an_admin_account_is_sent_to_the_admin_sign_in(cast, persona):
    http = cast.http(persona)  # head office without is_staff has no admin account either
    before = Client.objects.count()

    get = http.get(CLIENTS_IMPORT)
    post = http.post(CLIENTS_IMPORT, upload("clients_cp1252.csv"))

    for response in (get, post):
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert Client.objects.count() == before
    assert not ImportRun.objects.exists()


def test_a_dry_run_upload_reports_and_saves_nothing(cast):
    http = staff_http(cast, "head_office")
    before = Client.objects.count()

    response = http.post(CLIENTS_IMPORT, upload("clients_dirty.csv", dry_run="on"), follow=True)

    assert Client.objects.count() == before
    assert "checked (dry run, nothing saved): 6 accepted, 14 rejected" in response.content.decode()
    assert ImportRun.objects.get().dry_run is True


def test_an_upload_can_put_new_clients_in_an_advisors_book(cast):
    http = staff_http(cast, "head_office")

    http.post(CLIENTS_IMPORT, upload("clients_cp1252.csv", assign_to=str(cast.colleague.pk)))

    assert book_of(cast.colleague).count() == 3


def test_a_file_with_a_wrong_header_shows_the_reason_and_saves_nothing(cast):
    http = staff_http(cast, "head_office")
    before = Client.objects.count()

    response = http.post(CLIENTS_IMPORT, upload("clients_wrong_header.csv"), follow=True)

    page = response.content.decode()
    assert "This is not an atelier clients file" in page
    assert "missing column(s): last_name" in page
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert "emial" in run.error
    assert Client.objects.count() == before


def test_an_empty_upload_is_refused_on_the_form(cast):
    http = staff_http(cast, "head_office")

    response = http.post(CLIENTS_IMPORT, upload("empty.csv"))

    assert response.status_code == 200
    assert "empty" in " ".join(response.context["form"].errors["file"])
    assert not ImportRun.objects.exists()


def test_an_excel_workbook_is_refused_with_what_to_do_instead(cast):
    http = staff_http(cast, "head_office")

    response = http.post(
        CLIENTS_IMPORT, upload("clients.xlsx", b"PK\x03\x04 workbook"), follow=True
    )

    assert "CSV UTF-8" in response.content.decode()
    assert ImportRun.objects.get().status == ImportStatus.FAILED


def test_an_upload_over_the_limit_is_refused_on_the_form(cast, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 100
    http = staff_http(cast, "head_office")

    response = http.post(CLIENTS_IMPORT, upload("clients_dirty.csv"))

    assert response.status_code == 200
    assert "uploads here stop at" in " ".join(response.context["form"].errors["file"])
    assert not ImportRun.objects.exists()


def test_a_large_upload_runs_in_the_background_after_commit_and_its_file_is_deleted(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    http = staff_http(cast, "head_office")

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(CLIENTS_IMPORT, upload("clients_cp1252.csv"))

    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.COMPLETED
    assert run.rows_accepted == 3
    assert run.file_path == ""
    leftovers = list((Path(settings.PRIVATE_STORAGE_ROOT) / "imports").glob("*.upload"))
    assert leftovers == []


def test_the_rejected_rows_download_as_csv_with_formulas_neutralised(cast):
    http = staff_http(cast, "head_office")
    http.post(CLIENTS_IMPORT, upload("clients_dirty.csv"))
    run = ImportRun.objects.get()

    response = http.get(reverse("admin:clients_importrun_rejections", args=[run.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert 'filename="rejections-clients_dirty-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["line", "reason", "value"]
    assert len(rows) == 15
    assert [row[0] for row in rows[1:]] == sorted((row[0] for row in rows[1:]), key=int)
    assert next(row for row in rows if row[0] == "7")[2] == "'=cmd|' /C calc'!A0"


def test_only_import_staff_read_the_rejected_rows(cast):
    head_office = staff_http(cast, "head_office")
    head_office.post(CLIENTS_IMPORT, upload("clients_dirty.csv"))
    run = ImportRun.objects.get()
    url = reverse("admin:clients_importrun_rejections", args=[run.pk])

    assert staff_http(cast, "manager").get(url).status_code == 403
    assert cast.http("owner").get(url)["Location"].startswith("/admin/login/")
    assert (
        head_office.get(
            reverse("admin:clients_importrun_rejections", args=[run.pk + 99])
        ).status_code
        == 404
    )


def test_the_upload_settings_are_sane():
    assert settings.IMPORT_SYNC_MAX_BYTES < settings.IMPORT_UPLOAD_MAX_BYTES
