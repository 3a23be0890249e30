"""Template filters for prices and dates in the reader's language (core.l10n does the work).

{% load atelier_l10n %}
{{ product|price }}  {% money amount "EUR" %}  {{ when|day }}  {{ when|long_date }}  {{ when|hm }}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language_info

from core.l10n import format_price, format_when

register = template.Library()


@register.filter
def price(product: Any) -> str:
    """A piece's price in the current language: `{{ product|price }}`."""
    return format_price(getattr(product, "price", None), getattr(product, "currency", "EUR"))


@register.simple_tag
def money(amount: Any, currency: str = "EUR") -> str:
    """Any amount in the current language: `{% money amount "EUR" %}`."""
    return format_price(amount, currency)


@register.filter
def day(value: Any) -> str:
    """Weekday, day and month: "Sunday 6 December", "dimanche 6 décembre"."""
    return format_when(value, "day")


@register.filter
def day_month(value: Any) -> str:
    """Day and month: "6 December", "12月6日"."""
    return format_when(value, "day_month")


@register.filter
def long_date(value: Any) -> str:
    """Day, month and year: "6 December 2026", "2026年12月6日"."""
    return format_when(value, "long_date")


@register.filter
def month_year(value: Any) -> str:
    return format_when(value, "month_year")


@register.filter
def hm(value: Any) -> str:
    """The time, on the 24-hour clock the house writes: "16:40"."""
    return format_when(value, "hm")


@register.filter
def day_time(value: Any) -> str:
    """Weekday, day, month and time: "Sunday 6 December · 16:40"."""
    if value in (None, ""):
        return ""
    return f"{format_when(value, 'day')} · {format_when(value, 'hm')}"


@register.filter
def language_list(codes: Any) -> str:
    """Languages, each in its own name, joined: `{{ advisor.languages|language_list }}`."""
    names = []
    for code in codes or []:
        try:
            names.append(get_language_info(str(code))["name_local"])
        except KeyError:
            names.append(str(code))
    return ", ".join(names)
