"""Forms drawn by Jinja2: Django's own form and widget templates, in their Jinja2 versions.

A page's filter form or a review dialog's radio buttons drew each widget, each option
and each attribute list through a Django template: on the client story, about 5 ms
of a 37 ms page (issue 14). Django ships every form and widget template twice, for
its template language and for Jinja2 (django/forms/jinja2/, kept in step by Django);
this renderer draws `django/forms/...` from the Jinja2 set, in the project's Jinja2
environment (clienteling/jinja_env.py: values escaped as Django escapes them), and any
other template a widget names (the admin's own, under admin/widgets/) as Django's
default renderer does. Tests: tests/foundation/test_fast_templates.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.template.backends.jinja2 import Jinja2
from django.utils.functional import cached_property

_FORMS_JINJA2 = Path(django.forms.__file__).parent / "jinja2"


class FormRenderer(BaseRenderer):
    @cached_property
    def jinja(self) -> Jinja2:
        return Jinja2(
            {
                "APP_DIRS": False,
                "DIRS": [_FORMS_JINJA2],
                "NAME": "atelier-forms",
                "OPTIONS": {"environment": "clienteling.jinja_env.environment"},
            }
        )

    @cached_property
    def django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        if template_name.startswith("django/forms/"):
            return self.jinja.get_template(template_name)
        return self.django.get_template(template_name)
