"""The shell's small marks, drawn in Python: avatars and badges.

A builtin library (settings TEMPLATES "builtins"), so no template loads it:

    {% avatar name=client.full_name size="sm" decorative=True %}
    {% tier_badge tier=client.consent_tier %}
    {% status_badge status=lookbook.status label=lookbook.get_status_display %}

They were `{% include %}` partials. A table of fifty clients drew a hundred of them,
each a context push, a template render and a dozen filters: a tag is one function
call. The markup is the partials' own, character for character
(tests/foundation/test_ui_tags.py).
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.conf import settings
from django.template import engines
from django.template.backends.utils import csrf_input_lazy
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clienteling.house_words import house_word as _house_word
from core.dates import format_date

register = template.Library()

# Constant markup (nothing of the caller's in it), drawn once per language: the client's
# privacy centre shows her tier in her language ("Personnel"), the dashboard in English.
_TIER_WORDS = {
    "bespoke": (_("Bespoke"), _("Bespoke: the richest personalisation the client has chosen")),
    "personal": (_("Personal"), _("Personal: purchases, preferences, sizes and occasions")),
    "essential": (_("Essential"), _("Essential: only what serves the client’s own requests")),
}


@functools.cache
def _tiers_in(language: str) -> dict[str, SafeString]:
    return {
        tier: format_html(
            '<span class="badge badge--tier badge--{}" title="{}">{}</span>', tier, title, label
        )
        for tier, (label, title) in _TIER_WORDS.items()
    }


def _tiers() -> dict[str, SafeString]:
    return _tiers_in(get_language() or settings.LANGUAGE_CODE)


# status -> (badge classes, default label)
_STATUSES: dict[str, tuple[str, Any]] = {
    "draft": ("badge--draft", _("Draft")),
    "in_review": ("badge--in-review", _("In review")),
    "published": ("badge--published", _("Published")),
    "withdrawn": ("badge--withdrawn", _("Withdrawn")),
    "discarded": ("badge--discarded", _("Discarded")),
    "overdue": ("badge--overdue", _("Overdue")),
    "open": ("badge--info badge--dot", _("Open")),
    "pending": ("badge--info badge--dot", _("Pending")),
    "requested": ("badge--info badge--dot", _("Requested")),
    "answered": ("badge--success badge--dot", _("Answered")),
    "done": ("badge--success badge--dot", _("Done")),
    "completed": ("badge--success badge--dot", _("Completed")),
    "confirmed": ("badge--success badge--dot", _("Confirmed")),
    "cancelled": ("badge--neutral", _("Cancelled")),
    "canceled": ("badge--neutral", _("Cancelled")),
    "declined": ("badge--neutral", _("Declined")),
    "no_show": ("badge--neutral", _("Missed")),
    "closed": ("badge--neutral", _("Closed")),
}


@register.simple_tag
def avatar(name: Any = "", size: str = "", decorative: bool = False) -> SafeString:
    """A monogram: the first and last names' initials (or the first letter, or "·").

    `size`: xs, sm, lg or xl. `decorative`: the name is printed beside it, so the
    monogram is hidden from screen readers instead of read twice. The tone follows
    the name's length, so a person keeps the same colour everywhere.
    """
    name = "" if name is None else str(name)
    parts = name.split()
    first_last = parts[0][:1] + parts[-1][:1] if len(parts) > 1 else name[:1]
    initials = first_last.upper() or "·"
    size_class = f" avatar--{size}" if size else ""
    tone = str(len(name))[-1:]
    if decorative:
        return format_html(
            '<span class="avatar{} avatar--tone-{}" aria-hidden="true">{}</span>',
            size_class,
            tone,
            initials,
        )
    return format_html(
        '<span class="avatar{} avatar--tone-{}" role="img" aria-label="{}">{}</span>',
        size_class,
        tone,
        name,
        initials,
    )


@register.simple_tag
def tier_badge(tier: Any = "") -> SafeString:
    """A consent tier: essential, personal or bespoke (with what it allows, as a title)."""
    known = _tiers().get(tier) if isinstance(tier, str) else None
    if known is not None:
        return known
    return format_html(
        '<span class="badge badge--tier badge--essential">{}</span>',
        capfirst(tier or "No tier"),
    )


@register.simple_tag
def status_badge(status: Any = "", label: Any = "") -> SafeString:
    """A lifecycle status (lookbook, styling request, appointment, message); `label` overrides."""
    known = _STATUSES.get(status) if isinstance(status, str) else None
    if known is not None:
        classes, default = known
        return format_html('<span class="badge {}">{}</span>', classes, label or default)
    return format_html('<span class="badge badge--neutral">{}</span>', capfirst(label or status))


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's own `date` filter, replaced (a builtin loads after Django's): the same
    output, a day's name or number written once per format and language (core.dates)."""
    return format_date(value, arg)


@register.simple_tag(takes_context=True)
def fragment(context: template.Context, name: str, **values: Any) -> SafeString:
    """A Jinja2 fragment (`templates/jinja2/<name>`) drawn with exactly `values`.

    For what repeats per row (clienteling/jinja_env.py says why). It also gets
    `csrf_input` (the page's own if it has one, else drawn only if printed) and
    `include(name, **extra)`, which
    draws a Django template with this page's context: for the rare slow path, such
    as a dialog opened server-side.
    """
    if "csrf_input" not in values:
        values["csrf_input"] = context.get("csrf_input") or csrf_input_lazy(context.get("request"))

    def include(template_name: str, **extra: Any) -> SafeString:
        return mark_safe(render_to_string(template_name, {**context.flatten(), **extra}))  # type: ignore[dict-item]

    values["include"] = include
    jinja = engines["jinja2"].env  # type: ignore[attr-defined]
    return mark_safe(jinja.get_template(name).render(values))


# An advisor's title or speciality in the reader's language (clienteling.house_words).
register.filter("house_word", _house_word)


@register.filter
def house_words(values: Any, separator: str = " · ") -> str:
    """A list of specialities, each in the reader's language, joined."""
    return separator.join(_house_word(value) for value in values or ())


@register.simple_tag
def house_copy() -> SafeString:
    """Attributes for copy the house writes in its own language (heritage stories, product
    descriptions) on a page in the client's: the passage's language, so a screen reader
    reads it as English (WCAG 3.1.2), and its own direction, so an English sentence on an
    Arabic page keeps its full stop at its end."""
    return format_html('lang="{}" dir="auto"', settings.LANGUAGE_CODE)
