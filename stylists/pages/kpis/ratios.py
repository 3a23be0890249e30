"""A share of a whole and a mean per unit, or None when there is nothing to divide by."""

from __future__ import annotations

from decimal import Decimal


def share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def mean(total: Decimal, count: int) -> Decimal | None:
    """Whole euros, as the dashboards print money."""
    return (total / count).quantize(Decimal(1)) if count else None
