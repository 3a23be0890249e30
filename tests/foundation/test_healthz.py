"""GET /healthz: ok/degraded for anyone; database, broker and model for verified staff."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.factories.recommendations import ModelVersionFactory
from tests.factories.security import otp_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_user("ops", "ops@example.com", "x" * 16, is_staff=True)
    client.force_login(user)
    otp_verify(client, user)
    return client


def test_anyone_gets_only_ok_or_degraded(client, cast):
    ModelVersionFactory(status="active", is_active=True)
    for http in (client, cast.http("owner"), cast.http("client_user")):
        response = http.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


def test_staff_without_their_second_factor_get_only_the_status(client, django_user_model):
    user = django_user_model.objects.create_user("ops", "ops@example.com", "x" * 16, is_staff=True)
    client.force_login(user)
    assert client.get("/healthz").json() == {"status": "ok"}


def test_healthz_reports_database_broker_and_model(staff):
    ModelVersionFactory(status="active", is_active=True)
    response = staff.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["model"]["active"]["id"] is not None


def test_healthz_without_a_model_says_so(staff):
    body = staff.get("/healthz").json()
    assert body["model"] is None


@override_settings(REDIS_URL="redis://127.0.0.1:1/0", CELERY_TASK_ALWAYS_EAGER=False)
def test_healthz_degrades_when_the_broker_is_down(staff):
    assert Client().get("/healthz").json() == {"status": "degraded"}
    response = staff.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
