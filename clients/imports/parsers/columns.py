"""The column sets of each import format, and the header check that refuses a wrong file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clients.imports.reading import FileRefused
from clients.imports.retail_rules import ONLINE_RETAIL_COLUMNS


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
        "country",
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
    required=tuple(column.lower() for column in ONLINE_RETAIL_COLUMNS),
    optional=(),
)


def retail_header(name: str) -> str:
    """Online Retail column names compare case-insensitively ('invoiceno' = 'InvoiceNo')."""
    return name.strip().lower()


def check_header(header: Sequence[str], spec: ColumnSpec) -> dict[str, int]:
    """Column positions, or FileRefused naming every problem with the header at once."""
    named = [(position, name) for position, name in enumerate(header) if name]
    problems: list[str] = []
    positions: dict[str, int] = {}
    for position, name in named:
        if name in positions:
            problems.append(f"column “{name}” appears twice")
        positions.setdefault(name, position)
    unknown = [name for _, name in named if name not in spec.known]
    if unknown:
        problems.append(
            "unknown column(s): " + ", ".join(f"“{_short(name)}”" for name in unknown[:10])
        )
    missing = [name for name in spec.required if name not in positions]
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    problems.extend(_missing_companions(spec, positions))
    if problems:
        expected = ", ".join((*spec.required, *spec.optional))
        raise FileRefused(
            "bad_header",
            f"This is not an {spec.name} file: {'; '.join(problems)}. "
            f"Expected columns: {expected}. Nothing was imported.",
        )
    return positions


def _missing_companions(spec: ColumnSpec, positions: dict[str, int]) -> list[str]:
    """The spec's `one_of` and `together` rules the header breaks, in words."""
    problems: list[str] = []
    for group in spec.one_of:
        if not any(name in positions for name in group):
            problems.append("it needs at least one of the columns " + ", ".join(group))
    for trigger, needed in spec.together:
        if any(name in positions for name in trigger):
            lacking = [name for name in needed if name not in positions]
            if lacking:
                problems.append(
                    "consent columns need " + ", ".join(lacking) + " as well"
                    if "consent_tier" in trigger
                    else "missing " + ", ".join(lacking)
                )
    return problems


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"
