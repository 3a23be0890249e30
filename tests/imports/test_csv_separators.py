"""Formula injection through a separator (issue 15, item 6), and the house's separator.

An occasion titled `Diner;=cmd|' /C calc'!A0;x` reached the CSV export
unquoted: safe for a comma split, a formula for a spreadsheet splitting on `;`
(Excel in French or Italian settings). Every cell is now quoted, and every
segment a `;` or `,` split would start with = + - @ is neutralised too.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from consent.models import ConsentTier
from core.csvsafe import FORMULA_TRIGGERS, csv_lines, neutralise_cell
from tests.factories.clients import ClientFactory, OccasionFactory
from tests.factories.stylists import put_in_book
from tests.stylists.conftest import consent

URL = "/stylist/clients/export.csv"
HOSTILE = "Diner;=cmd|' /C calc'!A0;x"


def body_of(response: Any) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")[1:]  # without the BOM


@pytest.fixture
def hostile(cast: Any) -> Any:
    client = ClientFactory(home_boutique=cast.paris, first_name="Semi", last_name="Colon")
    consent(cast, client, ConsentTier.PERSONAL, email=True)
    put_in_book(cast.owner, client)
    OccasionFactory(client=client, title=HOSTILE)
    return client


def _naive_cells(text: str) -> list[str]:
    """What a reader that ignores quotes sees: split on ; and , and strip the quotes."""
    cells = []
    for line in text.splitlines():
        for part in line.replace(",", ";").split(";"):
            cells.append(part.strip().strip('"').strip())
    return cells


@pytest.mark.django_db
@pytest.mark.parametrize("sep", ["", "comma", "semicolon"])
def test_no_split_of_the_export_starts_a_cell_with_a_formula(cast, hostile, sep):
    text = body_of(
        cast.http("owner").get(URL, {"q": "Colon", "sep": sep} if sep else {"q": "Colon"})
    )
    assert "=cmd" in text  # the title is there, as text
    starts = [cell for cell in _naive_cells(text) if cell.startswith(FORMULA_TRIGGERS)]
    assert starts == []


@pytest.mark.django_db
def test_a_quote_aware_reader_gets_the_title_back_whole_with_either_separator(cast, hostile):
    http = cast.http("owner")
    for sep, delimiter in (("comma", ","), ("semicolon", ";")):
        rows = list(
            csv.DictReader(
                io.StringIO(body_of(http.get(URL, {"q": "Colon", "sep": sep}))), delimiter=delimiter
            )
        )
        assert rows[0]["next_occasion"] == "Diner;'=cmd|' /C calc'!A0;x"


@pytest.mark.django_db
def test_the_house_separator_is_the_default(cast, hostile, settings):
    settings.CSV_SEPARATOR = ";"
    text = body_of(cast.http("owner").get(URL, {"q": "Colon"}))
    assert text.splitlines()[0].startswith('"client_id";"salutation";')
    page = cast.http("owner").get("/stylist/clients/").content.decode()
    assert "CSV with commas" in page


def test_every_cell_is_quoted():
    line = "".join(csv_lines([["a", "b;c", ""]], bom=False))
    assert line == '"a","b;c",""\r\n'


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("Diner;=cmd", "Diner;'=cmd"),
        ("a, +1", "a, '+1"),
        ("x;@SUM(A1)", "x;'@SUM(A1)"),
        ("=1;=2", "'=1;'=2"),
        ("Anne-Marie; Paris", "Anne-Marie; Paris"),
    ],
)
def test_segments_that_would_start_a_formula_are_neutralised(value, safe):
    assert neutralise_cell(value) == safe


def test_an_unknown_separator_is_refused():
    with pytest.raises(ValueError, match="separator"):
        list(csv_lines([["a"]], delimiter="|"))
