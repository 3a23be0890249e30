"""Phones are read by the `phonenumbers` library: international, 00-prefixed, or national
in the row's country or the home boutique's, and always stored in E.164."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from clients.identities import identity_lookup_hash, normalize_identity, phone_is_valid
from clients.models import Identity, IdentityKind
from tests.imports.conftest import rejected, run_import

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("+33 6 12 34 56 78", "", "+33612345678"),
        ("0033 6 12 34 56 78", "", "+33612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06.12.34.56.78", "fr", "+33612345678"),
        ("02 7600 1867", "IT", "+390276001867"),  # Italian numbers keep their 0
        ("03-3572-1867", "JP", "+81335721867"),
        ("(212) 555-0142", "US", "+12125550142"),
        ("+44 20 7946 0958", "IT", "+442079460958"),  # an international number ignores region
    ],
)
def test_a_phone_typed_any_way_is_stored_in_e164(typed, region, stored):
    assert normalize_identity(IdentityKind.PHONE, typed, region=region) == stored


@pytest.mark.parametrize(
    ("typed", "region", "words"),
    [
        ("06 12 34 56 78", "", "no country code"),
        ("06 12", "FR", "not a possible phone number"),
        ("call me", "FR", "not a phone number"),
    ],
)
def test_a_phone_that_cannot_be_read_says_why(typed, region, words):
    with pytest.raises(ValidationError, match=words):
        normalize_identity(IdentityKind.PHONE, typed, region=region)


def test_validity_is_stricter_than_possibility():
    assert phone_is_valid("+33612345678")
    assert not phone_is_valid("+33700000000")  # possible length, unallocated range


def test_a_national_phone_is_read_in_the_home_boutiques_country(cast):
    data = (
        b"first_name,last_name,phone,home_boutique\n"
        b"Jeanne,Dupont,06 11 22 33 44,paris\n"
        b"Giulia,Bianchi,347 123 4567,milan\n"
    )

    report = run_import(data)

    assert report.ok
    assert rejected(report) == []
    assert set(Identity.objects.filter(kind="phone").values_list("value", flat=True)) >= {
        "+33611223344",
        "+393471234567",
    }


def test_the_rows_country_wins_over_the_boutiques(cast):
    data = b"first_name,last_name,phone,country,home_boutique\nEmma,Clarke,07700 900123,GB,paris\n"

    report = run_import(data)

    assert rejected(report) == []
    digest = identity_lookup_hash(IdentityKind.PHONE, "+447700900123")
    assert Identity.objects.filter(kind="phone", lookup_hash=digest).exists()


def test_a_known_client_typed_the_national_way_is_recognised(cast):
    # Camille is stored as +33612345678; the file writes her number the French way.
    data = "first_name,last_name,phone,home_boutique\nCamille,Laurent,06 12 34 56 78,paris\n"

    report = run_import(data.encode())

    assert rejected(report) == []
    assert report.entities["clients"].created == 0
