"""Fixtures for the live rooms: a video consultation in the cast's book, sockets signed in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.two_factor import two_factor_required_for
from clienteling.asgi import application
from stylists.models import Appointment, AppointmentKind, AppointmentStatus
from tests.factories.security import otp_verify


def headers_for(user: Any) -> list[tuple[bytes, bytes]]:
    """Handshake headers with the user's session cookie (none for anonymous)."""
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        http = HttpClient()
        http.force_login(user)
        if two_factor_required_for(user):
            otp_verify(http, user)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        headers.append((b"cookie", cookie.encode()))
    return headers


def socket(path: str, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    """A WebSocket through the real ASGI stack (origin check, session auth, routing)."""
    return WebsocketCommunicator(application, path, headers=headers)


def video_appointment(cast: Any, *, starts_in: dt.timedelta, minutes: int = 45) -> Appointment:
    now = timezone.now()
    return Appointment.objects.create(
        client=cast.client,
        stylist=cast.owner,
        kind=AppointmentKind.VIDEO,
        status=AppointmentStatus.CONFIRMED,
        starts_at=now + starts_in,
        ends_at=now + starts_in + dt.timedelta(minutes=minutes),
        video_room="verlaine-live-room",
    )


@pytest.fixture
def call(cast: Any) -> Appointment:
    """Camille's video consultation with Élise, starting in five minutes: the room is open."""
    return video_appointment(cast, starts_in=dt.timedelta(minutes=5))
