"""A client's identity values in canonical form, and the keyed hash that finds them again.

Pure functions (no query, no write): the services that store identities, the
imports that match them and the book search that looks one up all use these,
so "+33 6 12…" and "0033612…" are the same person everywhere.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from clients.models import IdentityKind
from core import crypto

PHONE_HINT = "write it as +33 1 23 45 67 89, or in the national format of the client's country"


def normalize_phone(value: str, *, region: str = "") -> str:
    """E.164 for a phone typed any way: "+33 6 12…", "0033 6 12…", or "06 12…" read in `region`.

    The `phonenumbers` library (Google's libphonenumber metadata) decides: a number
    must be *possible* for its country (right length, known calling code). Validity
    (an allocated range) is stricter and is reported by data quality, not refused
    here, so a new range or a reserved drama number is never lost at the door.
    """
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:].lstrip()
    country = (region or "").upper() or None
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else country)
    except phonenumbers.NumberParseException:
        if country is None and not text.startswith("+"):
            raise ValidationError(
                f"{value!r} has no country code and no country is known: {PHONE_HINT}."
            ) from None
        raise ValidationError(f"{value!r} is not a phone number: {PHONE_HINT}.") from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValidationError(f"{value!r} is not a possible phone number: {PHONE_HINT}.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_is_valid(normalized: str) -> bool:
    """True when an E.164 number is in an allocated range (data quality's validity check)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(normalized, None))
    except phonenumbers.NumberParseException:
        return False


def normalize_identity(kind: str, value: str, *, region: str = "") -> str:
    """The canonical form of an identity value; ValidationError with a clear message if bad.

    `region` (ISO 3166 alpha-2: the row's or the boutique's country) reads a phone
    written the national way ("06 12 34 56 78" in FR).
    """
    value = (value or "").strip()
    if not value:
        raise ValidationError("This value is empty.")
    if kind == IdentityKind.EMAIL:
        value = value.lower()
        validate_email(value)
        return value
    if kind == IdentityKind.PHONE:
        return normalize_phone(value, region=region)
    if kind in (IdentityKind.LOYALTY, IdentityKind.POS, IdentityKind.DEVICE):
        compact = re.sub(r"\s", "", value).upper()
        if len(compact) > 64:
            raise ValidationError("Identifiers are at most 64 characters.")
        return compact
    raise ValidationError(f"Unknown identity kind {kind!r}.")


def identity_lookup_hash(kind: str, normalized: str) -> str:
    return crypto.lookup_hash(f"identity:{kind}", normalized)
