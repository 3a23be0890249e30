"""`manage.py demo_publish`: the demo concierge opens on a lookbook her advisor reviewed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recommendations.models import (
    ItemState,
    Lookbook,
    LookbookStatus,
    ReviewAction,
    ReviewEvent,
)
from recommendations.selectors import published_lookbooks_for_client
from tests.factories.catalog import ProductFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory

pytestmark = pytest.mark.django_db


def run(**options: str) -> str:
    out = io.StringIO()
    call_command("demo_publish", stdout=out, stylist="owner", client="client", **options)
    return out.getvalue()


def draft_for(cast, pieces: int = 5) -> Lookbook:
    lookbook = LookbookFactory(client=cast.client)
    for position in range(1, pieces + 1):
        LookbookItemFactory(lookbook=lookbook, position=position, product=ProductFactory())
    return lookbook


def test_the_advisor_keeps_removes_notes_and_publishes_through_the_review(cast):
    draft = draft_for(cast)
    output = run()
    draft.refresh_from_db()
    assert draft.status == LookbookStatus.PUBLISHED
    assert draft.note.startswith("Dear Camille")
    assert draft.items.filter(state=ItemState.REMOVED).count() == 1
    assert draft.items.exclude(state=ItemState.REMOVED).count() == 4
    actions = list(
        ReviewEvent.objects.filter(lookbook=draft).order_by("pk").values_list("action", flat=True)
    )
    assert actions[0] == ReviewAction.OPEN
    assert ReviewAction.PUBLISH in actions
    assert list(published_lookbooks_for_client(cast.client)) == [draft]
    assert "4 pieces" in output


def test_the_note_is_written_in_her_language(cast):
    # Camille reads her concierge in French: her Paris advisor writes to her in French
    cast.client.preferred_language = "fr"
    cast.client.save(update_fields=["preferred_language"])
    draft = draft_for(cast)
    run()
    draft.refresh_from_db()
    assert draft.note.startswith("Bonjour Camille, voici quelques pièces")


def test_running_again_does_nothing(cast):
    draft_for(cast)
    run()
    events = ReviewEvent.objects.count()
    assert "nothing to do" in run()
    assert ReviewEvent.objects.count() == events


def test_without_a_draft_it_says_what_to_run(cast):
    with pytest.raises(CommandError, match="draft_lookbooks"):
        run()
