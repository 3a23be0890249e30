"""Two-factor sign-in: required for head office and superusers, optional for advisors."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.two_factor import ENROLLED, OPTIONAL, REQUIRED, two_factor_policy
from tests.factories.security import totp_code, totp_device

pytestmark = pytest.mark.django_db

PASSWORD = "atelier-test-pass"


def signed_in(user) -> HttpClient:
    """Password only: signed in, not yet verified."""
    http = HttpClient()
    http.force_login(user)
    return http


def test_who_needs_two_factor(cast):
    assert two_factor_policy(cast.head_office.user) == REQUIRED
    assert two_factor_policy(cast.owner.user) == OPTIONAL
    assert two_factor_policy(cast.client.user) == OPTIONAL
    root = get_user_model().objects.create_superuser("root", "r@example.com", "x" * 16)
    assert two_factor_policy(root) == REQUIRED
    totp_device(cast.colleague.user)
    assert two_factor_policy(cast.colleague.user) == ENROLLED


@pytest.mark.parametrize("url", ["/stylist/", "/stylist/audit/", "/", "/concierge/privacy/"])
def test_head_office_is_held_at_two_factor_until_verified(cast, url):
    response = signed_in(cast.head_office.user).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/?next=")


def test_a_superuser_is_held_before_the_admin(cast):
    root = get_user_model().objects.create_superuser("root", "r@example.com", "x" * 16)
    response = signed_in(root).get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/?next=/admin/"


def test_unverified_api_calls_are_refused(cast):
    response = signed_in(cast.head_office.user).get("/api/v1/clients/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_setting_up_an_authenticator(cast):
    http = signed_in(cast.head_office.user)
    assert http.get("/accounts/2fa/").url.startswith("/accounts/2fa/setup/")
    page = http.get("/accounts/2fa/setup/?next=/stylist/")
    assert page.status_code == 200
    body = page.content.decode()
    assert '<svg class="qr-code" role="img"' in body  # drawn on the server
    assert "<script" not in body.split("</head>")[1]
    device = TOTPDevice.objects.get(user=cast.head_office.user, confirmed=False)
    # A wrong code keeps her here, with a clear message
    wrong = http.post("/accounts/2fa/setup/", {"token": "000000", "next": "/stylist/"})
    assert "did not match" in wrong.content.decode()
    assert http.get("/stylist/").status_code == 302
    # The right code (after django-otp's short back-off) confirms the device, lets her through
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        right = http.post("/accounts/2fa/setup/", {"token": totp_code(device), "next": "/stylist/"})
    assert right.status_code == 302
    assert right["Location"] == "/stylist/"
    device.refresh_from_db()
    assert device.confirmed
    assert http.get("/stylist/").status_code == 200


def test_verifying_with_an_existing_authenticator(cast):
    device = totp_device(cast.head_office.user)
    http = signed_in(cast.head_office.user)
    assert http.get("/accounts/2fa/").url.startswith("/accounts/2fa/verify/")
    # A password alone cannot add a second authenticator
    assert http.get("/accounts/2fa/setup/").url.startswith("/accounts/2fa/verify/")
    response = http.post("/accounts/2fa/verify/", {"token": totp_code(device), "next": "/stylist/"})
    assert response["Location"] == "/stylist/"
    assert http.get("/stylist/audit/").status_code == 200


def test_the_next_parameter_never_leaves_the_site(cast):
    device = totp_device(cast.head_office.user)
    http = signed_in(cast.head_office.user)
    response = http.post(
        "/accounts/2fa/verify/", {"token": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_sign_out_stays_reachable_before_verifying(cast):
    http = signed_in(cast.head_office.user)
    assert http.post("/accounts/logout/").status_code == 302
    assert http.get("/stylist/").url.startswith("/accounts/login/")


def test_advisors_without_an_authenticator_pass(cast):
    assert signed_in(cast.owner.user).get("/stylist/").status_code == 200


def test_an_advisor_who_opted_in_is_held_to_it(cast):
    http = signed_in(cast.owner.user)
    http.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=cast.owner.user)
    http.post("/accounts/2fa/setup/", {"token": totp_code(device)})
    assert http.get("/stylist/").status_code == 200  # this session verified itself
    later = signed_in(cast.owner.user)  # the next sign-in
    assert later.get("/stylist/").status_code == 302


def test_the_personas_helper_gives_head_office_a_verified_session(cast):
    assert cast.http("head_office").get("/stylist/audit/").status_code == 200


@override_settings(DEBUG=True, ATELIER_DEMO_SKIP_2FA=True)
def test_the_demo_switch_lets_head_office_in_with_debug_only(cast):
    assert signed_in(cast.head_office.user).get("/stylist/audit/").status_code == 200


@override_settings(DEBUG=False, ATELIER_DEMO_SKIP_2FA=True)
def test_the_demo_switch_does_nothing_without_debug(cast):
    assert signed_in(cast.head_office.user).get("/stylist/audit/").status_code == 302


def test_api_tokens_for_two_factor_accounts_need_the_code(cast):
    device = totp_device(cast.head_office.user)
    api = APIClient()
    url = "/api/v1/auth/token/"
    refused = api.post(url, {"username": "head_office", "password": PASSWORD})
    assert refused.status_code == 400
    assert "otp_token" in refused.json()
    granted = api.post(
        url, {"username": "head_office", "password": PASSWORD, "otp_token": totp_code(device)}
    )
    assert granted.status_code == 200
    assert granted.json()["token"]
    wrong = api.post(url, {"username": "head_office", "password": PASSWORD, "otp_token": "12"})
    assert wrong.status_code == 400


def test_advisors_get_tokens_without_a_code(cast):
    response = APIClient().post("/api/v1/auth/token/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 200


# --- Review defect (issue 14): the policy follows a change of role -------------------


def test_an_advisor_promoted_to_head_office_is_asked_on_the_next_page(cast):
    from stylists.models import Stylist

    http = signed_in(cast.owner.user)
    assert http.get("/stylist/").status_code == 200
    # The role changes while the session lives (the role service, the admin, SQL).
    Stylist.objects.filter(pk=cast.owner.pk).update(role="head_office", boutique=None)
    response = http.get("/stylist/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/?next=")
    assert http.get("/api/v1/clients/").status_code == 403


def test_an_advisor_made_staff_is_asked_on_the_next_page(cast):
    http = signed_in(cast.owner.user)
    assert http.get("/stylist/").status_code == 200
    get_user_model().objects.filter(pk=cast.owner.user.pk).update(is_staff=True)
    assert http.get("/stylist/").status_code == 302


def test_head_office_moved_back_to_a_boutique_is_no_longer_held(cast):
    from stylists.models import Stylist

    http = signed_in(cast.head_office.user)
    assert http.get("/stylist/").status_code == 302
    Stylist.objects.filter(pk=cast.head_office.pk).update(role="stylist", boutique=cast.paris)
    assert http.get("/stylist/").status_code == 200
