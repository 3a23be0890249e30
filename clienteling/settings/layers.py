"""The channel layer: Redis when REDIS_URL is set (several web processes), else in memory."""

from __future__ import annotations

from typing import Any

# Socket reads without a timeout, as channels_redis expects: it waits for each
# message with a 5-second BZPOPMIN, and redis-py 8's default 5-second read timeout
# (a) gave up before Redis answered "nothing yet", killing the consumer and its
# WebSocket (redis/redis-py#4091), and (b) on Python 3.11 swallowed the
# cancellation of a consumer that had closed, leaving it polling Redis forever
# (both reproduced in tests/production/test_channel_layer.py). A Redis that
# restarts or goes away closes the socket, which fails the read at once;
# TCP keepalive finds a peer that vanished without a word.


def channel_layers(redis_url: str) -> dict[str, Any]:
    if not redis_url:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    host = {
        "address": redis_url,
        "socket_connect_timeout": 2,
        "socket_timeout": None,
        "socket_keepalive": True,
    }
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [host]},
        }
    }
