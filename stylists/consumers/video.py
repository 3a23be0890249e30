"""Signalling for a peer-to-peer video consultation: /ws/video/<appointment public id>/.

Used when the house has no Twilio Video account (stylists.services.video).
Who may enter comes from stylists.selectors.live.video_seat: the client, her
advisor and the manager she invited, from ten minutes before the slot until
its end; the socket is closed when the slot ends.

Each open page gets a random peer id. The consumer only relays: it tells the
room who joined and left ({"type": "peer", "event": "joined"|"left", "peer",
"party", "name"}), and passes {"type": "signal", "to", "data"} (an SDP offer
or answer, or an ICE candidate) to the one peer it is addressed to. The media
itself flows browser to browser; nothing of it passes through the server.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone

from stylists.consumers._seats import REFUSED, passes_two_factor
from stylists.selectors.live import VideoSeat, video_seat

MAX_SIGNAL_BYTES = 64_000
SIGNAL_KINDS = frozenset({"offer", "answer", "candidate"})


def video_group(appointment_id: int) -> str:
    return f"video-{appointment_id}"


class VideoRoomConsumer(AsyncJsonWebsocketConsumer):
    seat: VideoSeat | None = None
    group_name: str | None = None
    peer_id: str = ""
    closing: asyncio.TimerHandle | None = None

    async def connect(self) -> None:
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        seat = await self._seat(self.scope.get("user"), self.scope.get("session"), public_id)
        if seat is None or not seat.open:
            await self.close(code=REFUSED)
            return
        self.seat = seat
        self.peer_id = secrets.token_hex(8)
        self.group_name = video_group(seat.appointment.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.send_json({"type": "welcome", "peer": self.peer_id, "party": seat.party})
        await self._tell_room("joined")
        remaining = (seat.appointment.ends_at - timezone.now()).total_seconds()
        loop = asyncio.get_running_loop()
        self.closing = loop.call_later(
            max(remaining, 0), lambda: asyncio.ensure_future(self._end())
        )

    async def disconnect(self, code: int) -> None:
        if self.closing is not None:
            self.closing.cancel()
        if self.group_name:
            await self._tell_room("left")
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not text_data or len(text_data) > MAX_SIGNAL_BYTES or self.group_name is None:
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            return
        if not isinstance(content, dict) or content.get("type") != "signal":
            return
        data, to = content.get("data"), content.get("to")
        if not isinstance(data, dict) or data.get("kind") not in SIGNAL_KINDS:
            return
        if not isinstance(to, str) or len(to) != 16:
            return
        await self.channel_layer.group_send(
            self.group_name,
            {
                "type": "video.signal",
                "from": self.peer_id,
                "to": to,
                "data": data,
                "party": self.seat.party if self.seat else "",
                "name": self.seat.display_name if self.seat else "",
            },
        )

    async def video_signal(self, event: dict[str, Any]) -> None:
        if event["to"] == self.peer_id:
            await self.send_json(
                {
                    "type": "signal",
                    "from": event["from"],
                    "data": event["data"],
                    "party": event["party"],
                    "name": event["name"],
                }
            )

    async def video_peer(self, event: dict[str, Any]) -> None:
        if event["peer"] != self.peer_id:
            await self.send_json(
                {"type": "peer", **{k: v for k, v in event.items() if k != "type"}}
            )

    async def _tell_room(self, what: str) -> None:
        assert self.seat is not None
        assert self.group_name is not None
        await self.channel_layer.group_send(
            self.group_name,
            {
                "type": "video.peer",
                "event": what,
                "peer": self.peer_id,
                "party": self.seat.party,
                "name": self.seat.display_name,
            },
        )

    async def _end(self) -> None:
        await self.send_json({"type": "ended"})
        await self.close(code=4000)

    @staticmethod
    @database_sync_to_async
    def _seat(user: Any, session: Any, public_id: Any) -> VideoSeat | None:
        if user is None or not user.is_authenticated or not passes_two_factor(user, session):
            return None
        return video_seat(user, public_id)
