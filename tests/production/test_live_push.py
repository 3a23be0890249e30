"""A live push never holds a request for long: a layer that hangs or is down is given up on.

The channel layer's socket reads have no timeout (clienteling/settings/layers.py),
so core.live.push's own bound is what stands between a request and a Redis
that accepts a command and never answers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer

from core import live


class HangingLayer:
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await asyncio.sleep(60)


class DownLayer:
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_an_event_reaches_every_page_in_the_group(monkeypatch: pytest.MonkeyPatch) -> None:
    layer = InMemoryChannelLayer()
    monkeypatch.setattr(live, "get_channel_layer", lambda: layer)

    async def join() -> str:
        channel = await layer.new_channel()
        await layer.group_add("thread-7", channel)
        return channel

    channel = async_to_sync(join)()
    assert live.push("thread-7", {"type": "thread.message", "message": "m-1"}) is True
    received = async_to_sync(layer.receive)(channel)
    assert received == {"type": "thread.message", "message": "m-1"}


def test_a_layer_that_hangs_is_given_up_within_the_bound(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(live, "get_channel_layer", HangingLayer)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="core.live"):
        assert live.push("stylist-3", {"type": "live.signal"}, seconds=0.2) is False
    assert time.monotonic() - started < 5  # bounded (0.2 s asked), not the 60 s hang
    assert "Could not push a live event to stylist-3" in caplog.text


def test_a_layer_that_is_down_costs_a_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(live, "get_channel_layer", DownLayer)
    with caplog.at_level(logging.WARNING, logger="core.live"):
        assert live.push("user-9", {"type": "access.ended"}) is False
    assert "Connection refused" in caplog.text


def test_without_a_layer_nothing_is_pushed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "get_channel_layer", lambda: None)
    assert live.push("stylist-3", {"type": "live.signal"}) is False
