"""Honest evaluation of the client-value model against BG/NBD + Gamma-Gamma and past repeats.

Usage::

    python manage.py evaluate_client_models --orders FILE --format cdnow|online-retail
        --calibration-end YYYY-MM-DD --holdout-end YYYY-MM-DD [--seed 0]

Needs no database rows. Prints exactly one JSON object on stdout:
{"clients", "model": {...}, "bgnbd": {...}, "past_repeats": {...}}, each with
churn_auc, churn_brier, count_mae, count_rmse, value_mae over the holdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.ml.clv.evaluation import evaluate
from recommendations.ml.clv.transactions import FORMATS, TransactionsError, read_transactions


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from exc


class Command(BaseCommand):
    help = "Evaluate churn risk and lifetime value against BG/NBD on a holdout (one JSON object)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", required=True, help="CSV or CSV.gz of purchases")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--calibration-end", required=True, type=_date)
        parser.add_argument("--holdout-end", required=True, type=_date)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        calibration_end, holdout_end = options["calibration_end"], options["holdout_end"]
        if holdout_end <= calibration_end:
            raise CommandError("--holdout-end must come after --calibration-end.")
        started = time.perf_counter()
        try:
            days = read_transactions(options["orders"], options["fmt"])
        except TransactionsError as exc:
            raise CommandError(str(exc)) from exc
        if len(days.before(calibration_end)) == 0:
            raise CommandError("No purchase on or before --calibration-end: nothing to learn from.")
        result = evaluate(days, calibration_end, holdout_end, seed=options["seed"])
        result = {
            "format": options["fmt"],
            **result,
            "seconds": round(time.perf_counter() - started, 1),
        }
        self.stdout.write(json.dumps(result))
