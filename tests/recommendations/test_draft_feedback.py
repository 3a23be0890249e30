# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Removal reasons shape the next draft: not her style, out of budget, already owns."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import timezone

from recommendations.models import Lookbook, LookbookStatus, ModelVersion, RemovalReason
from recommendations.pipeline.artifacts import LoadedModel
from recommendations.pipeline.draft.feedback import SIMILAR
from recommendations.services import (
    load_model_version,
    lookbook_item_remove,
    lookbook_item_restore,
    lookbook_open_for_review,
    lookbooks_draft,
)
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    artifacts,
    trained,
    world,
)
from tests.recommendations.test_drafting import WIDE, plan

pytestmark = pytest.mark.django_db

EVERYTHING = type(WIDE)(size=8, alternates=8, min_items=1)


def remove(world, name: str, reason: str, *, restore: bool = False) -> None:
    """An advisor takes ``name`` out of Camille's draft, then her draft is closed."""
    cast = world.cast
    lookbooks_draft(client_ids=[cast.client.pk])
    lookbook = Lookbook.objects.get(client=cast.client, status=LookbookStatus.DRAFT)
    lookbook = lookbook_open_for_review(lookbook=lookbook, by=cast.owner.user)
    item = lookbook.items.filter(product=world.product(name)).first()
    if item is None:  # not drafted this time: the advisor swaps it in first, then out
        from recommendations.services import lookbook_item_add

        item = lookbook_item_add(
            lookbook=lookbook,
            product=world.product(name),
            by=cast.owner.user,
            expected_version=lookbook.version,
        )
        lookbook.refresh_from_db()
    item = lookbook_item_remove(
        item=item, by=cast.owner.user, reason=reason, expected_version=lookbook.version
    )
    if restore:
        lookbook.refresh_from_db()
        lookbook_item_restore(item=item, by=cast.owner.user, expected_version=lookbook.version)
    # The advisor finishes with it: she may be drafted again.
    Lookbook.objects.filter(pk=lookbook.pk).update(
        status=LookbookStatus.DISCARDED, created_at=timezone.now() - timezone.timedelta(days=60)
    )


def cosine(model: LoadedModel, world, a: str, b: str) -> float:
    ids = model.item_ids.tolist()
    factors = model.model.item_factors
    x, y = factors[ids.index(world.product(a).pk)], factors[ids.index(world.product(b).pk)]
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


def test_not_her_style_keeps_the_piece_and_pieces_like_it_out(world, trained):
    before = plan(world, world.cast.client, settings=EVERYTHING)
    offered_before = before[0] | before[1]
    target = sorted(offered_before)[0]
    remove(world, target, RemovalReason.NOT_HER_STYLE)

    after = plan(world, world.cast.client, settings=EVERYTHING)
    offered_after = after[0] | after[1]

    model = load_model_version(ModelVersion.objects.get(is_active=True))
    category = world.product(target).category
    alike = {
        name
        for name in offered_before - {target}
        if world.product(name).category == category
        and cosine(model, world, target, name) >= SIMILAR
    }
    assert alike  # the house has pieces like it, which she was offered before
    assert target not in offered_after
    assert not alike & offered_after
    # pieces not like it are still offered
    assert offered_after


def test_already_owns_keeps_only_that_piece_out(world, trained):
    before = plan(world, world.cast.client, settings=EVERYTHING)
    offered_before = before[0] | before[1]
    target = sorted(offered_before)[0]
    remove(world, target, RemovalReason.OWNS_SIMILAR)

    after = plan(world, world.cast.client, settings=EVERYTHING)
    assert target not in after[0] | after[1]
    assert (offered_before - {target}) <= (after[0] | after[1])


def test_out_of_budget_moves_her_price_ceiling_below_that_piece(world, trained):
    # Camille bought at 2,450 at most; the Cocoon coat costs 4,200
    price_of = {p.pk: p.price for p in world.products.values()}
    _, _, before = plan(world, world.cast.client, settings=EVERYTHING)
    dear = world.product("Cocoon coat").price
    assert max(price_of[i.product_id] for i in before.items + before.alternates) >= dear
    remove(world, "Cocoon coat", RemovalReason.PRICE)

    _, _, found = plan(world, world.cast.client, settings=EVERYTHING)
    prices = [price_of[i.product_id] for i in found.items + found.alternates]
    assert prices
    assert max(prices) < world.product("Cocoon coat").price


def test_a_removal_restored_afterwards_teaches_nothing(world, trained):
    before = plan(world, world.cast.client, settings=EVERYTHING)
    remove(world, "Cocoon coat", RemovalReason.PRICE, restore=True)

    after = plan(world, world.cast.client, settings=EVERYTHING)
    assert after[0] | after[1] == before[0] | before[1]
