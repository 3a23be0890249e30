# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Extraction: the signals table, and consent filtering in the database (per data kind)."""

from __future__ import annotations

import numpy as np
import pytest

from clients.models import ClientStatus, InteractionKind, WishlistItem
from consent.models import ConsentTier
from consent.policy import DataKind, Purpose
from recommendations.models import ReviewAction, ReviewEvent
from recommendations.pipeline.extract import (
    CODE,
    INTERACTION_SIGNALS,
    REVIEW_SIGNALS,
    SIGNALS,
    Role,
    extract_signals,
)
from tests.factories.recommendations import LookbookFactory
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    artifacts,
    buy,
    client_with_tier,
    days_ago,
    interact,
    world,
)

pytestmark = pytest.mark.django_db


def _pairs(signals, client) -> set[tuple[str, int]]:
    mine = signals.client == client.pk
    return {
        (SIGNALS[c].name, int(p))
        for c, p in zip(signals.code[mine].tolist(), signals.product[mine].tolist(), strict=True)
    }


# --- the table ---------------------------------------------------------------------------


def test_every_signal_has_the_data_kind_the_consent_mapping_gives_it():
    kinds = {s.name: s.kind for s in SIGNALS}
    assert kinds["purchase"] == kinds["returned"] == DataKind.PURCHASES
    assert kinds["view"] == kinds["cart"] == kinds["share"] == DataKind.BROWSING
    assert kinds["save"] == DataKind.SAVED_ITEMS  # interactions "save" and wishlist rows
    assert kinds["love"] == kinds["not_for_me"] == DataKind.PREFERENCES
    assert (
        kinds["stylist_kept"]
        == kinds["stylist_added"]
        == kinds["stylist_removed"]
        == DataKind.PREFERENCES
    )


def test_weights_are_ordered_by_strength_and_filters_carry_no_weight():
    weight = {s.name: s.weight for s in SIGNALS}
    assert weight["purchase"] > weight["love"] > weight["stylist_added"] > weight["stylist_kept"]
    assert weight["stylist_kept"] >= weight["save"] > weight["cart"] > weight["share"]
    assert weight["share"] > weight["view"] > 0
    for signal in SIGNALS:
        if signal.role == Role.FILTER:
            assert signal.weight == 0  # ALS confidences must stay positive: filters instead
        else:
            assert signal.weight > 0
    assert {s.name for s in SIGNALS if s.role == Role.FILTER} == {
        "returned",
        "not_for_me",
        "stylist_removed",
    }


def test_every_interaction_kind_and_review_decision_is_mapped():
    assert set(INTERACTION_SIGNALS) == set(InteractionKind.values)
    assert set(REVIEW_SIGNALS) == {
        ReviewAction.KEEP,
        ReviewAction.RESTORE,
        ReviewAction.ADD,
        ReviewAction.SWAP,
        ReviewAction.REMOVE,
    }
    assert all(name in CODE for name in [*INTERACTION_SIGNALS.values(), *REVIEW_SIGNALS.values()])


# --- consent ---------------------------------------------------------------------------


def test_an_essential_clients_orders_and_views_never_reach_the_signals(world):
    cast = world.cast
    essential = client_with_tier(cast, ConsentTier.ESSENTIAL)
    buy(essential, world.product("Tote 35"))
    interact(essential, world.product("Saddle bag"), InteractionKind.VIEW)
    interact(essential, world.product("Galop pump"), InteractionKind.LOVE)

    signals = extract_signals(purpose=Purpose.MODEL_TRAINING)

    assert essential.pk not in set(signals.client.tolist())
    assert len(signals) > 0


def test_a_personal_clients_purchases_count_but_not_her_views_or_saves(world):
    cast = world.cast
    personal = client_with_tier(cast, ConsentTier.PERSONAL)
    buy(personal, world.product("Tote 35"))
    interact(personal, world.product("Saddle bag"), InteractionKind.VIEW)
    interact(personal, world.product("Cocoon coat"), InteractionKind.SAVE)
    interact(personal, world.product("Galop pump"), InteractionKind.LOVE)

    pairs = _pairs(extract_signals(purpose=Purpose.MODEL_TRAINING), personal)

    assert pairs == {
        ("purchase", world.product("Tote 35").pk),
        ("love", world.product("Galop pump").pk),
    }


