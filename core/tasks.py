"""Hand a job to Celery by its registered name, after the transaction commits.

Services sit below the task modules that call them, so a service never imports
a task: it names it. The name is the task's `name=` (e.g.
"stylists.tasks.deliver_message"); the project package has every tasks module
registered before the first request (clienteling.apps), so an unknown name
fails loudly instead of losing the job. Eager mode (the demo, tests) runs the
task in-process, exactly as `.delay()` would.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Queue `task_name(*args, **kwargs)` now (call it inside on_commit or a task)."""
    from celery import current_app  # the library only: importing core builds no app

    current_app.tasks[task_name].apply_async(args=args, kwargs=kwargs)


def enqueue_on_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Queue `task_name(*args, **kwargs)` once the current transaction commits."""
    transaction.on_commit(lambda: enqueue(task_name, *args, **kwargs))
