"""Video consultations: who may enter, when, the pages on both sides, the relay, Twilio tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt
import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.test import override_settings

from stylists.selectors.live import video_seat
from stylists.services.video import appointment_invite_manager, video_access_token
from tests.live.conftest import headers_for, socket, video_appointment

pytestmark = pytest.mark.django_db(transaction=True)

ALLOWED = ("client_user", "owner")
REFUSED = (
    "colleague",
    "stylist_elsewhere",
    "manager",
    "manager_elsewhere",
    "head_office",
    "other_client_user",
    "anonymous",
)


def _connects(path: str, user: Any) -> bool:
    headers = headers_for(user)

    async def scenario() -> bool:
        communicator = socket(path, headers)
        connected, _ = await communicator.connect()
        if connected:
            await communicator.disconnect()
        return bool(connected)

    return async_to_sync(scenario)()


@pytest.mark.parametrize("persona", ALLOWED)
def test_the_client_and_her_advisor_enter_the_open_room(cast, call, persona):
    assert _connects(f"/ws/video/{call.public_id}/", cast.user(persona))


@pytest.mark.parametrize("persona", REFUSED)
def test_nobody_else_enters(cast, call, persona):
    assert not _connects(f"/ws/video/{call.public_id}/", cast.user(persona))


def test_the_manager_enters_once_invited_and_only_then(cast, call):
    path = f"/ws/video/{call.public_id}/"
    appointment_invite_manager(appointment=call, by=cast.owner, manager=cast.manager)
    assert _connects(path, cast.manager.user)
    appointment_invite_manager(appointment=call, by=cast.owner, manager=None)
    assert not _connects(path, cast.manager.user)


def test_only_the_advisor_invites_and_only_her_boutiques_manager(cast, call):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        appointment_invite_manager(appointment=call, by=cast.colleague, manager=cast.manager)
    with pytest.raises(ValidationError):
        appointment_invite_manager(appointment=call, by=cast.owner, manager=cast.manager_elsewhere)
    with pytest.raises(ValidationError):
        appointment_invite_manager(appointment=call, by=cast.owner, manager=cast.colleague)


def test_the_room_opens_ten_minutes_before_and_closes_at_the_end(cast):
    early = video_appointment(cast, starts_in=dt.timedelta(minutes=11))
    past = video_appointment(cast, starts_in=dt.timedelta(minutes=-46))
    assert video_seat(cast.client.user, early.public_id).state == "early"
    assert video_seat(cast.client.user, past.public_id).state == "ended"
    assert not _connects(f"/ws/video/{early.public_id}/", cast.client.user)
    assert not _connects(f"/ws/video/{past.public_id}/", cast.owner.user)
    with time_machine.travel(early.starts_at - dt.timedelta(minutes=10), tick=False):
        assert video_seat(cast.client.user, early.public_id).open


def test_a_cancelled_or_boutique_appointment_has_no_room(cast, call):
    call.status = "cancelled"
    call.save(update_fields=["status"])
    assert video_seat(cast.client.user, call.public_id).state == "cancelled"
    assert not _connects(f"/ws/video/{call.public_id}/", cast.client.user)
    call.kind, call.boutique, call.status = "boutique", cast.paris, "confirmed"
    call.save(update_fields=["kind", "boutique", "status"])
    assert video_seat(cast.client.user, call.public_id) is None


def test_offers_answers_and_candidates_go_to_the_one_peer_addressed(cast, call):
    path = f"/ws/video/{call.public_id}/"
    advisor_headers, client_headers = headers_for(cast.owner.user), headers_for(cast.client.user)

    async def scenario() -> dict[str, Any]:
        advisor = socket(path, advisor_headers)
        await advisor.connect()
        advisor_welcome = await advisor.receive_json_from(timeout=1)
        client = socket(path, client_headers)
        await client.connect()
        client_welcome = await client.receive_json_from(timeout=1)
        joined = await advisor.receive_json_from(timeout=1)
        offer = {"kind": "offer", "sdp": "v=0 fake"}
        await advisor.send_json_to({"type": "signal", "to": client_welcome["peer"], "data": offer})
        received = await client.receive_json_from(timeout=1)
        # Not a signal kind, and not addressed to anyone here: both dropped.
        await advisor.send_json_to(
            {"type": "signal", "to": client_welcome["peer"], "data": {"kind": "run", "x": 1}}
        )
        await advisor.send_json_to({"type": "signal", "to": "0" * 16, "data": offer})
        silent = await client.receive_nothing(timeout=0.3)
        await client.disconnect()
        left = await advisor.receive_json_from(timeout=1)
        await advisor.disconnect()
        return {
            "advisor_welcome": advisor_welcome,
            "client_welcome": client_welcome,
            "joined": joined,
            "received": received,
            "silent": silent,
            "left": left,
        }

    got = async_to_sync(scenario)()
    assert got["advisor_welcome"]["party"] == "advisor"
    assert got["client_welcome"]["party"] == "client"
    assert got["joined"] == {
        "type": "peer",
        "event": "joined",
        "peer": got["client_welcome"]["peer"],
        "party": "client",
        "name": cast.client.display_name,
    }
    assert got["received"]["type"] == "signal"
    assert got["received"]["from"] == got["advisor_welcome"]["peer"]
    assert got["received"]["data"] == {"kind": "offer", "sdp": "v=0 fake"}
    assert got["received"]["party"] == "advisor"
    assert got["silent"]
    assert got["left"]["event"] == "left"


# --- The pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("client_user", 200),
        ("other_client_user", 404),
        ("owner", 404),
        ("colleague", 404),
        ("stylist_elsewhere", 404),
        ("manager", 404),
        ("anonymous", 302),
    ],
)
def test_the_clients_video_page(cast, call, persona, status):
    response = cast.http(persona).get(f"/concierge/appointments/{call.public_id}/video/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert f'data-ws-path="/ws/video/{call.public_id}/"' in html
        assert "Waiting for Élise to join" in html
        assert "Your browser did not allow the camera and microphone." in html
        assert "Mute microphone" in html
        assert "Turn camera off" in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("colleague", 404),
        ("stylist_elsewhere", 404),
        ("manager", 404),
        ("manager_elsewhere", 404),
        ("head_office", 404),
        ("client_user", 404),
        ("anonymous", 302),
    ],
)
def test_the_advisors_video_page(cast, call, persona, status):
    response = cast.http(persona).get(f"/stylist/appointments/{call.public_id}/video/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert f'data-ws-path="/ws/video/{call.public_id}/"' in html
        assert "Waiting for Camille Laurent to join" in html
        assert "Invite your manager" in html


def test_the_advisor_joins_from_her_appointments_and_today(cast, call):
    link = f"/stylist/appointments/{call.public_id}/video/"
    assert link in cast.http("owner").get("/stylist/appointments/").content.decode()
    assert link in cast.http("owner").get("/stylist/").content.decode()


def test_the_client_joins_from_her_appointment_page(cast, call):
    html = cast.http("client_user").get(f"/concierge/appointments/{call.public_id}/").content
    assert f"/concierge/appointments/{call.public_id}/video/".encode() in html
    assert b"Join now" in html


def test_before_the_window_the_pages_say_when_the_room_opens(cast):
    early = video_appointment(cast, starts_in=dt.timedelta(hours=2))
    client_html = cast.http("client_user").get(f"/concierge/appointments/{early.public_id}/video/")
    advisor_html = cast.http("owner").get(f"/stylist/appointments/{early.public_id}/video/")
    for response in (client_html, advisor_html):
        html = response.content.decode()
        assert "data-video-room" not in html
        assert "The room opens at" in html


def test_the_advisor_invites_her_manager_who_may_then_open_the_page(cast, call):
    url = f"/stylist/appointments/{call.public_id}/video/guest/"
    response = cast.http("owner").post(url, {"manager": cast.manager.pk})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.video_guest == cast.manager
    page = cast.http("manager").get(f"/stylist/appointments/{call.public_id}/video/")
    assert page.status_code == 200
    assert b"Invite your manager" not in page.content  # the guest does not invite
    assert cast.http("manager").post(url, {"manager": ""}).status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [("colleague", 404), ("stylist_elsewhere", 404), ("client_user", 404), ("anonymous", 302)],
)
def test_nobody_else_invites(cast, call, persona, status):
    url = f"/stylist/appointments/{call.public_id}/video/guest/"
    assert cast.http(persona).post(url, {"manager": cast.manager.pk}).status_code == status
    call.refresh_from_db()
    assert call.video_guest is None


def test_a_manager_of_another_boutique_cannot_be_invited(cast, call):
    url = f"/stylist/appointments/{call.public_id}/video/guest/"
    response = cast.http("owner").post(url, {"manager": cast.manager_elsewhere.pk}, follow=True)
    assert b"Choose a manager of your boutique." in response.content
    call.refresh_from_db()
    assert call.video_guest is None


def test_the_guest_form_takes_posts_only(cast, call):
    url = f"/stylist/appointments/{call.public_id}/video/guest/"
    assert cast.http("owner").get(url).status_code == 405


# --- Twilio -----------------------------------------------------------------------

TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_API_KEY_SID": "SK" + "1" * 32,
    "TWILIO_API_KEY_SECRET": "s3cret-for-tests-and-long-enough-for-hs256",
}


@override_settings(**TWILIO)
def test_with_twilio_the_token_grants_this_room_to_this_person_until_the_end(cast, call):
    seat = video_seat(cast.client.user, call.public_id)
    token = video_access_token(seat=seat)
    claims = jwt.decode(token, "s3cret-for-tests-and-long-enough-for-hs256", algorithms=["HS256"])
    assert claims["iss"] == TWILIO["TWILIO_API_KEY_SID"]
    assert claims["sub"] == TWILIO["TWILIO_ACCOUNT_SID"]
    assert claims["grants"]["identity"] == f"client-{cast.client.public_id}"
    assert claims["grants"]["video"] == {"room": "verlaine-live-room"}
    assert claims["exp"] <= int(call.ends_at.timestamp()) + 1


@override_settings(**TWILIO)
def test_with_twilio_the_page_carries_the_token_and_the_sdk(cast, call):
    html = cast.http("owner").get(f"/stylist/appointments/{call.public_id}/video/").content
    assert b'data-mode="twilio"' in html
    assert b"data-token=" in html
    assert b"vendor/twilio-video/twilio-video.min.js" in html
    assert b"data-ws-path" not in html


@override_settings(**TWILIO)
def test_no_token_outside_the_window(cast):
    from django.core.exceptions import PermissionDenied

    early = video_appointment(cast, starts_in=dt.timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        video_access_token(seat=video_seat(cast.owner.user, early.public_id))


def test_the_invited_manager_finds_the_call_on_her_appointments_page(cast, call):
    link = f"/stylist/appointments/{call.public_id}/video/"
    assert link not in cast.http("manager").get("/stylist/appointments/").content.decode()
    appointment_invite_manager(appointment=call, by=cast.owner, manager=cast.manager)
    html = cast.http("manager").get("/stylist/appointments/").content.decode()
    assert "Calls you are invited to" in html
    assert link in html
    assert "Calls you are invited to" not in (
        cast.http("colleague").get("/stylist/appointments/").content.decode()
    )
