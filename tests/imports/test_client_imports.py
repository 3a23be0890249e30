"""Importing clients from atelier CSV files: every dirty row is reported with its reason,
good rows are kept, nothing already stored is lost, and importing twice changes nothing.

The cast already holds Camille Laurent (camille.laurent@example.com, +33612345678),
whom the dirty fixture meets again.
"""

from __future__ import annotations

import gzip

import pytest

from clients.identities import identity_lookup_hash, normalize_identity
from clients.imports.report import ImportReport
from clients.models import Client, Identity, IdentityKind
from consent import policy
from consent.models import ConsentRecord, ConsentSource, ConsentTier
from stylists.selectors import book_of
from tests.imports.conftest import counts, fixture_bytes, rejected, run_import

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,email,phone,loyalty_id,home_boutique"


def client_with(kind: str, value: str) -> Client | None:
    digest = identity_lookup_hash(kind, normalize_identity(kind, value))
    identity = Identity.objects.filter(lookup_hash=digest).select_related("client").first()
    return identity.client if identity else None


def snapshot() -> dict[str, object]:
    """Everything an import could touch, to prove a second run changes nothing."""
    return {
        "clients": sorted(
            Client.objects.values_list(
                "pk",
                "first_name",
                "last_name",
                "home_boutique_id",
                "preferred_language",
                "salutation",
                "sizes",
                "is_vic",
            )
        ),
        "identities": sorted(
            Identity.objects.values_list("pk", "client_id", "kind", "lookup_hash")
        ),
        "consents": sorted(ConsentRecord.objects.values_list("pk", "client_id", "tier")),
    }


# --- The dirty fixture, row by row ----------------------------------------------------------

DIRTY_REJECTIONS = [
    (4, "bad_email"),  # not-an-email
    (5, "bad_phone"),  # 06 12: not international
    (6, "unknown_boutique"),  # london
    (7, "formula_like"),  # =cmd|' /C calc'!A0 as a first name
    (8, "duplicate_in_file"),  # Bérénice's e-mail again, in capitals
    (12, "no_identity"),  # no e-mail, phone or loyalty id
    (13, "bad_language"),  # xx
    (14, "bad_sizes"),  # size38
    (15, "bad_boolean"),  # vic = maybe
    (16, "consent_without_proof"),  # bespoke, with no proof
    (17, "wrong_field_count"),  # a short line
    (18, "nul_byte"),  # a NUL inside a name
    (20, "identity_taken"),  # Camille's phone under another name
    (21, "duplicate_in_file"),  # Bérénice's phone again
]


def test_each_dirty_client_row_is_rejected_with_its_own_reason(cast):
    report = run_import("clients_dirty.csv")

    assert report.ok, report.error
    assert sorted(rejected(report)) == DIRTY_REJECTIONS
    assert report.rows_read == 21
    assert report.rows_rejected == 14
    assert report.rows_skipped == 1  # the blank line 11
    assert report.rows_accepted == 6
    assert counts(report, "clients") == {"created": 5, "updated": 1, "skipped": 0, "rejected": 14}


def test_each_rejection_says_why_in_words_and_shows_the_offending_value(cast):
    report = run_import("clients_dirty.csv")
    by_line = {r.line: r for r in report.rejections}

    assert by_line[4].value == "not-an-email"
    assert "not an e-mail address" in by_line[4].reason
    assert "+33 1 23 45 67 89" in by_line[5].reason  # says how to write it
    assert "paris" in by_line[6].reason
    assert by_line[6].value == "london"
    assert by_line[8].reason == "The e-mail is already on line 2 of this file."
    assert "line 2" in by_line[21].reason
    assert "16" in by_line[17].reason  # the header has 16 fields
    assert "\x00" not in by_line[18].value


def test_the_good_dirty_rows_are_stored_exactly_as_written(cast):
    run_import("clients_dirty.csv")

    berenice = client_with(IdentityKind.EMAIL, "berenice.fontaine@example.com")
    assert berenice is not None
    assert (berenice.first_name, berenice.last_name, berenice.salutation) == (
        "Bérénice",
        "Fontaine",
        "Mme",
    )
    assert berenice.sizes == {"ready_to_wear": "38", "shoes": "38.5"}
    assert berenice.is_vic
    assert berenice.preferred_language == "fr"
    assert client_with(IdentityKind.PHONE, "+33611223344") == berenice
    soren = client_with(IdentityKind.EMAIL, "soren.aero@example.com")
    assert soren is not None
    assert soren.home_boutique == cast.milan
    assert soren.preferred_language == "en"
    assert soren.salutation == "M."
    sophie = client_with(IdentityKind.EMAIL, "sophie.long@example.com")
    assert sophie is not None
    assert sophie.last_name == "Long, Quoted"
    assert sophie.home_boutique == cast.paris  # "PARIS": codes ignore case
    for email in (
        "not-an-email",
        "hacker@example.com",
        "zoe.lambert@example.com",
        "ines.faure@example.com",
        "max@example.com",
        "anna.nul@example.com",
    ):
        assert not Identity.objects.filter(
            lookup_hash=identity_lookup_hash(IdentityKind.EMAIL, email)
        ).exists(), email
    assert not Client.objects.filter(first_name__startswith="=").exists()


