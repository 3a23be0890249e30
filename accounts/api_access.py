"""Who may call the API, checked on every request: active accounts in a role that still holds.

Signing in (a session or a token) proves who someone is, not that they may
still see anything: an advisor deactivated or a manager demoted since keeps a
valid-looking credential until it is ended. `ActiveAccountPermission` (the
API's default permission class) asks the current state on each call, and
`ExpiringTokenAuthentication` refuses tokens older than API_TOKEN_LIFETIME.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from stylists.models import Role

EXPIRED_MESSAGE = "This token has expired: ask for a new one at /api/v1/auth/token/."


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(seconds=int(settings.API_TOKEN_LIFETIME_SECONDS))


def token_expired(token: Token, now: dt.datetime | None = None) -> bool:
    return token.created <= (now or timezone.now()) - token_lifetime()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, with a lifetime: an expired token is deleted and refused."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            Token.objects.filter(pk=token.pk).delete()
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE)
        return user, token


def _stylist(user: Any) -> Any:
    try:
        return user.stylist
    except (ObjectDoesNotExist, AttributeError):
        return None


def _client(user: Any) -> Any:
    try:
        return user.client
    except (ObjectDoesNotExist, AttributeError):
        return None


def account_may_use_api(user: Any) -> bool:
    """An active account that is an active advisor (in a known role), a client, or an admin."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    stylist = _stylist(user)
    if stylist is not None:
        return bool(stylist.active and stylist.role in Role.values)
    return _client(user) is not None


class ActiveAccountPermission(BasePermission):
    """Signed in, and still someone the API serves (checked on every call, not at sign-in)."""

    message = "This account may no longer use the API."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False  # DRF answers 401 with the authenticator's challenge
        return account_may_use_api(user)
