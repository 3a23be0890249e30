"""Schemathesis against the app's own OpenAPI schema, once per persona's API token.

The schema is read from /api/schema/ through the WSGI application (no
network). For each persona the generated cases of every operation are sent
with that persona's token (obtained from /api/v1/auth/token/, with a TOTP
code for head office) and checked: no server error, status codes, content
types and bodies as the schema documents them, and no response that carries
the public id, name or e-mail of a client the persona may not see.

Deterministic (derandomize=True, no example database) and bounded
(MAX_EXAMPLES per operation); each case runs in a rolled-back savepoint with
the rate-limit cache cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from schemathesis import GenerationMode
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import PASSWORD
from tests.factories.security import totp_code, totp_device
from tests.security.access_matrix import World, build_world

pytestmark = pytest.mark.django_db

# Generated cases per operation and mode (five operations).
MAX_EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}
MIN_CASES = 10  # hypothesis stops early when an operation has few distinct inputs
OPERATIONS = 5
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
    "anonymous": set(),
}


@dataclass
class Tally:
    by_operation: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    leaks: list[str] = field(default_factory=list)

    def count(self, label: str, status: int) -> None:
        self.by_operation[label] = self.by_operation.get(label, 0) + 1
        self.statuses[status] = self.statuses.get(status, 0) + 1


@pytest.fixture
def world(cast: Any, settings: Any, tmp_path: Any) -> World:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MODEL_ARTIFACT_DIR = tmp_path / "models"
    return build_world(cast)


def _token(world: World, persona: str) -> str | None:
    if persona == "anonymous":
        return None
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
    if persona not in ("owner", "manager", "head_office"):  # a draft is staff's work
        strings[str(world.draft.public_id)] = "Camille's draft"
        strings[world.draft.title] = "Camille's draft's title"
    return strings


@pytest.fixture(scope="module")
def schema(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The schema as the app serves it, read once (the view reads no rows)."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())


def _run_operation(
    operation: Any,
    mode: GenerationMode,
    *,
    headers: dict[str, str],
    known_ids: list[str],
    forbidden: dict[str, str],
    tally: Tally,
) -> None:
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
        cache.clear()  # the token endpoint's rate limit must not turn answers into 429s
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        tally.count(operation.label, response.status_code)
        checks = CHECKS if mode.is_positive else NEGATIVE_CHECKS
        case.validate_response(response, checks=checks, headers=headers)
        for value, what in forbidden.items():
            if value in response.text:
                tally.leaks.append(f"{what} in {case.method} {case.formatted_path}")

    run()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_keeps_its_schema_and_its_secrets(world: World, schema: Any, persona: str) -> None:
    # Given the persona's token and what they must never see
    token = _token(world, persona)
    headers = {"Authorization": f"Token {token}"} if token else {}
    forbidden = _forbidden_strings(world, persona)
    known_ids = ["", str(world.cast.client.public_id), str(world.draft.public_id)]
    known_ids += [str(world.published.public_id), str(world.cast.milan_client.public_id)]
    tally = Tally()
    # When every operation is called with generated data, valid and invalid
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run_operation(
                operation,
                mode,
                headers=headers,
                known_ids=known_ids,
                forbidden=forbidden,
                tally=tally,
            )
    # Then nothing leaked (the checks above raise on 5xx and schema mismatches)
    assert not tally.leaks, f"{persona} saw what is not theirs:\n" + "\n".join(tally.leaks)
    # And every operation was exercised, with more than one kind of answer overall
    assert len(tally.by_operation) == OPERATIONS, tally.by_operation
    assert all(n >= MIN_CASES for n in tally.by_operation.values()), tally.by_operation
