"""Content-Security-Policy on every response, with no inline allowances; templates keep to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def _directives(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";") if p.strip()]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] if " " in p else "" for p in parts}


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("anonymous", "/accounts/login/"),
        ("client_user", "/concierge/privacy/"),
        ("head_office", "/stylist/audit/"),
        ("owner", "/api/v1/clients/"),
        ("anonymous", "/healthz"),
    ],
)
def test_every_response_carries_the_policy(cast, persona, url):
    response = cast.http(persona).get(url)
    header = response["Content-Security-Policy"]
    directives = _directives(header)
    for name, value in EXPECTED.items():
        assert directives[name] == value, name
    assert "'self'" in directives["connect-src"]
    assert "ws" in directives["connect-src"]  # the realtime socket to ourselves
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


def test_no_policy_allows_inline_code():
    for directive, sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items():
        if isinstance(sources, list | tuple):
            assert not any("unsafe" in s for s in sources), directive


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE
)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
HANDLER_ATTR = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
JS_URL = re.compile(r"href\s*=\s*[\"']\s*javascript:", re.IGNORECASE)
COMMENTS = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.DOTALL)


def _without_comments(text: str) -> str:
    """Template comments never reach the browser; keep line numbers by keeping newlines."""
    return COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def test_templates_hold_no_inline_script_style_or_handlers():
    """The policy would block them in the browser: catch them here, with the file named."""
    offenders = []
    root = Path(settings.BASE_DIR)
    # The project's templates and every first-party app's own templates/ folder.
    folders = [root / "templates", *sorted(root.glob("*/templates"))]
    paths = sorted({path for folder in folders for path in folder.rglob("*.html")})
    for path in paths:
        text = _without_comments(path.read_text(encoding="utf-8"))
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("style=", STYLE_ATTR),
            ("<style>", STYLE_ELEMENT),
            ("on*= handler", HANDLER_ATTR),
            ("javascript: URL", JS_URL),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(root)}:{line}: {name}")
    assert offenders == [], "\n".join(offenders)


def test_frames_and_sniffing_are_refused(cast):
    response = cast.http("anonymous").get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
