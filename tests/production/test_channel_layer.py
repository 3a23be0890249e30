"""The Redis channel layer: a consumer waits through quiet spells and ends when it is closed.

channels_redis waits for each message with a BZPOPMIN of `brpop_timeout` (5 s).
redis-py 8 gives socket reads a 5 s timeout by default; with it (or any finite
read timeout, 15 s included) two things went wrong on real Redis:
- the read gave up before Redis answered "nothing yet", taking the consumer
  and its WebSocket down (CI saw live updates stop: "Timeout reading from
  127.0.0.1:6379");
- on Python 3.11 the read swallowed the cancellation of a consumer whose
  connection had been refused, so it went on polling Redis forever (a CI run
  hung for minutes in tests/stylists/test_live_signals.py).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from channels_redis.core import RedisChannelLayer
from django.conf import settings

from clienteling.asgi import application
from clienteling.settings.layers import channel_layers


def _layer(url: str) -> RedisChannelLayer:
    config = channel_layers(url)["default"]
    assert config["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    return RedisChannelLayer(**config["CONFIG"])


def _real_redis() -> str:
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI sets REDIS_URL: this test must run there")
        pytest.skip("needs REDIS_URL")
    assert isinstance(get_channel_layer(), RedisChannelLayer)
    return settings.REDIS_URL


def test_without_redis_the_layer_is_in_memory() -> None:
    assert channel_layers("") == {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def test_a_socket_read_never_gives_up_before_the_layers_blocking_pop() -> None:
    layer = _layer("redis://127.0.0.1:6379/0")
    pool = layer.create_pool(0)
    connection = pool.connection_class(**pool.connection_kwargs)  # not connected
    assert connection.socket_timeout is None
    assert connection.socket_keepalive  # a peer that vanished is still found
    assert connection.socket_connect_timeout is not None


def test_a_consumer_waits_through_a_quiet_spell_on_real_redis() -> None:
    layer = _layer(_real_redis())

    async def quiet_then_a_message() -> dict[str, str]:
        channel = await layer.new_channel()
        receiving = asyncio.ensure_future(layer.receive(channel))
        # Longer than one BZPOPMIN: the first comes back empty and the layer asks again.
        await asyncio.sleep(layer.brpop_timeout + 1.5)
        assert not receiving.done(), receiving.exception()
        await layer.send(channel, {"type": "still.here"})
        message = await asyncio.wait_for(receiving, timeout=5)
        await layer.close_pools()
        return message

    assert async_to_sync(quiet_then_a_message)() == {"type": "still.here"}


def test_a_refused_consumer_ends_when_its_loop_cancels_it() -> None:
    _real_redis()
    anonymous = [(b"origin", b"http://testserver"), (b"host", b"testserver")]

    async def refuse_then_cancel_everything() -> tuple[Any, int]:
        communicator = WebsocketCommunicator(application, "/ws/stylist/signals/", anonymous)
        answer = await communicator.connect()
        # What asyncio.run does when the loop closes: cancel every task at once.
        this = asyncio.current_task()
        others = [task for task in asyncio.all_tasks() if task is not this]
        for task in others:
            task.cancel()
        _, pending = await asyncio.wait(others, timeout=2)
        if pending:  # end it by closing its connection, so that the loop can close
            await get_channel_layer().close_pools()
            await asyncio.wait(pending, timeout=5)
        return answer, len(pending)

    # The swallowed cancellation showed in about one try in twenty to a hundred.
    for attempt in range(150):
        answer, pending = async_to_sync(refuse_then_cancel_everything)()
        assert answer == (False, 4403)
        assert pending == 0, f"try {attempt}: a cancelled consumer is still running"
