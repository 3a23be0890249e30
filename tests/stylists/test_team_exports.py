"""The managers' tables as CSV: the team board and the data-quality page (team_exports.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import override_settings

from consent.models import AccessAction, StaffAccessLog
from tests.factories.clients import ClientFactory
from tests.factories.stylists import put_in_book
from tests.stylists.conftest import MANAGER_PAGE_ACCESS

TEAM_CSV = "/stylist/team/export.csv"
QUALITY_CSV = "/stylist/team/quality/export.csv"


def table(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("persona", "status"), MANAGER_PAGE_ACCESS)
@pytest.mark.parametrize("url", [TEAM_CSV, QUALITY_CSV])
def test_who_may_export_the_managers_tables(cast, persona, status, url):
    assert cast.http(persona).get(url).status_code == status


def test_the_team_board_as_csv_has_a_row_per_advisor(cast):
    rows = table(cast.http("manager").get(TEAM_CSV))

    assert rows[0][:3] == ["advisor", "boutique", "book_size"]
    advisors = {row[0]: row for row in rows[1:]}
    assert {cast.owner.name, cast.colleague.name} <= set(advisors)
    assert cast.stylist_elsewhere.name not in advisors  # Milan's advisor
    assert advisors[cast.owner.name][1] == "Paris"


def test_the_quality_csv_lists_every_record_to_fix_and_logs_each_client(cast):
    bare = ClientFactory(home_boutique=cast.paris, first_name="=HYPERLINK(1)", last_name="Bare")
    put_in_book(cast.owner, bare)

    rows = table(cast.http("manager").get(QUALITY_CSV))

    assert rows[0][0] == "scope"
    kinds = [row[0] for row in rows[1:]]
    assert kinds[0] == "boutique"
    assert "book" in kinds
    records = [row for row in rows if row[0] == "record"]
    assert records
    assert any(row[1].startswith("'=HYPERLINK") for row in records)  # neutralised
    logged = StaffAccessLog.objects.filter(
        actor=cast.manager.user, action=AccessAction.EXPORTED
    ).count()
    assert logged == len(records)


@override_settings(RATE_LIMITS={"quality_export": "2/h"})
def test_the_quality_csv_has_its_own_rate_limit(cast):
    http = cast.http("manager")
    statuses = [http.get(QUALITY_CSV).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert http.get(TEAM_CSV).status_code == 200  # another scope


def test_the_pages_link_their_exports(cast):
    assert TEAM_CSV in cast.http("manager").get("/stylist/team/").content.decode()
    assert QUALITY_CSV in cast.http("manager").get("/stylist/team/quality/").content.decode()
