"""The template engines: Django's for pages, Jinja2 for what repeats per row.

Django's template language draws every page and partial; the rows a page draws many
times (the client book's, a lookbook's pieces, Today's lists) are Jinja2 fragments in
templates/jinja2/, placed with `{% fragment %}` (clienteling/jinja_env.py says why), and
forms and widgets come from Django's own Jinja2 templates (clienteling/form_renderer.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FORM_RENDERER = "clienteling.form_renderer.FormRenderer"


def templates(base_dir: Path) -> list[dict[str, Any]]:
    return [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [base_dir / "templates"],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                    "clienteling.context_processors.navigation",
                    "consent.context_processors.privacy",
                ],
                # avatars, badges, the date filter and {% fragment %}, drawn in Python
                "builtins": ["clienteling.templatetags.atelier_ui"],
            },
        },
        {
            "BACKEND": "django.template.backends.jinja2.Jinja2",
            "DIRS": [base_dir / "templates" / "jinja2"],
            "APP_DIRS": False,
            "OPTIONS": {"environment": "clienteling.jinja_env.environment"},
        },
    ]
