"""GET /healthz: database, broker and model in one JSON document."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.factories.recommendations import ModelVersionFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_broker_and_model(client):
    ModelVersionFactory(status="active", is_active=True)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["model"]["active"]["id"] is not None


def test_healthz_without_a_model_says_so(client):
    body = client.get("/healthz").json()
    assert body["model"] is None


@override_settings(REDIS_URL="redis://127.0.0.1:1/0", CELERY_TASK_ALWAYS_EAGER=False)
def test_healthz_degrades_when_the_broker_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
