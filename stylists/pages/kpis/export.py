"""The KPI page's tables as CSV rows (the export)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from stylists.pages.kpis.consultations import Credit
from stylists.pages.kpis.figures import Figures
from stylists.pages.kpis.page import KpiPage


def csv_rows(page: KpiPage) -> list[list[Any]]:
    """Every table of the page as CSV rows: the whole scope, each book, each month, each model.

    One header for all; a figure a scope does not have (a month's conversion, a model's
    buyers) is left empty.
    """
    header = [
        "scope",
        "label",
        "buyers",
        "repeat_rate",
        "one_time_buyer_rate",
        "orders",
        "average_order_value_eur",
        "retention",
        "lifetime_value_eur",
        "expected_12m_value_eur",
        "requests",
        "requests_met_rate",
        "consultations",
        "conversion_rate",
        "orders_attributed_to_outreach",
        "sales_attributed_to_outreach_eur",
        "pieces_drafted",
        "lookbook_acceptance_rate",
    ]

    def share(v: float | None) -> str:
        return "" if v is None else f"{v:.4f}"

    def amount(v: Decimal | None) -> Any:
        return "" if v is None else v

    def credit_cells(c: Credit) -> list[Any]:
        return [
            c.consultations,
            share(c.conversion),
            c.attributed_orders,
            c.attributed_sales,
            c.judged,
            share(c.acceptance),
        ]

    def row(kind: str, f: Figures, *, credited: bool = True) -> list[Any]:
        return [
            kind,
            f.label,
            f.buyers,
            share(f.repeat_rate),
            share(f.one_time_rate),
            f.orders,
            amount(f.average_order_value),
            share(f.retention),
            amount(f.lifetime_value),
            amount(f.expected_value),
            f.requests,
            share(f.requests_met_rate),
            *(credit_cells(f.credit) if credited else [""] * 6),
        ]

    rows = [header, row("total", page.total)]
    rows += [row("boutique", f) for f in page.boutiques]
    rows += [row("book", f) for f in page.books] if page.book is None else []
    rows += [row("month", f, credited=False) for f in page.months]
    rows += [
        ["model", label, *[""] * 14, c.judged, share(c.acceptance)] for label, c in page.models
    ]
    return rows
