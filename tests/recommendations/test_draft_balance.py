# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Balanced drafts: no category above 5 of 12 pieces unless 80% of her purchases are in it."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from django.utils import timezone

from consent.policy import Purpose
from recommendations.models import Lookbook, LookbookOrigin
from recommendations.pipeline.audience import find_audience
from recommendations.pipeline.catalogue import load_catalogue, load_stock
from recommendations.pipeline.draft import Drafter, DraftSettings, mmr_select
from recommendations.pipeline.draft.clients import dominant_category
from recommendations.pipeline.draft.diversity import over_cap
from recommendations.pipeline.extract import extract_signals
from recommendations.services import load_model_version, lookbooks_draft
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    artifacts,
    buy,
    trained,
    world,
)

# Seventeen candidates, relevance falling: the first nine are fragrance (category 0).
RELEVANCE = np.linspace(1.0, 0.1, 17)[None, :]
CATEGORY = np.array([[0] * 9 + [1, 1, 1, 2, 2, 2, 3, 3]])
SUBCATEGORY = np.arange(17)[None, :]
VALID = np.ones((1, 17), dtype=bool)


def test_the_cap_keeps_one_category_to_five_of_twelve():
    # Given a ranking that is nine fragrances first; when twelve pieces are picked on
    # relevance alone (no MMR) but under the cap
    chosen = mmr_select(RELEVANCE, VALID, CATEGORY, SUBCATEGORY, need=12, lam=1.0, cap=5, capped=12)
    picked = Counter(CATEGORY[0, chosen[0]].tolist())
    # Then five fragrances and the seven best of the others, the best fragrance first
    assert picked[0] == 5
    assert chosen[0, 0] == 0
    assert not over_cap(chosen, CATEGORY, size=12, cap=5, exempt=np.array([-1])).any()


def test_without_the_cap_the_same_ranking_breaks_the_rule():
    chosen = mmr_select(RELEVANCE, VALID, CATEGORY, SUBCATEGORY, need=12, lam=1.0)
    assert Counter(CATEGORY[0, chosen[0]].tolist())[0] == 9
    assert over_cap(chosen, CATEGORY, size=12, cap=5, exempt=np.array([-1])).all()


def test_her_dominant_category_is_exempt():
    # Given a client whose purchases are 80%+ fragrance, fragrance is not capped for her
    chosen = mmr_select(
        RELEVANCE,
        VALID,
        CATEGORY,
        SUBCATEGORY,
        need=12,
        lam=1.0,
        cap=5,
        capped=12,
        exempt=np.array([0]),
    )
    assert Counter(CATEGORY[0, chosen[0]].tolist())[0] == 9
    assert not over_cap(chosen, CATEGORY, size=12, cap=5, exempt=np.array([0])).any()


def test_the_cap_binds_the_draft_not_the_alternates():
    chosen = mmr_select(RELEVANCE, VALID, CATEGORY, SUBCATEGORY, need=14, lam=1.0, cap=5, capped=12)
    draft, alternates = chosen[0, :12], chosen[0, 12:]
    assert Counter(CATEGORY[0, draft].tolist())[0] == 5
    assert set(CATEGORY[0, alternates].tolist()) == {0}  # the fragrances left over


def test_with_too_few_categories_the_draft_is_filled_and_reported():
    category = np.array([[0] * 13 + [1, 1, 1, 1]])
    chosen = mmr_select(RELEVANCE, VALID, category, SUBCATEGORY, need=12, lam=1.0, cap=5, capped=12)
    assert (chosen[0] >= 0).all()  # twelve pieces rather than a short draft
    assert over_cap(chosen, category, size=12, cap=5, exempt=np.array([-1])).all()


def test_a_dominant_category_needs_eighty_percent_of_her_purchases():
    # rows: 4 of 5 fragrance (80%) / 3 of 5 (60%) / no purchase
    rows = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    category = np.array([4, 4, 4, 4, 1, 4, 4, 4, 1, 2])
    assert dominant_category(rows, category, 3, share=0.8).tolist() == [4, -1, -1]


def test_the_cap_scales_with_the_draft_size():
    assert DraftSettings(size=12).category_cap == 5
    assert DraftSettings(size=6).category_cap == 2
    assert DraftSettings(size=4).category_cap == 2


@pytest.mark.django_db
def test_every_drafted_lookbook_keeps_the_rule(world, trained):
    # Given a client who bought mostly ready-to-wear (but under 80% of her purchases)
    cast = world.cast
    lookbooks_draft()
    cap = DraftSettings(size=4).category_cap
    drafts = Lookbook.objects.filter(origin=LookbookOrigin.MODEL).prefetch_related("items__product")
    assert drafts.exists()
    for draft in drafts:
        counts = Counter(item.product.category for item in draft.items.all())
        assert max(counts.values()) <= cap, (draft.client_id, counts)
    assert cast.client.lookbooks.exists()


@pytest.mark.django_db
def test_relevance_alone_would_crowd_her_draft_but_the_cap_holds(world, trained):
    # Given pure relevance (no MMR penalty), drafting Camille eight pieces
    from recommendations.models import ModelVersion

    client = world.cast.client
    model = load_model_version(ModelVersion.objects.get(is_active=True))
    audience = find_audience(now=timezone.now(), client_ids=[client.pk])
    signals = extract_signals(purpose=Purpose.PERSONALISATION, client_ids=[client.pk])
    catalogue = load_catalogue(with_descriptions=True)
    settings = DraftSettings(size=8, alternates=0, min_items=1, mmr_lambda=1.0)
    drafter = Drafter(audience, model, signals, catalogue, load_stock(catalogue), settings=settings)
    plans = [p for batch in drafter.batches() for p in batch]
    # Then no category holds more than round(8 * 5/12) = 3 of them
    by_id = {p.pk: p.category for p in world.products.values()}
    counts = Counter(by_id[i.product_id] for i in plans[0].items)
    assert max(counts.values()) <= settings.category_cap == 3
    assert len(plans[0].items) == 8


def test_offline_the_drafted_list_is_scored_against_the_raw_ranking():
    # Given the block fixture (4 blocks of 6 products), each block's products in one
    # category but the last two of each block in a second one
    from recommendations.ml.datasets import load_interactions
    from recommendations.ml.evaluation import evaluate
    from tests.recommendations.test_ml_evaluate_command import BLOCKS

    events = load_interactions(BLOCKS)
    categories = {
        str(p): ("second" if str(p).endswith(("p4", "p5")) else str(p)[:2])
        for p in set(events.item_ids.tolist())
    }
    # When evaluated with categories, lists of twelve
    result = evaluate(
        events, split="temporal", cutoff="2024-01-20", k=12, item_categories=categories
    )
    balanced = result["balanced"]
    # Then the raw ranking, the cap alone, MMR alone and the drafted list are all scored
    assert balanced["cap"] == 5
    assert balanced["raw"]["ndcg"] == pytest.approx(result["model"]["ndcg"], abs=1e-4)
    for name in ("cap_only", "mmr_only", "drafted"):
        assert 0 <= balanced[name]["ndcg"] <= 1
        assert balanced[name]["ndcg_vs_raw"] is not None
    # and the drafted list keeps the rule where the raw ranking need not
    assert balanced["drafted"]["breaking_share"] <= balanced["raw"]["breaking_share"]
    assert balanced["cap_only"]["breaking_share"] == 0
