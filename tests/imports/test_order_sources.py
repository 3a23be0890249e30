"""`import_orders --source pos|ecommerce|phone|online-retail`, the progress bar, and the full
rejection report kept as a file for a run of any size."""

from __future__ import annotations

import csv
import gzip
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clients.imports.runs import import_rejections_path
from clients.management.commands._import import ProgressStream
from clients.models import ImportRun, Order, OrderChannel
from tests.imports.conftest import FIXTURES

pytestmark = pytest.mark.django_db

NO_CHANNEL = (
    "external_ref,client_email,placed_at,boutique,style_code,quantity,unit_price\n"
    "T-1,camille.laurent@example.com,2026-01-10T15:30:00+01:00,paris,MV-TRENCH,1,2450\n"
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_orders", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("source", "channel"),
    [("pos", OrderChannel.BOUTIQUE), ("ecommerce", OrderChannel.ONLINE), ("phone", "phone")],
)
def test_the_source_gives_every_line_its_channel(cast, catalogue, tmp_path, source, channel):
    path = tmp_path / "orders.csv"
    path.write_text(NO_CHANNEL)

    run(str(path), "--source", source)

    assert Order.objects.get(external_ref="T-1").channel == channel


def test_a_line_whose_channel_contradicts_the_source_is_rejected(cast, catalogue, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "external_ref,client_email,placed_at,channel,boutique,style_code,quantity,unit_price\n"
        "T-2,camille.laurent@example.com,2026-01-10T15:30:00+01:00,boutique,paris,MV-TRENCH,1,9\n"
    )

    output = run(str(path), "--source", "ecommerce")

    assert "rejected 1 × bad_channel: This file comes from a online system" in output
    assert not Order.objects.exists()


def test_without_a_source_the_channel_column_is_still_required(cast, catalogue, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(NO_CHANNEL)

    with pytest.raises(CommandError, match="channel"):
        run(str(path))


def test_the_online_retail_source_reads_the_uci_format(cast):
    output = run(str(FIXTURES / "retail_dirty.csv"), "--source", "online-retail")

    assert ImportRun.objects.get().format == "online-retail"
    assert "rows read" in output


def test_a_source_and_another_format_is_refused(cast, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(NO_CHANNEL)

    with pytest.raises(CommandError, match="reads the atelier format, not online-retail"):
        run(str(path), "--source", "pos", "--format", "online-retail")


def test_every_rejection_is_kept_in_a_file_even_past_the_jsons_limit(cast, settings):
    settings.IMPORT_REJECTIONS_KEPT = 3
    lines = ["first_name,last_name,email,home_boutique"] + [
        f"Jeanne{i},Martin,not-an-email-{i},paris" for i in range(10)
    ]
    path = FIXTURES.parent.parent / "imports" / "__tmp_many_rejections.csv"
    try:
        path.write_text("\n".join(lines))
        out = io.StringIO()
        call_command("import_clients", str(path), stdout=out, stderr=io.StringIO())
    finally:
        path.unlink(missing_ok=True)

    run_ = ImportRun.objects.get()
    assert len(run_.report["rejections"]) == 3
    assert run_.report["rejections_truncated"] is True
    assert run_.report["rejections_in_file"] == 10
    with gzip.open(import_rejections_path(run_), "rt", encoding="utf-8") as stored:
        rows = list(csv.reader(stored))
    assert rows[0] == ["line", "code", "reason", "value"]
    assert [row[1] for row in rows[1:]] == ["bad_email"] * 10


def test_the_progress_stream_reports_bytes_read():
    seen = []
    stream = ProgressStream(io.BytesIO(b"a,b\n" * 40_000), seen.append)

    while stream.readline():
        pass
    stream.read()

    assert seen[-1] == 160_000
    assert seen == sorted(seen)
