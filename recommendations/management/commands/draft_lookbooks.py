"""`manage.py draft_lookbooks [--client UUID ...]`: draft lookbooks now (the nightly task's work).

Thin: calls recommendations.services.lookbooks_draft and reports counts through self.stdout.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clients.models import Client
from recommendations.services import lookbooks_draft


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise CommandError(
            f"--client expects a client's public id (a UUID), not {value!r}"
        ) from exc


class Command(BaseCommand):
    help = (
        "Draft lookbooks with the active model for every client who needs one, into their "
        "stylists' review queues (or for the given clients only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--client",
            action="append",
            default=None,
            metavar="UUID",
            help="A client's public id; repeat for several. Drafts even if not yet stale.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client_ids = None
        if options["client"]:
            wanted = [_uuid(value) for value in options["client"]]
            found = dict(Client.objects.filter(public_id__in=wanted).values_list("public_id", "pk"))
            missing = [str(w) for w in wanted if w not in found]
            if missing:
                raise CommandError(f"No client with public id {', '.join(missing)}.")
            client_ids = list(found.values())
        report = lookbooks_draft(client_ids=client_ids)
        if report.skipped:
            raise CommandError(report.skipped)
        reasons = ", ".join(
            f"{n} {r.replace('_', ' ')}" for r, n in sorted(report.by_reason.items())
        )
        self.stdout.write(
            f"Model #{report.model_version}: {report.needing + report.deferred} of "
            f"{report.booked} booked clients need a draft, {report.needing} tonight "
            f"({reasons or 'none'}); {report.not_allowed_by_consent} not allowed by "
            f"consent, {report.already_in_review} already have one in review."
        )
        if report.deferred:
            self.stdout.write(
                f"{report.deferred} more left for a later night, as their advisor's queue "
                f"clears (at most {settings.RECOMMENDER_DRAFTS_PER_ADVISOR} machine drafts "
                "waiting each: RECOMMENDER_DRAFTS_PER_ADVISOR)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Drafted {report.drafted} lookbooks ({report.items_written} pieces, "
                f"{report.cold_start} from stated preferences) in {report.seconds:.1f}s; "
                f"{report.already_drafted} already drafted, {report.too_few_candidates} with too "
                "few pieces in stock for them."
            )
        )
