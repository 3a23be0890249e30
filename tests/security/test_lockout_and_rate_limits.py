"""Sign-in lock-out (django-axes) and the named rate limits (core.ratelimit)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.test import RequestFactory, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from core.ratelimit import Rate, client_ip, parse_rate, rate_limit

pytestmark = pytest.mark.django_db

PASSWORD = "atelier-test-pass"
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def _fail(http: HttpClient, username: str = "owner", ip: str = "198.51.100.1"):
    return http.post(LOGIN, {"username": username, "password": "wrong-password"}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_username_at_that_address(cast):
    http = HttpClient()
    for _ in range(4):
        assert _fail(http).status_code == 200  # the form again, with its error
    locked = _fail(http)
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "paused for 30 minutes" in body
    assert locked["Retry-After"] == "1800"
    # Even the right password waits now
    right = http.post(
        LOGIN, {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1"
    )
    assert right.status_code == 429
    # The same advisor from the boutique's own address is not locked out
    elsewhere = HttpClient().post(
        LOGIN, {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert elsewhere.status_code == 302


def test_the_lock_lifts_after_thirty_minutes(cast):
    http = HttpClient()
    for _ in range(5):
        _fail(http)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=False):
        response = http.post(
            LOGIN, {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1"
        )
    assert response.status_code == 302


def test_the_token_endpoint_counts_failures_too(cast):
    api = APIClient()
    for _ in range(4):
        response = api.post(
            TOKEN, {"username": "owner", "password": "nope"}, REMOTE_ADDR="198.51.100.2"
        )
        assert response.status_code == 400
    locked = api.post(TOKEN, {"username": "owner", "password": "nope"}, REMOTE_ADDR="198.51.100.2")
    assert locked.status_code == 429
    assert "paused" in locked.json()["detail"]
    still = api.post(TOKEN, {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="198.51.100.2")
    assert still.status_code == 429


@override_settings(
    RATE_LIMITS={
        "login": "3/5m",
        "token": "20/5m",
        "appointment_book": "10/h",
        "client_message": "30/10m",
        "privacy_export": "5/d",
        "two_factor": "10/5m",
    }
)
def test_sign_in_posts_are_rate_limited_per_address(cast):
    http = HttpClient()
    for username in ("a", "b", "c"):  # password spraying across usernames
        assert _fail(http, username=username, ip="198.51.100.3").status_code == 200
    limited = _fail(http, username="d", ip="198.51.100.3")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "Too many attempts" in limited.content.decode()
    # Reading the page is never limited, nor is another address
    assert http.get(LOGIN, REMOTE_ADDR="198.51.100.3").status_code == 200
    assert _fail(HttpClient(), username="e", ip="198.51.100.4").status_code == 200


@override_settings(
    RATE_LIMITS={
        "token": "2/m",
        "login": "20/5m",
        "two_factor": "10/5m",
        "appointment_book": "10/h",
        "client_message": "30/10m",
        "privacy_export": "5/d",
    }
)
def test_the_token_endpoint_is_rate_limited(cast):
    api = APIClient()
    for _ in range(2):
        api.post(TOKEN, {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="198.51.100.5")
    limited = api.post(
        TOKEN, {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="198.51.100.5"
    )
    assert limited.status_code == 429
    assert "Retry-After" in limited
    assert "throttled" in limited.json()["detail"]


@override_settings(RATE_LIMITS={"appointment_book": "2/h"})
def test_the_decorator_for_booking_and_messaging_views(cast):
    @rate_limit("appointment_book")
    def book(request):
        return HttpResponse("booked")

    factory = RequestFactory()

    def post(user):
        request = factory.post("/concierge/appointments/book/", REMOTE_ADDR="198.51.100.6")
        request.user = user
        return book(request)

    assert post(cast.client.user).status_code == 200
    assert post(cast.client.user).status_code == 200
    limited = post(cast.client.user)
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 3600
    # Counted per signed-in person, not per shared boutique address
    assert post(cast.other_client.user).status_code == 200
    # GET is not limited by default
    request = factory.get("/concierge/appointments/book/")
    request.user = cast.client.user
    assert book(request).status_code == 200
    # JSON callers get JSON
    api_request = factory.post("/api/v1/bookings/", HTTP_ACCEPT="application/json")
    api_request.user = cast.client.user
    assert json.loads(book(api_request).content)["detail"].startswith("Too many attempts")


def test_unknown_limits_fail_loudly():
    with pytest.raises(ImproperlyConfigured):
        rate_limit("nonexistent")


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("10/5m", Rate(10, 300)),
        ("30/h", Rate(30, 3600)),
        ("5/60", Rate(5, 60)),
        ("1/d", Rate(1, 86400)),
        ("3/2s", Rate(3, 2)),
    ],
)
def test_rates_are_parsed(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["ten/m", "0/m", "5/0s", "5/w", ""])
def test_bad_rates_are_refused(rate):
    with pytest.raises(ImproperlyConfigured):
        parse_rate(rate)


def test_forwarded_addresses_are_trusted_only_behind_a_declared_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.50"  # not the spoofable first entry


@override_settings(
    RATE_LIMITS={
        "login": "3/5m",
        "token": "20/5m",
        "booking": "10/h",
        "messaging": "30/10m",
        "privacy_export": "5/d",
        "two_factor": "10/5m",
    }
)
def test_the_admin_sign_in_shares_the_per_address_limit(cast):
    # Issue 15, item 4: /admin/login/ checked passwords without limit.
    http = HttpClient()
    for username in ("a", "b"):
        assert _fail(http, username=username, ip="198.51.100.7").status_code == 200
    admin_login = "/admin/login/"
    data = {"username": "c", "password": "wrong-password", "next": "/admin/"}
    assert http.post(admin_login, data, REMOTE_ADDR="198.51.100.7").status_code == 200
    limited = http.post(admin_login, {**data, "username": "d"}, REMOTE_ADDR="198.51.100.7")
    assert limited.status_code == 429
    assert "Too many attempts" in limited.content.decode()
    # Another address still gets the admin's sign-in page
    assert http.post(admin_login, data, REMOTE_ADDR="198.51.100.8").status_code == 200
