"""Messages between the house and its clients: send, guard, deliver, track, receive.

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

Delivery runs after commit in a Celery task (stylists.tasks.deliver_message)
that claims the message with a conditional UPDATE (queued → sending), so it
goes out once however often the task runs. Provider status callbacks move a
message's status forwards only (queued < sending < sent < failed <
delivered < read): a late "sent" never undoes "delivered".
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone

from clients.models import Client, ClientStatus, Identity, IdentityKind
from clients.services import client_touch_contact, find_client_by_identity
from consent import policy
from stylists.messaging_backends import Delivery, TransientDeliveryError, backend_for
from stylists.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Message,
    MessageChannel,
    MessageDirection,
    MessageStatus,
    OutreachTemplate,
    Stylist,
)
from stylists.services.books import current_stylist_of

logger = logging.getLogger(__name__)

SERVICE = "service"
PROACTIVE = "proactive"
KINDS = (SERVICE, PROACTIVE)
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
STOP_WORDS = frozenset({"STOP", "STOPALL", "ARRET", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
# A proactive message that failed or was held back does not count against the guard.
_NOT_SENT = (MessageStatus.FAILED, MessageStatus.BLOCKED)


class MessageBlocked(Exception):
    """The message may not go now. `reason` is a sentence for the advisor's screen."""

    def __init__(self, reason: str, *, code: str = "blocked") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code  # consent | no_address | frequency | quiet_hours | erased


def _first_name(client: Client) -> str:
    return client.preferred_name or client.first_name or "The client"


def _city(tz_name: str) -> str:
    return tz_name.rsplit("/", 1)[-1].replace("_", " ")


def _day(value: dt.date) -> str:
    return formats.date_format(value, "j F")


# --- Consent and addresses ---------------------------------------------------------------


def channel_decision(
    client: Client, channel: str, kind: str, *, state: policy.ConsentState | None = None
) -> policy.Decision:
    """May this channel carry this kind of message to the client now? (consent only)"""
    state = state or policy.current_consent(client.pk)
    name = _first_name(client)
    if channel == MessageChannel.CONCIERGE:
        if client.user_id is None:
            return policy.Decision(False, f"{name} has no Style Story account to read it in.")
        if kind == SERVICE:
            return policy.Decision(True, "Service messages may always go to Your Style Story.")
        if state.rank < policy.TIER_RANK[policy.PROACTIVE_MIN_TIER]:
            return policy.Decision(
                False, f"{state.tier_label} consent: the house does not reach out first."
            )
        if state.reconfirmation_due:
            return policy.Decision(
                False,
                f"{name} has not confirmed the new privacy policy yet; the house does not "
                "reach out first until then.",
            )
        return policy.Decision(True, "Your Style Story may carry proactive messages.")
    decision = policy.may_contact(state, policy.Channel(channel), policy.MessageKind(kind))
    return policy.Decision(decision.allowed, decision.reason.replace("The client", name, 1))


def contact_address(client: Client, channel: str) -> str | None:
    """The e-mail address or mobile number a channel reaches the client at (one query)."""
    if channel == MessageChannel.CONCIERGE:
        return ""
    kind = IdentityKind.EMAIL if channel == MessageChannel.EMAIL else IdentityKind.PHONE
    identity = (
        Identity.objects.filter(client=client, kind=kind).order_by("-is_primary", "id").first()
    )
    return identity.value if identity is not None else None


# --- The frequency guard -----------------------------------------------------------------


