"""Twilio webhooks: refuse any request whose X-Twilio-Signature does not check out.

Use on the status-callback and inbound-SMS views::

    @twilio_signature_required
    def sms_inbound(request): ...

The signature is computed by Twilio over the public URL it called (SITE_URL +
path + query) and the POSTed form fields, with the account's auth token. A
missing token in settings, a missing header or a wrong signature all get 403
before the view runs, so nothing is stored. The view is CSRF-exempt (Twilio
cannot send our CSRF token): the signature is the proof of origin instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from twilio.request_validator import RequestValidator

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"


def public_url(request: HttpRequest) -> str:
    """The URL Twilio was given: SITE_URL (as configured behind the proxy) + path + query."""
    return f"{settings.SITE_URL}{request.get_full_path()}"


def twilio_signature_valid(request: HttpRequest) -> bool:
    token = getattr(settings, "TWILIO_AUTH_TOKEN", "")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return False
    params: Any = request.POST if request.method == "POST" else {}
    return bool(RequestValidator(token).validate(public_url(request), params, signature))


def twilio_signature_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view only for requests Twilio signed; 403 otherwise."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not twilio_signature_valid(request):
            logger.warning("Refused a Twilio webhook without a valid signature: %s", request.path)
            return HttpResponseForbidden("Invalid or missing Twilio signature.")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)
