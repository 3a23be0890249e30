"""Root test fixtures: the fixed personas every view and endpoint is tested for.

The cast (one house, two boutiques):
- owner: a Paris advisor with `client` in her book
- colleague: another Paris advisor (the client is not in her book)
- stylist_elsewhere: a Milan advisor
- manager: the Paris boutique manager; manager_elsewhere: Milan's
- head_office: sees every client, edits none
- client_user: the client herself (Personal tier), with a concierge login
- other_client_user: another client of the owner, also with a login
- anonymous: nobody signed in
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client as HttpClient
from django.utils import translation

from accounts.two_factor import two_factor_required_for
from catalog.models import Boutique
from clients.models import Client
from consent.models import ConsentTier, PolicyVersion
from stylists.models import Role, Stylist
from tests.factories.catalog import BoutiqueFactory
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory, PolicyVersionFactory
from tests.factories.security import otp_verify
from tests.factories.stylists import make_stylist, put_in_book

PASSWORD = "atelier-test-pass"

PERSONA_NAMES = (
    "owner",
    "colleague",
    "stylist_elsewhere",
    "manager",
    "manager_elsewhere",
    "head_office",
    "client_user",
    "other_client_user",
    "anonymous",
)


@dataclass
class Cast:
    paris: Boutique
    milan: Boutique
    policy: PolicyVersion
    owner: Stylist
    colleague: Stylist
    stylist_elsewhere: Stylist
    manager: Stylist
    manager_elsewhere: Stylist
    head_office: Stylist
    client: Client
    other_client: Client
    milan_client: Client

    def user(self, persona: str) -> Any:
        if persona == "anonymous":
            return None
        if persona == "client_user":
            return self.client.user
        if persona == "other_client_user":
            return self.other_client.user
        return getattr(self, persona).user

    def http(self, persona: str) -> HttpClient:
        """A Django test client signed in as the persona."""
        http = HttpClient()
        user = self.user(persona)
        if user is not None:
            http.force_login(user)
            if two_factor_required_for(user):  # head office: a verified session, as after TOTP
                otp_verify(http, user)
        return http


def _client_with_login(username: str, boutique: Boutique, **kwargs: Any) -> Client:
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=kwargs.get("first_name", "")
    )
    # The concierge speaks each client's preferred language; the cast reads it in
    # English so tests can quote its pages (tests/i18n covers the other eleven).
    kwargs.setdefault("preferred_language", "en")
    return ClientFactory(user=user, home_boutique=boutique, **kwargs)


@pytest.fixture
def cast(db: Any) -> Cast:
    paris = BoutiqueFactory(code="paris", city="Paris", country="FR", timezone="Europe/Paris")
    milan = BoutiqueFactory(code="milan", city="Milan", country="IT", timezone="Europe/Rome")
    policy = PolicyVersionFactory()
    owner = make_stylist(boutique=paris, username="owner", first_name="Élise")
    colleague = make_stylist(boutique=paris, username="colleague", first_name="Hugo")
    elsewhere = make_stylist(boutique=milan, username="elsewhere", first_name="Giulia")
    manager = make_stylist(boutique=paris, role=Role.MANAGER, username="manager")
    manager_elsewhere = make_stylist(boutique=milan, role=Role.MANAGER, username="manager_milan")
    head_office = make_stylist(boutique=None, role=Role.HEAD_OFFICE, username="head_office")
    client = _client_with_login(
        "client",
        paris,
        first_name="Camille",
        last_name="Laurent",
        email="camille.laurent@example.com",
        phone="+33612345678",
    )
    other = _client_with_login("other_client", paris, first_name="Inès", last_name="Moreau")
    milan_client = ClientFactory(home_boutique=milan, first_name="Chiara", last_name="Rossi")
    for c in (client, other, milan_client):
        ConsentRecordFactory(client=c, tier=ConsentTier.PERSONAL, policy_version=policy)
    put_in_book(owner, client, other)
    put_in_book(elsewhere, milan_client)
    return Cast(
        paris=paris,
        milan=milan,
        policy=policy,
        owner=owner,
        colleague=colleague,
        stylist_elsewhere=elsewhere,
        manager=manager,
        manager_elsewhere=manager_elsewhere,
        head_office=head_office,
        client=client,
        other_client=other,
        milan_client=milan_client,
    )


# The house clock: every test starts on Monday 23 November 2026 at 13:00 UTC
# (14:00 in Paris, boutiques open) and the clock then ticks. Tests that travel
# (`@time_machine.travel(...)`) move from there. Without it, a test written for
# "this afternoon" fails on another day. Browser and worker tests keep the real
# clock: Chromium and the worker live outside this process's patched time.
HOUSE_NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
REAL_CLOCK_MARKERS = ("real_clock", "browser", "celery_worker")


@pytest.fixture(autouse=True)
def _house_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    if any(request.node.get_closest_marker(name) for name in REAL_CLOCK_MARKERS):
        yield
        return
    with time_machine.travel(HOUSE_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    """Each test gets its own channel layer.

    A test's sockets run in an event loop of their own (async_to_sync), and
    channels_redis binds its receive lock to the loop that first used it: a
    layer left from another test's loop (or a receive that loop abandoned)
    would answer "bound to a different event loop" (CI, where REDIS_URL is set).
    """
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _language_as_a_fresh_thread_has_it() -> Iterator[None]:
    """Each test starts in the house's language, whatever the one before it read.

    A concierge page activates its client's language for the rest of the thread (as
    Django's LocaleMiddleware does: the next request activates its own), so a test
    after it ran in Arabic or French: a test of English words then passed or failed by
    the order the tests ran in.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A test that prints fails: stray output hides real problems (as in Zulip)."""
    outcome = yield
    report = outcome.get_result()
    if call.when == "setup":
        item.stash[_SET_UP] = report.passed
    if (
        call.when == "call"
        and report.passed
        and report.capstdout.strip()
        and item.get_closest_marker("allow_output") is None
    ):
        report.outcome = "failed"
        report.longrepr = f"Test printed to stdout:\n{report.capstdout[:2000]}"


# --- What the migrations wrote, back after a test that flushed it --------------------
# A transactional test (django_db(transaction=True), live_server) ends with a flush:
# every table emptied, the rows the data migrations wrote included (the starter
# outreach templates, stylists/migrations/0003). Django's TransactionTestCase leaves
# them gone; pytest-django runs such tests after the others, but pytest-xdist's work
# stealing can still hand a worker an ordinary test after one (CI, 8 Dec 2026: the
# schemathesis world found no "Thank you" template). So they are written again.

_STARTER_TEMPLATES = "stylists.migrations.0003_starter_outreach_templates"
_SET_UP = pytest.StashKey[bool]()  # the test's set-up passed (its test database exists)


def _flushes_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & {"transactional_db", "live_server", "django_db_reset_sequences"})


def restore_migration_data() -> None:
    """Write again the rows the data migrations write (idempotent: get_or_create)."""
    import importlib

    from django.apps import apps

    importlib.import_module(_STARTER_TEMPLATES).add_templates(apps, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield  # the test's fixtures, the flush among them, are torn down
    if item.stash.get(_SET_UP, False) and _flushes_the_database(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_migration_data()
