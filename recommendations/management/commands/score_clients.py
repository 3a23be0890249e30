"""`manage.py score_clients`: the nightly client outlook now (the `client_outlooks` task's work).

Thin: calls recommendations.pipeline.outlook.client_outlooks_refresh (stage, churn risk,
expected purchases, 12-month value, buying profile; only clients whose consent allows
analytics) and reports the count through self.stdout. `make demo` runs it so that the
story's outlook, Today's "whom to call this week" and the book's filters have figures.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from recommendations.pipeline.outlook import client_outlooks_refresh


class Command(BaseCommand):
    help = (
        "Score every client whose consent allows analytics: lifecycle stage, churn risk, "
        "expected purchases and 12-month value (the nightly client outlook)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = client_outlooks_refresh()
        self.stdout.write(self.style.SUCCESS(f"Scored {written} clients."))
