"""Live signals over Channels: the advisor hears of a Bespoke client's browsing, no one else does.

The WebSocket goes through the real ASGI stack (origin check, session auth,
URL routing), signed in with the test client's session cookie.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client as HttpClient

from clienteling.asgi import application
from consent.models import ConsentTier
from stylists.services import live_signal_publish, message_from_client
from tests.factories.catalog import ProductFactory
from tests.stylists.conftest import consent

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/stylist/signals/"


def headers_for(user: Any) -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        http = HttpClient()
        http.force_login(user)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        headers.append((b"cookie", cookie.encode()))
    return headers


def connect(headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, PATH, headers=headers)


def test_the_advisor_hears_of_a_bespoke_clients_browsing_at_once(cast):
    consent(cast, cast.client, ConsentTier.BESPOKE, email=True)
    product = ProductFactory(name="Riviera trench")
    headers = headers_for(cast.owner.user)

    async def scenario() -> tuple[bool, dict[str, Any]]:
        communicator = connect(headers)
        connected, _ = await communicator.connect()
        sent = await sync_to_async(live_signal_publish)(
            client=cast.client, product=product, kind="view"
        )
        event = await communicator.receive_json_from(timeout=1)
        await communicator.disconnect()
        return connected and sent, event

    ok, event = async_to_sync(scenario)()
    assert ok
    assert event["type"] == "signal"
    assert event["text"] == "Camille Laurent is looking at the Riviera trench"
    assert event["client"]["name"] == "Camille Laurent"
    assert event["client"]["url"] == f"/stylist/clients/{cast.client.public_id}/"
    assert event["product"]["name"] == "Riviera trench"
    assert event["kind"] == "view"
    assert event["at"]


def test_nothing_is_sent_for_a_personal_client(cast):
    product = ProductFactory()
    headers = headers_for(cast.owner.user)

    async def scenario() -> tuple[bool, bool]:
        communicator = connect(headers)
        await communicator.connect()
        sent = await sync_to_async(live_signal_publish)(
            client=cast.client, product=product, kind="save"
        )
        silent = await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return sent, silent

    sent, silent = async_to_sync(scenario)()
    assert sent is False
    assert silent is True


def test_a_colleague_does_not_hear_of_another_advisors_client(cast):
    consent(cast, cast.client, ConsentTier.BESPOKE)
    product = ProductFactory()
    headers = headers_for(cast.colleague.user)

    async def scenario() -> bool:
        communicator = connect(headers)
        await communicator.connect()
        await sync_to_async(live_signal_publish)(client=cast.client, product=product, kind="save")
        silent = await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return silent

    assert async_to_sync(scenario)() is True


@pytest.mark.parametrize("persona", ["client_user", "anonymous"])
def test_clients_and_anonymous_visitors_cannot_connect(cast, persona):
    headers = headers_for(cast.user(persona))

    async def scenario() -> tuple[bool, Any]:
        communicator = connect(headers)
        connected, code = await communicator.connect()
        return connected, code

    connected, code = async_to_sync(scenario)()
    assert connected is False
    assert code == 4403


def test_a_message_from_a_client_reaches_the_advisor(cast):
    headers = headers_for(cast.owner.user)

    async def scenario() -> dict[str, Any]:
        communicator = connect(headers)
        await communicator.connect()
        await sync_to_async(message_from_client)(client=cast.client, body="Is it in navy?")
        event = await communicator.receive_json_from(timeout=1)
        await communicator.disconnect()
        return event

    event = async_to_sync(scenario)()
    assert event["type"] == "message"
    assert event["text"] == "New message from Camille Laurent"


def test_a_session_that_owes_its_two_factor_code_cannot_connect(cast):
    # Given head office signed in with a password but no code yet
    unverified = headers_for(cast.head_office.user)
    # And the same person with a verified session
    http = cast.http("head_office")
    cookie = f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
    verified = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"cookie", cookie.encode()),
    ]

    async def attempt(headers: list[tuple[bytes, bytes]]) -> tuple[bool, Any]:
        communicator = connect(headers)
        connected, code = await communicator.connect()
        if connected:
            await communicator.disconnect()
        return connected, code

    # Then only the verified session is let in
    assert async_to_sync(attempt)(unverified) == (False, 4403)
    assert async_to_sync(attempt)(verified)[0] is True
