"""Celery tasks of the stylist side: deliver a message, generate follow-ups, redeliver stragglers.

Thin by design: each loads by id and calls one service. deliver_message is
safe to run twice (the service claims the message with a conditional
UPDATE); generate_follow_ups is idempotent (dedupe keys). Services hand work
here by name (core.tasks.enqueue_on_commit("stylists.tasks.deliver_message", id)),
never by importing this module; the names are spelled out so they cannot drift.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task

from stylists.messaging_backends import TransientDeliveryError
from stylists.services.appointment_notices import (
    appointment_notice_send,
    appointment_reminders_due,
)
from stylists.services.followups import follow_ups_generate
from stylists.services.messaging import message_deliver, messages_redeliver
from stylists.services.styling_requests import styling_requests_escalate

logger = logging.getLogger(__name__)

MAX_DELIVERY_RETRIES = 5


@shared_task(
    name="stylists.tasks.deliver_message",
    bind=True,
    max_retries=MAX_DELIVERY_RETRIES,
    acks_late=True,
)
def deliver_message(self: Any, message_id: int) -> str | None:
    """Hand one queued message to its channel; retried with back-off on transient faults."""
    try:
        # Handed on after its worker was killed (acks late): take over what it claimed.
        resume = bool((self.request.delivery_info or {}).get("redelivered"))
        message = message_deliver(message_id=message_id, resume=resume)
    except TransientDeliveryError as exc:
        if self.request.is_eager:
            # In-process (no broker): the message is queued again, and the beat
            # entry "redeliver-queued-messages" tries it later. Never fail the
            # request that sent it.
            logger.warning("Message %s not delivered yet: %s", message_id, exc)
            return None
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    return message.status if message is not None else None


@shared_task(name="stylists.tasks.generate_follow_ups")
def generate_follow_ups(today: str | None = None) -> dict[str, int]:
    """The nightly follow-ups (beat: generate-follow-ups-daily). `today` as ISO date for tests."""
    return follow_ups_generate(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="stylists.tasks.redeliver_queued_messages")
def redeliver_queued_messages() -> int:
    """Messages still queued after their on-commit hand-off go to delivery again."""
    ids = messages_redeliver()
    for message_id in ids:
        deliver_message.delay(message_id)
    return len(ids)


@shared_task(name="stylists.tasks.send_appointment_notice", acks_late=True)
def send_appointment_notice(
    appointment_id: int, kind: str, starts_at: str | None = None
) -> list[str] | None:
    """One notice about one appointment; a second run finds it claimed and sends nothing."""
    notice = appointment_notice_send(appointment_id=appointment_id, kind=kind, starts_at=starts_at)
    return list(notice.channels) if notice is not None else None


@shared_task(name="stylists.tasks.send_appointment_reminders")
def send_appointment_reminders() -> int:
    """Reminders 24 h and 1 h before (beat: appointment-reminders); each claimed, so sent once."""
    sent = 0
    for appointment_id, kind in appointment_reminders_due():
        if appointment_notice_send(appointment_id=appointment_id, kind=kind) is not None:
            sent += 1
    return sent


@shared_task(name="stylists.tasks.escalate_styling_requests")
def escalate_styling_requests() -> int:
    """Requests past their promise go to the boutique manager, once (beat: escalate-requests)."""
    return len(styling_requests_escalate())
