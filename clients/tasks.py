"""Celery tasks for clients: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from clients.imports.runs import import_run_execute_stored


@shared_task(name="clients.tasks.import_run", acks_late=True)
def import_run_task(run_id: int) -> str | None:
    """Run an uploaded import (big files). A second delivery finds the run claimed and stops."""
    report = import_run_execute_stored(run_id=run_id)
    return None if report is None else ("completed" if report.ok else "failed")
