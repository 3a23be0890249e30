"""Demo: the advisor reviews and publishes one drafted lookbook for the demo client.

    python manage.py demo_publish [--stylist stylist] [--client client]

`make demo` runs it after `draft_lookbooks`, so that "Your Style Story" opens on
a lookbook her advisor chose, and the review history shows what a review looks
like (a piece kept, one removed with its reason, a personal note). Everything
goes through the review services, exactly as the review page would; nothing is
written around them. Running it again does nothing once she has a published
lookbook.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clients.models import Client
from recommendations.models import ItemState, Lookbook, LookbookStatus, RemovalReason
from recommendations.services import (
    lookbook_item_keep,
    lookbook_item_remove,
    lookbook_open_for_review,
    lookbook_publish,
    lookbook_set_note,
)

# The advisor's own words, written as she would write them: in her client's language
# (the pages around them are translated; an advisor's note is not, so the demo's is
# written in each language the demo's advisors write in). English for any other. The
# greeting does not presume the client's gender; the demo advisor (Élise) writes "ravie".
NOTES = {
    "en": (
        "Dear {name}, a few pieces I had in mind for you this season. "
        "I would be delighted to set them aside for a fitting whenever suits you."
    ),
    "fr": (
        "Bonjour {name}, voici quelques pièces auxquelles j’ai pensé pour vous cette saison. "
        "Je serais ravie de vous les réserver pour un essayage, quand vous le souhaitez."
    ),
    "it": (
        "Buongiorno {name}, ecco alcuni capi a cui ho pensato per lei in questa stagione. "
        "Sarò lieta di metterli da parte per una prova, quando le sarà più comodo."
    ),
    "es": (
        "Buenos días, {name}: unas piezas en las que pensé para usted esta temporada. "
        "Estaré encantada de reservárselas para una prueba cuando le convenga."
    ),
    "de": (
        "Guten Tag, {name}: einige Stücke, an die ich in dieser Saison für Sie gedacht habe. "
        "Gern lege ich sie für eine Anprobe zurück, wann immer es Ihnen passt."
    ),
}


def demo_note(first_name: str, language: str) -> str:
    """The demo advisor's note to her client, in the client's language where she writes it."""
    base = (language or "en").split("-")[0]
    return NOTES.get(base, NOTES["en"]).format(name=first_name or "Madame")


class Command(BaseCommand):
    help = "Review and publish one drafted lookbook for the demo client, as her advisor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stylist", default="stylist", help="The advisor's login.")
        parser.add_argument("--client", default="client", help="The client's login.")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        advisor = user_model.objects.filter(username=options["stylist"]).first()
        client = Client.objects.filter(user__username=options["client"]).first()
        if advisor is None or client is None:
            raise CommandError("The demo advisor or client is missing: run seed_demo first.")
        if Lookbook.objects.filter(client=client, status=LookbookStatus.PUBLISHED).exists():
            self.stdout.write(f"{client} already has a published lookbook; nothing to do.")
            return
        draft = (
            Lookbook.objects.filter(
                client=client, status__in=[LookbookStatus.DRAFT, LookbookStatus.IN_REVIEW]
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if draft is None:
            raise CommandError(f"{client} has no draft to review: run draft_lookbooks first.")

        lookbook = lookbook_open_for_review(lookbook=draft, by=advisor)
        items = list(lookbook.items.filter(state=ItemState.PROPOSED).order_by("position", "pk"))
        if len(items) < 3:
            raise CommandError("The draft has too few pieces to make a demo review of it.")
        lookbook_item_keep(item=items[0], by=advisor, expected_version=lookbook.version)
        lookbook.refresh_from_db()
        lookbook_item_remove(
            item=items[-1],
            by=advisor,
            reason=RemovalReason.OWNS_SIMILAR,
            expected_version=lookbook.version,
        )
        lookbook.refresh_from_db()
        lookbook = lookbook_set_note(
            lookbook=lookbook,
            note=demo_note(client.first_name, client.preferred_language),
            by=advisor,
            expected_version=lookbook.version,
        )
        lookbook = lookbook_publish(
            lookbook=lookbook, by=advisor, channels=["concierge"], expected_version=lookbook.version
        )
        self.stdout.write(
            f"Published “{lookbook.title}” for {client}: "
            f"{lookbook.items.exclude(state=ItemState.REMOVED).count()} pieces, in her concierge."
        )
