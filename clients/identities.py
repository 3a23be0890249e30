"""A client's identity values in canonical form, and the keyed hash that finds them again.

Pure functions (no query, no write): the services that store identities, the
imports that match them and the book search that looks one up all use these,
so "+33 6 12…" and "0033612…" are the same person everywhere.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from clients.models import IdentityKind
from core import crypto

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def normalize_identity(kind: str, value: str) -> str:
    """The canonical form of an identity value; ValidationError with a clear message if bad."""
    value = (value or "").strip()
    if not value:
        raise ValidationError("This value is empty.")
    if kind == IdentityKind.EMAIL:
        value = value.lower()
        validate_email(value)
        return value
    if kind == IdentityKind.PHONE:
        compact = re.sub(r"[\s\-().]", "", value)
        if compact.startswith("00"):
            compact = "+" + compact[2:]
        if not E164.match(compact):
            raise ValidationError(
                f"{value!r} is not an international phone number: write it as +33 1 23 45 67 89."
            )
        return compact
    if kind in (IdentityKind.LOYALTY, IdentityKind.POS, IdentityKind.DEVICE):
        compact = re.sub(r"\s", "", value).upper()
        if len(compact) > 64:
            raise ValidationError("Identifiers are at most 64 characters.")
        return compact
    raise ValidationError(f"Unknown identity kind {kind!r}.")


def identity_lookup_hash(kind: str, normalized: str) -> str:
    return crypto.lookup_hash(f"identity:{kind}", normalized)