def test_a_bespoke_clients_views_saves_and_wishlist_count(world):
    cast = world.cast
    bespoke = client_with_tier(cast, ConsentTier.BESPOKE)
    interact(bespoke, world.product("Saddle bag"), InteractionKind.VIEW)
    interact(bespoke, world.product("Saddle bag"), InteractionKind.VIEW)
    interact(bespoke, world.product("Cocoon coat"), InteractionKind.CART)
    interact(bespoke, world.product("Tote 35"), InteractionKind.SAVE)
    WishlistItem.objects.create(client=bespoke, product=world.product("Tote 35"))

    signals = extract_signals(purpose=Purpose.MODEL_TRAINING)
    mine = signals.subset(signals.client == bespoke.pk)

    assert mine.counts()["view"] == 2  # repeated views add up
    assert mine.counts()["cart"] == 1
    assert mine.counts()["save"] == 1  # the save and the wishlist row are one act


def test_erased_clients_are_left_out_whatever_their_records_say(world):
    cast = world.cast
    erased = client_with_tier(cast, ConsentTier.BESPOKE)
    buy(erased, world.product("Tote 35"))
    erased.status = ClientStatus.ERASED
    erased.save(update_fields=["status"])

    assert erased.pk not in set(extract_signals().client.tolist())


def test_returns_are_filters_not_purchases(world):
    cast = world.cast
    buy(cast.client, world.product("Cocoon coat"), status="returned")

    pairs = _pairs(extract_signals(), cast.client)

    assert ("returned", world.product("Cocoon coat").pk) in pairs
    assert ("purchase", world.product("Cocoon coat").pk) not in pairs


# --- stylist decisions ----------------------------------------------------------------------


def _event(lookbook, product, action, *, reason="", when=None, payload=None):
    event = ReviewEvent.objects.create(
        lookbook=lookbook, product=product, action=action, reason=reason, payload=payload or {}
    )
    if when is not None:
        ReviewEvent.objects.filter(pk=event.pk).update(created_at=when)
    return event


def test_the_latest_stylist_decision_on_a_piece_wins(world):
    cast = world.cast
    lookbook = LookbookFactory(client=cast.client, author=cast.owner)
    coat, tote, bag = (
        world.product("Cocoon coat"),
        world.product("Tote 35"),
        world.product("Saddle bag"),
    )
    _event(lookbook, coat, ReviewAction.REMOVE, reason="not_her_style", when=days_ago(5))
    _event(lookbook, coat, ReviewAction.RESTORE, when=days_ago(4))
    _event(lookbook, tote, ReviewAction.KEEP, when=days_ago(5))
    _event(lookbook, tote, ReviewAction.REMOVE, reason="owns_similar", when=days_ago(3))
    _event(lookbook, bag, ReviewAction.ADD, when=days_ago(2))

    pairs = _pairs(extract_signals(), cast.client)

    assert ("stylist_kept", coat.pk) in pairs
    assert ("stylist_removed", tote.pk) in pairs
    assert ("stylist_kept", tote.pk) not in pairs
    assert ("stylist_added", bag.pk) in pairs


def test_removals_for_stock_say_nothing_about_taste(world):
    cast = world.cast
    lookbook = LookbookFactory(client=cast.client, author=cast.owner)
    _event(lookbook, world.product("Cocoon coat"), ReviewAction.REMOVE, reason="out_of_stock")

    assert not any(name.startswith("stylist") for name, _ in _pairs(extract_signals(), cast.client))


def test_a_swap_adds_the_new_piece_and_filters_the_old_one_when_a_reason_is_given(world):
    cast = world.cast
    lookbook = LookbookFactory(client=cast.client, author=cast.owner)
    old, new = world.product("Cocoon coat"), world.product("Haras blazer")
    _event(
        lookbook,
        new,
        ReviewAction.SWAP,
        reason="not_her_style",
        payload={"replaced_product": old.pk},
    )

    pairs = _pairs(extract_signals(), cast.client)

    assert ("stylist_added", new.pk) in pairs
    assert ("stylist_removed", old.pk) in pairs


def test_stylist_decisions_follow_the_clients_consent(world):
    cast = world.cast
    essential = client_with_tier(cast, ConsentTier.ESSENTIAL)
    lookbook = LookbookFactory(client=essential, author=cast.owner, origin="stylist")
    _event(lookbook, world.product("Cocoon coat"), ReviewAction.KEEP)

    assert essential.pk not in set(extract_signals().client.tolist())


def test_narrowing_to_some_clients_reads_only_theirs(world):
    cast = world.cast
    signals = extract_signals(purpose=Purpose.PERSONALISATION, client_ids=[cast.client.pk])

    assert set(signals.client.tolist()) == {cast.client.pk}
    assert np.all(signals.ts > 0)
