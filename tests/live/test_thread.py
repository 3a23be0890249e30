"""The conversation, live: who is in the room, messages both ways, read receipts, SMS replies."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from stylists.models import Message, MessageChannel, MessageDirection, MessageStatus
from stylists.services import inbound_sms
from tests.live.conftest import headers_for, socket

pytestmark = pytest.mark.django_db(transaction=True)


def _path(cast: Any, persona: str) -> str:
    return (
        "/ws/thread/" if persona.endswith("client_user") else f"/ws/thread/{cast.client.public_id}/"
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


@pytest.mark.parametrize("persona", ["client_user", "owner", "manager"])
def test_the_two_parties_and_the_advisors_manager_enter(cast, persona):
    assert _connects(_path(cast, persona), cast.user(persona))


@pytest.mark.parametrize(
    "persona", ["colleague", "stylist_elsewhere", "manager_elsewhere", "head_office", "anonymous"]
)
def test_nobody_else_enters_camilles_conversation(cast, persona):
    assert not _connects(f"/ws/thread/{cast.client.public_id}/", cast.user(persona))


def test_a_client_enters_only_her_own_conversation(cast):
    # Inès's own socket is her own conversation; naming Camille's is refused.
    assert _connects("/ws/thread/", cast.other_client.user)
    assert not _connects(f"/ws/thread/{cast.client.public_id}/", cast.other_client.user)
    assert _connects(f"/ws/thread/{cast.client.public_id}/", cast.client.user)
    assert not _connects("/ws/thread/", cast.owner.user)  # staff must name the client


def _pair(cast: Any, steps: Any) -> Any:
    client_headers, advisor_headers = headers_for(cast.client.user), headers_for(cast.owner.user)

    async def scenario() -> Any:
        client = socket("/ws/thread/", client_headers)
        advisor = socket(f"/ws/thread/{cast.client.public_id}/", advisor_headers)
        assert (await client.connect())[0]
        assert (await advisor.connect())[0]
        try:
            return await steps(client, advisor)
        finally:
            await client.disconnect()
            await advisor.disconnect()

    return async_to_sync(scenario)()


def test_a_message_from_the_client_reaches_the_advisor_at_once_and_is_kept(cast):
    async def steps(client: Any, advisor: Any) -> Any:
        await client.send_json_to({"type": "send", "body": "Is the trench in a 38?", "ref": "m1"})
        first = await client.receive_json_from(timeout=1)
        second = await client.receive_json_from(timeout=1)
        seen = await advisor.receive_json_from(timeout=1)
        return [first, second], seen

    mine, seen = _pair(cast, steps)
    assert {"type": "sent", "ref": "m1"} in mine
    echo = next(event for event in mine if event["type"] == "message")
    assert echo["mine"] is True
    assert echo["read"] is False
    assert seen["type"] == "message"
    assert seen["mine"] is False
    assert seen["body"] == "Is the trench in a 38?"
    assert seen["author"] == cast.client.display_name
    stored = Message.objects.get()
    assert stored.direction == MessageDirection.INBOUND
    assert stored.channel == MessageChannel.CONCIERGE
    assert seen["id"] == str(stored.public_id)


def test_the_advisors_reply_reaches_the_client_and_her_reading_reaches_the_advisor(cast):
    async def steps(client: Any, advisor: Any) -> Any:
        await advisor.send_json_to({"type": "send", "body": "It is, I set one aside."})
        got = await client.receive_json_from(timeout=1)
        await client.send_json_to({"type": "read"})
        events = [await advisor.receive_json_from(timeout=1) for _ in range(3)]
        return got, events

    got, events = _pair(cast, steps)
    assert got["type"] == "message"
    assert got["mine"] is False
    assert got["body"] == "It is, I set one aside."
    assert got["author"] == cast.owner.name
    read = next(event for event in events if event["type"] == "read")
    assert read["by"] == "client"
    message = Message.objects.get()
    assert message.direction == MessageDirection.OUTBOUND
    assert message.status == MessageStatus.READ
    assert message.sent_by == cast.owner.user


def test_the_advisor_reading_shows_read_on_the_clients_side(cast):
    async def steps(client: Any, advisor: Any) -> Any:
        await client.send_json_to({"type": "send", "body": "Hello Élise"})
        for _ in range(2):
            await client.receive_json_from(timeout=1)
        await advisor.receive_json_from(timeout=1)
        await advisor.send_json_to({"type": "read"})
        return await client.receive_json_from(timeout=1)

    read = _pair(cast, steps)
    assert read["type"] == "read"
    assert read["by"] == "advisor"
    assert Message.objects.get().read_at is not None


def test_an_sms_reply_appears_live_in_the_thread(cast):
    client_headers = headers_for(cast.client.user)

    async def scenario() -> Any:
        client = socket("/ws/thread/", client_headers)
        await client.connect()
        await sync_to_async(inbound_sms)(from_number="+33612345678", body="Merci, à jeudi")
        event = await client.receive_json_from(timeout=1)
        await client.disconnect()
        return event

    event = async_to_sync(scenario)()
    assert event["type"] == "message"
    assert event["mine"] is True
    assert event["channel"] == "sms"
    assert event["body"] == "Merci, à jeudi"


def test_the_manager_reads_live_but_neither_writes_nor_marks_read(cast):
    manager_headers = headers_for(cast.manager.user)
    client_headers = headers_for(cast.client.user)

    async def scenario() -> Any:
        manager = socket(f"/ws/thread/{cast.client.public_id}/", manager_headers)
        client = socket("/ws/thread/", client_headers)
        await manager.connect()
        await client.connect()
        await manager.send_json_to({"type": "send", "body": "Manager here", "ref": "x"})
        refused = await manager.receive_json_from(timeout=1)
        await client.send_json_to({"type": "send", "body": "A question"})
        seen = await manager.receive_json_from(timeout=1)
        await manager.send_json_to({"type": "read"})
        quiet = await client.receive_nothing(timeout=0.3) or None
        await manager.disconnect()
        await client.disconnect()
        return refused, seen, quiet

    refused, seen, _ = async_to_sync(scenario)()
    assert refused["type"] == "error"
    assert refused["message"] == "Only the client and her advisor write here."
    assert seen["body"] == "A question"
    assert Message.objects.count() == 1
    assert Message.objects.get().read_at is None


def test_an_empty_or_overlong_message_is_refused_clearly(cast):
    async def steps(client: Any, advisor: Any) -> Any:
        await client.send_json_to({"type": "send", "body": "   ", "ref": "a"})
        empty = await client.receive_json_from(timeout=1)
        await client.send_json_to({"type": "send", "body": "x" * 4001, "ref": "b"})
        long = await client.receive_json_from(timeout=1)
        return empty, long

    empty, long = _pair(cast, steps)
    assert empty == {
        "type": "error",
        "message": "Write your message before sending it.",
        "ref": "a",
    }
    assert long["message"] == "Your message is too long; please shorten it."
    assert Message.objects.count() == 0


def test_the_pages_open_their_live_thread_only_on_an_asgi_server(cast):
    # The test client is WSGI: the pages render without a socket, and the form still posts.
    html = cast.http("client_user").get("/concierge/messages/").content.decode()
    assert "data-thread" in html
    assert "data-ws-path" not in html
    response = cast.http("client_user").post("/concierge/messages/", {"body": "Without script"})
    assert response.status_code == 302
    assert Message.objects.get().body == "Without script"
    page = cast.http("owner").get(f"/stylist/messages/{cast.client.public_id}/").content.decode()
    assert "Without script" in page
    assert "data-thread-list" in page


def test_the_chat_is_rate_limited_with_a_calm_message(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": "1/m"}

    async def steps(client: Any, advisor: Any) -> Any:
        await client.send_json_to({"type": "send", "body": "One", "ref": "1"})
        first = [await client.receive_json_from(timeout=1) for _ in range(2)]
        await client.send_json_to({"type": "send", "body": "Two", "ref": "2"})
        return first, await client.receive_json_from(timeout=1)

    first, second = _pair(cast, steps)
    assert {"type": "sent", "ref": "1"} in first
    assert second["type"] == "error"
    assert second["message"] == "You have sent many messages; please wait a moment."
    assert Message.objects.count() == 1
