"""Who may enter the concierge: clients, for their own story only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from clients.selectors import client_for_concierge


def client_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view runs for signed-in clients; it gets their Client as request.client."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.client = client_for_concierge(request.user)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
