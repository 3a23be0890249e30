"""Short, calm relative dates for the dashboard: "3 days ago", "in 2 weeks" (one unit only)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()

_UNITS = ((365, "year"), (30, "month"), (7, "week"), (1, "day"))


def _span(days: int) -> str:
    for size, name in _UNITS:
        if days >= size:
            count = days // size
            return f"{count} {name}{'s' if count != 1 else ''}"
    return ""


@register.filter
def since(value: dt.datetime | dt.date | None) -> str:
    """'today', 'yesterday', '3 days ago', '2 months ago' (or 'in 3 days' for the future)."""
    if value is None:
        return ""
    day = timezone.localdate(value) if isinstance(value, dt.datetime) else value
    days = (timezone.localdate() - day).days
    if days == 0:
        if isinstance(value, dt.datetime):
            minutes = int((timezone.now() - value).total_seconds() // 60)
            if 0 <= minutes < 60:
                return "just now" if minutes < 2 else f"{minutes} min ago"
            if 0 <= minutes < 24 * 60:
                return f"{minutes // 60} h ago"
        return "today"
    if days == 1:
        return "yesterday"
    if days == -1:
        return "tomorrow"
    return f"{_span(days)} ago" if days > 0 else f"in {_span(-days)}"
