"""The one Celery application; tasks are discovered in each app's tasks.py.

Also the task half of the structured logs (core.observability): the request
id of the request (or task) that queues a task travels in the message headers
and is restored in the worker, and every task writes one JSON line when it
ends (name, id, state, duration, request id).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from celery import Celery, signals

from core.observability import current_request_id, request_id_var, task_id_var

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clienteling.settings.base")

app = Celery("clienteling")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

REQUEST_ID_HEADER = "atelier_request_id"
task_logger = logging.getLogger("atelier.task")
_started: dict[str, tuple[float, float, Any, Any]] = {}


@signals.before_task_publish.connect
def _stamp_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = current_request_id()
    if headers is not None and request_id and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id


@signals.task_prerun.connect
def _restore_request_id(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    request_id = ""
    if task is not None:
        request_id = getattr(task.request, REQUEST_ID_HEADER, None) or ""
        if not request_id and task.request.is_eager:
            request_id = current_request_id()  # eager: same thread, same request
    _started[task_id] = (
        time.perf_counter(),
        time.thread_time(),
        request_id_var.set(request_id),
        task_id_var.set(task_id),
    )


@signals.task_postrun.connect
def _log_task(task_id: str = "", task: Any = None, state: str | None = None, **kwargs: Any) -> None:
    started = _started.pop(task_id, None)
    duration = cpu = None
    if started:
        duration = round((time.perf_counter() - started[0]) * 1000, 2)
        cpu = round((time.thread_time() - started[1]) * 1000, 2)
    task_logger.info(
        "task %s %s",
        getattr(task, "name", "?"),
        state,
        extra={
            "event": "task",
            "task": getattr(task, "name", None),
            "state": state,
            "duration_ms": duration,
            "cpu_ms": cpu,
            "retries": getattr(getattr(task, "request", None), "retries", None),
        },
    )
    if started:
        request_id_var.reset(started[2])
        task_id_var.reset(started[3])