def test_imported_consent_is_recorded_with_its_proof_and_the_import_as_source(cast):
    run_import("clients_dirty.csv")

    berenice = client_with(IdentityKind.EMAIL, "berenice.fontaine@example.com")
    record = ConsentRecord.objects.get(client=berenice)
    assert record.tier == ConsentTier.PERSONAL
    assert (record.email, record.sms, record.whatsapp, record.phone) == (True, False, False, True)
    assert record.source == ConsentSource.IMPORT
    assert "Paris boutique" in record.proof_text
    # Rows without consent columns filled: Essential, no channel (no record at all).
    soren = client_with(IdentityKind.EMAIL, "soren.aero@example.com")
    assert not ConsentRecord.objects.filter(client=soren).exists()
    assert policy.current_consent(soren).tier == ConsentTier.ESSENTIAL


def test_a_known_client_only_gains_what_she_lacks_and_keeps_everything_she_had(cast):
    camille = cast.client
    before_sizes = dict(camille.sizes)
    before_consent = list(ConsentRecord.objects.filter(client=camille).values_list("pk", "tier"))

    report = run_import("clients_dirty.csv")

    camille.refresh_from_db()
    assert counts(report, "clients")["updated"] == 1
    assert client_with(IdentityKind.LOYALTY, "LOY-1") == camille  # the loyalty id she lacked
    assert camille.sizes == {**before_sizes, "belt": "80"}  # a size added, none overwritten
    assert (camille.first_name, camille.last_name) == ("Camille", "Laurent")
    assert list(ConsentRecord.objects.filter(client=camille).values_list("pk", "tier")) == (
        before_consent
    )


def test_a_row_that_would_give_a_clients_phone_to_another_name_changes_nobody(cast):
    camille_identities = set(Identity.objects.filter(client=cast.client).values_list("pk", "kind"))

    run_import(f"{HEADER}\nInès,Faure,ines.faure@example.com,+33612345678,,paris\n".encode())

    assert client_with(IdentityKind.EMAIL, "ines.faure@example.com") is None
    assert set(Identity.objects.filter(client=cast.client).values_list("pk", "kind")) == (
        camille_identities
    )


def test_a_row_whose_identities_belong_to_two_different_clients_is_rejected(cast):
    report = run_import(
        f"{HEADER}\nCamille,Laurent,camille.laurent@example.com,,,paris\n".encode()
        + b"Chiara,Rossi,,,CHIARA-1,milan\n"
    )
    assert report.rows_rejected == 0
    report = run_import(
        f"{HEADER}\nCamille,Laurent,camille.laurent@example.com,,CHIARA-1,paris\n".encode()
    )

    assert rejected(report) == [(2, "identity_conflict")]


def test_a_known_client_met_under_a_different_spelling_of_her_name_is_still_recognised(cast):
    report = run_import(f"{HEADER}\nCAMILLE,laurent,Camille.Laurent@Example.com,,,paris\n".encode())

    assert report.rows_rejected == 0
    assert counts(report, "clients")["skipped"] == 1
    assert Client.objects.filter(last_name__iexact="laurent").count() == 1


# --- Idempotency -------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing_the_second_time(cast):
    run_import("clients_dirty.csv")
    before = snapshot()

    again = run_import("clients_dirty.csv")

    assert snapshot() == before
    assert again.rows_accepted == 0
    assert counts(again, "clients") == {"created": 0, "updated": 0, "skipped": 6, "rejected": 14}
    assert counts(again, "identities")["created"] == 0
    assert counts(again, "consents") == {"created": 0, "updated": 0, "skipped": 1, "rejected": 0}
    assert sorted(rejected(again)) == DIRTY_REJECTIONS  # the same rows, the same reasons