def quiet_hours_reason(client: Client, *, now: dt.datetime | None = None) -> str | None:
    """Why now is inside the client's quiet hours, or None."""
    hours = settings.QUIET_HOURS
    if not hours:
        return None
    start, end = hours
    tz_name = client.effective_timezone
    try:
        local = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(tz_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = timezone.localtime(now or timezone.now())
        tz_name = str(local.tzinfo)
    hour = local.hour
    inside = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not inside:
        return None
    return f"It is {local:%H:%M} in {_city(tz_name)}; quiet hours until {end:02d}:00."


def frequency_reason(
    client: Client, *, now: dt.datetime | None = None, about_lookbook: str | None = None
) -> str | None:
    """Why another proactive message would be one too many, or None.

    Notices of the same lookbook on several channels are one contact: the guard
    counts the first and lets its siblings follow (`about_lookbook` = its public id).
    """
    days = settings.FREQUENCY_GUARD_DAYS
    if days <= 0:
        return None
    now = now or timezone.now()
    recent = Message.objects.filter(
        client=client,
        direction=MessageDirection.OUTBOUND,
        kind=PROACTIVE,
        created_at__gt=now - dt.timedelta(days=days),
    ).exclude(status__in=_NOT_SENT)
    if about_lookbook:
        recent = recent.exclude(context__lookbook=about_lookbook)
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is None:
        return None
    ago = (timezone.localdate(now) - timezone.localdate(last)).days
    when = {0: "earlier today", 1: "yesterday"}.get(ago, f"{ago} days ago")
    next_day = timezone.localdate(last + dt.timedelta(days=days))
    return (
        f"{_first_name(client)} had a message from the house {when}; the next proactive "
        f"message is possible from {_day(next_day)}."
    )


def proactive_guard(
    client: Client, *, now: dt.datetime | None = None, about_lookbook: str | None = None
) -> MessageBlocked | None:
    reason = frequency_reason(client, now=now, about_lookbook=about_lookbook)
    if reason:
        return MessageBlocked(reason, code="frequency")
    reason = quiet_hours_reason(client, now=now)
    if reason:
        return MessageBlocked(reason, code="quiet_hours")
    return None


# --- Sending -------------------------------------------------------------------------------


@transaction.atomic
def message_send(
    *,
    client: Client,
    stylist: Stylist | None,
    channel: str,
    kind: str,
    body: str,
    subject: str = "",
    sent_by: Any = None,
    context: dict[str, Any] | None = None,
    template: OutreachTemplate | None = None,
) -> Message:
    """Send a message to the client, or raise MessageBlocked (storing nothing)."""
    if channel not in MessageChannel.values:
        raise ValidationError({"channel": f"Unknown channel {channel!r}."})
    if kind not in KINDS:
        raise ValidationError({"kind": "A message is either a service or a proactive message."})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the message before sending it."})
    # One sender at a time per client, so two advisors cannot both pass the guard.
    locked = (
        Client.objects.select_for_update(of=("self",))
        .select_related("home_boutique")
        .get(pk=client.pk)
    )
    now = timezone.now()
    try:
        if locked.status == ClientStatus.ERASED:
            raise MessageBlocked(
                "This client's data was erased; no message may be sent.", code="erased"
            )
        decision = channel_decision(locked, channel, kind)
        if not decision:
            raise MessageBlocked(decision.reason, code="consent")
        if contact_address(locked, channel) is None:
            what = "e-mail address" if channel == MessageChannel.EMAIL else "mobile number"
            raise MessageBlocked(f"We have no {what} for {_first_name(locked)}.", code="no_address")
        if kind == PROACTIVE:
            blocked = proactive_guard(
                locked, now=now, about_lookbook=(context or {}).get("lookbook")
            )
            if blocked is not None:
                raise blocked
    except MessageBlocked as blocked:
        logger.info(
            "Message to client %s held back (%s): %s", locked.pk, blocked.code, blocked.reason
        )
        raise
    message = Message(
        client=locked,
        stylist=stylist,
        direction=MessageDirection.OUTBOUND,
        channel=channel,
        kind=kind,
        subject=subject.strip()[:200] if channel == MessageChannel.EMAIL else "",
        body=body,
        status=MessageStatus.QUEUED,
        created_at=now,
        sent_by=sent_by if getattr(sent_by, "is_authenticated", False) else None,
        template=template,
        context=context or {},
    )
    message.full_clean()
    message.save()
    client_touch_contact(client=locked, at=now)
    # The house reached out: a lapsing-client reminder is answered.
    FollowUp.objects.filter(
        client=locked,
        kind=FollowUpKind.LAPSING,
        status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
    ).update(status=FollowUpStatus.DONE, completed_at=now)
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int) -> None:
    from stylists.tasks import deliver_message

    deliver_message.delay(message_id)


