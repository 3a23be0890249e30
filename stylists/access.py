"""Who may enter the stylist side: advisors only. Others get 404, anonymous the login page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from stylists.models import Stylist


def current_stylist(request: HttpRequest) -> Stylist:
    stylist = getattr(request.user, "stylist", None)
    if stylist is None or not stylist.active:
        raise Http404("Not found")
    return stylist


def stylist_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view runs for active advisors; it gets the Stylist as request.stylist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.stylist = current_stylist(request)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
