"""`manage.py suggest_merges`: fill the managers' merge queue now (the nightly task's work).

Thin: calls clients.merging.merge_suggestions_refresh (profiles that may be one client on
weak evidence, scored; pairs already suggested are rescored, rejected ones never return)
and reports the count. `make demo` runs it so /stylist/team/merges/ has pairs to decide.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clients.merging import merge_suggestions_refresh
from clients.models import MergeStatus, MergeSuggestion


class Command(BaseCommand):
    help = "Suggest merges of profiles that may be one client, for the managers' merge queue."

    def handle(self, *args: Any, **options: Any) -> None:
        new = merge_suggestions_refresh()
        waiting = MergeSuggestion.objects.filter(status=MergeStatus.PENDING).count()
        self.stdout.write(
            self.style.SUCCESS(f"{new} new pair{'s' if new != 1 else ''}; {waiting} waiting.")
        )