def status_callback_url(message: Message) -> str:
    return f"{settings.SITE_URL}{reverse('twilio_status')}?m={message.public_id}"


def _advance(message_id: int, status: str, **fields: Any) -> bool:
    """Move an outbound message to `status` only if that is forwards (one conditional UPDATE)."""
    lower = [s for s, rank in STATUS_RANK.items() if rank < STATUS_RANK[status]]
    return bool(
        Message.objects.filter(pk=message_id, status__in=lower).update(status=status, **fields)
    )


def message_deliver(*, message_id: int) -> Message | None:
    """Deliver one queued message; None if another worker has it or it has already gone.

    Raises TransientDeliveryError (after putting the message back in the queue)
    when the provider asks us to try later.
    """
    claimed = Message.objects.filter(
        pk=message_id, direction=MessageDirection.OUTBOUND, status=MessageStatus.QUEUED
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
        from stylists.messaging_backends import twilio_error_text

        fields["status_detail"] = twilio_error_text(error or None, "The message was not delivered.")
    return _advance(message.pk, ours, **fields)


# --- Receiving -----------------------------------------------------------------------------


@transaction.atomic
def message_from_client(
    *, client: Client, body: str, channel: str = MessageChannel.CONCIERGE, provider_sid: str = ""
) -> Message:
    """A message from the client (concierge, SMS, WhatsApp, e-mail); the advisor is told."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write your message before sending it."})
    if channel not in MessageChannel.values:
        raise ValidationError({"channel": f"Unknown channel {channel!r}."})
    stylist = current_stylist_of(client)
    message = Message(
        client=client,
        stylist=stylist,
        direction=MessageDirection.INBOUND,
        channel=channel,
        kind=SERVICE,
        body=body,
        status=MessageStatus.RECEIVED,
        provider_sid=provider_sid[:64],
        created_at=timezone.now(),
    )
    message.full_clean()
    message.save()
    if stylist is not None:
        from stylists.services.signals import live_message_publish

        live_message_publish(message=message, stylist=stylist)
    return message


def message_mark_read(*, client: Client, by_client: bool = False) -> int:
    """The advisor read the client's messages, or (by_client) the client read the house's."""
    now = timezone.now()
    if by_client:
        return _read_by_client(client, now)
    return Message.objects.filter(
        client=client, direction=MessageDirection.INBOUND, read_at__isnull=True
    ).update(read_at=now)


def _read_by_client(client: Client, now: dt.datetime) -> int:
    lower = [s for s, rank in STATUS_RANK.items() if rank < STATUS_RANK[MessageStatus.READ]]
    return Message.objects.filter(
        client=client,
        direction=MessageDirection.OUTBOUND,
        channel=MessageChannel.CONCIERGE,
        status__in=lower,
    ).update(status=MessageStatus.READ, read_at=now)


def _keyword(body: str) -> str:
    folded = unicodedata.normalize("NFKD", body.strip()).encode("ascii", "ignore").decode()
    return folded.upper().strip(" .!")


def inbound_sms(*, from_number: str, body: str, provider_sid: str = "") -> Message | None:
    """An SMS or WhatsApp message from a number: STOP withdraws that channel, else a message.

    Returns the stored message, or None (a STOP, or a number no client holds).
    """
    channel = MessageChannel.SMS
    number = (from_number or "").strip()
    if number.startswith("whatsapp:"):
        channel, number = MessageChannel.WHATSAPP, number.removeprefix("whatsapp:")
    client = find_client_by_identity(IdentityKind.PHONE, number)
    if client is None or client.status == ClientStatus.ERASED:
        logger.warning("Inbound %s from a number no client holds (•••%s)", channel, number[-4:])
        return None
    if _keyword(body) in STOP_WORDS:
        from consent.services import consent_revoke_channel

        consent_revoke_channel(
            client=client, channel=str(channel), source="sms_stop", proof_text=body.strip()
        )
        return None
    return message_from_client(client=client, body=body, channel=channel, provider_sid=provider_sid)
