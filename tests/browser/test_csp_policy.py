"""The Content-Security-Policy in real Chromium: the admin, the API docs and our own pages
work with no inline script or style, and the browser reports no violation.

Uses the session browser of tests/browser/conftest.py (Debian's Chromium).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as HttpClient

from tests.factories.clients import ClientFactory
from tests.factories.security import otp_verify

# Reports every violation to the console, with the directive, before any page script runs.
REPORTER = """document.addEventListener('securitypolicyviolation', e =>
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' '
                + e.sourceFile + ':' + e.lineNumber));"""

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in_context(browser: Any, live_server: Any, user: Any) -> Any:
    http = HttpClient()
    http.force_login(user)
    otp_verify(http, user)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": http.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.add_init_script(REPORTER)
    return context


def _violations(page: Any, url: str) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return errors


def test_admin_and_api_docs_work_under_the_policy(browser, live_server):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 16)
    client = ClientFactory()
    context = _signed_in_context(browser, live_server, admin)
    page = context.new_page()
    for url in (
        "/admin/",
        "/admin/clients/client/",
        f"/admin/clients/client/{client.pk}/change/",
        "/admin/consent/staffaccesslog/",
        "/admin/catalog/heritagestory/add/",
    ):
        assert _violations(page, url) == [], url
        assert page.locator("#content").count() == 1, url
    assert _violations(page, "/api/docs/") == []
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Atelier API" in page.locator(".swagger-ui .info .title").inner_text()
    context.close()


def test_sign_in_two_factor_and_privacy_pages_report_nothing(browser, live_server, cast):
    anonymous = browser.new_context(base_url=live_server.url)
    anonymous.add_init_script(REPORTER)
    assert _violations(anonymous.new_page(), "/accounts/login/") == []
    anonymous.close()
    head_office = cast.head_office.user
    http = HttpClient()
    http.force_login(head_office)  # not verified: the set-up page with its QR code
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": http.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.add_init_script(REPORTER)
    page = context.new_page()
    assert _violations(page, "/stylist/") == []
    assert "/accounts/2fa/setup/" in page.url
    assert page.locator("svg.qr-code").count() == 1
    context.close()
    client_context = _signed_in_context(browser, live_server, cast.client.user)
    page = client_context.new_page()
    assert _violations(page, "/concierge/privacy/") == []
    assert page.get_by_role("heading", name="Privacy and your data").count() == 1
    client_context.close()
