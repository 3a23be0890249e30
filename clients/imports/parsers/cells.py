"""Checks every format shares on one cell: raw text in, a clean value or a RowRejected out."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.identities import normalize_identity
from clients.imports.report import RowRejected
from clients.models import IdentityKind

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FORMULA_START = ("=", "+", "-", "@")
TRUE = frozenset({"yes", "y", "true", "1", "oui", "x", "vrai"})
FALSE = frozenset({"no", "n", "false", "0", "non", "", "faux"})
MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("9999999999.99")
CENT = Decimal("0.01")


def text_value(value: str, *, column: str, max_length: int, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", value.strip())
    if not text:
        if required:
            raise RowRejected("missing_value", f"{column} is empty.", value)
        return ""
    if CONTROL_CHARACTERS.search(text):
        raise RowRejected(
            "control_characters", f"{column} holds control characters (tabs, line breaks...).", text
        )
    if len(text) > max_length:
        raise RowRejected("too_long", f"{column} is longer than {max_length} characters.", text)
    return text


def name_value(value: str, *, column: str) -> str:
    text = text_value(value, column=column, max_length=80, required=True)
    if text.startswith(FORMULA_START):
        raise RowRejected(
            "formula_like",
            f"{column} starts with {text[0]}, like a spreadsheet formula: not a name.",
            text,
        )
    return text


def bool_value(value: str, *, column: str) -> bool | None:
    text = value.strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False if text else None
    raise RowRejected("bad_boolean", f"{column} must be yes or no.", value)


def identity_value(kind: str, value: str, *, column: str, region: str = "") -> str:
    """A normalised identity; a phone in national format is read in `region` (ISO alpha-2)."""
    if not value.strip():
        return ""
    try:
        return normalize_identity(kind, value, region=region)
    except ValidationError:
        if kind == IdentityKind.EMAIL:
            raise RowRejected("bad_email", f"{column} is not an e-mail address.", value) from None
        if kind == IdentityKind.PHONE:
            raise RowRejected(
                "bad_phone",
                f"{column} is not a phone number of the client's country: write it as "
                "+33 1 23 45 67 89, or 01 23 45 67 89 for a client of a French boutique.",
                value,
            ) from None
        raise RowRejected(
            "bad_identifier", f"{column} is not a valid identifier (64 characters at most).", value
        ) from None


@dataclass(frozen=True)
class Boutiques:
    """The boutiques a row may name, loaded once per import: code -> (id, time zone)."""

    by_code: Mapping[str, tuple[int, str]]
    countries: Mapping[str, str] = field(default_factory=dict)  # code -> ISO alpha-2

    def country(self, code: str) -> str:
        """The boutique's country ("" when unknown): the region a national phone is read in."""
        return self.countries.get(code.strip().lower(), "")

    def get(self, code: str, *, column: str = "home_boutique") -> tuple[int, str]:
        key = code.strip().lower()
        if not key:
            raise RowRejected("missing_value", f"{column} is empty.", code)
        try:
            return self.by_code[key]
        except KeyError:
            known = ", ".join(sorted(self.by_code)[:12])
            raise RowRejected(
                "unknown_boutique",
                f"No boutique has the code in {column} (the codes are: {known}).",
                code,
            ) from None


def parse_datetime(value: str, *, column: str, tz: str) -> dt.datetime:
    text = value.strip()
    if not text:
        raise RowRejected("missing_value", f"{column} is empty.", value)
    try:
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RowRejected(
            "bad_date",
            f"{column} is not an ISO date and time (2026-03-14T15:30:00+01:00 or "
            "2026-03-14 15:30).",
            value,
        ) from None
    if parsed.tzinfo is None:
        try:
            parsed = parsed.replace(tzinfo=zoneinfo.ZoneInfo(tz))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            parsed = parsed.replace(tzinfo=dt.UTC)
    if parsed.year < 1900:
        raise RowRejected("bad_date", f"{column} is before 1900.", value)
    if parsed > timezone.now() + dt.timedelta(days=1):
        raise RowRejected("future_date", f"{column} is in the future.", value)
    return parsed


def parse_quantity(value: str, *, column: str = "quantity") -> int:
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        raise RowRejected(
            "bad_quantity", f"{column} must be a whole number of at least 1.", value
        ) from None
    if not math.isfinite(number) or number != int(number):
        raise RowRejected("bad_quantity", f"{column} must be a whole number.", value)
    if number < 1:
        raise RowRejected(
            "negative_quantity",
            f"{column} must be at least 1: returns and cancellations are not imported as "
            "negative lines.",
            value,
        )
    if number > MAX_QUANTITY:
        raise RowRejected("bad_quantity", f"{column} is above {MAX_QUANTITY:,}.", value)
    return int(number)


def parse_price(value: str, *, column: str = "unit_price") -> Decimal:
    text = value.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 2450,50 from a French spreadsheet
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise RowRejected(
            "bad_price", f"{column} must be an amount such as 2450.00.", value
        ) from None
    if not price.is_finite():
        raise RowRejected("bad_price", f"{column} must be an amount such as 2450.00.", value)
    price = price.quantize(CENT, rounding=ROUND_HALF_UP)
    if price <= 0:
        raise RowRejected(
            "zero_price",
            f"{column} is zero or negative: a free item, a fee or an adjustment, not a sale.",
            value,
        )
    if price > MAX_PRICE:
        raise RowRejected("bad_price", f"{column} is too large.", value)
    return price


def parse_currency(value: str) -> str:
    text = value.strip().upper()
    if not text:
        return str(settings.HOUSE_CURRENCY)
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise RowRejected("bad_currency", "currency must be a 3-letter code (EUR, GBP...).", value)
    return text
