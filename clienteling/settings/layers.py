"""The channel layer: Redis when REDIS_URL is set (several web processes), else in memory."""

from __future__ import annotations

from typing import Any

# channels_redis waits for a consumer's next message with a BZPOPMIN of 5 seconds
# (RedisChannelLayer.brpop_timeout). redis-py 8 gives every socket read a 5-second
# timeout by default, so on a busy machine the read gave up before Redis answered
# "nothing yet", and the consumer died with its WebSocket (redis/redis-py#4091).
# The socket waits longer than any BZPOPMIN; a Redis that went away is still
# noticed, within this bound.
SOCKET_TIMEOUT = 15
CONNECT_TIMEOUT = 2


def channel_layers(redis_url: str) -> dict[str, Any]:
    if not redis_url:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    host = {
        "address": redis_url,
        "socket_connect_timeout": CONNECT_TIMEOUT,
        "socket_timeout": SOCKET_TIMEOUT,
    }
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [host]},
        }
    }
