"""Row parsers: one CSV record in, a typed input or a RowRejected out. No database access.

The column sets of each format (docs/imports.md) and their header check live
here too. Parsers see the boutiques (code -> id, time zone), loaded once by the
caller, and nothing else of the database; everything a row can get wrong
becomes a RowRejected with a code and a sentence, never another exception.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.imports.reading import FileRefused
from clients.imports.report import RowRejected
from clients.imports.retail_rules import (
    ONLINE_RETAIL_COLUMNS,
    RetailRow,
    online_retail_row,
)
from clients.models import IdentityKind, OrderChannel, Salutation
from clients.services import normalize_identity

# --- Column sets ------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # "atelier clients"
    required: tuple[str, ...]
    optional: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one column of each group
    together: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # if any, then all

    @property
    def known(self) -> frozenset[str]:
        return frozenset((*self.required, *self.optional))


CONSENT_CHANNEL_COLUMNS = ("consent_email", "consent_sms", "consent_whatsapp", "consent_phone")
CLIENT_COLUMNS = ColumnSpec(
    name="atelier clients",
    required=("first_name", "last_name", "home_boutique"),
    optional=(
        "email",
        "phone",
        "loyalty_id",
        "preferred_language",
        "salutation",
        "sizes",
        "vic",
        "consent_tier",
        *CONSENT_CHANNEL_COLUMNS,
        "consent_proof",
    ),
    one_of=(("email", "phone", "loyalty_id"),),
    together=(
        (("consent_tier", *CONSENT_CHANNEL_COLUMNS, "consent_proof"), ("consent_tier",)),
        (("consent_tier", *CONSENT_CHANNEL_COLUMNS, "consent_proof"), ("consent_proof",)),
    ),
)
ORDER_COLUMNS = ColumnSpec(
    name="atelier orders",
    required=("external_ref", "placed_at", "channel", "quantity", "unit_price"),
    optional=("client_email", "client_loyalty_id", "boutique", "style_code", "sku", "currency"),
    one_of=(("client_email", "client_loyalty_id"), ("style_code", "sku")),
)
RETAIL_COLUMNS = ColumnSpec(
    name="Online Retail",
    required=tuple(c.lower() for c in ONLINE_RETAIL_COLUMNS),
    optional=(),
)


def retail_header(name: str) -> str:
    """Online Retail column names compare case-insensitively ('invoiceno' = 'InvoiceNo')."""
    return name.strip().lower()


def check_header(header: Sequence[str], spec: ColumnSpec) -> dict[str, int]:
    """Column positions, or FileRefused naming every problem with the header at once."""
    named = [(i, name) for i, name in enumerate(header) if name]
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, name in named:
        if name in seen:
            problems.append(f"column “{name}” appears twice")
        seen.setdefault(name, i)
    unknown = [name for _, name in named if name not in spec.known]
    if unknown:
        problems.append("unknown column(s): " + ", ".join(f"“{_short(n)}”" for n in unknown[:10]))
    missing = [name for name in spec.required if name not in seen]
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    for group in spec.one_of:
        if not any(name in seen for name in group):
            problems.append("it needs at least one of the columns " + ", ".join(group))
    for trigger, needed in spec.together:
        if any(name in seen for name in trigger):
            lacking = [name for name in needed if name not in seen]
            if lacking:
                problems.append(
                    "consent columns need " + ", ".join(lacking) + " as well"
                    if "consent_tier" in trigger
                    else "missing " + ", ".join(lacking)
                )
    if problems:
        expected = ", ".join((*spec.required, *spec.optional))
        raise FileRefused(
            "bad_header",
            f"This is not an {spec.name} file: {'; '.join(problems)}. "
            f"Expected columns: {expected}. Nothing was imported.",
        )
    return seen


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


# --- Shared value checks -----------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FORMULA_START = ("=", "+", "-", "@")
TRUE = frozenset({"yes", "y", "true", "1", "oui", "x", "vrai"})
FALSE = frozenset({"no", "n", "false", "0", "non", "", "faux"})
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
MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("9999999999.99")
CENT = Decimal("0.01")


def text_value(value: str, *, column: str, max_length: int, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", value.strip())
    if not text:
        if required:
            raise RowRejected("missing_value", f"{column} is empty.", value)
        return ""
    if _CONTROL.search(text):
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


def identity_value(kind: str, value: str, *, column: str) -> str:
    if not value.strip():
        return ""
    try:
        return normalize_identity(kind, value)
    except ValidationError:
        if kind == IdentityKind.EMAIL:
            raise RowRejected("bad_email", f"{column} is not an e-mail address.", value) from None
        if kind == IdentityKind.PHONE:
            raise RowRejected(
                "bad_phone",
                f"{column} is not an international phone number: write it as +33 1 23 45 67 89.",
                value,
            ) from None
        raise RowRejected(
            "bad_identifier", f"{column} is not a valid identifier (64 characters at most).", value
        ) from None


# --- The atelier client format -----------------------------------------------------------


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


@dataclass(frozen=True)
class Boutiques:
    """The boutiques a row may name, loaded once per import: code -> (id, time zone)."""

    by_code: Mapping[str, tuple[int, str]]

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


def parse_sizes(value: str) -> dict[str, str]:
    """'ready_to_wear=38;shoes=38.5' -> {'ready_to_wear': '38', 'shoes': '38.5'}."""
    sizes: dict[str, str] = {}
    text = value.strip()
    if not text:
        return sizes
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, size = part.partition("=")
        key, size = key.strip().lower(), size.strip()
        if not sep or not SIZE_KEY.match(key) or not size or len(size) > 16:
            raise RowRejected(
                "bad_sizes", "sizes must look like ready_to_wear=38;shoes=38.5.", value
            )
        if _CONTROL.search(size) or size.startswith(FORMULA_START[0]):
            raise RowRejected("bad_sizes", "sizes hold characters a size cannot have.", value)
        sizes[key] = size
    if len(sizes) > 12:
        raise RowRejected("bad_sizes", "At most 12 sizes per client.", value)
    return sizes


LANGUAGES = {code.lower(): code for code, _ in settings.CLIENT_LANGUAGES}


def parse_client(
    line: int, row: Mapping[str, str], *, boutiques: Boutiques, consent_columns: bool
) -> ClientInput:
    """One atelier client row (column name -> raw text) as a ClientInput, or RowRejected."""
    first_name = name_value(row.get("first_name", ""), column="first_name")
    last_name = name_value(row.get("last_name", ""), column="last_name")
    email = identity_value(IdentityKind.EMAIL, row.get("email", ""), column="email")
    phone = identity_value(IdentityKind.PHONE, row.get("phone", ""), column="phone")
    loyalty = identity_value(IdentityKind.LOYALTY, row.get("loyalty_id", ""), column="loyalty_id")
    if not (email or phone or loyalty):
        raise RowRejected(
            "no_identity",
            "The client needs an e-mail, a phone or a loyalty id, so that the house (and the "
            "next import) can recognise them.",
            f"{first_name} {last_name}",
        )
    boutique_id, _ = boutiques.get(row.get("home_boutique", ""))
    language_text = row.get("preferred_language", "").strip().lower()
    language = LANGUAGES.get(language_text or "en")
    if language is None:
        raise RowRejected(
            "bad_language",
            "preferred_language must be one of " + ", ".join(LANGUAGES.values()) + ".",
            language_text,
        )
    salutation_text = row.get("salutation", "").strip()
    salutation = ""
    if salutation_text:
        found = SALUTATIONS.get(salutation_text.lower())
        if found is None:
            raise RowRejected(
                "bad_salutation", "salutation must be Mme, M., Mx or Dr.", salutation_text
            )
        salutation = found.value
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


TIERS = ("essential", "personal", "bespoke")


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


# --- The atelier order format ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderLineInput:
    line: int
    external_ref: str
    client_kind: str
    client_value: str
    placed_at: dt.datetime
    channel: str
    boutique_id: int | None
    style_code: str
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str

    @property
    def order_key(self) -> tuple[object, ...]:
        """What every line of one order must share."""
        return (
            self.client_kind,
            self.client_value,
            self.placed_at,
            self.channel,
            self.boutique_id,
            self.currency,
        )


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


def parse_order_line(line: int, row: Mapping[str, str], *, boutiques: Boutiques) -> OrderLineInput:
    """One atelier order row as an OrderLineInput, or RowRejected."""
    ref = text_value(
        row.get("external_ref", ""), column="external_ref", max_length=64, required=True
    )
    email = identity_value(IdentityKind.EMAIL, row.get("client_email", ""), column="client_email")
    loyalty = identity_value(
        IdentityKind.LOYALTY, row.get("client_loyalty_id", ""), column="client_loyalty_id"
    )
    if not (email or loyalty):
        raise RowRejected(
            "no_client", "The line names no client (client_email or client_loyalty_id).", ref
        )
    channel = row.get("channel", "").strip().lower()
    if channel not in OrderChannel.values:
        raise RowRejected(
            "bad_channel", "channel must be boutique, online or phone.", row.get("channel", "")
        )
    boutique_id: int | None = None
    tz = str(settings.TIME_ZONE)
    if row.get("boutique", "").strip():
        boutique_id, tz = boutiques.get(row["boutique"], column="boutique")
    elif channel == OrderChannel.BOUTIQUE:
        raise RowRejected("boutique_required", "A boutique order needs the boutique's code.", ref)
    placed_at = parse_datetime(row.get("placed_at", ""), column="placed_at", tz=tz)
    style_code = text_value(row.get("style_code", ""), column="style_code", max_length=32)
    sku = text_value(row.get("sku", ""), column="sku", max_length=40)
    if not (style_code or sku):
        raise RowRejected("no_product", "The line names no product (style_code or sku).", ref)
    return OrderLineInput(
        line=line,
        external_ref=ref,
        client_kind=IdentityKind.EMAIL.value if email else IdentityKind.LOYALTY.value,
        client_value=email or loyalty,
        placed_at=placed_at,
        channel=channel,
        boutique_id=boutique_id,
        style_code=style_code,
        sku=sku,
        quantity=parse_quantity(row.get("quantity", "")),
        unit_price=parse_price(row.get("unit_price", "")),
        currency=parse_currency(row.get("currency", "")),
    )


# --- The raw Online Retail format --------------------------------------------------------

RETAIL_TIMEZONE = "Europe/London"  # the retailer's tills: InvoiceDate is UK local time
RETAIL_CURRENCY = "GBP"
RETAIL_REASONS: dict[str, tuple[str, str]] = {
    "malformed": (
        "malformed",
        "The line is short, or Quantity / UnitPrice is not a number.",
    ),
    "cancelled_invoice": ("cancelled_invoice", "A cancellation invoice."),
    "non_positive_quantity": (
        "stock_adjustment",
        "Quantity is zero or negative outside a cancellation (C) invoice: a stock adjustment, "
        "not a sale.",
    ),
    "missing_customer": (
        "missing_customer",
        "No CustomerID: the sale cannot be attached to a client.",
    ),
    "non_positive_price": (
        "zero_price",
        "UnitPrice is zero or negative: a free item, a fee or an adjustment, not a sale.",
    ),
    "non_product_code": (
        "non_product",
        "The StockCode is not a product (postage, carriage, fees, discounts, samples, "
        "manual entries or gift vouchers).",
    ),
}
_CANCEL_QUANTITY = (
    "cancellation_quantity",
    "A cancellation (C) invoice line must have a negative Quantity.",
)


@dataclass(frozen=True, slots=True)
class RetailLine:
    line: int
    invoice: str
    cancelled: bool
    customer: str  # the normalised POS identity
    country: str
    stock_code: str
    description: str
    quantity: int  # units, always positive (given back, for a cancellation)
    unit_price: Decimal
    placed_at: dt.datetime


class RetailParser:
    """Applies the shared Online Retail rules, then the import's own (whole units, dates)."""

    def __init__(self, header: Sequence[str]) -> None:
        canonical = {c.lower(): c for c in ONLINE_RETAIL_COLUMNS}
        self.col = {canonical[name]: i for i, name in enumerate(header) if name in canonical}
        self.width = len(header)
        self._tz = zoneinfo.ZoneInfo(RETAIL_TIMEZONE)
        self._dates: dict[str, dt.datetime] = {}

    def parse(self, line: int, values: list[str]) -> RetailLine:
        kept, reason = online_retail_row(values, self.col, self.width, keep_cancellations=True)
        if kept is None:
            assert reason is not None
            if reason == "non_positive_quantity" and values[self.col["InvoiceNo"]].strip()[:1] in (
                "C",
                "c",
            ):
                code, words = _CANCEL_QUANTITY
            else:
                code, words = RETAIL_REASONS[reason]
            raise RowRejected(code, words, _retail_value(values, self.col, reason))
        return self._line(line, kept, values)

    def _line(self, line: int, kept: RetailRow, values: list[str]) -> RetailLine:
        quantity = abs(kept.quantity)
        if not math.isfinite(quantity) or quantity != int(quantity) or quantity > MAX_QUANTITY:
            raise RowRejected("bad_quantity", "Quantity must be a whole number.", kept.quantity)
        price = parse_price(values[self.col["UnitPrice"]], column="UnitPrice")
        customer = identity_value(IdentityKind.POS, kept.customer, column="CustomerID")
        placed_at = self._date(kept.invoice_date)
        invoice = text_value(kept.invoice, column="InvoiceNo", max_length=64, required=True)
        return RetailLine(
            line=line,
            invoice=invoice.upper(),
            cancelled=kept.cancelled,
            customer=customer,
            country=kept.country[:80],
            stock_code=kept.stock_code,
            description=" ".join(kept.description.split()),
            quantity=int(quantity),
            unit_price=price,
            placed_at=placed_at,
        )

    def _date(self, text: str) -> dt.datetime:
        found = self._dates.get(text)
        if found is None:
            if len(self._dates) > 50_000:
                self._dates.clear()
            try:
                naive = dt.datetime.fromisoformat(text)
            except ValueError:
                raise RowRejected(
                    "bad_date", "InvoiceDate is not a date (YYYY-MM-DD HH:MM:SS).", text
                ) from None
            found = naive if naive.tzinfo else naive.replace(tzinfo=self._tz)
            self._dates[text] = found
        return found


def _retail_value(values: list[str], col: Mapping[str, int], reason: str) -> str:
    """The field a rejection is about (never the whole line: it may hold a CustomerID)."""
    column = {
        "cancelled_invoice": "InvoiceNo",
        "non_positive_quantity": "Quantity",
        "missing_customer": "InvoiceNo",
        "non_positive_price": "UnitPrice",
        "non_product_code": "StockCode",
    }.get(reason)
    if column is None or col.get(column, len(values)) >= len(values):
        return ",".join(values)[:60]
    return values[col[column]]
