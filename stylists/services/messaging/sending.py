"""Sending a message: consent for the channel, an address, the guard, then one stored row.

Delivery is handed over by name after the commit (core.tasks.enqueue_on_commit →
stylists.tasks.deliver_message): a service never imports a task.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.models import Client, ClientStatus
from clients.services import client_touch_contact
from consent import policy
from core.tasks import enqueue_on_commit
from core.text import has_visible_text
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
from stylists.selectors.messaging import (
    KINDS,
    PROACTIVE,
    channel_decision,
    contact_address,
    first_name,
)
from stylists.services.messaging.guard import MessageBlocked, proactive_guard
from stylists.services.signals import live_thread_publish
from stylists.services.styling_requests import styling_requests_answer_by_message

logger = logging.getLogger(__name__)

# full_clean() checks every field; the relations below are model instances the caller
# already holds (no query needed to know they exist) and public_id is a fresh uuid4, so
# those checks are skipped: four queries fewer on every message, the live chat's hot path.
KNOWN_RELATIONS = ["client", "stylist", "sent_by", "template"]

DELIVER_TASK = "stylists.tasks.deliver_message"


def _validate(channel: str, kind: str, body: str) -> str:
    """The body, stripped; ValidationError for an unknown channel or kind, or no words."""
    if channel not in MessageChannel.values:
        raise ValidationError({"channel": f"Unknown channel {channel!r}."})
    if kind not in KINDS:
        raise ValidationError({"kind": "A message is either a service or a proactive message."})
    body = (body or "").strip()
    if not has_visible_text(body):
        raise ValidationError({"body": "Write the message before sending it."})
    return body


def _refusal(
    client: Client,
    channel: str,
    kind: str,
    *,
    now: dt.datetime,
    context: dict[str, Any] | None,
    consent: policy.ConsentDecision | None,
) -> MessageBlocked | None:
    """Why this message may not go now, checked in the order the advisor should hear it."""
    if client.status == ClientStatus.ERASED:
        return MessageBlocked(
            "This client's data was erased; no message may be sent.", code="erased"
        )
    decision = channel_decision(client, channel, kind, state=consent)
    if not decision:
        return MessageBlocked(decision.reason, code="consent")
    if contact_address(client, channel) is None:
        what = "e-mail address" if channel == MessageChannel.EMAIL else "mobile number"
        return MessageBlocked(f"We have no {what} for {first_name(client)}.", code="no_address")
    if kind == PROACTIVE:
        return proactive_guard(client, now=now, about_lookbook=(context or {}).get("lookbook"))
    return None


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
    consent: policy.ConsentDecision | None = None,
) -> Message:
    """Send a message to the client, or raise MessageBlocked (storing nothing).

    `consent`: the client's consent when the caller has decided it already for
    this action (lookbook_publish does); otherwise it is read here.
    """
    body = _validate(channel, kind, body)
    if any(char in (subject or "") for char in "\r\n"):
        raise ValidationError({"subject": "A subject is one line: remove the line break."})
    if consent is not None and consent.client_id != client.pk:
        raise ValueError("The consent decision passed is another client's.")
    # One sender at a time per client, so two advisors cannot both pass the guard. FOR NO
    # KEY UPDATE: rows that only point at her (a booking's follow-up) are not held up.
    locked = (
        Client.objects.select_for_update(of=("self",), no_key=True)
        .select_related("home_boutique")
        .get(pk=client.pk)
    )
    now = timezone.now()
    blocked = _refusal(locked, channel, kind, now=now, context=context, consent=consent)
    if blocked is not None:
        logger.info(
            "Message to client %s held back (%s): %s", locked.pk, blocked.code, blocked.reason
        )
        raise blocked
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
    message.full_clean(exclude=KNOWN_RELATIONS, validate_unique=False)
    message.save()
    client_touch_contact(client=locked, at=now)
    # The house reached out: a lapsing-client reminder is answered.
    FollowUp.objects.filter(
        client=locked,
        kind=FollowUpKind.LAPSING,
        status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
    ).update(status=FollowUpStatus.DONE, completed_at=now)
    if message.sent_by_id is not None:
        # An advisor wrote to her (not the house's automatic notices): her open
        # styling requests are answered.
        styling_requests_answer_by_message(client=locked, at=now)
    enqueue_on_commit(DELIVER_TASK, message.pk)
    live_thread_publish(message=message)
    return message
