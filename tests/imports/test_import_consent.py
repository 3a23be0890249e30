"""Consent in a file for a client the house already knows: the stricter of what is stored
and what the file says wins, per data kind (tier) and per channel, as a new record."""

from __future__ import annotations

import pytest

from clients.models import Client
from consent import policy
from consent.models import ConsentRecord, ConsentSource, ConsentTier
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory
from tests.imports.conftest import rejected, run_import

pytestmark = pytest.mark.django_db

HEADER = (
    "first_name,last_name,email,home_boutique,consent_tier,consent_email,consent_sms,"
    "consent_whatsapp,consent_phone,consent_proof"
)


def camille_row(tier: str, *, email: str = "", sms: str = "", whatsapp: str = "") -> bytes:
    row = (
        f"Camille,Laurent,camille.laurent@example.com,paris,{tier},{email},{sms},{whatsapp},,"
        "Form signed in boutique 2026-11-02"
    )
    return f"{HEADER}\n{row}\n".encode()


def bespoke_everywhere(cast) -> None:
    ConsentRecordFactory(
        client=cast.client,
        tier=ConsentTier.BESPOKE,
        email=True,
        sms=True,
        whatsapp=True,
        policy_version=cast.policy,
    )


def test_an_opt_out_in_the_file_narrows_the_known_clients_consent(cast):
    # Given Camille, Bespoke on e-mail, SMS and WhatsApp
    bespoke_everywhere(cast)

    # When a file says Personal, e-mail and WhatsApp only
    report = run_import(camille_row("personal", email="yes", whatsapp="yes"))

    # Then her consent is the stricter: Personal, e-mail and WhatsApp (SMS off)
    assert rejected(report) == []
    state = policy.current_consent(cast.client)
    assert state.tier == ConsentTier.PERSONAL
    assert state.channels == {"email", "whatsapp"}
    newest = ConsentRecord.objects.filter(client=cast.client).first()
    assert newest.source == ConsentSource.IMPORT
    assert "line 2" in newest.note
    assert newest.proof_text == "Form signed in boutique 2026-11-02"
    assert report.entities["consents"].created == 1
    assert report.entities["clients"].updated == 1


def test_the_stricter_is_per_channel_even_when_the_file_has_a_higher_tier(cast):
    # Given Camille, Personal on e-mail only (from the cast, plus e-mail)
    ConsentRecordFactory(client=cast.client, tier=ConsentTier.PERSONAL, email=True)

    # When a file says Bespoke with SMS but no e-mail
    run_import(camille_row("bespoke", sms="yes"))

    # Then the tier stays Personal and no channel is left: e-mail is off, SMS never was on
    state = policy.current_consent(cast.client)
    assert state.tier == ConsentTier.PERSONAL
    assert state.channels == frozenset()


def test_a_file_never_widens_a_known_clients_consent(cast):
    # Given Camille, Personal on e-mail
    ConsentRecordFactory(client=cast.client, tier=ConsentTier.PERSONAL, email=True)
    records_before = ConsentRecord.objects.filter(client=cast.client).count()

    # When a file says Bespoke on e-mail, SMS and WhatsApp
    report = run_import(camille_row("bespoke", email="yes", sms="yes", whatsapp="yes"))

    # Then nothing is recorded: what is stored already is the stricter
    assert ConsentRecord.objects.filter(client=cast.client).count() == records_before
    assert report.entities["consents"].skipped == 1
    assert policy.current_consent(cast.client).tier == ConsentTier.PERSONAL


def test_a_known_client_with_no_consent_yet_takes_the_files_as_her_first(cast):
    jeanne = ClientFactory(
        first_name="Jeanne",
        last_name="Dupont",
        email="jeanne@example.com",
        home_boutique=cast.paris,
    )
    data = f"{HEADER}\nJeanne,Dupont,jeanne@example.com,paris,personal,yes,,,,Signed 2026-11-02\n"

    run_import(data.encode())

    state = policy.current_consent(jeanne)
    assert state.has_record
    assert state.tier == ConsentTier.PERSONAL
    assert state.channels == {"email"}
    assert Client.objects.filter(last_name="Dupont").count() == 1


def test_a_dry_run_reports_the_narrowing_and_records_nothing(cast):
    bespoke_everywhere(cast)
    records_before = ConsentRecord.objects.count()

    report = run_import(camille_row("essential"), dry_run=True)

    assert report.entities["consents"].created == 1
    assert ConsentRecord.objects.count() == records_before
