"""Structured logs: one JSON line per request and per task, tied by a request id.

Infrastructure with no domain imports. A request gets an id (a caller's
X-Request-ID when it is a sane token, else a new one); it is echoed in the
response header, stamped on every log line written while the request runs,
and carried into the Celery tasks the request queues (clienteling.celery puts
it in the task headers and restores it in the worker), so one grep follows a
publish from the click to the notice the worker sent.

Each request's line says how long it took (`duration_ms`) and how much of that
its thread spent on the CPU (`cpu_ms`; the rest is waiting: for the database,
for Redis, or for a core on a busy machine), and which view answered (`view`,
the URL's name, so lines group by page whatever the ids in the path). Tasks
log the same two times.

`LOG_FORMAT=json` (what `make serve` and the container set) switches the
root handler to JsonFormatter; the demo and the tests keep plain text.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
task_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_logger = logging.getLogger("atelier.request")

# Attributes every LogRecord has; anything else passed with extra= is logged as a field.
_RECORD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys() | {"message", "asctime"}
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, ids, and extra= fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            payload["request_id"] = request_id
        task_id = task_id_var.get()
        if task_id:
            payload["task_id"] = task_id
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


def _loaded_user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request already loaded it (never a query here)."""
    from django.utils.functional import empty

    lazy = request.__dict__.get("user")
    wrapped = getattr(lazy, "_wrapped", lazy)
    if wrapped is None or wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return getattr(wrapped, "pk", None)


def _view_name(request: HttpRequest) -> str | None:
    """The answering URL pattern's name ("stylists:today"); None when nothing matched."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else None


class RequestLogMiddleware:
    """Outermost middleware: sets the request id and logs one line when the response leaves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _SANE_ID.match(offered) else new_request_id()
        token = request_id_var.set(request_id)
        started, cpu_started = time.perf_counter(), time.thread_time()
        status: int | None = None
        escaped = ""
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        except BaseException as exc:  # logged, then raised on (a client gone, a cancel)
            escaped = exc.__class__.__name__
            raise
        finally:
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "event": "request",
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    **({"error": escaped} if escaped else {}),
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "cpu_ms": round((time.thread_time() - cpu_started) * 1000, 2),
                    "view": _view_name(request),
                    "user_id": _loaded_user_id(request),
                },
            )
            request_id_var.reset(token)
