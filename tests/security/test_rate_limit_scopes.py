"""Each action has its own rate-limit scope (issue 14 review defect).

The booking limit once also limited styling requests, and the messaging limit
also limited sharing a wishlist: a client who booked a few fittings could no
longer ask for styling.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from core.ratelimit import SHARED_SCOPES, scope_users
from stylists.models import Message, StylingRequest
from tests.factories.catalog import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _callbacks(patterns: list[Any]) -> list[Any]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found.extend(_callbacks(pattern.url_patterns))
        elif isinstance(pattern, URLPattern):
            found.append(pattern.callback)
    return found


def test_every_scope_limits_one_action_unless_declared_shared() -> None:
    callbacks = _callbacks(get_resolver().url_patterns)  # imports every view
    users = {
        scope: {view for view in views if not view.startswith("tests.")}  # test doubles
        for scope, views in scope_users().items()
    }
    for callback in callbacks:
        scope = getattr(getattr(callback, "cls", None), "throttle_scope", None)
        if scope:
            users.setdefault(scope, set()).add(callback.cls.__qualname__)
    shared = {scope: sorted(v) for scope, v in users.items() if len(v) > 1}
    assert set(shared) <= set(SHARED_SCOPES), shared
    assert set(users) <= set(settings.RATE_LIMITS), set(users) - set(settings.RATE_LIMITS)
    for scope in ("appointment_book", "styling_request", "client_message", "wishlist_share"):
        assert scope in users


def test_booking_fittings_leaves_the_styling_request_budget(cast: Any, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "appointment_book": "1/h"}
    http = cast.http("client_user")
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).replace(microsecond=0)
    for minutes in (0, 45):  # the second is refused (by the limit or the calendar)
        http.post(
            "/concierge/appointments/book/",
            {"kind": "video", "at": (soon + dt.timedelta(minutes=minutes)).isoformat()},
        )
    third = http.post(
        "/concierge/appointments/book/",
        {"kind": "video", "at": (soon + dt.timedelta(hours=2)).isoformat()},
    )
    assert third.status_code == 429
    asked = http.post("/concierge/requests/", {"purpose": "gift", "message": "A scarf for her"})
    assert asked.status_code == 302
    assert StylingRequest.objects.count() == 1


def test_writing_to_the_advisor_leaves_the_wishlist_share_budget(cast: Any, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "client_message": "1/10m"}
    http = cast.http("client_user")
    assert http.post("/concierge/messages/", {"body": "Hello"}).status_code == 302
    assert http.post("/concierge/messages/", {"body": "Again"}).status_code == 429
    product = ProductFactory()
    VariantFactory(product=product)
    http.post(f"/concierge/pieces/{product.public_id}/save/")
    shared = http.post("/concierge/wishlist/share/")
    assert shared.status_code != 429
    assert Message.objects.count() == 2  # her note and the shared wishlist
