"""Messages between the house and its clients (C1): send, guard, deliver, track, receive.

message_send asks consent.policy whether the channel may carry this kind of
message now, then applies the frequency guard to proactive messages: at most
one per client per FREQUENCY_GUARD_DAYS across every channel, and none in
the client's quiet hours (QUIET_HOURS, in the client's own time zone).

A refusal raises MessageBlocked with a reason written for the screen, and
stores nothing. Decision: a refused attempt never reached the client, so it
is not part of their story; writing it to the timeline would fill it with
noise (an advisor trying three channels leaves three "blocked" rows). The
advisor sees the reason at once, and the attempt is logged for operations.
MessageStatus.BLOCKED is kept for the one case where a stored message must
not go out after all: consent was withdrawn between sending and delivery
(say a STOP reply arrived meanwhile); that message was real, and its status
says why it stopped.

Modules: `sending` (message_send), `guard` (MessageBlocked, proactive_guard),
`delivery` (the claim, status callbacks, redelivery), `inbound` (client
replies, read marks, STOP). The reads they share (channel consent, addresses,
frequency and quiet hours) are stylists.selectors.messaging, re-exported here.
"""

from __future__ import annotations

from stylists.selectors.messaging import (
    KINDS,
    PROACTIVE,
    SERVICE,
    channel_decision,
    contact_address,
    frequency_reason,
    quiet_hours_reason,
)
from stylists.services.messaging.delivery import (
    EXTERNAL_CHANNELS,
    STATUS_RANK,
    TWILIO_STATUSES,
    message_deliver,
    message_status_update,
    messages_redeliver,
    status_callback_url,
)
from stylists.services.messaging.guard import MessageBlocked, proactive_guard
from stylists.services.messaging.inbound import (
    STOP_WORDS,
    inbound_sms,
    message_from_client,
    message_mark_read,
)
from stylists.services.messaging.sending import message_send

__all__ = [
    "EXTERNAL_CHANNELS",
    "KINDS",
    "PROACTIVE",
    "SERVICE",
    "STATUS_RANK",
    "STOP_WORDS",
    "TWILIO_STATUSES",
    "MessageBlocked",
    "channel_decision",
    "contact_address",
    "frequency_reason",
    "inbound_sms",
    "message_deliver",
    "message_from_client",
    "message_mark_read",
    "message_send",
    "message_status_update",
    "messages_redeliver",
    "proactive_guard",
    "quiet_hours_reason",
    "status_callback_url",
]
