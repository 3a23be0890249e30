"""The Redis channel layer outlives a quiet minute: a consumer waiting for messages keeps waiting.

channels_redis waits for each message with a BZPOPMIN of `brpop_timeout` (5 s);
redis-py 8 gives socket reads a 5 s timeout by default, so the read could give
up first and take the consumer and its WebSocket down (CI saw live updates
stop: "Timeout reading from 127.0.0.1:6379").
"""

from __future__ import annotations

import asyncio
import os

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer
from django.conf import settings

from clienteling.settings.layers import channel_layers


def _layer(url: str) -> RedisChannelLayer:
    config = channel_layers(url)["default"]
    assert config["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    return RedisChannelLayer(**config["CONFIG"])


def test_without_redis_the_layer_is_in_memory() -> None:
    assert channel_layers("") == {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def test_a_socket_read_waits_longer_than_the_layers_blocking_pop() -> None:
    layer = _layer("redis://127.0.0.1:6379/0")
    pool = layer.create_pool(0)
    connection = pool.connection_class(**pool.connection_kwargs)  # not connected
    assert connection.socket_timeout is not None  # a Redis that went away is noticed
    assert connection.socket_timeout >= layer.brpop_timeout + 5
    assert connection.socket_connect_timeout is not None


def test_a_consumer_waits_through_a_quiet_spell_on_real_redis() -> None:
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI sets REDIS_URL: this test must run there")
        pytest.skip("needs REDIS_URL")
    layer = _layer(settings.REDIS_URL)

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
