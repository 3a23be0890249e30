"""Live signals for the stylist dashboard over WebSockets (/ws/stylist/signals/).

Each active advisor's open pages join the group stylist_group(stylist.pk).
Services push three event types there, after commit: "live.signal" (a
Bespoke client browsing or saving a piece, see stylists.services.signals),
"live.message" (a client wrote) and "live.reaction" (a client loved, passed
on or asked about a piece of her lookbook). Anyone who is not an active advisor
(a client, an anonymous visitor, a deactivated account, a session that still
owes its two-factor code) is refused with close code 4403 before the
handshake completes.

Each socket also joins its user's group (stylists.services.access.user_group):
signing out closes the sockets that session opened, and a deactivation or a
role change closes all of them (close code 4401), so no event reaches a
person whose access has ended.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.two_factor import session_passes_two_factor
from stylists.services.access import user_group
from stylists.services.signals import stylist_group

__all__ = ["LiveSignalsConsumer", "stylist_group"]


class LiveSignalsConsumer(AsyncJsonWebsocketConsumer):
    """Pushes 'a Bespoke client is browsing / saved a piece' and new messages to the advisor."""

    group_name: str | None = None
    user_group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        stylist_id = await self._stylist_id(user, self.scope.get("session"))
        if stylist_id is None:
            await self.close(code=4403)
            return
        self.group_name = stylist_group(stylist_id)
        self.user_group_name = user_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.channel_layer.group_add(self.user_group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for name in (self.group_name, self.user_group_name):
            if name:
                await self.channel_layer.group_discard(name, self.channel_name)

    async def access_ended(self, event: dict[str, Any]) -> None:
        """Signed out (this session only) or access ended (every session): close now."""
        session = self.scope.get("session")
        ended = event.get("session_key") or ""
        if not ended or ended == getattr(session, "session_key", None):
            await self.disconnect(4401)  # leave the groups first: nothing more is delivered
            self.group_name = self.user_group_name = None
            await self.close(code=4401)

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
