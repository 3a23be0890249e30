"""Pushing an event to a channel-layer group from synchronous code, briefly or not at all.

A live push is a courtesy: the page shows the same thing on its next load. So a
request never waits long for the layer (Redis): a push that cannot be made within
PUSH_SECONDS is given up and logged, and the request goes on. The layer's own
socket reads have no timeout (clienteling/settings/layers.py explains why), so
this bound is the only one between a request and a Redis that hangs.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

PUSH_SECONDS = 1.0


async def _send(layer: Any, group: str, event: dict[str, Any], seconds: float) -> None:
    await asyncio.wait_for(layer.group_send(group, event), timeout=seconds)


def push(group: str, event: dict[str, Any], *, seconds: float = PUSH_SECONDS) -> bool:
    """Send `event` to `group`; False (and a warning) when the layer is down or too slow."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(_send)(layer, group, event, seconds)
    except Exception:  # Redis down or hung: the pages show it on their next load
        logger.warning("Could not push a live event to %s", group, exc_info=True)
        return False
    return True
