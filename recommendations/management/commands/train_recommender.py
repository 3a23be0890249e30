"""`manage.py train_recommender`: train a model version now (what the nightly task does).

Thin: calls recommendations.services.model_train and reports through self.stdout.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.services import TrainingInProgress, model_train


class Command(BaseCommand):
    help = (
        "Train the recommender on the consented signals, judge it on a hold-out window and "
        "promote it if it beats the active model (or if none is active)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--tune",
            dest="tune",
            action="store_true",
            default=None,
            help="Search hyperparameters tonight even if the schedule does not ask for it.",
        )
        group.add_argument(
            "--no-tune",
            dest="tune",
            action="store_false",
            help="Reuse the active model's hyperparameters even if tuning is due.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = model_train(tune=options["tune"])
        except TrainingInProgress as exc:
            raise CommandError(str(exc)) from exc
        counts = version.data_counts
        holdout = version.metrics.get("holdout") or {}
        tuning = version.metrics.get("tuning") or {}
        self.stdout.write(
            f"Model #{version.pk} trained in {version.training_seconds:.1f}s on "
            f"{counts.get('train_clients', 0)} clients x {counts.get('train_products', 0)} "
            f"products ({counts.get('positive_events', 0)} signals); parameters "
            f"{tuning.get('source', '?')}."
        )
        if holdout:
            self.stdout.write(
                f"Hold-out ({counts.get('holdout_rule', '')}): nDCG@{version.metrics.get('k')} "
                f"{holdout.get('ndcg', 0):.4f} on {holdout.get('clients', 0)} clients."
            )
        verdict = "promoted" if version.is_active else "not promoted"
        self.stdout.write(self.style.SUCCESS(f"{verdict}: {version.metrics.get('promotion')}"))
