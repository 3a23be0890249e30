"""Answers about people are never stored by a browser or a proxy: Cache-Control private, no-store.

Staff pages (/stylist/, /admin/), the client's concierge, sign-in and every
API answer hold names, notes, sizes and messages. Without a Cache-Control a
shared proxy may keep them and the browser's back button shows them after
sign-out on a boutique's shared tablet. Public things (catalogue imagery,
static files, /healthz) keep their own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PRIVATE_PREFIXES = ("/stylist/", "/concierge/", "/api/", "/admin/", "/accounts/")


class PrivateNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES) or request.path == "/":
            patch_cache_control(response, private=True, no_store=True)
        return response
