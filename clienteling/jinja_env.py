"""The Jinja2 environment for the hot fragments: rows drawn many times a page.

Django's template language resolves every `{{ a.b }}` through a chain of lookups,
context pushes and filters that cost microseconds each; a table of fifty rows spent
most of the page's time there (issue 14). The few fragments that repeat per row
are Jinja2 templates (`templates/jinja2/`), compiled to Python once per process,
drawn with the same helpers and filters as the Django templates so the markup is
the same, and placed in a Django page with `{% fragment %}`
(clienteling/templatetags/atelier_ui.py).

Differences the fragments keep in mind: Jinja2 does not call callables on its own,
does not localise a raw number or date (use the filters below), and the `date` filter
here converts an aware datetime to the current time zone first, as Django's does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext, ngettext
from jinja2 import ChainableUndefined, Environment

from clienteling.templatetags.atelier_ui import avatar, status_badge, tier_badge
from core.dates import format_date
from stylists.templatetags.atelier_dates import since


def date(value: Any, arg: str | None = None) -> str:
    """Django's `date` filter, after the conversion to local time Django's templates make
    (template_localtime leaves anything but an aware datetime as it is)."""
    return format_date(template_localtime(value), arg)


def time(value: Any, arg: str | None = None) -> str:
    """Django's `time` filter, after the same conversion."""
    return defaultfilters.time(template_localtime(value), arg)


def environment(**options: Any) -> Environment:
    # What Django's templates do with a missing name, or a name of one (print nothing),
    # in DEBUG too:
    # Django's backend would print "{{ name }}" there, and the pages would differ.
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    # Every printed value escaped as Django escapes it (' as &#x27;, where MarkupSafe
    # writes &#39;): the same characters, so a fragment's text reads as the page's.
    options["finalize"] = conditional_escape
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        avatar=avatar,
        tier_badge=tier_badge,
        status_badge=status_badge,
        static=static,
        url=lambda name, *args, **kwargs: reverse(name, args=args or None, kwargs=kwargs or None),
    )
    env.filters.update(
        date=date,
        time=time,
        since=since,
        floatformat=defaultfilters.floatformat,
        intcomma=intcomma,
        capfirst=defaultfilters.capfirst,
        pluralize=defaultfilters.pluralize,
        linebreaksbr=defaultfilters.linebreaksbr,
        truncatechars=defaultfilters.truncatechars,
        timesince=defaultfilters.timesince_filter,
        timeuntil=defaultfilters.timeuntil_filter,
    )
    return env
