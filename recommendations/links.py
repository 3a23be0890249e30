"""Signed, expiring links to a lookbook, for messages and e-mails.

A link names the lookbook, signed with the project's secret and dated (short
enough for an SMS): it opens the lookbook (after sign-in) for
settings.LOOKBOOK_LINK_MAX_AGE_DAYS days, then says plainly that it has
expired. The signature is a key to nothing: the lookbook still opens only
for the client it belongs to (recommendations.selectors.lookbook_for_user).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "atelier.recommendations.lookbook-link"


@dataclass(frozen=True)
class LinkCheck:
    state: str  # "valid", "expired" or "invalid"
    lookbook_public_id: str = ""


def max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.LOOKBOOK_LINK_MAX_AGE_DAYS)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def lookbook_link_token(*, lookbook_public_id: Any) -> str:
    return _signer().sign(uuid.UUID(str(lookbook_public_id)).hex)


def lookbook_link_path(*, lookbook_public_id: Any) -> str:
    token = lookbook_link_token(lookbook_public_id=lookbook_public_id)
    return reverse("concierge:lookbook_link", args=[token])


def lookbook_link_check(token: str) -> LinkCheck:
    """Whether a link's token is genuine and still fresh, and what it names."""
    try:
        value = _signer().unsign(token, max_age=max_age())
        lookbook_public_id = uuid.UUID(hex=value)
    except signing.SignatureExpired:
        return LinkCheck("expired")
    except (signing.BadSignature, ValueError):
        return LinkCheck("invalid")
    return LinkCheck("valid", str(lookbook_public_id))
