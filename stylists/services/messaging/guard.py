"""The refusal a message may meet (MessageBlocked) and C1's proactive guard as one.

The guard's reads (frequency, quiet hours, channel consent) live in
stylists.selectors.messaging; here they become the exception message_send raises.
"""

from __future__ import annotations

import datetime as dt

from clients.models import Client
from stylists.selectors.messaging import proactive_hold


class MessageBlocked(Exception):
    """The message may not go now. `reason` is a sentence for the advisor's screen."""

    def __init__(self, reason: str, *, code: str = "blocked") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code  # consent | no_address | frequency | quiet_hours | erased


def proactive_guard(
    client: Client, *, now: dt.datetime | None = None, about_lookbook: str | None = None
) -> MessageBlocked | None:
    """The refusal a proactive message would meet now (frequency, quiet hours), or None."""
    hold = proactive_hold(client, now=now, about_lookbook=about_lookbook)
    return MessageBlocked(hold.reason, code=hold.code) if hold is not None else None
