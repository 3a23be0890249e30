"""How a message leaves the house: console (default), Twilio (SMS, WhatsApp), e-mail, concierge.

A backend gets a stored Message and the address to reach, and returns what
happened (a Delivery). It never writes to the database: the delivery
service (stylists.services.messaging.delivery.message_deliver) records the outcome.
Faults that are worth retrying raise TransientDeliveryError; anything else
is a permanent failure, recorded on the message with its reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.translation import gettext

from stylists.models import Appointment, Message, MessageChannel, MessageStatus

logger = logging.getLogger(__name__)


class TransientDeliveryError(Exception):
    """The provider could not take the message now; try again later."""


@dataclass(frozen=True)
class Delivery:
    status: str  # a MessageStatus: sent (handed over), delivered, or failed
    provider_sid: str = ""
    detail: str = ""


class Backend(Protocol):
    def send(self, message: Message, *, to: str, status_callback: str) -> Delivery: ...


def _masked(address: str) -> str:
    if "@" in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}•••@{domain}"
    return "•••" + address[-4:]


class ConsoleBackend:
    """Development and tests: logs the message (recipient masked) and calls it sent."""

    def send(self, message: Message, *, to: str, status_callback: str) -> Delivery:
        logger.info("[console %s] to %s: %s", message.channel, _masked(to), message.body[:160])
        return Delivery(status=MessageStatus.SENT)


class ConciergeBackend:
    """The client's inbox in Your Style Story: stored is delivered."""

    def send(self, message: Message, *, to: str, status_callback: str) -> Delivery:
        return Delivery(status=MessageStatus.DELIVERED)


class EmailBackend:
    """Django's send_mail (the console e-mail backend unless EMAIL_BACKEND says otherwise)."""

    def send(self, message: Message, *, to: str, status_callback: str) -> Delivery:
        from stylists.services.outreach import email_html

        # The letter around the advisor's words (and its calendar) speaks the client's language.
        with translation.override(message.client.preferred_language or settings.LANGUAGE_CODE):
            house = settings.DEFAULT_FROM_EMAIL.split("<")[0].strip()
            subject = message.subject or gettext("A message from %(house)s") % {"house": house}
            html = email_html(subject=subject, body=message.body)
            calendar = _appointment_calendar(message)
        email = EmailMultiAlternatives(
            subject=subject.strip(),
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
        )
        email.attach_alternative(html, "text/html")
        if calendar is not None:
            email.attach("maison-verlaine.ics", calendar, "text/calendar; charset=utf-8")
        try:
            email.send()
        except (OSError, TimeoutError) as exc:  # SMTP refused or unreachable: try later
            raise TransientDeliveryError(str(exc)) from exc
        return Delivery(status=MessageStatus.SENT)


def _appointment_calendar(message: Message) -> bytes | None:
    """The .ics of the appointment a notice is about (confirmation, new time, cancellation)."""
    public_id = (message.context or {}).get("appointment")
    if not public_id:
        return None
    from stylists.selectors.calendar import appointment_ics

    appointment = (
        Appointment.objects.select_related("stylist__user", "boutique")
        .filter(public_id=public_id, client_id=message.client_id)
        .first()
    )
    return appointment_ics(appointment) if appointment is not None else None


class TwilioBackend:
    """SMS and WhatsApp through Twilio's REST API, with a status callback per message."""

    def _client(self) -> Any:
        from twilio.rest import Client

        return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)

    def send(self, message: Message, *, to: str, status_callback: str) -> Delivery:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        if message.channel == MessageChannel.WHATSAPP:
            sender = settings.TWILIO_WHATSAPP_FROM
            sender = sender if sender.startswith("whatsapp:") else f"whatsapp:{sender}"
            to = f"whatsapp:{to}"
        else:
            sender = settings.TWILIO_SMS_FROM
        if not sender.removeprefix("whatsapp:"):
            return Delivery(
                status=MessageStatus.FAILED,
                detail=f"No sending number is configured for {message.get_channel_display()}.",
            )
        try:
            sent = self._client().messages.create(
                to=to, from_=sender, body=message.body, status_callback=status_callback
            )
        except TwilioRestException as exc:
            if exc.status == 429 or exc.status >= 500:
                raise TransientDeliveryError(f"Twilio {exc.status}: {exc.msg}") from exc
            return Delivery(
                status=MessageStatus.FAILED, detail=twilio_error_text(exc.code, exc.msg)
            )
        except (TwilioException, OSError) as exc:  # network trouble reaching Twilio
            raise TransientDeliveryError(str(exc)) from exc
        return Delivery(status=MessageStatus.SENT, provider_sid=str(sent.sid or ""))


# Twilio error codes an advisor may meet, in words they can act on.
TWILIO_ERRORS: dict[int, str] = {
    21211: "The phone number on file is not a valid mobile number.",
    21408: "SMS to this country is not enabled for the house's account.",
    21610: "The client replied STOP to our messages; SMS is no longer allowed.",
    21614: "The number on file is not a mobile number.",
    30003: "The client's phone was unreachable.",
    30004: "The message was blocked by the client's carrier or phone.",
    30005: "The number on file no longer exists.",
    30006: "The number on file is a landline.",
    30007: "The carrier filtered the message.",
    30008: "The carrier could not deliver the message.",
    63016: "WhatsApp allows free-form messages only within 24 hours of the client's last "
    "message; use a template or another channel.",
}


def twilio_error_text(code: int | str | None, fallback: str = "") -> str:
    number: int | None = None
    if code is not None and code != "":
        try:
            number = int(code)
        except (TypeError, ValueError):
            number = None
    if number is not None and number in TWILIO_ERRORS:
        return TWILIO_ERRORS[number]
    if number is not None:
        return f"The provider refused the message (Twilio error {number})."
    return (fallback or "The provider refused the message.")[:280]


def backend_for(channel: str) -> Backend:
    if channel == MessageChannel.CONCIERGE:
        return ConciergeBackend()
    if channel == MessageChannel.EMAIL:
        return EmailBackend()
    if channel in (MessageChannel.SMS, MessageChannel.WHATSAPP):
        if settings.MESSAGING_BACKEND == "twilio":
            return TwilioBackend()
        return ConsoleBackend()
    raise ValueError(f"No backend for channel {channel!r}")
