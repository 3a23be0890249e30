"""Cache-based rate limits: a view decorator and a DRF throttle sharing named limits.

Limits are named in settings.RATE_LIMITS ("login": "20/5m", ...). A view opts
in with ``@rate_limit("appointment_book")``; a DRF view with
``throttle_classes = [RateLimitThrottle]`` and ``throttle_scope = "token"``.
Over the limit the caller gets 429 with a Retry-After header and a sentence
saying when to try again.

Counting is a fixed window in the default cache (Redis in production, so
every worker shares the count; the per-process memory cache otherwise).

Each action has its own scope: `rate_limit` records which view uses which
scope (`scope_users()`), and a test holds every scope to one action, so the
booking limit never spends a client's styling-request budget again. A scope
may serve several views only when it is listed in SHARED_SCOPES, with why.

Why this module and not django-ratelimit or DRF's ScopedRateThrottle (issue
14 asked): django-ratelimit answers a blocked request with PermissionDenied
(a 403, no Retry-After) and DRF throttles reach only DRF views; the house
wants one set of named limits for pages and the API, a 429 with Retry-After
and a sentence for a person, and keys on the same proxy-aware client address
as django-axes' lock-out. That is the ~150 lines below, with its tests in
tests/security/test_lockout_and_rate_limits.py.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import ngettext
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)
KeyBy = Literal["ip", "user", "user_or_ip"]

# Scopes deliberately shared by several views, and why.
SHARED_SCOPES: dict[str, str] = {
    "two_factor": "one budget of code guesses, whether setting up or verifying",
    "login": "one budget of password guesses per address, at /accounts/login/ or /admin/login/",
}
_SCOPE_USERS: dict[str, set[str]] = {}


def _record_use(scope: str, user: str) -> None:
    _SCOPE_USERS.setdefault(scope, set()).add(user)


def scope_users() -> dict[str, frozenset[str]]:
    """Which views (module.qualname) use each scope; filled as views are decorated."""
    return {scope: frozenset(users) for scope, users in _SCOPE_USERS.items()}


View = TypeVar("View", bound=Callable[..., HttpResponseBase])

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(rate: str) -> Rate:
    """'10/5m' -> Rate(10, 300); '30/h' -> Rate(30, 3600); '5/60' -> Rate(5, 60)."""
    match = _RATE.match(rate)
    if not match:
        raise ImproperlyConfigured(f"Bad rate {rate!r}: write it as '<count>/<n><s|m|h|d>'.")
    count, multiplier, unit = match.groups()
    seconds = int(multiplier or 1) * _UNIT_SECONDS[unit]
    if int(count) < 1 or seconds < 1:
        raise ImproperlyConfigured(f"Bad rate {rate!r}: count and period must be positive.")
    return Rate(int(count), seconds)


def rate_for(scope: str) -> Rate:
    try:
        return parse_rate(settings.RATE_LIMITS[scope])
    except KeyError:
        raise ImproperlyConfigured(f"No rate limit named {scope!r} in RATE_LIMITS.") from None


def client_ip_or_none(request: Any) -> str | None:
    """The caller's address, trusting exactly TRUSTED_PROXY_COUNT X-Forwarded-For hops.

    django-axes' AXES_CLIENT_IP_CALLABLE, so lock-out and rate limits agree. None
    when the request carries no usable address (axes stores it in an IP column).
    """
    meta = request.META
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    candidate: str | None = None
    if proxies > 0:
        forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    candidate = candidate or meta.get("REMOTE_ADDR") or None
    if candidate is None:
        return None
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_ip(request: Any) -> str:
    """The caller's address for rate-limit keys ("unknown" when there is none)."""
    return client_ip_or_none(request) or "unknown"


def _identity(request: Any, key_by: KeyBy) -> str:
    user = getattr(request, "user", None)
    if key_by != "ip" and user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if key_by == "user":
        return "user:anonymous"
    return f"ip:{client_ip(request)}"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets (0 when allowed)


def hit(scope: str, identity: str, *, rate: Rate | None = None) -> Verdict:
    """Count one attempt for identity under scope; say whether it is allowed."""
    rate = rate or rate_for(scope)
    now = time.time()
    window = int(now // rate.seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]  # no raw IPs in cache keys
    key = f"ratelimit:{scope}:{digest}:{window}"
    try:
        cache.add(key, 0, timeout=rate.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=rate.seconds + 1)
            count = 1
    except Exception:  # the cache (Redis) is down: degrade open, the page still answers
        logger.warning("Rate limit %s not counted: the cache is unreachable", scope, exc_info=True)
        return Verdict(True, 0)
    if count <= rate.count:
        return Verdict(True, 0)
    retry_after = max(1, int((window + 1) * rate.seconds - now))
    return Verdict(False, retry_after)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with Retry-After and a sentence a person can act on."""
    minutes = max(1, round(retry_after / 60))
    message = ngettext(
        "Too many attempts in a short time. Please wait %(minutes)s minute and try again.",
        "Too many attempts in a short time. Please wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        html = render_to_string("accounts/rate_limited.html", {"message": message}, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(
    scope: str, *, methods: Iterable[str] = ("POST",), key_by: KeyBy = "user_or_ip"
) -> Callable[[View], View]:
    """Limit a view to the named rate for the listed methods (default: POST only).

    key_by: "user_or_ip" (signed-in user, else address), "ip", or "user".
    """
    rate_for(scope)  # fail at import time on an unknown name
    limited = {m.upper() for m in methods}

    def decorator(view: View) -> View:
        _record_use(scope, f"{view.__module__}.{getattr(view, '__qualname__', repr(view))}")

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in limited:
                verdict = hit(scope, _identity(request, key_by))
                if not verdict.allowed:
                    return too_many_requests(request, verdict.retry_after)
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator


class RateLimitThrottle(BaseThrottle):
    """DRF throttle on the named limit in the view's ``throttle_scope`` (every method)."""

    key_by: KeyBy = "user_or_ip"

    def __init__(self) -> None:
        self._retry_after: int | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            raise ImproperlyConfigured(f"{view.__class__.__name__} needs a throttle_scope.")
        verdict = hit(scope, _identity(request, self.key_by))
        self._retry_after = verdict.retry_after or None
        return verdict.allowed

    def wait(self) -> float | None:
        return self._retry_after
