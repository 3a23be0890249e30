"""Small helpers shared by the dashboard's views: htmx detection, toasts, the access log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def toast(request: HttpRequest, text: str, level: str = "success") -> str:
    """An out-of-band toast for an htmx response (see includes/_messages.html)."""
    return render_to_string(
        "stylists/_toast_oob.html", {"text": text, "level": level}, request=request
    )


def partial(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    toast_text: str = "",
    level: str = "success",
    status: int = 200,
) -> HttpResponse:
    """Render an htmx fragment, with an optional toast appended out of band."""
    html: str = render_to_string(template, context, request=request)
    if toast_text:
        html = html + toast(request, toast_text, level)
    return HttpResponse(html, status=status)


def log_access(user: Any, client: Any, action: str) -> None:
    """Record that staff looked at a client's data (consent.services.access_log_record)."""
    try:
        from consent.services import access_log_record
    except ImportError:  # the access log is not installed in this build
        return
    access_log_record(actor=user, client=client, action=action)
