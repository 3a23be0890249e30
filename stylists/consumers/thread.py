"""A client's conversation with the house, live: /ws/thread/ (the client) and /ws/thread/<id>/.

Who is in the room comes from stylists.selectors.live.thread_seat: the client,
her advisor, and the advisor's boutique manager (who reads, never writes or
marks read). The page sends {"type": "send", "body"} and {"type": "read"};
it receives {"type": "message", ...} for each new message (loaded here from
the database for this party, so the text never travels through Redis),
{"type": "read", "by", "at"} when the other side has read, and
{"type": "error", "message"} when a message could not be sent.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.ratelimit import hit
from recommendations.selectors import lookbook_item_asked_about
from stylists.consumers._seats import REFUSED, passes_two_factor
from stylists.models import MessageChannel
from stylists.selectors.live import (
    ADVISOR,
    CLIENT,
    ThreadSeat,
    thread_message_for,
    thread_message_payload,
    thread_seat,
)
from stylists.services.messaging import (
    SERVICE,
    MessageBlocked,
    message_from_client,
    message_mark_read,
    message_send,
)
from stylists.services.signals import live_reaction_publish, thread_group

MAX_BODY = 4000


class ThreadConsumer(AsyncJsonWebsocketConsumer):
    seat: ThreadSeat | None = None
    group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        client_id = self.scope["url_route"]["kwargs"].get("client_id")
        self.seat = await self._seat(user, self.scope.get("session"), client_id)
        if self.seat is None:
            await self.close(code=REFUSED)
            return
        self.group_name = thread_group(self.seat.client.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.seat is None or not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "send":
            await self._send_message(content.get("body"), content.get("ref"), content)
        elif kind == "read" and self.seat.may_write:
            await database_sync_to_async(message_mark_read)(
                client=self.seat.client, by_client=self.seat.party == CLIENT
            )

    async def thread_message(self, event: dict[str, Any]) -> None:
        payload = await self._payload(event["message"])
        if payload is not None:
            await self.send_json(payload)

    async def thread_read(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "read", "by": event["by"], "at": event["at"]})

    async def _send_message(self, body: Any, ref: Any, content: dict[str, Any]) -> None:
        seat = self.seat
        assert seat is not None
        ref = str(ref)[:40] if ref else ""
        if not seat.may_write:
            await self._error(_("Only the client and her advisor write here."), ref)
            return
        if not isinstance(body, str) or not body.strip():
            await self._error(_("Write your message before sending it."), ref)
            return
        if len(body) > MAX_BODY:
            await self._error(_("Your message is too long; please shorten it."), ref)
            return
        user = self.scope["user"]
        try:
            allowed = await database_sync_to_async(self._write)(seat, user, body, content)
        except MessageBlocked as blocked:
            await self._error(blocked.reason, ref)
        except ValidationError as error:
            await self._error(" ".join(error.messages), ref)
        else:
            if allowed:
                await self.send_json({"type": "sent", "ref": ref})
            else:
                await self._error(_("You have sent many messages; please wait a moment."), ref)

    @staticmethod
    def _write(seat: ThreadSeat, user: Any, body: str, content: dict[str, Any]) -> bool:
        """Store the message (False when the chat rate limit says wait; the cache is sync I/O)."""
        if not hit("chat", f"user:{user.pk}").allowed:
            return False
        if seat.party == CLIENT:
            message_from_client(client=seat.client, body=body)
            # Sent from "Ask Élise" on a lookbook piece: her advisor's lookbook page shows it.
            item = lookbook_item_asked_about(user, content.get("lookbook"), content.get("about"))
            if item is not None:
                live_reaction_publish(
                    client=seat.client,
                    product=item.product,
                    lookbook_public_id=item.lookbook.public_id,
                    item_id=item.pk,
                    reaction="ask",
                )
        elif seat.party == ADVISOR:
            message_send(
                client=seat.client,
                stylist=user.stylist,
                channel=MessageChannel.CONCIERGE,
                kind=SERVICE,
                body=body,
                sent_by=user,
            )
        return True

    async def _error(self, message: str, ref: str) -> None:
        await self.send_json({"type": "error", "message": message, "ref": ref})

    @database_sync_to_async
    def _payload(self, message_id: str) -> dict[str, Any] | None:
        assert self.seat is not None
        message = thread_message_for(self.seat, message_id)
        return thread_message_payload(self.seat, message) if message is not None else None

    @staticmethod
    @database_sync_to_async
    def _seat(user: Any, session: Any, client_id: Any) -> ThreadSeat | None:
        if user is None or not user.is_authenticated or not passes_two_factor(user, session):
            return None
        return thread_seat(user, client_id)
