"""The fast paths of rendering print what Django's own would (issue 14).

`core.dates.format_date` (behind the `date` filter of both template engines) against
Django's `date` filter, for every format the templates use and more, every language,
dates and aware datetimes in several zones, and awkward values; the Jinja2 fragments'
filters and the `{% fragment %}` tag against the Django template language.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template, defaultfilters, engines
from django.test import RequestFactory
from django.utils import timezone, translation

from core import dates

FORMATS = [
    "c", "Y-m-d", "j M", "j M Y", "Ymd", "j F", "j F Y", "Y", "j", "j M Y, H:i", "j M Y H:i",
    "j F Y, H:i", "M", "M Y", "H:i", "D j M · H:i", "l j F, H:i", "j M, H:i", "D j M, H:i",
    "D j M", "F Y", "jS F", "N j, Y", "E Y", "b d", "W o L t z w", r"\Y\e\s j", "DATE_FORMAT",
    "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "", None,
]  # fmt: skip
ZONES = ["Europe/Paris", "Asia/Tokyo", "America/Los_Angeles", "UTC"]
MOMENTS = [
    dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),
    dt.datetime(2027, 1, 1, 0, 15, 42, 123456, tzinfo=dt.UTC),
    dt.datetime(2024, 2, 29, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
    dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),  # Paris changes its clocks
]
DAYS = [dt.date(2026, 12, 6), dt.date(2024, 2, 29), dt.date(1999, 1, 1)]


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_format_date_prints_what_django_prints(language: str) -> None:
    with translation.override(language):
        for zone in ZONES:
            with timezone.override(zone):
                for moment in MOMENTS:
                    local = timezone.localtime(moment)
                    for fmt in FORMATS:
                        assert dates.format_date(local, fmt) == defaultfilters.date(local, fmt)
                        # asked twice: the remembered answer is the same
                        assert dates.format_date(local, fmt) == defaultfilters.date(local, fmt)
        for day in DAYS:
            for fmt in FORMATS:
                if fmt and any(ch in fmt for ch in "HisaAPgGhfuUeOTZIcr") and fmt != "c":
                    continue  # a time letter on a date: Django refuses it, and so do we
                assert dates.format_date(day, fmt) == defaultfilters.date(day, fmt)


def test_awkward_values_go_to_django() -> None:
    for value in [None, "", "2026-12-06", 17, dt.time(9, 30)]:
        for fmt in ["j M", "H:i", "c"]:
            assert dates.format_date(value, fmt) == defaultfilters.date(value, fmt)


def test_a_naive_datetime_is_formatted_as_django_does() -> None:
    naive = dt.datetime(2026, 12, 6, 23, 59)
    for fmt in ["c", "j M Y", "j M Y H:i"]:
        assert dates.format_date(naive, fmt) == defaultfilters.date(naive, fmt)


def test_the_templates_date_filter_converts_to_local_time_first() -> None:
    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    template = Template('{{ at|date:"j M Y" }}|{{ at|date:"c" }}|{{ none|date:"j M" }}')
    jinja = engines["jinja2"].from_string(
        '{{ at|date("j M Y") }}|{{ at|date("c") }}|{{ none|date("j M") }}'
    )
    with timezone.override("Europe/Paris"):
        django_says = template.render(Context({"at": moment, "none": None}))
        assert django_says == "1 Jan 2027|2027-01-01T00:30:00+01:00|"
        assert jinja.render({"at": moment, "none": None}) == django_says


@pytest.mark.parametrize(
    "value", [Decimal("1234567.5"), Decimal("0"), 999.49, None, "12", Decimal("-1500.5")]
)
def test_jinja_number_filters_match_django(value: object) -> None:
    django = Template("{% load humanize %}{{ v|floatformat:0|intcomma }}|{{ v|floatformat:'-2g' }}")
    jinja = engines["jinja2"].from_string(
        '{{ v|floatformat(0)|intcomma }}|{{ v|floatformat("-2g") }}'
    )
    for language in ["en", "fr", "de"]:
        with translation.override(language):
            assert jinja.render({"v": value}) == django.render(Context({"v": value}))


def test_fragment_tag_renders_jinja_with_exactly_its_values_escaped() -> None:
    page = Template('{% fragment "stylists/client_rows.html" rows=rows show_advisor=False %}')
    html = page.render(Context({"rows": [], "request": RequestFactory().get("/")}))
    assert html.strip() == ""
    jinja = engines["jinja2"].from_string("{{ name }}{{ missing }}{{ missing.deeper|default('') }}")
    assert jinja.render({"name": "<b>Ève</b>"}) == "&lt;b&gt;Ève&lt;/b&gt;"


def _markup(html: object) -> str:
    """The markup without the whitespace between tags, and any other run of it as one space."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


