"""Two-factor sign-in (TOTP, django-otp): who must use it, the middleware, set-up and verify.

Head office, staff and superusers must verify a six-digit code after their
password; advisors may opt in, and once they have a confirmed authenticator
they are held to it too. Until a session is verified, those users reach only
the two-factor pages and sign-out; API calls get 403.

The decision is taken at sign-in (the user_logged_in hook django-otp itself
uses) and kept in the session together with what it was decided for (the
user's role and staff flags). Every request compares that with the user's
current role and decides again when it changed, so an advisor promoted to head
office is asked for a code on their next page, not at their next sign-in. The
comparison costs the stylist row look-up (cached on request.user, where the
pages read it anyway). `make demo` may set ATELIER_DEMO_SKIP_2FA (DEBUG only; production
settings refuse it).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import django_otp
import qrcode
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from core.ratelimit import rate_limit
from stylists.services.access import api_tokens_revoke

SESSION_KEY = "atelier_2fa_policy"
SESSION_SUBJECT_KEY = "atelier_2fa_policy_for"  # what the policy was decided for
REQUIRED = "required"  # head office, staff, superusers
ENROLLED = "enrolled"  # an advisor who chose two-factor
OPTIONAL = "optional"
_ENFORCED = frozenset({REQUIRED, ENROLLED})

# Paths a not-yet-verified user may still reach.
EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/login/",
    "/accounts/logout/",
    "/static/",
    "/healthz",
)


def _role(user: Any) -> str | None:
    try:
        stylist = user.stylist
    except (ObjectDoesNotExist, AttributeError):
        return None
    return getattr(stylist, "role", None)


def two_factor_policy(user: Any) -> str:
    """REQUIRED, ENROLLED or OPTIONAL for this user (one or two queries)."""
    if not user.is_authenticated:
        return OPTIONAL
    if user.is_superuser or user.is_staff or _role(user) == "head_office":
        return REQUIRED
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return ENROLLED
    return OPTIONAL


def policy_subject(user: Any) -> str:
    """What the two-factor policy depends on besides devices: role and staff flags."""
    return f"{_role(user) or '-'}|{int(bool(user.is_staff))}|{int(bool(user.is_superuser))}"


def two_factor_required_for(user: Any) -> bool:
    return two_factor_policy(user) in _ENFORCED


def is_verified(user: Any) -> bool:
    """Did this session confirm a code? (installed on request.user by OTPMiddleware)."""
    return bool(user.is_verified())


def session_passes_two_factor(user: Any, session: Any) -> bool:
    """For connections without OTPMiddleware (WebSockets): has this session done its part?"""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    if demo_skip_active() or not user.is_authenticated:
        return True
    policy = two_factor_policy(user)  # once per connection: decided afresh
    if policy not in _ENFORCED:
        return True
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk


def demo_skip_active() -> bool:
    return bool(settings.DEBUG and getattr(settings, "ATELIER_DEMO_SKIP_2FA", False))


def remember_policy(*, sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: decide once per session (see the module docstring)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = two_factor_policy(user)
        request.session[SESSION_SUBJECT_KEY] = policy_subject(user)


def _session_policy(request: HttpRequest) -> str:
    """The session's policy, decided again when the user's role or flags changed."""
    policy = request.session.get(SESSION_KEY)
    subject = policy_subject(request.user)
    if (
        policy not in (REQUIRED, ENROLLED, OPTIONAL)  # a session from before this rule
        or request.session.get(SESSION_SUBJECT_KEY) != subject  # promoted, demoted, made staff
    ):
        policy = two_factor_policy(request.user)
        request.session[SESSION_KEY] = policy
        request.session[SESSION_SUBJECT_KEY] = subject
    return str(policy)


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path only: redirect() would take any other word for a URL name and fail (a 500).
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


class TwoFactorRequiredMiddleware:
    """Holds unverified sessions of users who need two-factor at the two-factor pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(EXEMPT_PREFIXES) and not demo_skip_active():
            user = request.user
            if (
                user.is_authenticated
                and _session_policy(request) in _ENFORCED
                and not is_verified(user)
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Confirm your two-factor code at /accounts/2fa/ first."},
                        status=403,
                    )
                target = reverse("two_factor")
                return HttpResponseRedirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)


# --- Devices --------------------------------------------------------------------------


def _confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator (made once, so the QR code stays the same)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name="Authenticator", confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator with its first code; other unconfirmed ones go."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
    # A token taken with the password alone must not outlive the second factor.
    api_tokens_revoke(user_id=device.user_id)
    return True


def _device_removed(*, sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    """Two-factor reset (an administrator deletes the device in the admin): tokens go too.

    A receiver, not a service call, because the deletion happens in django-otp's
    own admin; only confirmed devices count (a pending one never backed a token).
    """
    if instance.confirmed:
        api_tokens_revoke(user_id=instance.user_id)


def connect_device_reset() -> None:
    from django.db.models.signals import post_delete

    post_delete.connect(_device_removed, sender=TOTPDevice, dispatch_uid="atelier-2fa-reset")


def totp_verify_for_api(user: Any, token: str) -> bool:
    """Check a code for an API token request, against each confirmed device."""
    token = (token or "").strip().replace(" ", "")
    if not token:
        return False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"):
        if django_otp.verify_token(user, device.persistent_id, token) is not None:
            return True
    return False


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an authenticator."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG drawn on the server (no script, no request)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.replace(
        "<svg ", '<svg class="qr-code" role="img" aria-label="QR code for your authenticator" ', 1
    )


# --- Pages --------------------------------------------------------------------------


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Six-digit code",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("Type the digits shown in your authenticator app.")
        return token


@never_cache
@login_required
def two_factor_home(request: HttpRequest) -> HttpResponse:
    """Send the user to verify (if they have an authenticator) or to set one up."""
    query = f"?next={_safe_next(request)}"
    if _confirmed_device(request.user) is not None:
        if is_verified(request.user):
            return redirect(_safe_next(request))
        return redirect(reverse("two_factor_verify") + query)
    return redirect(reverse("two_factor_setup") + query)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("two_factor", key_by="user")
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    verified = is_verified(user)
    if _confirmed_device(user) is not None and not verified:
        # A password alone must never add a second authenticator.
        return redirect(reverse("two_factor_verify") + f"?next={_safe_next(request)}")
    if verified:
        return render(request, "accounts/two_factor_setup.html", {"already_set_up": True})
    device = totp_device_pending(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            django_otp.login(request, device)
            if request.session.get(SESSION_KEY) != REQUIRED:
                request.session[SESSION_KEY] = ENROLLED
            return redirect(_safe_next(request))
        form.add_error(
            "token", "That code did not match. Check the time on your phone and try again."
        )
    context = {
        "form": form,
        "qr_svg": mark_safe(qr_code_svg(device)),
        "secret": secret_for_display(device),
        "required": _session_policy(request) == REQUIRED,
        "next": _safe_next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("two_factor", key_by="user")
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = _confirmed_device(user)
    if device is None:
        return redirect(reverse("two_factor_setup") + f"?next={_safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["token"])
        if verified is not None:
            django_otp.login(request, verified)
            return redirect(_safe_next(request))
        form.add_error("token", "That code did not match. Codes change every 30 seconds.")
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )
