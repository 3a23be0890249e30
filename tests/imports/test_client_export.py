"""The client book as CSV (/stylist/clients/export.csv): who gets it, what it holds, what it costs.

Given the cast (Élise owns Camille Laurent and Inès Moreau; Chiara Rossi is in
Milan), when each persona asks for the export, then only the clients they may
see leave the house, contact details only where consent allows, and no cell a
spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from consent.models import AccessAction, ConsentTier, StaffAccessLog
from stylists.book_export import COLUMNS
from tests.factories.clients import ClientFactory
from tests.factories.stylists import put_in_book
from tests.stylists.conftest import bulk_book, consent

pytestmark = pytest.mark.django_db

URL = "/stylist/clients/export.csv"


def export_rows(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the BOM to read accents right"
    return list(csv.DictReader(io.StringIO(body[1:])))


def names(rows: list[dict[str, str]]) -> list[str]:
    return [f"{row['first_name']} {row['last_name']}" for row in rows]


def test_the_export_lives_at_its_named_url():
    assert reverse("stylists:client_export") == URL


def test_the_owner_exports_her_book_as_a_csv_download(cast):
    response = cast.http("owner").get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="atelier-clients-')
    assert {"no-store", "private"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    rows = export_rows(response)
    assert names(rows) == ["Camille Laurent", "Inès Moreau"]
    assert list(rows[0]) == list(COLUMNS)  # "My book": no advisor column


def test_each_exported_client_is_written_to_the_staff_access_log(cast):
    export_rows(cast.http("owner").get(URL))

    logged = StaffAccessLog.objects.filter(actor=cast.owner.user, action=AccessAction.EXPORTED)
    assert sorted(logged.values_list("client_id", flat=True)) == sorted(
        [cast.client.pk, cast.other_client.pk]
    )


def test_a_colleague_in_the_same_boutique_gets_her_own_empty_book_not_the_owners(cast):
    response = cast.http("colleague").get(URL + "?scope=all")

    assert response.status_code == 200
    assert export_rows(response) == []
    assert not StaffAccessLog.objects.filter(actor=cast.colleague.user).exists()


def test_a_stylist_elsewhere_exports_only_her_own_milan_client(cast):
    rows = export_rows(cast.http("stylist_elsewhere").get(URL + "?scope=boutique"))

    assert names(rows) == ["Chiara Rossi"]
    assert "Camille" not in "".join(names(rows))


def test_head_office_exports_every_client_with_their_advisor(cast):
    rows = export_rows(cast.http("head_office").get(URL))

    assert sorted(names(rows)) == ["Camille Laurent", "Chiara Rossi", "Inès Moreau"]
    advisors = {row["last_name"]: row["advisor"] for row in rows}
    assert advisors["Laurent"] == "Élise Test"
    assert advisors["Rossi"] == "Giulia Test"


@pytest.mark.parametrize("persona", ["client_user", "other_client_user"])
def test_a_client_gets_a_404_and_no_data(cast, persona):
    response = cast.http(persona).get(URL)

    assert response.status_code == 404
    assert b"Laurent" not in response.content


def test_an_anonymous_visitor_is_sent_to_sign_in_and_gets_no_data(cast):
    response = cast.http("anonymous").get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not StaffAccessLog.objects.exists()


def test_a_post_is_refused_with_405(cast):
    assert cast.http("owner").post(URL).status_code == 405


def test_the_export_applies_the_book_filters(cast):
    rows = export_rows(cast.http("owner").get(URL + "?q=Moreau"))

    assert names(rows) == ["Inès Moreau"]


# --- Consent: what the export leaves out ----------------------------------------------------


def test_email_and_phone_appear_only_for_the_channels_the_client_allows(cast):
    # Camille: Personal, e-mail allowed, no SMS / WhatsApp / calls (the cast's consent).
    rows = {row["last_name"]: row for row in export_rows(cast.http("owner").get(URL))}

    camille = rows["Laurent"]
    assert camille["email"] == "camille.laurent@example.com"
    assert camille["phone"] == ""  # she has one on file, but allows no phone channel
    assert camille["may_contact_by"] == "e-mail"
    assert camille["consent_tier"] == ConsentTier.PERSONAL


def test_a_client_who_allows_sms_but_not_email_shows_her_phone_and_hides_her_email(cast):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=False, sms=True)

    camille = export_rows(cast.http("owner").get(URL + "?q=Laurent"))[0]

    assert camille["email"] == ""
    assert camille["phone"] == "'+33612345678"  # "+" starts a formula: neutralised
    assert "e-mail" not in camille["may_contact_by"]


def test_a_client_who_withdrew_every_channel_is_exported_without_any_contact_detail(cast):
    consent(cast, cast.client, ConsentTier.ESSENTIAL)

    camille = export_rows(cast.http("owner").get(URL + "?q=Laurent"))[0]

    assert (camille["email"], camille["phone"], camille["may_contact_by"]) == ("", "", "")
    assert camille["consent_tier"] == ConsentTier.ESSENTIAL


def test_a_client_with_no_consent_record_is_essential_with_no_contact_detail(cast):
    silent = ClientFactory(
        home_boutique=cast.paris,
        first_name="Sans",
        last_name="Consentement",
        email="sans@example.com",
        phone="+33699999999",
    )
    put_in_book(cast.owner, silent)

    row = export_rows(cast.http("owner").get(URL + "?q=Consentement"))[0]

    assert (row["email"], row["phone"], row["consent_tier"]) == ("", "", ConsentTier.ESSENTIAL)


def test_the_export_never_holds_sizes_notes_or_order_lines(cast):
    response = cast.http("owner").get(URL)
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))

    assert not {"sizes", "notes", "preferences", "orders_lines"} & set(header)
    assert "38.5" not in ",".join(header)


# --- Formula injection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_name", "exported"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturned", "'\rReturned"),
        ("Anne-Marie", "Anne-Marie"),  # a hyphen inside a name is left alone
    ],
)
def test_a_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(cast, first_name, exported):
    client = ClientFactory(home_boutique=cast.paris, first_name=first_name, last_name="Formula")
    consent(cast, client, ConsentTier.PERSONAL, email=True)
    put_in_book(cast.owner, client)

    row = export_rows(cast.http("owner").get(URL + "?q=Formula"))[0]

    assert row["first_name"] == exported


def test_a_formula_in_an_email_address_is_neutralised_too(cast):
    client = ClientFactory(
        home_boutique=cast.paris,
        first_name="Mail",
        last_name="Formula",
        email="=1+1@example.com",
    )
    consent(cast, client, ConsentTier.PERSONAL, email=True)
    put_in_book(cast.owner, client)

    row = export_rows(cast.http("owner").get(URL + "?q=Formula"))[0]

    assert row["email"] == "'=1+1@example.com"


# --- Cost --------------------------------------------------------------------------------------


# The queries of one export, whatever the rows (up to stylists.book_export.CHUNK = 500, then
# the last five again per 500 clients): session, user, stylist (head office: + its TOTP
# device), the two guardian permission lookups, the boutique (advisors' search by country;
# content types on a cold cache), the clients with their consent as subqueries, their
# e-mail/phone identities (one prefetch), next occasions (advisors' current assignments for
# "all" scopes), the access log's "own record" check and its one INSERT (SQLite splits an
# INSERT past ~199 rows in two, so the sizes here stay below that).
EXPORT_QUERIES = 12


@pytest.mark.parametrize(
    ("persona", "n", "others"),
    [
        # the owner's book: her clients and the cast's two
        ("owner", 20, 2),
        ("owner", 60, 2),
        # head office sees every client: the cast's three too
        ("head_office", 50, 3),
        ("head_office", 150, 3),
    ],
)
def test_the_export_costs_the_same_queries_whatever_the_number_of_clients(
    cast, persona, n, others, django_assert_max_num_queries
):
    bulk_book(cast, cast.owner, n)
    http = cast.http(persona)

    with django_assert_max_num_queries(EXPORT_QUERIES):
        rows = export_rows(http.get(URL))

    assert len(rows) == n + others
