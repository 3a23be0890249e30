"""Production settings: `check --deploy` is silent, the hardening is on, demo shortcuts refused."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(settings.BASE_DIR)


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATELIER_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="clienteling.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="atelier.example.com",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        FIELD_LOOKUP_KEY=secrets.token_urlsafe(32),
        SITE_URL="https://atelier.example.com",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_check_deploy_reports_nothing():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("site_url", "code"),
    [
        ("http://127.0.0.1:8000", "atelier.E001"),  # the development default
        ("http://atelier.example.com", "atelier.E001"),
        ("https://127.0.0.1:8000", "atelier.E002"),
        ("https://elsewhere.example.com", "atelier.E002"),
        ("https://atelier.example.com/atelier", "atelier.E003"),
    ],
)
def test_check_deploy_fails_without_a_public_https_site_url(site_url, code):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(SITE_URL=site_url),
    )
    assert result.returncode != 0
    assert code in result.stdout + result.stderr


PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "hsts": s.SECURE_HSTS_SECONDS, "hsts_sub": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "ssl": s.SECURE_SSL_REDIRECT, "session_secure": s.SESSION_COOKIE_SECURE,
    "csrf_secure": s.CSRF_COOKIE_SECURE, "session_httponly": s.SESSION_COOKIE_HTTPONLY,
    "debug": s.DEBUG, "csp": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "middleware": s.MIDDLEWARE, "backends": s.AUTHENTICATION_BACKENDS,
}))
"""


@pytest.mark.slow
def test_production_turns_the_hardening_on():
    result = run(["-c", PROBE], production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["hsts"] >= 31536000
    assert values["hsts_sub"]
    assert values["ssl"]
    assert values["session_secure"]
    assert values["csrf_secure"]
    assert values["session_httponly"]
    assert not values["debug"]
    assert values["csp"]["upgrade-insecure-requests"] is True
    assert "django.middleware.csrf.CsrfViewMiddleware" in values["middleware"]
    assert values["backends"][0] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.slow
def test_production_refuses_the_demo_two_factor_shortcut():
    result = run(["manage.py", "check"], production_env(ATELIER_DEMO_SKIP_2FA="1"))
    assert result.returncode != 0
    assert "ATELIER_DEMO_SKIP_2FA is for the demo only" in result.stderr


@pytest.mark.parametrize("password", ["short", "atelier", "12345678901234", "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_username_is_refused():
    from django.contrib.auth.models import User

    user = User(username="camille.laurent", email="camille.laurent@example.com")
    with pytest.raises(ValidationError):
        validate_password("camille.laurent!", user=user)


def test_a_long_unusual_password_is_accepted():
    validate_password("Saddle-stitch since 1867, rue du Bac")
