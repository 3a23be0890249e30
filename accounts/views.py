"""Signing in: the rate-limited login page, the API token endpoint, the lock-out answer.

Failed sign-ins are counted by django-axes (AxesStandaloneBackend, first in
AUTHENTICATION_BACKENDS) per username and address: five failures lock that
pair out for thirty minutes. On top, a per-address rate limit slows down
password spraying across many usernames.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_access import ExpiringTokenAuthentication
from accounts.two_factor import totp_verify_for_api, two_factor_required_for
from core.api_errors import error_responses
from core.ratelimit import RateLimitThrottle, rate_limit
from stylists.services.access import (
    api_token_issue,
    api_tokens_revoke,
    session_signed_out,
    staff_session_record,
)

LOCKOUT_MESSAGE = gettext_noop(
    "This account is paused for %(minutes)s minutes after too many unsuccessful sign-ins. "
    "Nothing is lost: try again later, or ask your boutique manager or head office to "
    "unlock it now."
)


# django-axes' AccessAttempt.username column: CharField(max_length=255).
AXES_USERNAME_MAX_LENGTH = 255


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """django-axes' AXES_USERNAME_CALLABLE: the username tried, cut to axes' column.

    Nothing refuses a long username before authenticate() (Django's
    AuthenticationForm sets its max_length too late to validate it; the token
    serializer sets none), and PostgreSQL refuses a longer value in the failure
    row: a 500 instead of "wrong username or password". No account's username
    is that long (150 at most), so the cut merges no real one with another.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username[:AXES_USERNAME_MAX_LENGTH] if isinstance(username, str) else username


def _cool_off_minutes(request: HttpRequest) -> int:
    cool_off = get_cool_off(request) or settings.AXES_COOLOFF_TIME
    return max(1, int(cool_off.total_seconds() // 60))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: a calm page for people, JSON for the API."""
    minutes = _cool_off_minutes(request)
    message = gettext(LOCKOUT_MESSAGE) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request, "accounts/lockout.html", {"message": message, "minutes": minutes}, status=429
        )
    response["Retry-After"] = str(minutes * 60)
    return response


def _is_staff_account(user: Any) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    try:
        return user.stylist is not None
    except ObjectDoesNotExist:
        return False


def remember_staff_session(
    *, sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """user_logged_in receiver: list a staff account's session, so a role change can end it."""
    if request is not None and hasattr(request, "session") and _is_staff_account(user):
        staff_session_record(user=user, session_key=request.session.session_key)


class SignOutView(LogoutView):
    """Django's sign-out, which also closes the WebSockets this session opened."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session_key = request.session.session_key
        user_id = request.user.pk if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if user_id is not None:
            session_signed_out(user_id=user_id, session_key=session_key)
        return response


logout_view = SignOutView.as_view()

# Sign-in page: rate limited per address on POST; axes counts failures per username+IP.
login_view = rate_limit("login", key_by="ip")(LoginView.as_view(redirect_authenticated_user=True))


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The six-digit code from the authenticator, for accounts with two-factor.",
    )


class TokenResponseSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()


class _SignInOrRevoke(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method != "DELETE" or bool(request.user and request.user.is_authenticated)


class ObtainAuthTokenView(APIView):
    """Exchange a username and password (and a TOTP code where required) for an API token.

    Each exchange issues a new token and ends the previous one; DELETE with the
    token revokes it. Tokens expire after API_TOKEN_LIFETIME_SECONDS.
    """

    permission_classes = [_SignInOrRevoke]

    def get_authenticators(self) -> list[Any]:
        # Only DELETE (revoking) is authenticated, by the token itself; signing in needs none.
        request = getattr(self, "request", None)
        if request is not None and request.method == "DELETE":
            return [ExpiringTokenAuthentication()]
        return []

    throttle_classes = [RateLimitThrottle]
    throttle_scope = "token"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Authenticate against the Django request so django-axes counts the failure
        # and can flag a lock-out that AxesMiddleware turns into the 429 answer.
        django_request = request._request
        user = authenticate(django_request, username=data["username"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return Response(status=status.HTTP_429_TOO_MANY_REQUESTS)  # replaced by axes
        if user is None:
            return Response(
                {"non_field_errors": ["Unable to sign in with the username and password given."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if two_factor_required_for(user) and not totp_verify_for_api(
            user, data.get("otp_token", "")
        ):
            return Response(
                {"otp_token": ["This account uses two-factor: add the current six-digit code."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token = api_token_issue(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None, **error_responses(401, 429)})
    def delete(self, request: Request) -> Response:
        """Revoke the token this request carries (sign the script out)."""
        api_tokens_revoke(user_id=request.user.pk or 0)  # authenticated: has a pk
        return Response(status=status.HTTP_204_NO_CONTENT)


obtain_auth_token = ObtainAuthTokenView.as_view()
