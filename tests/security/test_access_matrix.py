"""Every URL pattern x every persona x every method answers exactly as the table says.

The table is tests/security/access_matrix.py. A route without an entry fails
test_every_route_has_an_entry, naming it. Each persona's test builds the
world once and asks every route by every method, each request inside a
rolled-back savepoint (so an owner's "delete" leaves the world whole for the
next row) with the rate-limit cache cleared, and reports every mismatch at
once. The house's promises are also checked on the table itself, so an edit
to the table cannot quietly give a client a draft or an outsider a 403.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse

from stylists.models import Role
from stylists.services.access import stylist_update_access
from tests.factories.security import otp_verify
from tests.security.access_matrix import (
    ADMIN_SAMPLES,
    CLIENTS,
    ENTRIES,
    METHODS,
    PERSONAS,
    READERS,
    STAFF_OUTSIDERS,
    Entry,
    Mismatch,
    Want,
    World,
    all_routes,
    build_world,
    expectations,
    is_admin,
)

pytestmark = pytest.mark.django_db

# Routes anonymous visitors may use without signing in, and what they are.
PUBLIC = {
    "healthz",  # the load balancer's check
    "login",
    "logout",
    "language_set",  # the language switcher: a cookie, and the client's own record
    "catalog:product_image",  # generated catalogue imagery, no client data
    "catalog:heritage_image",
    "api-token",  # the API's sign-in
    "api-schema",  # the API's shape, no data
    "api-docs",
    "twilio_status",  # signed by Twilio instead (403 without a signature)
    "twilio_inbound",
    "admin:login",
    "admin:logout",
}


@pytest.fixture
def world(cast: Any, settings: Any, tmp_path: Any) -> World:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MODEL_ARTIFACT_DIR = tmp_path / "models"
    return build_world(cast)


def _ask(http: HttpClient, method: str, url: str, body: dict[str, Any] | None) -> tuple[int, str]:
    """One request in a savepoint that is rolled back; (status, Location) or (500, the error)."""
    cookies = copy.deepcopy(http.cookies)
    cache.clear()  # rate limits count in the cache: a 429 must not hide the real answer
    try:
        with transaction.atomic():
            if method == "GET":
                response = http.get(url)
            elif method == "POST":
                response = http.post(url, body or {})
            else:
                response = getattr(http, method.lower())(url)
            if response.streaming:  # a CSV export: its rows are read (and may fail) here
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
        return response.status_code, response.get("Location", "")
    except Exception as error:  # a 500: reported with the others, not raised
        return 500, f"{type(error).__name__}: {error}"[:300]
    finally:
        http.cookies = cookies  # a sign-out (logout, erasure) must not sign the persona out


def _got(status: int, location: str) -> str:
    return f"{status} -> {location}" if location else str(status)


def _run(world: World, persona: str, entries: list[Entry]) -> list[Mismatch]:
    http = world.cast.http(persona)
    mismatches = []
    for entry in entries:
        url = entry.url(world)
        body = entry.body(world) if entry.body else None
        for method, per_persona in expectations(entry).items():
            want = per_persona[persona]
            status, location = _ask(http, method, url, body)
            if not want.matches(status, location):
                mismatches.append(Mismatch(entry, method, persona, want, _got(status, location)))
    return mismatches


def _live_entries() -> list[Entry]:
    live = {(r.name, r.pattern) for r in all_routes()}
    return [e for e in ENTRIES if (e.name, e.pattern) in live]


# --- Completeness ------------------------------------------------------------------------------


def test_every_route_has_an_entry() -> None:
    table = {(e.name, e.pattern) for e in ENTRIES}
    missing = [
        f"add {route} to tests/security/access_matrix.py"
        for route in all_routes()
        if not is_admin(route) and (route.name, route.pattern) not in table
    ]
    assert not missing, "Routes without an access-matrix entry:\n" + "\n".join(missing)


def test_every_entry_is_a_route() -> None:
    live = {(r.name, r.pattern) for r in all_routes()}
    stale = [
        f"{e.label}: no such route (renamed or removed?)"
        for e in ENTRIES
        if (e.name, e.pattern) not in live and not (e.debug_only and not django_settings.DEBUG)
    ]
    assert not stale, "\n".join(stale)


def test_every_entry_names_every_persona_and_method() -> None:
    for entry in [*ENTRIES, *ADMIN_SAMPLES]:
        expectations(entry)


# --- The matrix ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(world: World, persona: str) -> None:
    # Given the world and the persona, when they ask every route by every method
    mismatches = _run(world, persona, [*_live_entries(), *ADMIN_SAMPLES])
    # Then every answer is the one the table gives
    assert not mismatches, f"{len(mismatches)} cells differ:\n" + "\n".join(map(str, mismatches))


# --- Access that ended: a deactivated advisor, a demoted manager ----------------------------------

REVOKED_PERSONAS = ("deactivated_advisor", "demoted_manager")


def _revoke(world: World, persona: str) -> tuple[HttpClient, HttpClient]:
    """Sign the persona in, end their access as the admin would; (session from before, after).

    The deactivated advisor is Camille's own advisor (her book, her drafts); the
    demoted manager is Paris's manager, made a client advisor.
    """
    cast = world.cast
    stylist = cast.owner if persona == "deactivated_advisor" else cast.manager
    before = HttpClient()
    before.force_login(stylist.user)
    if persona == "deactivated_advisor":
        stylist_update_access(stylist_id=stylist.pk, active=False, performed_by=None)
    else:
        stylist_update_access(stylist_id=stylist.pk, role=Role.STYLIST, performed_by=None)
    after = HttpClient()
    after.force_login(get_user_model().objects.get(pk=stylist.user_id))
    return before, after


def _refused(status: int, location: str) -> bool:
    """Refused: sent to sign in, or 401/403/404/405; never a page, a list or a write."""
    if status in (301, 302, 303):
        return location.startswith(("/accounts/login/", "/admin/login/"))
    return status in (401, 403, 404, 405)


def _ask_all(
    http: HttpClient, world: World, entries: list[Entry]
) -> list[tuple[Entry, str, int, str]]:
    answers = []
    for entry in entries:
        url = entry.url(world)
        body = entry.body(world) if entry.body else None
        for method in METHODS:
            status, location = _ask(http, method, url, body)
            answers.append((entry, method, status, location))
    return answers


@pytest.mark.parametrize("persona", REVOKED_PERSONAS)
def test_a_session_from_before_the_change_is_refused_everywhere(world: World, persona: str) -> None:
    # Given a session opened before the admin deactivated or demoted the persona
    before, _ = _revoke(world, persona)
    entries = [e for e in [*_live_entries(), *ADMIN_SAMPLES] if e.name not in PUBLIC]
    # Then every route, the API included, refuses it
    wrong = [
        f"{method:6} {entry.label}: {_got(status, location)}"
        for entry, method, status, location in _ask_all(before, world, entries)
        if not _refused(status, location)
    ]
    assert not wrong, f"{len(wrong)} answers to a revoked {persona}:\n" + "\n".join(wrong)


def test_a_deactivated_advisor_signed_in_again_is_refused_everywhere(world: World) -> None:
    # Given the deactivated advisor with a session made after the change (her password works)
    _, after = _revoke(world, "deactivated_advisor")
    # Her own account's pages stay (setting up an authenticator shows nothing of the house's).
    own_account = {"two_factor", "two_factor_setup", "two_factor_verify"}
    entries = [e for e in [*_live_entries(), *ADMIN_SAMPLES] if e.name not in PUBLIC | own_account]
    wrong = [
        f"{method:6} {entry.label}: {_got(status, location)}"
        for entry, method, status, location in _ask_all(after, world, entries)
        if not _refused(status, location)
    ]
    assert not wrong, f"{len(wrong)} answers to a deactivated advisor:\n" + "\n".join(wrong)


def test_a_demoted_manager_signed_in_again_is_the_advisor_she_now_is(world: World) -> None:
    # Given the Paris manager made a client advisor, signed in again after the change
    _, after = _revoke(world, "demoted_manager")
    # Then every route answers her as it answers a Paris advisor without Camille (the colleague)
    entries = [*_live_entries(), *ADMIN_SAMPLES]
    mismatches = []
    for entry, method, status, location in _ask_all(after, world, entries):
        want = expectations(entry)[method]["colleague"]
        if not want.matches(status, location):
            mismatches.append(
                Mismatch(entry, method, "demoted_manager", want, _got(status, location))
            )
    assert not mismatches, f"{len(mismatches)} cells differ:\n" + "\n".join(map(str, mismatches))


def test_staff_reach_the_admin(world: World) -> None:
    # The admin rule's other half: a verified superuser gets in where the personas are sent away.
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 16)
    http = HttpClient()
    http.force_login(admin)
    otp_verify(http, admin)
    for entry in ADMIN_SAMPLES[:6]:
        status, location = _ask(http, "GET", entry.url(world), None)
        assert status == 200, f"{entry.label}: {_got(status, location)}"


# --- The promises, checked on the table itself ---------------------------------------------------


def _cells() -> list[tuple[Entry, str, str, Want]]:
    return [
        (entry, method, persona, want)
        for entry in [*ENTRIES, *ADMIN_SAMPLES]
        for method, per_persona in expectations(entry).items()
        for persona, want in per_persona.items()
    ]


def test_outsiders_never_get_403() -> None:
    # 403 would confirm the object exists: it is for read-only roles (and unsigned webhooks).
    wrong = [
        f"{method} {entry.label} as {persona}"
        for entry, method, persona, want in _cells()
        if want.status == 403
        and persona not in READERS
        and not (entry.name or "").startswith("twilio_")
    ]
    assert not wrong, "\n".join(wrong)


def test_outsiders_get_404_on_the_clients_things() -> None:
    # Where Camille's advisor gets in, colleagues without her, Milan and other clients get 404.
    per_client = [
        e
        for e in ENTRIES
        if e.pattern.startswith(("stylist/clients/<", "stylist/messages/<", "stylist/lookbooks/"))
    ]
    assert per_client
    for entry in per_client:
        for method, per_persona in expectations(entry).items():
            if per_persona["owner"].status in (405,):
                continue
            for persona in (*STAFF_OUTSIDERS, *CLIENTS):
                assert per_persona[persona].status == 404, f"{method} {entry.label} as {persona}"


def test_a_client_never_reaches_the_stylist_side() -> None:
    wrong = [
        f"{method} {entry.label} as {persona}: {want}"
        for entry, method, persona, want in _cells()
        if entry.pattern.startswith("stylist/") and persona in CLIENTS and want.status < 400
    ]
    assert not wrong, "\n".join(wrong)


UNPUBLISHED = ("draft", "in review", "withdrawn")
LOOKBOOK_ROUTES = {
    "concierge:lookbook_detail",
    "concierge:lookbook_react",
    "lookbook-detail",
    "stylists:lookbook_review",
}


def test_a_client_never_sees_a_draft_by_any_route() -> None:
    drafts = [e for e in ENTRIES if e.variant in UNPUBLISHED]
    # Each unpublished state is asked for through the concierge, the API and the review page.
    for variant in UNPUBLISHED:
        routes = {e.name for e in drafts if e.variant == variant}
        assert routes >= LOOKBOOK_ROUTES, f"{variant}: missing {LOOKBOOK_ROUTES - routes}"
    wrong = [
        f"{method} {entry.label} as {persona}: {want}"
        for entry in drafts
        for method, per_persona in expectations(entry).items()
        for persona, want in per_persona.items()
        if persona in CLIENTS and want.status < 400
    ]
    assert not wrong, "\n".join(wrong)


def test_anonymous_visitors_are_asked_to_sign_in() -> None:
    wrong = []
    for entry, method, persona, want in _cells():
        if persona != "anonymous" or entry.name in PUBLIC or entry.debug_only:
            continue
        if entry.pattern.startswith("admin/"):
            allowed = {302}
        elif entry.pattern.startswith("api/"):
            allowed = {401}
        else:
            allowed = {302, 405}  # the sign-in page, or a wrong method
        redirect_ok = want.status != 302 or want.to in ("/accounts/login/", "/admin/login/")
        if want.status not in allowed or not redirect_ok:
            wrong.append(f"{method} {entry.label}: {want}")
    assert not wrong, "\n".join(wrong)


def test_webhooks_refuse_unsigned_requests() -> None:
    webhooks = [e for e in ENTRIES if (e.name or "").startswith("twilio_")]
    assert len(webhooks) == 2
    for entry in webhooks:
        assert all(want.status == 403 for want in entry.expect["POST"].values()), entry.label


def test_every_method_is_in_the_table() -> None:
    assert METHODS == ("GET", "POST", "PUT", "PATCH", "DELETE")


def _body(http: HttpClient, url: str) -> tuple[int, str]:
    cache.clear()
    with transaction.atomic():
        response = http.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return response.status_code, content.decode("utf-8", "replace")


@pytest.mark.parametrize("persona", CLIENTS)
def test_no_page_or_answer_a_client_gets_names_an_unpublished_lookbook(
    world: World, persona: str
) -> None:
    # Given Camille's draft, the one in review and the withdrawn one
    secrets = {}
    for lookbook in world.unpublished:
        secrets[str(lookbook.public_id)] = f"{lookbook.status} id"
        secrets[lookbook.title] = f"{lookbook.status} title"
    http = world.cast.http(persona)
    asked, wrong = 0, []
    # When the client opens every page and API answer she may open (lists, home, detail...)
    for entry in _live_entries():
        if entry.expect["GET"][persona].status != 200:
            continue
        status, text = _body(http, entry.url(world))
        asked += 1
        wrong += [f"{entry.label}: {what}" for value, what in secrets.items() if value in text]
        assert status == 200, f"{entry.label}: {status}"
    # Then none of them names one (and she did reach her lists and her published chapter)
    assert asked >= 20, asked
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("persona", "sees_her"),
    [
        ("owner", True),
        ("colleague", False),
        ("stylist_elsewhere", False),
        ("manager_elsewhere", False),
    ],
)
def test_the_book_export_holds_only_the_clients_one_may_see(
    world: World, persona: str, sees_her: bool
) -> None:
    # Given Camille, in her advisor's book only
    camille = str(world.client_id)
    http = world.cast.http(persona)
    found = []
    # When the persona exports the book under every scope the page offers
    for query in ("", "?scope=mine", "?scope=boutique", "?scope=all", "?scope=house"):
        status, text = _body(http, reverse("stylists:client_export") + query)
        assert status == 200, (query, status)
        found.append(camille in text)
    # Then Camille is in her advisor's export, and in no outsider's, whatever the scope
    assert any(found) if sees_her else not any(found), found
