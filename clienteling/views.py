"""Project-level views: the role-aware home redirect, the health check, the API's 404."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.two_factor import demo_skip_active


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their side of the house."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    stylist = getattr(user, "stylist", None)
    if stylist is not None:
        if not stylist.active:  # the sign-in page would send them straight back here
            raise Http404("This account no longer has access.")
        return redirect("stylists:today")
    if getattr(user, "client", None) is not None:
        return redirect("concierge:home")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("login")


def _database_state() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # reported, not raised: this is the health check
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round((time.perf_counter() - started) * 1000, 2),
    }


def _broker_state() -> dict[str, object]:
    if settings.CELERY_TASK_ALWAYS_EAGER and not settings.REDIS_URL:
        return {"ok": True, "mode": "eager", "detail": "Tasks run in-process (no REDIS_URL)."}
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:  # reported, not raised
        return {"ok": False, "mode": "redis", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "redis"}


def _model_state() -> dict[str, object] | None:
    from recommendations.selectors import active_model_version, latest_model_version

    try:
        latest = latest_model_version()
        active = active_model_version()
    except Exception as exc:  # the database check reports the cause
        return {"error": exc.__class__.__name__}
    if latest is None:
        return None
    return {
        "latest": {
            "id": latest.pk,
            "status": latest.status,
            "created_at": latest.created_at.isoformat(),
        },
        "active": (
            {
                "id": active.pk,
                "promoted_at": active.promoted_at.isoformat() if active.promoted_at else None,
                "metrics": active.metrics,
            }
            if active
            else None
        ),
    }


def _sees_health_details(request: HttpRequest) -> bool:
    """Staff with a verified second factor (healthz is exempt from the two-factor hold)."""
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return False
    verified = getattr(user, "is_verified", None)
    return bool(demo_skip_active() or (verified is not None and verified()))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """ok/degraded for anyone (the load balancer); the details only for verified staff.

    The details name the database vendor, the broker mode and the active model's
    metrics and tuning: nothing a visitor needs, and a map for anyone probing.
    """
    database = _database_state()
    broker = _broker_state()
    status = "ok" if database["ok"] and broker["ok"] else "degraded"
    body: dict[str, object] = {"status": status}
    if _sees_health_details(request):
        body.update(
            database=database,
            broker=broker,
            model=_model_state() if database["ok"] else None,
        )
    return JsonResponse(body, status=200 if status == "ok" else 503)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/ (as the API documents it), the house's page elsewhere.

    A path no route matches (say /api/v1/clients/a.b/) never reaches DRF, whose
    own 404s are JSON; without this the API answered those with an HTML page.
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


DATABASE_GAP_RETRY_AFTER = 5  # seconds: connections are health-checked and reopened


def _database_unavailable(exc: BaseException | None) -> bool:
    from django.db import InterfaceError, OperationalError

    while exc is not None:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that is restarting gets a clean 503, JSON under /api/.

    Connections are opened with CONN_HEALTH_CHECKS, so the next request after
    PostgreSQL is back reconnects by itself; the page asks to retry shortly.
    """
    import sys

    if _database_unavailable(sys.exc_info()[1]):
        if request.path.startswith("/api/"):
            message = "The service is briefly unavailable. Retry in a few seconds."
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            from django.template import loader

            html = loader.get_template("503.html").render({})
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(DATABASE_GAP_RETRY_AFTER)
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
