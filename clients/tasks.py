"""Celery tasks for clients: thin, by id, safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from clients.imports.runs import import_run_execute_stored
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
