"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Chromium is /usr/bin/chromium (never `playwright install`: browsers cannot be
downloaded here). Locally, browser tests skip when Chromium is missing; in CI
(ATELIER_REQUIRE_BROWSER=1) they fail instead, so they can never be silently lost.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make for set-up are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ATELIER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    # A synthetic camera and microphone, allowed without a prompt (the video consultation).
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


# Package scope: Playwright's event loop stops when the browser tests end, so
# later tests may use async_to_sync (Channels) in this thread again.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("ATELIER_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1360, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()


def log_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # The form's answer (the page signed in to, or the form again with its error) is
    # loaded: waiting for the network to be idle cost half a second a sign-in.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def asgi_url() -> Iterator[str]:
    """Daphne serving the ASGI app (WebSockets included) in a thread of the test process.

    Once per session, shared by every live test: Twisted's reactor cannot
    restart. Same process means the same in-memory channel layer and the same
    in-memory SQLite test database as the test itself.
    """
    from daphne.endpoints import build_endpoint_description_strings
    from daphne.server import Server

    from clienteling.asgi import application

    port = _free_port()
    server = Server(
        application=application,
        endpoints=build_endpoint_description_strings(host="127.0.0.1", port=port),
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, daemon=True, name="daphne-test")
    thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    from twisted.internet import reactor

    reactor.callFromThread(reactor.stop)  # type: ignore[attr-defined]


AXE = os.path.join(os.path.dirname(__file__), "vendor", "axe.min.js")


def axe_violations(page: Any, *, selector: str = "body") -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 AA violations on the page (evaluated over CDP: CSP stays on)."""
    with open(AXE, encoding="utf-8") as source:
        page.evaluate(source.read())
    result = page.evaluate(
        """(selector) => axe.run(document.querySelector(selector), {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        }).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))""",
        selector,
    )
    return list(result)


def camille_in_elise_s_book(password: str, *, username: str = "camille") -> tuple[Any, Any, Any]:
    """The browser journeys' cast: the Paris boutique, Élise (login "elise") and Camille
    Laurent (login `username`), Personal tier, in Élise's book, reading in English.

    Returns (paris, elise, camille); both sign in with `password`.
    """
    from django.contrib.auth import get_user_model

    from tests.factories.catalog import BoutiqueFactory
    from tests.factories.clients import ClientFactory
    from tests.factories.consent import ConsentRecordFactory
    from tests.factories.stylists import make_stylist, put_in_book

    paris = BoutiqueFactory(code="paris", city="Paris", timezone="Europe/Paris")
    elise = make_stylist(boutique=paris, username="elise", first_name="Élise", password=password)
    user = get_user_model().objects.create_user(username=username, password=password)
    camille = ClientFactory(
        user=user,
        home_boutique=paris,
        first_name="Camille",
        last_name="Laurent",
        preferred_language="en",  # the journeys read the pages in English
    )
    ConsentRecordFactory(client=camille)
    put_in_book(elise, camille)
    return paris, elise, camille
