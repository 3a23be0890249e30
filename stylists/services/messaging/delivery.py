"""Delivering a stored message once, and moving its status forwards only.

stylists.tasks.deliver_message calls message_deliver, which claims the message
with a conditional UPDATE (queued → sending), so it goes out once however often
the task runs. Provider status callbacks move a message's status forwards only
(queued < sending < sent < failed < delivered < read): a late "sent" never
undoes "delivered".
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from stylists.messaging_backends import (
    Delivery,
    TransientDeliveryError,
    backend_for,
    twilio_error_text,
)
from stylists.models import Message, MessageChannel, MessageDirection, MessageStatus
from stylists.selectors.messaging import channel_decision, contact_address

logger = logging.getLogger(__name__)

EXTERNAL_CHANNELS = (MessageChannel.EMAIL, MessageChannel.SMS, MessageChannel.WHATSAPP)
# Outbound statuses, in the only order they may move.
STATUS_RANK: dict[str, int] = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.FAILED: 3,
    MessageStatus.DELIVERED: 4,
    MessageStatus.READ: 5,
}
# Twilio's statuses (https://www.twilio.com/docs/messaging/api/message-resource) → ours.
TWILIO_STATUSES: dict[str, str] = {
    "accepted": MessageStatus.QUEUED,
    "scheduled": MessageStatus.QUEUED,
    "queued": MessageStatus.QUEUED,
    "sending": MessageStatus.SENDING,
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
    "canceled": MessageStatus.FAILED,
}


def statuses_below(status: str) -> list[str]:
    """The outbound statuses a message may move from to reach `status`."""
    return [s for s, rank in STATUS_RANK.items() if rank < STATUS_RANK[status]]


def status_callback_url(message: Message) -> str:
    return f"{settings.SITE_URL}{reverse('twilio_status')}?m={message.public_id}"


def _advance(message_id: int, status: str, **fields: Any) -> bool:
    """Move an outbound message to `status` only if that is forwards (one conditional UPDATE)."""
    return bool(
        Message.objects.filter(pk=message_id, status__in=statuses_below(status)).update(
            status=status, **fields
        )
    )


def message_deliver(*, message_id: int, resume: bool = False) -> Message | None:
    """Deliver one queued message; None if another worker has it or it has already gone.

    resume: the broker handed this task on because the worker running it died
    (Celery's `redelivered`). A message that worker had claimed but recorded
    no provider id for is then taken over, not left "sending" for ever. The
    one window this cannot close: a provider that accepted the message just
    before the worker died, with no id recorded yet (Twilio offers no
    idempotency key); concierge and console deliveries are database writes.

    Consent is asked again here, not taken from the sender: it may have been
    withdrawn since (a STOP reply), and then the stored message becomes blocked.
    Raises TransientDeliveryError (after putting the message back in the queue)
    when the provider asks us to try later.
    """
    claimable = Q(status=MessageStatus.QUEUED)
    if resume:
        claimable |= Q(status=MessageStatus.SENDING, provider_sid="", sent_at__isnull=True)
    claimed = Message.objects.filter(
        claimable, pk=message_id, direction=MessageDirection.OUTBOUND
    ).update(status=MessageStatus.SENDING)
    if not claimed:
        return None
    message = Message.objects.select_related("client__home_boutique").get(pk=message_id)
    now = timezone.now()
    decision = channel_decision(message.client, message.channel, message.kind)
    address = contact_address(message.client, message.channel)
    if not decision or address is None:
        reason = decision.reason if not decision else "No address to send it to any more."
        Message.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(
            status=MessageStatus.BLOCKED, status_detail=reason[:280]
        )
        message.refresh_from_db()
        return message
    try:
        delivery = backend_for(message.channel).send(
            message, to=address, status_callback=status_callback_url(message)
        )
    except TransientDeliveryError:
        Message.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(
            status=MessageStatus.QUEUED
        )
        raise
    except Exception as exc:  # a bug or an unexpected provider answer: fail, do not retry
        logger.exception("Delivering message %s failed", message_id)
        delivery = Delivery(status=MessageStatus.FAILED, detail=f"Could not be sent ({exc}).")
    _record_delivery(message, delivery, now)
    message.refresh_from_db()
    return message


def _record_delivery(message: Message, delivery: Delivery, now: dt.datetime) -> None:
    if delivery.provider_sid:
        Message.objects.filter(pk=message.pk, provider_sid="").update(
            provider_sid=delivery.provider_sid
        )
    fields: dict[str, Any] = {"status_detail": delivery.detail[:280]}
    if delivery.status in (MessageStatus.SENT, MessageStatus.DELIVERED):
        fields["sent_at"] = now
    if delivery.status == MessageStatus.DELIVERED:
        fields["delivered_at"] = now
    if not _advance(message.pk, delivery.status, **fields) and "sent_at" in fields:
        # A status callback overtook us (already delivered): keep its status, note the time.
        Message.objects.filter(pk=message.pk, sent_at__isnull=True).update(sent_at=now)


def messages_redeliver(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of messages still queued after their hand-off; a day-old one is marked failed."""
    now = now or timezone.now()
    stale = Message.objects.filter(direction=MessageDirection.OUTBOUND, status=MessageStatus.QUEUED)
    stale.filter(created_at__lt=now - dt.timedelta(days=1)).update(
        status=MessageStatus.FAILED, status_detail="Could not be delivered within a day."
    )
    return list(
        stale.filter(created_at__lt=now - dt.timedelta(minutes=2)).values_list("pk", flat=True)
    )


def message_status_update(
    *, provider_sid: str, status: str, error: str = "", message_public_id: Any = None
) -> bool:
    """Apply a provider's status callback. Idempotent and monotonic; True if it changed.

    ValueError for an unknown status; Message.DoesNotExist when no message matches.
    """
    ours = TWILIO_STATUSES.get((status or "").strip().lower())
    if ours is None:
        raise ValueError(f"Unknown message status {status!r}.")
    lookup = Q(public_id=message_public_id) if message_public_id else Q(provider_sid=provider_sid)
    if not (message_public_id or provider_sid):
        raise Message.DoesNotExist("No message id or provider sid.")
    message = Message.objects.filter(lookup, direction=MessageDirection.OUTBOUND).first()
    if message is None:
        raise Message.DoesNotExist(f"No message for {provider_sid or message_public_id}.")
    if provider_sid and not message.provider_sid:
        Message.objects.filter(pk=message.pk, provider_sid="").update(provider_sid=provider_sid)
    now = timezone.now()
    fields: dict[str, Any] = {}
    if ours == MessageStatus.DELIVERED:
        fields["delivered_at"] = now
    elif ours == MessageStatus.READ:
        fields["read_at"] = now
    elif ours == MessageStatus.FAILED:
        fields["status_detail"] = twilio_error_text(error or None, "The message was not delivered.")
    return _advance(message.pk, ours, **fields)
