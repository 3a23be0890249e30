"""A real Celery worker on Redis, for the tests that need one (CI runs them; locally they skip).

The worker runs in a thread of the test process (celery.contrib.testing), on
a queue of its own so that it never takes another run's tasks, against the
same test database; tests that use it must commit their data
(`django_db(transaction=True)`).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings

from clienteling.celery import app as celery_app


@pytest.fixture
def celery_worker() -> Iterator[Any]:
    if not settings.REDIS_URL:
        message = "A real Celery worker needs REDIS_URL (CI sets it)."
        if os.environ.get("ATELIER_REQUIRE_CELERY_WORKER"):
            pytest.fail(message)
        pytest.skip(message)
    from celery.contrib.testing.worker import start_worker

    queue = f"atelier-test-{uuid.uuid4().hex[:12]}"
    previous = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "task_default_queue": celery_app.conf.task_default_queue,
        "task_routes": celery_app.conf.task_routes,
    }
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    # Production routes long tasks (training, exports, imports) to a "long" queue:
    # here every task goes to this test's own queue, which its one worker consumes.
    celery_app.conf.task_routes = {}
    _forget_routes()
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            queues=[queue],
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        for key, value in previous.items():
            setattr(celery_app.conf, key, value)
        _forget_routes()


def _forget_routes() -> None:
    """Celery caches its router on first use: make it read task_routes again."""
    celery_app.amqp._rtable = None
    celery_app.amqp.__dict__.pop("router", None)


def wait_for(condition: Callable[[], bool], *, timeout: float = 20.0) -> bool:
    """Poll until the worker's effect is visible (it commits in its own connection)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()
