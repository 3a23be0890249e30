"""Schemathesis against the app's own OpenAPI schema, once per persona's API token.

The schema is read from /api/schema/ through the WSGI application (no
network). For each persona the generated cases of every operation are sent
with that persona's token (obtained from /api/v1/auth/token/, with a TOTP
code for head office) and checked: no server error, status codes, content
types and bodies as the schema documents them, and no response that carries
the public id, name or e-mail of a client the persona may not see.

Deterministic (derandomize=True, no example database) and bounded
(MAX_EXAMPLES per operation and mode). Drawing a case costs more than sending
it, so each case is drawn once and sent as every persona, each request in a
rolled-back savepoint with the rate-limit cache cleared; every failure of
every persona is reported at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from guardian.shortcuts import assign_perm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import PASSWORD
from tests.factories.security import totp_code, totp_device
from tests.factories.stylists import make_stylist
from tests.security.access_matrix import World, build_world

pytestmark = pytest.mark.django_db

# Generated cases per operation and mode (nineteen operations: the advisors' six and the
# client API's thirteen).
MAX_EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}
MIN_CASES = 6  # hypothesis stops early when an operation has few distinct inputs
OPERATIONS = 19
# Signing in takes no token, so its cases are sent once, without one (as anonymous).
SIGN_IN = "POST /api/v1/auth/token/"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Invalid input: never a 5xx, and the refusal documented like any answer.
NEGATIVE_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
PERSONAS = (
    "owner",
    "colleague",
    "stylist_elsewhere",
    "manager",
    "manager_elsewhere",
    "head_office",
    "client_user",
    "other_client_user",
    "revoked_token",  # an advisor's token, revoked (DELETE /api/v1/auth/token/) before the run
    "anonymous",
)
USERNAMES = {
    "client_user": "client",
    "other_client_user": "other_client",
    "stylist_elsewhere": "elsewhere",
    "manager_elsewhere": "manager_milan",
}
# Clients each persona may see through the API (the rest must never show up in an answer).
VISIBLE = {
    "owner": {"client", "other_client"},
    "colleague": set(),
    "stylist_elsewhere": {"milan_client"},
    "manager": {"client", "other_client"},
    "manager_elsewhere": {"milan_client"},
    "head_office": {"client", "other_client", "milan_client"},
    "client_user": {"client"},  # her own published lookbooks name her public id
    "other_client_user": {"other_client"},
    "revoked_token": set(),
    "anonymous": set(),
}


@dataclass
class Tally:
    by_operation: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)

    def count(self, label: str, status: int) -> None:
        self.by_operation[label] = self.by_operation.get(label, 0) + 1
        self.statuses[status] = self.statuses.get(status, 0) + 1


@pytest.fixture
def world(cast: Any, settings: Any, tmp_path: Any) -> World:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MODEL_ARTIFACT_DIR = tmp_path / "models"
    return build_world(cast)


def _revoked_token(world: World) -> str:
    """A token of an advisor who held Camille, revoked by its owner: it must open nothing."""
    former = make_stylist(boutique=world.cast.paris, username="former")
    for codename in ("view_client", "change_client"):
        assign_perm(f"clients.{codename}", former.user, world.cast.client)
    response = APIClient().post("/api/v1/auth/token/", {"username": "former", "password": PASSWORD})
    token = str(response.json()["token"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/clients/").json()["count"] == 1  # it worked
    assert api.delete("/api/v1/auth/token/").status_code == 204
    return token


def _token(world: World, persona: str) -> str | None:
    if persona == "anonymous":
        return None
    if persona == "revoked_token":
        return _revoked_token(world)
    user = world.cast.user(persona)
    data = {"username": USERNAMES.get(persona, persona), "password": PASSWORD}
    if persona == "head_office":
        data["otp_token"] = totp_code(totp_device(user))
    response = APIClient().post("/api/v1/auth/token/", data)
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def _forbidden_strings(world: World, persona: str) -> dict[str, str]:
    """What would betray a client this persona may not see: public id, names, e-mail."""
    cast = world.cast
    strings: dict[str, str] = {}
    for name in ("client", "other_client", "milan_client"):
        if name in VISIBLE[persona]:
            continue
        client = getattr(cast, name)
        strings[str(client.public_id)] = f"{name}'s public id"
        strings[client.last_name] = f"{name}'s last name"
        for identity in client.identities.all():
            strings[identity.value] = f"{name}'s {identity.kind}"
    if persona not in ("owner", "manager", "head_office"):  # unpublished work is staff's
        for lookbook in world.unpublished:
            strings[str(lookbook.public_id)] = f"Camille's {lookbook.status} lookbook"
            strings[lookbook.title] = f"Camille's {lookbook.status} lookbook's title"
    return strings


@contextmanager
def _test_connection_kept() -> Iterator[None]:
    """Schemathesis calls the WSGI handler itself, whose request signals close old connections:
    inside the test's transaction that is the test's own (PostgreSQL). Django's test client
    unhooks them the same way around each of its requests."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The schema as the app serves it, read once (the view reads no rows)."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())


