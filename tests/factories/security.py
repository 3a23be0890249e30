"""Test helpers for two-factor sign-in: TOTP devices, current codes, verified sessions."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user: Any, *, confirmed: bool = True) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=confirmed)
    return device


def totp_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code the user's phone shows now (or offset_steps periods away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def otp_verify(http: HttpClient, user: Any) -> TOTPDevice:
    """Mark a test client's session as two-factor verified, as django_otp.login does."""
    device = totp_device(user)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
