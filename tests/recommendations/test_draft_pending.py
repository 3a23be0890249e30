# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Bulk drafts keep their pieces on the lookbook row until first read (services.pending).

Whatever reads a draft first (the review page, the API, a review action, the client's
story, consent withdrawal, erasure) sees exactly the rows an eager write makes.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentTier
from consent.services import consent_record
from recommendations.models import (
    ItemSource,
    ItemState,
    Lookbook,
    LookbookItem,
    LookbookOrigin,
    LookbookStatus,
    ReviewEvent,
)
from recommendations.privacy import erase_lookbooks
from recommendations.selectors import review_queue_rows
from recommendations.services import lookbook_open_for_review, lookbooks_draft
from recommendations.services.pending import materialise_pieces
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    artifacts,
    trained,
    world,
)

pytestmark = pytest.mark.django_db


def _rows(lookbook: Lookbook) -> list[tuple]:
    return [
        (i.product_id, i.variant_id, i.position, i.source, i.state, i.explanation, i.score)
        for i in lookbook.items.order_by("position", "pk")
    ]


def _drafts() -> list[Lookbook]:
    return list(Lookbook.objects.filter(origin=LookbookOrigin.MODEL).order_by("client_id"))


def test_a_bulk_draft_reads_exactly_as_an_eager_one(world, trained):
    now = timezone.now()
    report = lookbooks_draft(now=now, compact=True)

    assert report.drafted > 0
    assert LookbookItem.objects.count() == 0  # nothing written per piece yet
    pending = {lb.client_id: list(lb.pending_pieces) for lb in _drafts()}
    assert report.items_written == sum(len(p) for p in pending.values())
    queue = review_queue_rows(world.cast.owner.user)
    assert queue
    assert all(lb.pieces_count == len(pending[lb.client_id]) for lb in queue)

    lazy = {lb.client_id: _rows(lb) for lb in _drafts()}  # first read writes the rows
    assert LookbookItem.objects.count() == report.items_written
    assert not any(lb.pending_pieces for lb in _drafts())
    assert all(
        set(lb.items.values_list("created_at", flat=True)) == {lb.created_at} for lb in _drafts()
    )
    assert ReviewEvent.objects.count() == 0  # writing the rows reviews nothing

    Lookbook.objects.all().delete()
    eager = lookbooks_draft(now=now, compact=False)
    assert eager.drafted == report.drafted
    assert eager.items_written == report.items_written
    assert {lb.client_id: _rows(lb) for lb in _drafts()} == lazy
    assert all(
        r[3] == ItemSource.MODEL and r[4] == ItemState.PROPOSED for v in lazy.values() for r in v
    )


def test_the_review_page_and_the_api_show_a_bulk_drafts_pieces(world, trained):
    lookbooks_draft(compact=True)
    lookbook = Lookbook.objects.get(client=world.cast.client, origin=LookbookOrigin.MODEL)
    pending = list(lookbook.pending_pieces)
    owner = world.cast.http("owner")

    listed = owner.get("/api/v1/lookbooks/?status=draft").json()["results"]
    mine = next(r for r in listed if r["id"] == str(lookbook.public_id))
    lookbook.refresh_from_db()
    assert lookbook.pending_pieces == []
    expected = lookbook.items.select_related("product").order_by("position")
    assert [(i["position"], i["product"], i["explanation"]) for i in mine["items"]] == [
        (i.position, str(i.product.public_id), i.explanation) for i in expected
    ]
    assert len(mine["items"]) == len(pending) > 0

    page = owner.get(reverse("stylists:lookbook_review", args=[lookbook.public_id]))
    assert page.status_code == 200
    for item in lookbook.items.select_related("product"):
        assert item.product.name in page.content.decode()
    assert (
        world.cast.http("client_user").get(f"/api/v1/lookbooks/{lookbook.public_id}/").status_code
        == 404
    )


def test_opening_a_bulk_draft_writes_its_rows_once(world, trained):
    lookbooks_draft(compact=True)
    lookbook = Lookbook.objects.get(client=world.cast.client, origin=LookbookOrigin.MODEL)
    pieces = len(lookbook.pending_pieces)
    stale = Lookbook.objects.get(pk=lookbook.pk)  # another request's copy, still pending

    opened = lookbook_open_for_review(lookbook=lookbook, by=world.cast.owner.user)

    assert opened.status == LookbookStatus.IN_REVIEW
    assert LookbookItem.objects.filter(lookbook=lookbook).count() == pieces
    assert materialise_pieces(stale) == 0  # the race's loser writes nothing
    assert stale.items.count() == pieces
    assert list(ReviewEvent.objects.values_list("action", flat=True)) == ["open"]


def test_consent_withdrawal_and_erasure_treat_bulk_drafts_like_any(world, trained):
    lookbooks_draft(compact=True)
    client = world.cast.client
    lookbook = Lookbook.objects.get(client=client, origin=LookbookOrigin.MODEL)
    pieces = len(lookbook.pending_pieces)

    consent_record(
        client=client,
        tier=ConsentTier.ESSENTIAL,
        channels=["email"],
        source="boutique",
        proof_text="Essential only.",
    )
    lookbook.refresh_from_db()
    assert lookbook.status == LookbookStatus.WITHDRAWN
    assert LookbookItem.objects.filter(lookbook=lookbook).count() == pieces

    others = Lookbook.objects.filter(origin=LookbookOrigin.MODEL).exclude(client=client)
    other = others.exclude(pending_pieces=[]).first()
    if other is not None:
        erase_lookbooks(other.client)
        other.refresh_from_db()
        assert other.pending_pieces == []
        assert not other.items.exclude(explanation="").exists()
