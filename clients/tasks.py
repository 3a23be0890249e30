"""Celery tasks for clients: thin, by id, safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from clients.imports.runs import import_run_execute_stored
from clients.merging import merge_suggestions_refresh
from clients.services import occasions_roll_forward


@shared_task(name="clients.tasks.import_run", acks_late=True)
def import_run_task(run_id: int) -> str | None:
    """Run an uploaded import (big files). A second delivery finds the run claimed and stops."""
    report = import_run_execute_stored(run_id=run_id)
    return None if report is None else ("completed" if report.ok else "failed")


@shared_task(name="clients.tasks.roll_occasions_forward")
def roll_occasions_forward(today: str | None = None) -> int:
    """Yearly occasions that passed come back for next year (beat: roll-occasions-daily).

    Idempotent: an occasion already on its next date is left alone.
    """
    return occasions_roll_forward(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="clients.tasks.suggest_merges", acks_late=True)
def suggest_merges() -> int:
    """Pair profiles that may be one client for the managers' merge queue (beat: nightly).

    Idempotent: a pair already suggested is rescored, never stored twice, and a pair a
    manager rejected is never suggested again. Returns how many pairs are new.
    """
    return merge_suggestions_refresh()
