"""Production settings: the base, tightened. Reads no environment of its own."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from clienteling.settings.base import *  # noqa: F403
from clienteling.settings.base import (
    _DEV_FERNET_KEY,
    ALLOWED_HOSTS,
    ATELIER_DEMO_SKIP_2FA,
    CONTENT_SECURITY_POLICY,
    DEV_SECRET_KEY,
    FIELD_ENCRYPTION_KEYS,
    FIELD_LOOKUP_KEY,
    SECRET_KEY,
    STORAGES,
)

DEBUG = False

if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value in production.")
if _DEV_FERNET_KEY in FIELD_ENCRYPTION_KEYS or FIELD_LOOKUP_KEY == "atelier-dev-lookup-key":
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS and FIELD_LOOKUP_KEY in production.")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS to the site's host names.")
if ATELIER_DEMO_SKIP_2FA:
    raise ImproperlyConfigured(
        "ATELIER_DEMO_SKIP_2FA is for the demo only; unset it in production."
    )

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_NAME = "__Host-sessionid"  # secure, host-only, path=/
CSRF_COOKIE_NAME = "__Host-csrftoken"
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "upgrade-insecure-requests": True,
    },
}

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