@dataclass
class Persona:
    name: str
    headers: dict[str, str]
    forbidden: dict[str, str]
    tally: Tally = field(default_factory=Tally)


def _run_operation(
    operation: Any,
    mode: GenerationMode,
    *,
    personas: list[Persona],
    known_ids: list[str],
    failures: list[str],
) -> None:
    """Each case hypothesis draws is sent as every persona (drawing a case is the cost)."""

    @settings(
        max_examples=MAX_EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), known=st.sampled_from(known_ids))
    def run(case: Any, known: str) -> None:
        # Positive cases also ask for real objects (hers, her draft), not only random ids.
        if mode.is_positive and known and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = known
        checks = CHECKS if mode.is_positive else NEGATIVE_CHECKS
        for persona in personas if operation.label != SIGN_IN else personas[-1:]:
            cache.clear()  # the token endpoint's rate limit must not turn answers into 429s
            with _test_connection_kept(), transaction.atomic():
                response = case.call(headers=persona.headers)
                transaction.set_rollback(True)
            persona.tally.count(operation.label, response.status_code)
            where = f"{persona.name}: {case.method} {case.formatted_path} ({mode.value})"
            try:
                case.validate_response(response, checks=checks, headers=persona.headers)
            except FailureGroup as group:
                failures.extend(f"{where}: {f.title}. {f.message[:200]}" for f in group.exceptions)
            for value, what in persona.forbidden.items():
                if value in response.text:
                    failures.append(f"{where}: leaks {what}")

    run()


def test_the_api_keeps_its_schema_and_its_secrets(world: World, schema: Any) -> None:
    # Given every persona's token and what each must never see
    personas = []
    for name in PERSONAS:
        token = _token(world, name)
        headers = {"Authorization": f"Token {token}"} if token else {}
        personas.append(Persona(name, headers, _forbidden_strings(world, name)))
    known_ids = ["", str(world.cast.client.public_id), str(world.published.public_id)]
    known_ids += [str(lookbook.public_id) for lookbook in world.unpublished]
    known_ids += [str(world.cast.milan_client.public_id), str(world.appointment.public_id)]
    failures: list[str] = []
    # When every operation is called with generated data, valid and invalid, as each of them
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run_operation(
                operation, mode, personas=personas, known_ids=known_ids, failures=failures
            )
    # Then no answer was a server error, broke the schema or leaked
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(sorted(set(failures))[:40])
    # And every operation was exercised for every persona (signing in: by anonymous)
    for persona in personas:
        by_operation = persona.tally.by_operation
        expected = OPERATIONS if persona.name == "anonymous" else OPERATIONS - 1
        assert len(by_operation) == expected, (persona.name, by_operation)
        assert all(n >= MIN_CASES for n in by_operation.values()), (persona.name, by_operation)
    # With answers of more than one kind: someone saw her things, outsiders got 404s
    statuses = {persona.name: set(persona.tally.statuses) for persona in personas}
    assert {200, 404} <= statuses["owner"], statuses
    assert {200, 404} <= statuses["client_user"], statuses
    assert statuses["anonymous"] <= {400, 401}, statuses
    # And the revoked token opens nothing, by any operation
    assert statuses["revoked_token"] == {401}, statuses
