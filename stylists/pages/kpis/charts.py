"""The KPI page's charts: server-drawn SVG (no script) and the data Chart.js draws from."""

from __future__ import annotations

from typing import Any

from core.charts import Bar, bar_chart
from stylists.pages.kpis.figures import Figures, percent

EMPTY_CHART = {
    "buyers": "No purchase in this period.",
    "repeat": "No buyer in this period.",
    "requests": "No styling request in this period.",
}


def charts_of(months: list[Figures], scope: str) -> list[dict[str, Any]]:
    """Each chart twice over: an SVG (no script) and the data Chart.js draws from.

    The data goes to the page through json_script (static/js/kpi-charts.js reads it):
    labels, values (None = no data that month), whether values are shares, the title and
    a sentence for the canvas's accessible name. The month table keeps every figure.
    """
    specs: dict[str, tuple[str, str, list[float | None], list[str], float | None]] = {
        "buyers": (
            f"Buyers per month, {scope}",
            f"Clients with a completed purchase each month, {months[0].label} to "
            f"{months[-1].label}.",
            [float(m.buyers) for m in months],
            [str(m.buyers) for m in months],
            None,
        ),
        "repeat": (
            f"Returning buyers per month, {scope}",
            "Share of each month's buyers who had bought before or bought twice that month.",
            [m.repeat_rate for m in months],
            [percent(m.repeat_rate) for m in months],
            1.0,
        ),
        "requests": (
            f"Styling requests answered in time, {scope}",
            "Share of each month's styling requests answered by their due time "
            "(a gap: no request that month).",
            [m.requests_met_rate for m in months],
            [percent(m.requests_met_rate) for m in months],
            1.0,
        ),
    }
    charts = []
    for key, (title, about, values, texts, maximum) in specs.items():
        desc = f"{about} The table below gives every figure."
        bars = [Bar(m.label, v, t) for m, v, t in zip(months, values, texts, strict=True)]
        charts.append(
            {
                "key": key,
                "title": title,
                "svg": bar_chart(title, desc, bars, maximum=maximum),
                "data": {
                    "title": title,
                    "summary": f"{title}. {desc}",
                    "labels": [m.label for m in months],
                    "values": values,
                    "share": maximum == 1.0,
                    "empty": EMPTY_CHART[key] if all(v is None for v in values) else "",
                },
            }
        )
    return charts
