"""The first API routes: token auth, clients and lookbooks, per persona."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from recommendations.models import ItemState, LookbookStatus
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory

pytestmark = pytest.mark.django_db

PASSWORD = "atelier-test-pass"


def api_as(cast, persona):
    api = APIClient()
    user = cast.user(persona)
    if user is not None:
        api.force_authenticate(user)
    return api


def test_token_endpoint_returns_a_token_for_good_credentials(cast):
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/clients/").status_code == 200


def test_token_endpoint_refuses_bad_credentials_with_a_clear_error(cast):
    response = APIClient().post("/api/v1/auth/token/", {"username": "owner", "password": "no"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_clients_list_is_paginated_and_scoped_to_the_book(cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api_as(cast, "owner").get("/api/v1/clients/")
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    ids = {row["id"] for row in body["results"]}
    assert ids == {str(cast.client.public_id), str(cast.other_client.public_id)}
    row = next(r for r in body["results"] if r["id"] == str(cast.client.public_id))
    assert row["consent_tier"] == "personal"
    assert row["home_boutique"] == "paris"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("manager", 200),
        ("head_office", 200),
        ("colleague", 404),
        ("stylist_elsewhere", 404),
        ("manager_elsewhere", 404),
        ("client_user", 404),
        ("other_client_user", 404),
        ("anonymous", 401),
    ],
)
def test_client_detail_per_persona(cast, persona, status):
    response = api_as(cast, persona).get(f"/api/v1/clients/{cast.client.public_id}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == str(cast.client.public_id)


def test_clients_list_is_read_only(cast):
    response = api_as(cast, "owner").post("/api/v1/clients/", {"first_name": "X"})
    assert response.status_code == 405


@pytest.fixture
def lookbooks(cast):
    draft = LookbookFactory(client=cast.client, author=cast.owner, status=LookbookStatus.DRAFT)
    published = LookbookFactory(
        client=cast.client, author=cast.owner, status=LookbookStatus.PUBLISHED, origin="stylist"
    )
    kept = LookbookItemFactory(lookbook=published, position=1, state=ItemState.KEPT)
    removed = LookbookItemFactory(lookbook=published, position=2, state=ItemState.REMOVED)
    other = LookbookFactory(client=cast.other_client, status=LookbookStatus.PUBLISHED)
    return {
        "draft": draft,
        "published": published,
        "kept": kept,
        "removed": removed,
        "other": other,
    }


def test_lookbooks_status_filter_for_the_owner(cast, lookbooks):
    api = api_as(cast, "owner")
    drafts = api.get("/api/v1/lookbooks/?status=draft").json()
    assert [row["id"] for row in drafts["results"]] == [str(lookbooks["draft"].public_id)]
    assert drafts["results"][0]["status"] == "draft"
    everything = api.get("/api/v1/lookbooks/").json()
    assert everything["count"] == 3


def test_unknown_status_is_a_clear_400(cast, lookbooks):
    response = api_as(cast, "owner").get("/api/v1/lookbooks/?status=secret")
    assert response.status_code == 400
    assert "Unknown status" in response.json()["status"]


def test_a_client_never_sees_a_draft_through_the_api(cast, lookbooks):
    api = api_as(cast, "client_user")
    listed = api.get("/api/v1/lookbooks/").json()
    assert [row["id"] for row in listed["results"]] == [str(lookbooks["published"].public_id)]
    assert api.get("/api/v1/lookbooks/?status=draft").json()["count"] == 0
    assert api.get(f"/api/v1/lookbooks/{lookbooks['draft'].public_id}/").status_code == 404
    # Nor another client's published lookbook
    assert api.get(f"/api/v1/lookbooks/{lookbooks['other'].public_id}/").status_code == 404


def test_a_client_sees_published_pieces_without_removed_ones_or_explanations(cast, lookbooks):
    body = (
        api_as(cast, "client_user")
        .get(f"/api/v1/lookbooks/{lookbooks['published'].public_id}/")
        .json()
    )
    assert [item["product"] for item in body["items"]] == [str(lookbooks["kept"].product.public_id)]
    assert "explanation" not in body["items"][0]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("manager", 200),
        ("colleague", 404),
        ("stylist_elsewhere", 404),
        ("other_client_user", 404),
        ("anonymous", 401),
    ],
)
def test_lookbook_detail_per_persona(cast, lookbooks, persona, status):
    response = api_as(cast, persona).get(f"/api/v1/lookbooks/{lookbooks['draft'].public_id}/")
    assert response.status_code == status


def test_schema_and_docs_are_served(cast):
    api = api_as(cast, "owner")
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert "/api/v1/clients/{id}/" in schema.json()["paths"]
    assert api.get("/api/docs/").status_code == 200