def test_a_later_file_never_overwrites_consent_already_recorded(cast):
    header = HEADER + ",consent_tier,consent_email,consent_sms,consent_proof"
    run_import(
        f"{header}\nAli,Ben,ali@example.com,,,paris,essential,no,no,Signed form 1\n".encode()
    )

    report = run_import(
        f"{header}\nAli,Ben,ali@example.com,,,paris,bespoke,yes,yes,Signed form 2\n".encode()
    )

    ali = client_with(IdentityKind.EMAIL, "ali@example.com")
    assert list(ConsentRecord.objects.filter(client=ali).values_list("tier", flat=True)) == [
        ConsentTier.ESSENTIAL
    ]
    assert counts(report, "consents")["skipped"] == 1


def test_a_file_with_consent_columns_is_refused_when_no_privacy_policy_is_published(db):
    from tests.factories.catalog import BoutiqueFactory

    BoutiqueFactory(code="paris")
    header = HEADER + ",consent_tier,consent_proof"

    report = run_import(f"{header}\nAli,Ben,ali@example.com,,,paris,personal,Form\n".encode())

    assert report.error_code == "no_policy"
    assert not Client.objects.exists()


# --- Encodings, delimiters, headers ------------------------------------------------------------


def test_a_utf8_file_with_a_bom_and_semicolons_is_read_with_its_accents(cast):
    report = run_import("clients_bom_semicolon.csv")

    assert (report.rows_accepted, report.rows_rejected) == (1, 0)
    assert report.delimiter == ";"
    assert report.encoding == "utf-8 (with BOM)"
    assert client_with(IdentityKind.EMAIL, "agnes.dubois@example.com").first_name == "Agnès"


def test_a_windows_1252_file_from_excel_is_read_with_its_accents(cast):
    report = run_import("clients_cp1252.csv")

    assert report.encoding == "cp1252"
    assert report.rows_accepted == 3
    assert client_with(IdentityKind.EMAIL, "berenice@example.com").first_name == "Bérénice"
    soren = client_with(IdentityKind.EMAIL, "soren@example.com")
    assert (soren.first_name, soren.last_name) == ("Søren", "Ærø")
    assert client_with(IdentityKind.EMAIL, "zoe@example.com").last_name == "Brontë-Æsir"


def test_a_utf8_file_with_one_bad_line_rejects_that_line_and_keeps_the_others(cast):
    report = run_import("clients_invalid_utf8.csv")

    assert rejected(report) == [(3, "bad_encoding")]
    assert "UTF-8" in report.rejections[0].reason
    assert "0xE9" in report.rejections[0].reason
    assert client_with(IdentityKind.EMAIL, "elodie@example.com").first_name == "Élodie"
    assert client_with(IdentityKind.EMAIL, "noemie@example.com").first_name == "Noémie"
    assert client_with(IdentityKind.EMAIL, "andre.gide@example.com") is None


def test_a_tab_separated_file_with_trailing_empty_columns_is_read(cast):
    report = run_import("clients_tab.csv")

    assert report.delimiter == "\t"
    assert report.as_dict()["delimiter"] == "tab"
    assert (report.rows_accepted, report.rows_rejected) == (1, 0)
    yuki = client_with(IdentityKind.PHONE, "+81 3 1234 5678")
    assert yuki is not None
    assert yuki.home_boutique == cast.milan


def test_a_wrong_header_refuses_the_whole_file_naming_every_problem_and_saves_nothing(cast):
    before = snapshot()

    report = run_import("clients_wrong_header.csv")

    assert not report.ok
    assert report.error_code == "bad_header"
    assert "“emial”" in report.error
    assert "“favourite_colour”" in report.error
    assert "missing column(s): last_name" in report.error
    assert "Nothing was imported" in report.error
    assert report.rows_read == 0
    assert snapshot() == before


def test_headers_are_matched_whatever_their_case_spacing_or_order(cast):
    report = run_import(
        b"Home Boutique, E-mail ,LAST_NAME,First Name\nparis,ok@example.com,Ok,Ana\n"
    )

    assert report.error_code == "bad_header"  # "e_mail" is not "email": named, not guessed
    report = run_import(
        b"Home Boutique, Email ,LAST_NAME,First Name\nparis,ok@example.com,Ok,Ana\n"
    )
    assert report.ok
    assert report.rows_accepted == 1


def test_an_orders_file_given_as_clients_is_refused_before_anything_is_written(cast):
    report = run_import("orders_dirty.csv")

    assert report.error_code == "bad_header"
    assert "not an atelier clients file" in report.error


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"\n\n  \n", "empty_file"),
        (b"PK\x03\x04 an xlsx workbook", "excel"),
        (b"\xd0\xcf\x11\xe0 an xls workbook", "excel"),
        ("first_name,last_name\n".encode("utf-16"), "utf16"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f binary", "binary"),
    ],
    ids=["zero-bytes", "blank-lines", "xlsx", "xls", "utf16", "binary"],
)
def test_a_file_that_is_not_csv_is_refused_with_a_sentence_and_nothing_is_written(cast, data, code):
    before = snapshot()

    report = run_import(data)

    assert report.error_code == code
    assert report.error.endswith(".")
    assert len(report.error) > 20
    assert snapshot() == before


