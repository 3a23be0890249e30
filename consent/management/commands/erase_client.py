"""Erase a client's personal data on head office's instruction (e.g. a request by letter).

    manage.py erase_client <client public id> --by <username> --reason "Letter of 3 March"

The reason is kept with the erasure record: never write personal details in it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clients.models import Client
from consent.services import privacy_erase


class Command(BaseCommand):
    help = "Erase a client's personal data everywhere (orders are kept, pseudonymised)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client", help="The client's public id (UUID)")
        parser.add_argument("--by", required=True, help="Username of who asked for the erasure")
        parser.add_argument("--reason", default="", help="Why (no personal details)")

    def handle(self, *args: Any, client: str, by: str, reason: str, **options: Any) -> None:
        try:
            subject = Client.objects.get(public_id=client)
        except (Client.DoesNotExist, ValidationError, ValueError):
            raise CommandError(f"No client with id {client}.") from None
        try:
            actor = get_user_model().objects.get(username=by)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {by}.") from None
        erasure = privacy_erase(client=subject, requested_by=actor, reason=reason)
        removed = sum(erasure.counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Erasure {erasure.public_id} completed ({removed} rows).")
        )
