"""The client API: her own things only, the same rules as the concierge's pages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from clients.models import Interaction
from stylists.models import Appointment, Message, StylingRequest
from tests.concierge.conftest import publish, weekly

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
THURSDAY = dt.date(2026, 11, 26)


def paris(hour: int, day: dt.date = THURSDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), PARIS)


def api(cast: Any, persona: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(cast.user(persona))
    return client


@pytest.fixture
def thursdays(cast: Any) -> None:
    weekly(cast.owner, weekdays=[3], starts=dt.time(10, 0), ends=dt.time(13, 0))


@time_machine.travel(MONDAY, tick=False)
def test_availability_is_her_advisors_free_times_in_her_zone(cast: Any, thursdays: None) -> None:
    response = api(cast, "client_user").get(
        "/api/v1/availability/", {"date": "2026-11-26", "kind": "boutique"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["advisor"]["id"] == cast.owner.pk
    assert [dt.datetime.fromisoformat(s) for s in data["slots"]] == [
        paris(10),
        paris(11),
        paris(12),
    ]
    # Bad input is a clear 400; a date far away is simply empty; never a 500
    bad = api(cast, "client_user").get("/api/v1/availability/", {"date": "26/11/2026"})
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.content.decode()
    far = api(cast, "client_user").get("/api/v1/availability/", {"date": "9999-12-31"})
    assert far.json()["slots"] == []
    # Staff are not clients
    assert api(cast, "owner").get("/api/v1/availability/").status_code == 404


@time_machine.travel(MONDAY, tick=False)
def test_book_reschedule_and_cancel_through_the_api(
    cast: Any, thursdays: None, django_capture_on_commit_callbacks: Any
) -> None:
    camille = api(cast, "client_user")
    with django_capture_on_commit_callbacks(execute=True):
        booked = camille.post(
            "/api/v1/appointments/",
            {"kind": "boutique", "starts_at": paris(10).isoformat()},
            format="json",
        )
    assert booked.status_code == 201, booked.content
    public_id = booked.json()["id"]
    # Inès cannot take the same time: 409 and the words "just taken"
    taken = api(cast, "other_client_user").post(
        "/api/v1/appointments/",
        {"kind": "boutique", "starts_at": paris(10).isoformat()},
        format="json",
    )
    assert taken.status_code == 409
    assert "just been taken" in taken.content.decode()
    # Nor see or change Camille's
    ines = api(cast, "other_client_user")
    assert ines.get(f"/api/v1/appointments/{public_id}/").status_code == 404
    assert ines.post(f"/api/v1/appointments/{public_id}/cancel/").status_code == 404
    assert ines.get("/api/v1/appointments/").json()["results"] == []
    # Camille moves it, then cancels it
    moved = camille.post(
        f"/api/v1/appointments/{public_id}/reschedule/",
        {"starts_at": paris(12).isoformat()},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert dt.datetime.fromisoformat(moved.json()["starts_at"]) == paris(12)
    cancelled = camille.post(f"/api/v1/appointments/{public_id}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
    assert Appointment.objects.get().status == "cancelled"


@time_machine.travel(MONDAY, tick=False)
def test_the_cut_off_holds_in_the_api(cast: Any, thursdays: None) -> None:
    camille = api(cast, "client_user")
    booked = camille.post(
        "/api/v1/appointments/",
        {"kind": "boutique", "starts_at": paris(10).isoformat()},
        format="json",
    ).json()
    with time_machine.travel(paris(9) - dt.timedelta(hours=12), tick=False):
        refused = camille.post(f"/api/v1/appointments/{booked['id']}/cancel/")
    assert refused.status_code == 400
    assert "less than a day away" in refused.content.decode()


def test_occasions_requests_and_messages_are_hers_only(cast: Any) -> None:
    camille, ines = api(cast, "client_user"), api(cast, "other_client_user")
    occasion = camille.post(
        "/api/v1/occasions/",
        {"kind": "birthday", "date": "1990-05-04", "recurring_yearly": True},
        format="json",
    )
    assert occasion.status_code == 201
    assert occasion.json()["next_date"] == "2027-05-04"
    asked = camille.post(
        "/api/v1/styling-requests/",
        {"message": "A dress for her birthday", "occasion": occasion.json()["id"]},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["status"] == "open"
    # Inès cannot tie her request to Camille's occasion, and sees none of it
    stolen = ines.post(
        "/api/v1/styling-requests/",
        {"message": "Mine", "occasion": occasion.json()["id"]},
        format="json",
    )
    assert stolen.status_code == 404
    assert ines.get("/api/v1/occasions/").json()["results"] == []
    assert ines.get("/api/v1/styling-requests/").json()["results"] == []
    written = camille.post("/api/v1/messages/", {"body": "Merci, Élise."}, format="json")
    assert written.status_code == 201
    assert written.json()["direction"] == "in"
    assert ines.get("/api/v1/messages/").json()["results"] == []
    assert [m["body"] for m in camille.get("/api/v1/messages/").json()["results"]] == [
        "Merci, Élise."
    ]
    assert camille.post("/api/v1/messages/", {"body": "  "}, format="json").status_code == 400
    assert StylingRequest.objects.filter(client=cast.other_client).count() == 0
    assert Message.objects.filter(client=cast.client).count() == 1


def test_reactions_on_her_published_lookbook_only(cast: Any) -> None:
    lookbook, items = publish(cast.client, title="For the gala", author=cast.owner, pieces=2)
    others, others_items = publish(cast.other_client, title="Inès", author=cast.owner)
    camille = api(cast, "client_user")
    url = f"/api/v1/lookbooks/{lookbook.public_id}/reactions/"
    loved = camille.post(url, {"item": items[0].pk, "reaction": "love"}, format="json")
    assert loved.json() == {"item": items[0].pk, "reaction": "love"}
    assert Interaction.objects.filter(client=cast.client, kind="love").count() == 1
    back = camille.post(url, {"item": items[0].pk, "reaction": None}, format="json")
    assert back.json()["reaction"] is None
    assert Interaction.objects.filter(client=cast.client, kind="love").count() == 0
    # Another client's lookbook, or a piece not in hers
    other_url = f"/api/v1/lookbooks/{others.public_id}/reactions/"
    assert (
        camille.post(other_url, {"item": others_items[0].pk, "reaction": "love"}).status_code == 404
    )
    wrong = camille.post(url, {"item": others_items[0].pk, "reaction": "love"}, format="json")
    assert wrong.status_code == 400


def test_the_api_writes_count_against_the_pages_limits(cast: Any, settings: Any) -> None:
    # A limit the concierge page keeps is no limit if the mobile app can go round it:
    # the API's writes take the same named limits, keyed the same way (per client).
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "client_message": "2/10m"}
    camille = api(cast, "client_user")
    for body in ("Bonjour Élise.", "Merci."):
        assert camille.post("/api/v1/messages/", {"body": body}, format="json").status_code == 201
    refused = camille.post("/api/v1/messages/", {"body": "Encore."}, format="json")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert Message.objects.filter(client=cast.client).count() == 2
    # Reading is not limited, and another client has her own allowance
    assert camille.get("/api/v1/messages/").status_code == 200
    ines = api(cast, "other_client_user")
    assert ines.post("/api/v1/messages/", {"body": "Bonjour."}, format="json").status_code == 201


@time_machine.travel(MONDAY, tick=False)
def test_the_api_answers_her_in_her_language(cast: Any, thursdays: None) -> None:
    # Given Camille reads French (the API is in the house language for the house's staff)
    cast.client.preferred_language = "fr"
    cast.client.save(update_fields=["preferred_language"])
    bad = api(cast, "client_user").get("/api/v1/availability/", {"date": "26/11/2026"})
    assert bad.status_code == 400
    assert "Veuillez indiquer la date au format AAAA-MM-JJ." in bad.content.decode()
    assert bad["Content-Language"] == "fr"
    empty = api(cast, "client_user").post("/api/v1/messages/", {"body": "\u200b"}, format="json")
    assert empty.status_code == 400
    assert "Veuillez écrire votre message avant de l’envoyer." in empty.content.decode()
