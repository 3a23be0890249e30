# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""No client loses her draft to the balance rule: a pool too narrow to balance is widened.

When her best candidates (even the deeper pool) are nearly all of one category, drafting
reads on down the same ranking in every category (``CandidatePools.by_category``, built
on ``ml.balance.top_per_category``), within her price band and nothing she avoids, and
chooses again: a full draft that keeps the rule, rather than a short one or none.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from django.utils import timezone

from consent.policy import Purpose
from recommendations.ml.balance import top_per_category
from recommendations.pipeline.audience import find_audience
from recommendations.pipeline.catalogue import load_catalogue, load_stock
from recommendations.pipeline.draft import Drafter, DraftSettings
from recommendations.pipeline.draft.candidates import CandidatePools
from recommendations.pipeline.extract import extract_signals
from recommendations.services import load_model_version
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    artifacts,
    trained,
    world,
)


def test_top_per_category_reads_on_down_the_ranking_in_every_category():
    scores = np.array([[9.0, 8.0, 7.0, 6.0, 1.0, 0.5, -np.inf, 0.2]])
    category = np.array([0, 0, 0, 0, 1, 1, 2, 2])
    ids, best = top_per_category(scores, category, 2)
    # two of each category, merged best first; the filtered piece (-inf) never offered
    assert ids[0].tolist() == [0, 1, 4, 5, 7, -1]
    assert best[0, :5].tolist() == [9.0, 8.0, 1.0, 0.5, pytest.approx(0.2)]
    assert np.isneginf(best[0, 5])


def test_top_per_category_of_nothing_is_empty():
    ids, best = top_per_category(np.zeros((0, 3)), np.array([0, 1, 1]), 4)
    assert ids.shape[0] == best.shape[0] == 0


def _one_category_ranking(monkeypatch, code: int) -> None:
    """Her raw ranking (pool and deeper pool alike) holds only pieces of category ``code``."""
    original = CandidatePools.draw

    def draw(self, rows, k):
        ids, scores = original(self, rows, k)
        other = (ids >= 0) & (self.offer.category[np.maximum(ids, 0)] != code)
        order = np.argsort(other, axis=1, kind="stable")  # her kept pieces first, in rank order
        ids = np.where(np.take_along_axis(other, order, 1), -1, np.take_along_axis(ids, order, 1))
        scores = np.where(ids >= 0, np.take_along_axis(scores, order, 1), -np.inf)
        return ids, scores.astype(np.float32)

    monkeypatch.setattr(CandidatePools, "draw", draw)


def _drafter(client_ids, settings):
    from recommendations.models import ModelVersion

    model = load_model_version(ModelVersion.objects.get(is_active=True))
    audience = find_audience(now=timezone.now(), client_ids=client_ids)
    signals = extract_signals(purpose=Purpose.PERSONALISATION, client_ids=client_ids)
    catalogue = load_catalogue(with_descriptions=True)
    drafter = Drafter(audience, model, signals, catalogue, load_stock(catalogue), settings=settings)
    return drafter, [p for batch in drafter.batches() for p in batch]


SETTINGS = DraftSettings(size=6, alternates=2, min_items=6)  # cap: round(6 * 5/12) = 2


@pytest.mark.django_db
def test_a_one_category_ranking_still_gets_a_full_balanced_draft(world, trained, monkeypatch):
    # Given Camille (no dominant category) whose whole ranking is ready-to-wear
    catalogue = load_catalogue()
    _one_category_ranking(monkeypatch, catalogue.categories.index("ready_to_wear"))
    client = world.cast.client

    drafter, plans = _drafter([client.pk], SETTINGS)

    # Then she still gets a full draft, and it keeps the rule
    (plan,) = plans
    by_id = {p.pk: p.category for p in world.products.values()}
    counts = Counter(by_id[i.product_id] for i in plan.items)
    assert len(plan.items) == SETTINGS.size
    assert counts["ready_to_wear"] <= SETTINGS.category_cap == 2
    assert len(counts) >= 3
    assert "short" not in plan.data_basis
    assert drafter.stats.widened == 1
    assert drafter.stats.over_cap == 0
    assert drafter.stats.too_few == 0


@pytest.mark.django_db
def test_widened_pieces_are_her_ranking_read_on_within_her_rules(world, trained, monkeypatch):
    # Given the same one-category ranking, every piece the widening adds is one her
    # unrestricted pool would rank, in stock, and none she owns or has excluded
    catalogue = load_catalogue()
    _one_category_ranking(monkeypatch, catalogue.categories.index("ready_to_wear"))
    client = world.cast.client
    owned = set(client.orders.values_list("lines__product_id", flat=True))

    _, (plan,) = _drafter([client.pk], SETTINGS)

    assert not owned & {i.product_id for i in plan.items + plan.alternates}
    assert all(i.variant_id is not None for i in plan.items)
    assert all(i.why for i in plan.items)
    assert len({i.product_id for i in plan.items}) == SETTINGS.size


@pytest.mark.django_db
def test_no_eligible_client_is_left_without_a_draft(world, trained, monkeypatch):
    # Given every client's ranking squeezed into one category, the whole audience is drafted
    catalogue = load_catalogue()
    _one_category_ranking(monkeypatch, catalogue.categories.index("ready_to_wear"))

    drafter, plans = _drafter(None, SETTINGS)

    audience_size = drafter.stats.warm + drafter.stats.cold
    assert audience_size > 1
    assert len(plans) == audience_size
    assert drafter.stats.too_few == 0
    assert all(len(p.items) == SETTINGS.size for p in plans)


@pytest.mark.django_db
def test_without_the_widening_the_same_clients_lose_their_draft(world, trained, monkeypatch):
    # The control: with per_category=0 the one-category ranking leaves Camille short
    catalogue = load_catalogue()
    _one_category_ranking(monkeypatch, catalogue.categories.index("ready_to_wear"))
    client = world.cast.client
    settings = DraftSettings(size=6, alternates=2, min_items=6, per_category=0)

    drafter, plans = _drafter([client.pk], settings)

    assert plans == []
    assert drafter.stats.too_few == 1


@pytest.mark.django_db
def test_a_refresh_redrafts_on_the_active_model_without_a_retrain_and_keeps_the_rule(
    world, trained, monkeypatch, settings
):
    # Given her drafted lookbook, then a ranking squeezed into one category
    from recommendations.models import Lookbook, LookbookOrigin, ModelVersion
    from recommendations.services import lookbooks_draft
    from recommendations.services.refresh import RefreshOutcome, lookbook_refresh
    from tests.recommendations.pipeline_world import buy

    settings.LOOKBOOK_DRAFT_SIZE = 6
    client = world.cast.client
    lookbooks_draft(client_ids=[client.pk])
    _one_category_ranking(monkeypatch, load_catalogue().categories.index("ready_to_wear"))
    versions = list(ModelVersion.objects.values_list("pk", flat=True))

    # When she buys a piece and her draft is refreshed
    buy(client, world.product("Cocoon coat"), when=timezone.now())
    report = lookbook_refresh(client_id=client.pk, event_at=timezone.now())

    # Then the active model redrafted her (no new model), a full draft that keeps the rule
    assert report.outcome == RefreshOutcome.REFRESHED
    assert list(ModelVersion.objects.values_list("pk", flat=True)) == versions
    draft = Lookbook.objects.get(client=client, origin=LookbookOrigin.MODEL)
    assert draft.model_version_id == trained.pk
    categories = list(draft.items.values_list("product__category", flat=True))
    assert len(categories) == 6
    assert Counter(categories)["ready_to_wear"] <= DraftSettings(size=6).category_cap