def test_the_empty_fixture_is_refused_as_empty(cast):
    report = run_import("empty.csv")

    assert (report.error_code, report.error) == ("empty_file", "The file is empty (0 bytes).")


def test_a_header_without_rows_imports_nothing_and_says_so(cast):
    report = run_import(f"{HEADER}\n".encode())

    assert report.ok
    assert report.rows_read == 0
    assert any("no rows" in note for note in report.notes)


def test_a_gzipped_file_is_read_whatever_its_name(cast):
    report = run_import(gzip.compress(fixture_bytes("clients_cp1252.csv")))

    assert report.rows_accepted == 3


def test_an_unclosed_quote_rejects_the_rows_it_swallowed_and_keeps_the_rest(cast):
    data = (
        f'{HEADER}\nAna,Ok,ana@example.com,,,paris\n"Bad,Quote,bad@example.com,,,paris\n'.encode()
    )

    report = run_import(data)

    assert client_with(IdentityKind.EMAIL, "ana@example.com") is not None
    assert [code for _, code in rejected(report)] in (["bad_csv"], ["wrong_field_count"])
    assert client_with(IdentityKind.EMAIL, "bad@example.com") is None


def test_a_line_too_long_to_be_a_row_is_rejected_without_being_read(cast):
    long_name = "A" * 70_000
    data = f"{HEADER}\n{long_name},Long,long@example.com,,,paris\nAna,Ok,ana@example.com,,,paris\n"

    report = run_import(data.encode())

    assert rejected(report) == [(2, "line_too_long")]
    assert client_with(IdentityKind.EMAIL, "ana@example.com") is not None


# --- Dry run, book, report ---------------------------------------------------------------------


def test_a_dry_run_reports_exactly_what_a_real_run_would_do_and_saves_nothing(cast):
    before = snapshot()

    dry = run_import("clients_dirty.csv", dry_run=True)

    assert snapshot() == before
    real = run_import("clients_dirty.csv")
    assert dry.dry_run
    assert dry.summary_lines()[0].startswith("Dry run (nothing saved)")
    assert sorted(rejected(dry)) == sorted(rejected(real))
    assert counts(dry, "clients") == counts(real, "clients")


def test_new_clients_go_into_the_named_advisors_book(cast):
    from clients.imports.runs import book_hook

    run_import("clients_cp1252.csv", on_clients_created=book_hook(cast.colleague))

    book = set(book_of(cast.colleague).values_list("last_name", flat=True))
    assert book == {"Fontaine", "Ærø", "Brontë-Æsir"}


def test_the_stored_report_lists_rejections_in_file_order_with_counts_by_reason(cast):
    report = run_import("clients_dirty.csv")
    stored = report.as_dict()

    assert [r[0] for r in stored["rejections"]] == sorted(r[0] for r in stored["rejections"])
    assert stored["rejected_by_reason"]["duplicate_in_file"] == 2
    assert stored["rows"] == {"read": 21, "accepted": 6, "skipped": 1, "rejected": 14}
    assert not stored["rejections_truncated"]


def test_a_report_keeps_a_bounded_number_of_rejections_but_counts_them_all(cast):
    rows = "".join(f"X{i},Y,not-an-email-{i},,,paris\n" for i in range(30))

    report: ImportReport = run_import(f"{HEADER}\n{rows}".encode(), rejections_kept=10)

    assert report.rows_rejected == 30
    assert len(report.rejections) == 10
    assert report.as_dict()["rejections_truncated"] is True
    assert report.reasons["bad_email"] == 30


def test_rejected_values_are_shortened_and_stripped_of_control_characters(cast):
    name = "=" + "x" * 100
    report = run_import(f"{HEADER}\n{name},Y,y@example.com,,,paris\n".encode())

    value = report.rejections[0].value
    assert len(value) == 60
    assert value.endswith("…")


def test_batches_of_one_row_give_the_same_result_as_one_batch(cast):
    small = run_import("clients_dirty.csv", batch_rows=1, dry_run=True)
    whole = run_import("clients_dirty.csv", dry_run=True)

    assert sorted(rejected(small)) == sorted(rejected(whole))
    assert counts(small, "clients") == counts(whole, "clients")
