"""Parse one atelier client row into a ClientInput: identities, boutique, sizes, consent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings

from clients.imports.parsers.cells import (
    CONTROL_CHARACTERS,
    FORMULA_START,
    Boutiques,
    bool_value,
    identity_value,
    name_value,
    text_value,
)
from clients.imports.parsers.columns import CONSENT_CHANNEL_COLUMNS
from clients.imports.report import RowRejected
from clients.models import IdentityKind, Salutation

SALUTATIONS = {
    "mme": Salutation.MADAME,
    "madame": Salutation.MADAME,
    "mrs": Salutation.MADAME,
    "ms": Salutation.MADAME,
    "m.": Salutation.MONSIEUR,
    "m": Salutation.MONSIEUR,
    "monsieur": Salutation.MONSIEUR,
    "mr": Salutation.MONSIEUR,
    "mr.": Salutation.MONSIEUR,
    "mx": Salutation.MX,
    "dr": Salutation.DOCTOR,
    "dr.": Salutation.DOCTOR,
    "doctor": Salutation.DOCTOR,
}
SIZE_KEY = re.compile(r"^[a-z][a-z_]{0,29}$")
LANGUAGES = {code.lower(): code for code, _ in settings.CLIENT_LANGUAGES}
TIERS = ("essential", "personal", "bespoke")


@dataclass(frozen=True, slots=True)
class ConsentInput:
    tier: str
    channels: frozenset[str]
    proof: str


@dataclass(frozen=True, slots=True)
class ClientInput:
    line: int
    first_name: str
    last_name: str
    boutique_id: int
    email: str = ""
    phone: str = ""
    loyalty: str = ""
    language: str = "en"
    salutation: str = ""
    sizes: dict[str, str] = field(default_factory=dict)
    is_vic: bool | None = None
    consent: ConsentInput | None = None

    def identities(self) -> list[tuple[str, str]]:
        """(kind, normalised value) for each identity the row carries."""
        pairs = [
            (IdentityKind.EMAIL.value, self.email),
            (IdentityKind.PHONE.value, self.phone),
            (IdentityKind.LOYALTY.value, self.loyalty),
        ]
        return [(kind, value) for kind, value in pairs if value]


def parse_client(
    line: int, row: Mapping[str, str], *, boutiques: Boutiques, consent_columns: bool
) -> ClientInput:
    """One atelier client row (column name -> raw text) as a ClientInput, or RowRejected."""
    first_name = name_value(row.get("first_name", ""), column="first_name")
    last_name = name_value(row.get("last_name", ""), column="last_name")
    email = identity_value(IdentityKind.EMAIL, row.get("email", ""), column="email")
    boutique_code = row.get("home_boutique", "")
    # A phone typed the national way ("06 12 34 56 78") is read in the row's country,
    # else in the country of the client's home boutique.
    region = text_value(row.get("country", ""), column="country", max_length=2).upper()
    region = region or boutiques.country(boutique_code)
    phone = identity_value(IdentityKind.PHONE, row.get("phone", ""), column="phone", region=region)
    loyalty = identity_value(IdentityKind.LOYALTY, row.get("loyalty_id", ""), column="loyalty_id")
    if not (email or phone or loyalty):
        raise RowRejected(
            "no_identity",
            "The client needs an e-mail, a phone or a loyalty id, so that the house (and the "
            "next import) can recognise them.",
            f"{first_name} {last_name}",
        )
    boutique_id, _ = boutiques.get(boutique_code)
    language = parse_language(row.get("preferred_language", ""))
    salutation = parse_salutation(row.get("salutation", ""))
    sizes = parse_sizes(row.get("sizes", ""))
    is_vic = bool_value(row.get("vic", ""), column="vic")
    consent = parse_consent(row) if consent_columns else None
    return ClientInput(
        line=line,
        first_name=first_name,
        last_name=last_name,
        boutique_id=boutique_id,
        email=email,
        phone=phone,
        loyalty=loyalty,
        language=language,
        salutation=salutation,
        sizes=sizes,
        is_vic=is_vic,
        consent=consent,
    )


def parse_language(value: str) -> str:
    """preferred_language as one of the house's language codes (English when empty)."""
    language_text = value.strip().lower()
    language = LANGUAGES.get(language_text or "en")
    if language is None:
        raise RowRejected(
            "bad_language",
            "preferred_language must be one of " + ", ".join(LANGUAGES.values()) + ".",
            language_text,
        )
    return language


def parse_salutation(value: str) -> str:
    """'Mme', 'Mr.', 'Dr' ... as a Salutation value ('' when empty)."""
    salutation_text = value.strip()
    if not salutation_text:
        return ""
    found = SALUTATIONS.get(salutation_text.lower())
    if found is None:
        raise RowRejected(
            "bad_salutation", "salutation must be Mme, M., Mx or Dr.", salutation_text
        )
    return found.value


def parse_sizes(value: str) -> dict[str, str]:
    """'ready_to_wear=38;shoes=38.5' -> {'ready_to_wear': '38', 'shoes': '38.5'}."""
    sizes: dict[str, str] = {}
    text = value.strip()
    if not text:
        return sizes
    for part in text.split(";"):
        if not part.strip():
            continue
        key, separator, size = part.partition("=")
        key, size = key.strip().lower(), size.strip()
        if not separator or not SIZE_KEY.match(key) or not size or len(size) > 16:
            raise RowRejected(
                "bad_sizes", "sizes must look like ready_to_wear=38;shoes=38.5.", value
            )
        if CONTROL_CHARACTERS.search(size) or size.startswith(FORMULA_START[0]):
            raise RowRejected("bad_sizes", "sizes hold characters a size cannot have.", value)
        sizes[key] = size
    if len(sizes) > 12:
        raise RowRejected("bad_sizes", "At most 12 sizes per client.", value)
    return sizes


def parse_consent(row: Mapping[str, str]) -> ConsentInput | None:
    """The consent the row proves, or None (then the client is Essential with no channels)."""
    tier = row.get("consent_tier", "").strip().lower()
    channels = frozenset(
        column.removeprefix("consent_")
        for column in CONSENT_CHANNEL_COLUMNS
        if bool_value(row.get(column, ""), column=column)
    )
    proof = row.get("consent_proof", "").strip()
    if not tier:
        if channels or proof:
            raise RowRejected(
                "consent_without_tier",
                "Consent channels or proof are given without a consent_tier.",
                tier,
            )
        return None
    if tier not in TIERS:
        raise RowRejected(
            "bad_consent_tier", "consent_tier must be essential, personal or bespoke.", tier
        )
    if not proof:
        raise RowRejected(
            "consent_without_proof",
            "Consent needs consent_proof: the words the client agreed to, and when.",
            tier,
        )
    proof = text_value(proof, column="consent_proof", max_length=2000)
    return ConsentInput(tier=tier, channels=channels, proof=proof)