def _forms_to_compare() -> list[tuple[str, object]]:
    """Every kind of widget the project draws, unbound, bound with errors, and with
    an apostrophe and markup in the values (escaping)."""
    from concierge.forms import MessageForm, StylingRequestForm
    from consent.forms import ConsentChoiceForm
    from recommendations.forms import DiscardForm, PublishForm, WithdrawForm
    from stylists.forms import BookFilterForm, NoteForm, OccasionForm, SizesForm

    awkward = "Camille's <b>gala</b> & co"
    return [
        ("book filters", BookFilterForm()),
        ("book filters, bound", BookFilterForm({"q": awkward, "tier": "personal", "vic": "on"})),
        ("note", NoteForm()),
        ("note, errors", NoteForm({"body": ""})),
        ("occasion", OccasionForm({"kind": "nope", "title": awkward, "date": "31/02"})),
        ("sizes", SizesForm()),
        ("discard, errors", DiscardForm({"version": "x", "reason": "other", "note": ""})),
        ("discard", DiscardForm(initial={"version": 3})),
        ("publish", PublishForm(initial={"version": 2, "channels": ["concierge"]})),
        ("withdraw", WithdrawForm({"version": "1", "reason": awkward})),
        ("consent", ConsentChoiceForm({"tier": "personal", "channels": ["email"]})),
        ("message", MessageForm({"body": awkward})),
        ("styling request", StylingRequestForm(occasions=[])),
    ]


@pytest.mark.django_db
def test_forms_drawn_by_jinja2_are_what_django_draws() -> None:
    """clienteling.form_renderer against Django's default renderer: every form, each of its
    fields on its own, its labels and errors: the same markup (the two template sets
    differ only in the blank lines between tags)."""
    from django.forms.renderers import DjangoTemplates

    from clienteling.form_renderer import FormRenderer

    jinja, django = FormRenderer(), DjangoTemplates()
    for name, form in _forms_to_compare():
        form.is_bound and form.is_valid()  # type: ignore[attr-defined]
        drawn = {}
        for renderer in (jinja, django):
            form.renderer = renderer  # type: ignore[attr-defined]
            fields = [
                (_markup(bound), _markup(bound.label_tag()), _markup(bound.errors))
                for bound in form  # type: ignore[attr-defined]
            ]
            drawn[renderer] = (_markup(form), _markup(form.non_field_errors()), fields)  # type: ignore[attr-defined]
        assert drawn[jinja] == drawn[django], name


def test_the_admin_widgets_still_come_from_django_templates() -> None:
    from clienteling.form_renderer import FormRenderer

    template = FormRenderer().get_template("admin/widgets/related_widget_wrapper.html")
    assert template.template.engine.__class__.__name__ == "Engine"


def test_the_project_s_forms_are_drawn_by_the_jinja2_renderer() -> None:
    """The setting itself, not only the class: FORM_RENDERER lived in settings/templating.py
    alone from 6 Dec 2026, so Django never read it and every form was drawn by its
    default renderer (the book's eight filter selects, about 2 ms a page)."""
    from django.forms.renderers import get_default_renderer

    from clienteling.form_renderer import FormRenderer
    from stylists.forms import BookFilterForm

    assert isinstance(get_default_renderer(), FormRenderer)
    assert isinstance(BookFilterForm({}).renderer, FormRenderer)


def test_every_setting_the_settings_package_defines_reaches_django() -> None:
    """A setting written in one of clienteling/settings' helper modules counts only once the
    settings module Django loads names it: each upper-case name there must be in settings."""
    import importlib
    import pkgutil

    from django.conf import settings

    import clienteling.settings as package

    loaded = {settings.SETTINGS_MODULE, "clienteling.settings.base"}
    for module_info in pkgutil.iter_modules(package.__path__):
        name = f"{package.__name__}.{module_info.name}"
        if name in loaded or module_info.name in {"production", "test"}:
            continue  # settings modules of their own, not helpers
        module = importlib.import_module(name)
        for setting in (key for key in vars(module) if key.isupper()):
            assert getattr(settings, setting, None) == getattr(module, setting), (
                f"{name}.{setting} is not a setting Django sees"
            )
