"""`manage.py seed_demo`: seed Maison Verlaine, the deterministic demo house.

The work lives in clienteling.demo; this command only reads its options and
reports. The same --seed on an empty database gives the same house, down to
the UUIDs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clienteling.demo import DatabaseNotEmpty, DemoOptions, build_demo_house
from clienteling.demo.builder import DEFAULT_SEED

MIN_CLIENTS = 10
MIN_PRODUCTS = 30  # one piece of every subcategory the image generator draws


class Command(BaseCommand):
    help = (
        "Seed Maison Verlaine, a deterministic demo house: boutiques, staff, catalogue, "
        "clients with consent, two years of orders, occasions, notes and messages. Refuses a "
        "database that already holds users, clients or products unless --reset is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--clients", type=int, default=600, help="Number of clients (default 600)."
        )
        parser.add_argument(
            "--products", type=int, default=320, help="Number of products (default 320)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete the demo data: every user, boutique, product, client and "
            "everything that points at them.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only an empty database; on one that already holds data, say so and stop "
            "without error (what `make demo` uses, so it can run again).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MESSAGING_BACKEND != "console":
            # The demo clients' mobile numbers are random numbers in real ranges:
            # with a live SMS/WhatsApp backend a demo message could reach a stranger.
            raise CommandError(
                "The demo house is for the console messaging backend only: its phone "
                "numbers are invented and may belong to real people. Unset MESSAGING_BACKEND."
            )
        if options["clients"] < MIN_CLIENTS:
            raise CommandError(f"--clients must be at least {MIN_CLIENTS}.")
        if options["products"] < MIN_PRODUCTS:
            raise CommandError(f"--products must be at least {MIN_PRODUCTS}.")
        demo = DemoOptions(
            seed=options["seed"],
            clients=options["clients"],
            products=options["products"],
            reset=options["reset"],
        )
        verbosity = options["verbosity"]
        try:
            summary = build_demo_house(demo, progress=self.stdout.write if verbosity >= 2 else None)
        except DatabaseNotEmpty as exc:
            if options["if_empty"] and not options["reset"]:
                self.stdout.write(f"The demo house is already here; nothing seeded. ({exc})")
                return
            raise CommandError(str(exc)) from exc
        if verbosity >= 1:
            for line in summary.lines():
                self.stdout.write(line)
