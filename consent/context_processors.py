"""Template context for clients: is a re-confirmation of the privacy policy due?

Lazy: a page that never shows `privacy_reconfirmation_due` pays no query.
The concierge base may show the banner with
``{% if privacy_reconfirmation_due %}{% include "consent/_reconfirm_banner.html" %}{% endif %}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from consent import policy


def _due(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    try:
        client = user.client
    except (ObjectDoesNotExist, AttributeError):
        return False
    if client is None or client.status != "active":
        return False
    return policy.needs_reconfirmation(policy.current_consent(client.pk))


def privacy(request: HttpRequest) -> dict[str, Any]:
    return {"privacy_reconfirmation_due": SimpleLazyObject(lambda: _due(request))}
