"""Twilio webhooks: delivery status callbacks and inbound SMS / WhatsApp messages.

Both are POST only, CSRF-exempt and refused (403) unless Twilio signed them
(core.twilio_webhooks.twilio_signature_required). A payload that
cannot be understood gets 400 with a sentence saying what is missing, and
nothing is written; Twilio shows that sentence in its debugger.
"""

from __future__ import annotations

import logging
import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from core.twilio_webhooks import twilio_signature_required
from stylists.models import Message
from stylists.services import inbound_sms, message_status_update

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _bad(text: str) -> HttpResponse:
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


@require_POST
@twilio_signature_required
def twilio_status(request: HttpRequest) -> HttpResponse:
    """MessageStatus callback for a message we sent (?m=<message public id>)."""
    sid = request.POST.get("MessageSid", "").strip()
    status = request.POST.get("MessageStatus", "").strip()
    raw_id = request.GET.get("m", "").strip()
    if not status:
        return _bad("MessageStatus is missing.")
    if not sid and not raw_id:
        return _bad("MessageSid is missing.")
    try:
        public_id = uuid.UUID(raw_id) if raw_id else None
    except ValueError:
        return _bad("The message id in the callback URL is not valid.")
    try:
        changed = message_status_update(
            provider_sid=sid,
            status=status,
            error=request.POST.get("ErrorCode", ""),
            message_public_id=public_id,
        )
    except ValueError as exc:
        return _bad(str(exc))
    except Message.DoesNotExist:
        logger.warning("Status %s for an unknown message (%s)", status, sid or public_id)
        return HttpResponse("No such message.", status=404, content_type="text/plain")
    return HttpResponse("Updated." if changed else "Unchanged.", content_type="text/plain")


@require_POST
@twilio_signature_required
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    """An SMS or WhatsApp message to the house's number (STOP withdraws the channel)."""
    sender = request.POST.get("From", "").strip()
    body = request.POST.get("Body", "")
    if not sender:
        return _bad("From is missing.")
    if not body.strip():
        return _bad("Body is empty.")
    try:
        inbound_sms(from_number=sender, body=body, provider_sid=request.POST.get("MessageSid", ""))
    except ValidationError as exc:
        return _bad(" ".join(exc.messages))
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
