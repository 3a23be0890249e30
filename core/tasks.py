"""Hand a job to Celery by its registered name, after the transaction commits.

Services sit below the task modules that call them, so a service never imports
a task: it names it. The name is the task's `name=` (e.g.
"stylists.tasks.deliver_message"); the project package has every tasks module
registered before the first request (clienteling.apps), so an unknown name
fails loudly instead of losing the job. Eager mode (the demo, tests) runs the
task in-process, exactly as `.delay()` would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Queue `task_name(*args, **kwargs)` now (call it inside on_commit or a task)."""
    from celery import current_app  # the library only: importing core builds no app

    current_app.tasks[task_name].apply_async(args=args, kwargs=kwargs)


def _handed_off(task_name: str, args: Any, kwargs: Any, *, otherwise: str) -> bool:
    """Queue the task now; False (logged, with what happens instead) when the broker
    cannot take it. In eager mode (demo, tests) errors propagate as before."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        enqueue(task_name, *args, **kwargs)
        return True
    try:
        enqueue(task_name, *args, **kwargs)
    except Exception:
        logger.error(
            "Could not queue %s (broker unreachable); %s",
            task_name,
            otherwise,
            exc_info=True,
            extra={"event": "enqueue_failed", "task": task_name},
        )
        return False
    return True


def _enqueue_or_log(task_name: str, args: Any, kwargs: Any) -> None:
    """After commit the row is saved: a broker that is down must not turn it into a 500.

    Every hand-off is backed by a sweep that finds the work from the database
    (queued messages: redeliver_queued_messages every five minutes; drafts and
    follow-ups: their nightly jobs), so a lost hand-off is late, never lost.
    """
    _handed_off(task_name, args, kwargs, otherwise="its sweep will pick it up")


def enqueue_on_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Queue `task_name(*args, **kwargs)` once the current transaction commits."""
    transaction.on_commit(lambda: _enqueue_or_log(task_name, args, kwargs))


def enqueue_on_commit_or_run(
    task_name: str, fallback: Callable[..., Any], *args: Any, **kwargs: Any
) -> None:
    """Queue the task after commit; if the broker cannot take it, run `fallback` here.

    For work with no sweep behind it (a lookbook's notices): a broker that is down
    costs this request the time the worker would have spent, never the work itself.
    """

    def hand_off() -> None:
        if not _handed_off(task_name, args, kwargs, otherwise="running it in the request"):
            fallback(*args, **kwargs)

    transaction.on_commit(hand_off)
