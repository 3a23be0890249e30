"""Offline evaluation of the ALS recommender against a most-popular baseline.

Usage::

    python manage.py evaluate_recommendations --interactions FILE
        [--format interactions|online-retail] [--split random|temporal]
        [--cutoff YYYY-MM-DD] [--test-fraction 0.25] [--k 10] [--seed 42]

Needs no database rows. Prints exactly one JSON object on stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations.ml.datasets import (
    FORMATS,
    DatasetError,
    load_interactions,
    online_retail_item_types,
)
from recommendations.ml.evaluation import SPLITS, evaluate

LIBRARY_LOGGER = "recommendations.ml"


def _date(value: str) -> str:
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--cutoff must be YYYY-MM-DD, got {value!r}") from exc
    return value


def _fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc
    if not 0.0 < number < 1.0:
        raise argparse.ArgumentTypeError("--test-fraction must be strictly between 0 and 1")
    return number


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an integer: {value!r}") from exc
    if number <= 0:
        raise argparse.ArgumentTypeError("--k must be a positive integer")
    return number


class Command(BaseCommand):
    help = (
        "Evaluate the ALS recommender (tuned on a validation split of the training data) and "
        "a most-popular baseline offline; prints one JSON object."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interactions",
            required=True,
            metavar="FILE",
            help="CSV or .csv.gz file to evaluate on",
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default="interactions",
            help="interactions (client_id,product_id,timestamp[,weight]) or "
            "online-retail (raw UCI Online Retail export)",
        )
        parser.add_argument("--split", choices=SPLITS, default="random")
        parser.add_argument(
            "--cutoff", type=_date, default=None, help="YYYY-MM-DD; required with --split temporal"
        )
        parser.add_argument("--test-fraction", type=_fraction, default=0.25)
        parser.add_argument("--k", type=_positive, default=10)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["split"] == "temporal" and not options["cutoff"]:
            raise CommandError("--split temporal requires --cutoff YYYY-MM-DD")
        library_logger = logging.getLogger(LIBRARY_LOGGER)
        previous_level = library_logger.level
        verbosity = int(options.get("verbosity", 1))
        library_logger.setLevel(
            logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
        )
        try:
            events = load_interactions(options["interactions"], fmt=options["format"])
            categories = (
                online_retail_item_types(options["interactions"])
                if options["format"] == "online-retail"
                else None
            )
            result = evaluate(
                events,
                split=options["split"],
                cutoff=options["cutoff"],
                test_fraction=options["test_fraction"],
                k=options["k"],
                seed=options["seed"],
                item_categories=categories,
            )
        except (DatasetError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            library_logger.setLevel(previous_level)
        self.stdout.write(json.dumps(result))
