"""WebSockets end with access, and the socket door is tight (issue 15, items 8 and 9).

8. A socket closes (4401) when its session signs out, and every socket of a
   person closes when they are deactivated or their role changes; another
   device's socket survives a sign-out elsewhere.
9. A path no route serves gets a quiet 404 (or a refused handshake under
   servers without denial responses), never a 500 with a traceback; the Origin
   must be this very site, port included.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client as HttpClient

from clienteling.asgi import application
from stylists.models import Role
from stylists.services import message_from_client
from stylists.services.access import stylist_update_access

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/stylist/signals/"


def session_of(user: Any) -> tuple[HttpClient, list[tuple[bytes, bytes]]]:
    http = HttpClient()
    http.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    return http, [*headers, (b"cookie", cookie.encode())]


async def _closed_after(communicator: WebsocketCommunicator, action: Any) -> Any:
    connected, _ = await communicator.connect()
    assert connected
    await sync_to_async(action)()
    return await communicator.receive_output(timeout=2)


def test_signing_out_closes_that_sessions_socket_and_no_other(cast):
    http, headers = session_of(cast.owner.user)
    _, other_device = session_of(cast.owner.user)

    async def scenario() -> tuple[Any, Any]:
        here = WebsocketCommunicator(application, PATH, headers=headers)
        there = WebsocketCommunicator(application, PATH, headers=other_device)
        await there.connect()
        closed = await _closed_after(here, lambda: http.post("/accounts/logout/"))
        # The other device still hears the client's messages
        await sync_to_async(message_from_client)(client=cast.client, body="Navy, please")
        event = await there.receive_json_from(timeout=2)
        await there.disconnect()
        return closed, event

    closed, event = async_to_sync(scenario)()
    assert closed == {"type": "websocket.close", "code": 4401}
    assert event["type"] == "message"


@pytest.mark.parametrize(
    "change", [{"active": False}, {"role": Role.MANAGER}], ids=["deactivated", "role changed"]
)
def test_ending_access_closes_every_socket_of_the_person(cast, change):
    _, headers = session_of(cast.owner.user)

    async def scenario() -> Any:
        socket = WebsocketCommunicator(application, PATH, headers=headers)
        return await _closed_after(
            socket,
            lambda: stylist_update_access(stylist_id=cast.owner.pk, performed_by=None, **change),
        )

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": 4401}


def test_after_signing_out_no_event_arrives(cast):
    http, headers = session_of(cast.owner.user)

    async def scenario() -> bool:
        socket = WebsocketCommunicator(application, PATH, headers=headers)
        await _closed_after(socket, lambda: http.post("/accounts/logout/"))
        await sync_to_async(message_from_client)(client=cast.client, body="Still there?")
        return await socket.receive_nothing(timeout=0.3)

    assert async_to_sync(scenario)() is True


# --- 9. Unknown paths and foreign origins -------------------------------------------------------


async def _raw(path: str, headers: list[tuple[bytes, bytes]], extensions: Any = None) -> list[Any]:
    """Drive the ASGI app by hand: a handshake, and every message it sends back."""
    scope = {
        "type": "websocket",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "subprotocols": [],
        "scheme": "ws",
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "extensions": extensions or {},
    }
    sent: list[Any] = []
    inbox = [{"type": "websocket.connect"}]

    async def receive() -> Any:
        return inbox.pop(0) if inbox else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: Any) -> None:
        sent.append(message)

    await application(scope, receive, send)
    return sent


SAME_SITE = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@pytest.mark.parametrize("path", ["/ws/", "/x", "/ws/stylist/", "/ws/stylist/signals/extra/"])
def test_an_unknown_path_is_refused_quietly(cast, path, caplog):
    with caplog.at_level(logging.INFO):
        sent = async_to_sync(_raw)(path, SAME_SITE)
    assert sent == [{"type": "websocket.close", "code": 4404}]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_an_unknown_path_gets_a_404_where_the_server_can_say_so(cast):
    sent = async_to_sync(_raw)("/ws/", SAME_SITE, {"websocket.http.response": {}})
    assert sent[0]["type"] == "websocket.http.response.start"
    assert sent[0]["status"] == 404


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        (b"http://testserver:8001", b"testserver"),  # another port of the same host
        (b"http://testserver:8001", b"testserver:8000"),
        (b"http://evil.example", b"testserver"),
        (b"https://testserver:8443", b"testserver"),
        (b"http://testserver", b"testserver:8000"),
        (b"null", b"testserver"),
        (b"http://localhost", b"testserver"),  # allowed, but not the site addressed
    ],
)
def test_a_foreign_origin_is_refused_before_the_handshake(cast, origin, host):
    _, headers = session_of(cast.owner.user)
    cookie = [h for h in headers if h[0] == b"cookie"]
    sent = async_to_sync(_raw)(PATH, [(b"origin", origin), (b"host", host), *cookie])
    assert sent == [{"type": "websocket.close", "code": 4403}]


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        (b"http://testserver", b"testserver"),
        (b"http://testserver:80", b"testserver"),
        (b"https://testserver", b"testserver"),  # behind a TLS proxy
        (b"http://testserver:8000", b"testserver:8000"),
    ],
)
def test_the_sites_own_origin_is_let_in(cast, origin, host):
    _, headers = session_of(cast.owner.user)
    cookie = [h for h in headers if h[0] == b"cookie"]

    async def scenario() -> bool:
        socket = WebsocketCommunicator(
            application, PATH, headers=[(b"origin", origin), (b"host", host), *cookie]
        )
        connected, _ = await socket.connect()
        await socket.disconnect()
        return connected

    assert async_to_sync(scenario)() is True
