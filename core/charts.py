"""Accessible bar charts as server-rendered SVG (no script, no CDN).

Each chart is an <svg role="img"> with <title> and <desc> (aria-labelledby both),
its bars carry their own <title> (a tooltip and an accessible name), and the page
shows the same figures as a table beside it: the chart is a picture of the table,
never the only place a number lives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
HEIGHT = 220
LEFT = 44
BOTTOM = 28
TOP = 12
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no data for this bar (drawn as a gap, said in words)
    text: str  # the value as shown ("62%", "€1,200")


def _nice_max(values: Sequence[float]) -> float:
    top = max(values, default=0.0)
    if top <= 0:
        return 1.0
    for step in (1, 2, 2.5, 5):
        for power in range(-2, 12):
            candidate = step * 10**power
            if candidate >= top:
                return float(candidate)
    return float(top)


def bar_chart(
    title: str, desc: str, bars: Sequence[Bar], *, maximum: float | None = None
) -> SafeString:
    """An SVG bar chart; `maximum` fixes the scale (1.0 for shares), else a round top."""
    uid = f"chart-{next(_ids)}"
    known = [bar.value for bar in bars if bar.value is not None]
    top = maximum if maximum is not None else _nice_max(known)
    plot_w = WIDTH - LEFT - 8
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(bars), 1)
    bar_w = max(slot * 0.6, 2)
    rects = []
    for i, bar in enumerate(bars):
        x = LEFT + i * slot + (slot - bar_w) / 2
        label_x = LEFT + i * slot + slot / 2
        if bar.value is None:
            rects.append(
                format_html(
                    '<text x="{}" y="{}" class="chart__none" text-anchor="middle">–</text>',
                    f"{label_x:.1f}",
                    f"{TOP + plot_h - 4:.1f}",
                )
            )
        else:
            h = plot_h * min(bar.value / top, 1.0) if top else 0
            rects.append(
                format_html(
                    '<rect class="chart__bar" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}: {}</title></rect>",
                    f"{x:.1f}",
                    f"{TOP + plot_h - h:.1f}",
                    f"{bar_w:.1f}",
                    f"{h:.1f}",
                    bar.label,
                    bar.text,
                )
            )
        every = max(1, len(bars) // 12)
        if i % every == 0:
            rects.append(
                format_html(
                    '<text x="{}" y="{}" class="chart__label" text-anchor="middle">{}</text>',
                    f"{label_x:.1f}",
                    f"{HEIGHT - 8:.1f}",
                    bar.label,
                )
            )
    axis = format_html(
        '<line class="chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<text x="{}" y="{}" class="chart__label" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" class="chart__label" text-anchor="end">0</text>',
        LEFT,
        TOP + plot_h,
        WIDTH - 8,
        TOP + plot_h,
        LEFT - 6,
        TOP + 8,
        _scale_text(top, maximum),
        LEFT - 6,
        TOP + plot_h,
    )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>'
        "{}{}</svg>",
        WIDTH,
        HEIGHT,
        uid,
        uid,
        uid,
        title,
        uid,
        desc,
        axis,
        format_html_join("", "{}", ((r,) for r in rects)),
    )


def _scale_text(top: float, maximum: float | None) -> str:
    if maximum == 1.0:
        return "100%"
    return f"{top:,.0f}"
