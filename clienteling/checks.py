"""System checks of the house's own settings, run by `manage.py check --deploy`.

SITE_URL is what Twilio signs its callbacks over and what the CSP allows
sockets to: left at the development default (http://127.0.0.1:8000) in
production, every real Twilio callback fails its signature check (STOP
opt-outs silently lost) and the live dashboard's socket is refused. Django's
own deploy checks cannot know that; this one fails --deploy instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def site_url_is_public_https(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    url = getattr(settings, "SITE_URL", "")
    parts = urlsplit(url)
    hint = "Set SITE_URL to the public https URL the house is served at, e.g. https://atelier.example.com."
    if parts.scheme != "https" or not parts.hostname:
        return [
            Error(
                f"SITE_URL is {url!r}: production needs the public https URL "
                "(Twilio signs its callbacks over it; the CSP allows sockets only to it).",
                hint=hint,
                id="atelier.E001",
            )
        ]
    if parts.hostname in ("127.0.0.1", "localhost", "::1") or not validate_host(
        parts.hostname, settings.ALLOWED_HOSTS
    ):
        return [
            Error(
                f"SITE_URL's host {parts.hostname!r} is not one of DJANGO_ALLOWED_HOSTS "
                "(or is a loopback address).",
                hint=hint,
                id="atelier.E002",
            )
        ]
    if parts.path.strip("/") or parts.query or parts.fragment:
        return [
            Error(
                f"SITE_URL {url!r} must be the site's origin only, without a path.",
                hint=hint,
                id="atelier.E003",
            )
        ]
    return []
