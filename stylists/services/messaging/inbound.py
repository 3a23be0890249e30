"""What comes from the client: concierge and SMS/WhatsApp replies, read marks, and STOP.

A STOP reply (in any of STOP_WORDS) withdraws consent for that channel through
consent.services and stores no message; any other reply goes to the advisor.

Twilio retries a webhook it did not see answered, with the same MessageSid:
each inbound webhook first claims its MessageSid (WebhookReceipt, unique), in
the transaction that writes the message or the consent change, so a replay or
a concurrent duplicate stores and notifies nothing twice. A STOP also locks
the client's row and writes nothing when the channel is already withdrawn, so
two STOPs racing (two different MessageSids) leave one consent row.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ClientStatus, IdentityKind
from clients.services import find_client_by_identity
from consent import policy
from consent.services import consent_revoke_channel
from core.text import has_visible_text
from stylists.models import (
    Message,
    MessageChannel,
    MessageDirection,
    MessageStatus,
    WebhookReceipt,
)
from stylists.selectors.messaging import SERVICE
from stylists.services.books import current_stylist_of
from stylists.services.messaging.delivery import statuses_below
from stylists.services.signals import (
    live_message_publish,
    live_thread_publish,
    live_thread_read_publish,
)

logger = logging.getLogger(__name__)

# full_clean() checks every field; the relations below are model instances the caller
# already holds (no query needed to know they exist) and public_id is a fresh uuid4, so
# those checks are skipped: four queries fewer on every message, the live chat's hot path.
KNOWN_RELATIONS = ["client", "stylist", "sent_by", "template"]

STOP_WORDS = frozenset({"STOP", "STOPALL", "ARRET", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})


@transaction.atomic
def message_from_client(
    *, client: Client, body: str, channel: str = MessageChannel.CONCIERGE, provider_sid: str = ""
) -> Message:
    """A message from the client (concierge, SMS, WhatsApp, e-mail); the advisor is told."""
    body = (body or "").strip()
    if not has_visible_text(body):
        raise ValidationError({"body": _("Write your message before sending it.")})
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
    message.full_clean(exclude=KNOWN_RELATIONS, validate_unique=False)
    message.save()
    live_thread_publish(message=message)
    if stylist is not None:
        live_message_publish(message=message, stylist=stylist)
    return message


def message_mark_read(*, client: Client, by_client: bool = False) -> int:
    """The advisor read the client's messages, or (by_client) the client read the house's."""
    now = timezone.now()
    if by_client:
        count = _read_by_client(client, now)
    else:
        count = Message.objects.filter(
            client=client, direction=MessageDirection.INBOUND, read_at__isnull=True
        ).update(read_at=now)
    if count:  # the other side's open page shows "Read" at once
        live_thread_read_publish(
            client_id=client.pk, by="client" if by_client else "advisor", at=now
        )
    return count


def _read_by_client(client: Client, now: dt.datetime) -> int:
    return Message.objects.filter(
        client=client,
        direction=MessageDirection.OUTBOUND,
        channel=MessageChannel.CONCIERGE,
        status__in=statuses_below(MessageStatus.READ),
    ).update(status=MessageStatus.READ, read_at=now)


def _keyword(body: str) -> str:
    folded = unicodedata.normalize("NFKD", body.strip()).encode("ascii", "ignore").decode()
    return folded.upper().strip(" .!")


def webhook_receipt_claim(*, provider_sid: str, kind: str) -> bool:
    """Claim a provider's message id; False if it was handled already (or is being handled).

    Call inside the transaction that writes what the webhook carries: on
    PostgreSQL a concurrent claim of the same id waits for this transaction and
    then fails the unique constraint, so exactly one of them goes on.
    """
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(
                provider_sid=provider_sid[:64], kind=kind, received_at=timezone.now()
            )
    except IntegrityError:
        return False
    return True


def _stop(client: Client, channel: str, body: str) -> None:
    """Withdraw the channel once: the client's row is locked, an already-withdrawn one is left."""
    Client.objects.select_for_update(of=("self",), no_key=True).filter(pk=client.pk).first()
    if channel not in policy.current_consent(client.pk).channels:
        logger.info("STOP for a channel already withdrawn (client %s, %s)", client.pk, channel)
        return
    consent_revoke_channel(
        client=client, channel=str(channel), source="sms_stop", proof_text=body.strip()
    )


@transaction.atomic
def inbound_sms(*, from_number: str, body: str, provider_sid: str = "") -> Message | None:
    """An SMS or WhatsApp message from a number: STOP withdraws that channel, else a message.

    Returns the stored message (the first one for a replayed MessageSid), or
    None (a STOP, or a number no client holds).
    """
    sid = (provider_sid or "").strip()[:64]
    if sid and not webhook_receipt_claim(provider_sid=sid, kind="inbound"):
        logger.info("Inbound webhook %s replayed: already handled", sid)
        return Message.objects.filter(provider_sid=sid, direction=MessageDirection.INBOUND).first()
    channel = MessageChannel.SMS
    number = (from_number or "").strip()
    if number.startswith("whatsapp:"):
        channel, number = MessageChannel.WHATSAPP, number.removeprefix("whatsapp:")
    client = find_client_by_identity(IdentityKind.PHONE, number)
    if client is None or client.status == ClientStatus.ERASED:
        logger.warning("Inbound %s from a number no client holds (•••%s)", channel, number[-4:])
        return None
    if _keyword(body) in STOP_WORDS:
        _stop(client, channel, body)
        return None
    return message_from_client(client=client, body=body, channel=channel, provider_sid=provider_sid)
