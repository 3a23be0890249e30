"""Live signals for the stylist dashboard over WebSockets (/ws/stylist/signals/).

Each active advisor's open pages join the group stylist_group(stylist.pk).
Services push three event types there, after commit: "live.signal" (a
Bespoke client browsing or saving a piece, see stylists.services.signals),
"live.message" (a client wrote) and "live.reaction" (a client loved, passed
on or asked about a piece of her lookbook). Anyone who is not an active advisor
(a client, an anonymous visitor, a deactivated account, a session that still
owes its two-factor code) is refused with close code 4403 before the
handshake completes.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.two_factor import session_passes_two_factor
from stylists.services.signals import stylist_group

__all__ = ["LiveSignalsConsumer", "stylist_group"]


class LiveSignalsConsumer(AsyncJsonWebsocketConsumer):
    """Pushes 'a Bespoke client is browsing / saved a piece' and new messages to the advisor."""

    group_name: str | None = None

    async def connect(self) -> None:
        stylist_id = await self._stylist_id(self.scope.get("user"), self.scope.get("session"))
        if stylist_id is None:
            await self.close(code=4403)
            return
        self.group_name = stylist_group(stylist_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The page only listens; anything it sends is ignored."""

    async def live_signal(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "signal", **event["payload"]})

    async def live_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "message", **event["payload"]})

    async def live_reaction(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "reaction", **event["payload"]})

    @staticmethod
    async def _stylist_id(user: Any, session: Any) -> int | None:
        if user is None or not user.is_authenticated:
            return None

        @database_sync_to_async
        def lookup() -> int | None:
            stylist = getattr(user, "stylist", None)
            if stylist is None or not stylist.active:
                return None
            if not session_passes_two_factor(user, session or {}):
                return None
            return int(stylist.pk)

        return await lookup()
