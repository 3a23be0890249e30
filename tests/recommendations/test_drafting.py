# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Drafting: who gets one, the house rules, diversity, occasions, reasons, consent, reruns."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from catalog.models import Product, StockLevel, Variant
from clients.models import InteractionKind, OccasionKind
from consent.models import ConsentTier
from consent.policy import DataKind, Purpose
from consent.services import consent_record
from core.l10n import format_when
from recommendations.models import (
    Lookbook,
    LookbookItem,
    LookbookOrigin,
    LookbookStatus,
    ReviewAction,
    ReviewEvent,
)
from recommendations.pipeline.audience import find_audience
from recommendations.pipeline.catalogue import load_catalogue, load_stock
from recommendations.pipeline.draft import Drafter, DraftSettings, mmr_select
from recommendations.pipeline.extract import extract_signals
from recommendations.selectors import review_queue_for
from recommendations.services import load_model_version, lookbooks_draft
from recommendations.tasks import draft_lookbooks
from stylists.models import StylingRequest
from tests.factories.clients import OccasionFactory
from tests.factories.recommendations import LookbookFactory
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    PIECES,
    artifacts,
    buy,
    client_with_tier,
    days_ago,
    interact,
    trained,
    world,
)

pytestmark = pytest.mark.django_db

WIDE = DraftSettings(size=6, alternates=6, min_items=1)


def plan(world, client, *, settings=WIDE):
    """The pieces the engine would draft for one client now (draft, alternates, plan)."""
    from recommendations.models import ModelVersion

    model = load_model_version(ModelVersion.objects.get(is_active=True))
    audience = find_audience(now=timezone.now(), client_ids=[client.pk])
    assert list(audience.client_ids) == [client.pk], "the client should need a draft"
    signals = extract_signals(purpose=Purpose.PERSONALISATION, client_ids=[client.pk])
    catalogue = load_catalogue(with_descriptions=True)
    drafter = Drafter(audience, model, signals, catalogue, load_stock(catalogue), settings=settings)
    plans = [p for batch in drafter.batches() for p in batch]
    if not plans:
        return set(), set(), None
    found = plans[0]
    return (
        world.named(i.product_id for i in found.items),
        world.named(i.product_id for i in found.alternates),
        found,
    )


def offered(world, client, **kwargs) -> set[str]:
    items, alternates, _ = plan(world, client, **kwargs)
    return items | alternates


def her_draft(client) -> Lookbook:
    return Lookbook.objects.get(client=client, origin=LookbookOrigin.MODEL)


# --- drafts land in the review queue -----------------------------------------------------


def test_drafts_land_in_the_advisors_review_queue(world, trained):
    cast = world.cast
    report = lookbooks_draft()

    lookbook = her_draft(cast.client)
    assert lookbook.status == LookbookStatus.DRAFT
    assert lookbook.author == cast.owner
    assert lookbook.model_version == trained
    assert lookbook.items.count() == 4  # LOOKBOOK_DRAFT_SIZE in these tests
    assert len(lookbook.alternates) == 4
    assert all(set(a) >= {"product", "score", "why"} for a in lookbook.alternates)
    assert lookbook in review_queue_for(cast.owner.user)
    assert lookbook not in review_queue_for(cast.colleague.user)
    assert report.drafted == Lookbook.objects.filter(origin=LookbookOrigin.MODEL).count()
    assert report.items_written == LookbookItem.objects.count()


def test_the_client_never_sees_the_draft(world, trained):
    lookbooks_draft()
    http = world.cast.http("client_user")
    lookbook = her_draft(world.cast.client)

    assert http.get(f"/api/lookbooks/{lookbook.public_id}/").status_code == 404


def test_data_basis_names_the_data_kinds_used_for_her(world, trained):
    lookbooks_draft()

    basis = her_draft(world.cast.client).data_basis
    assert basis["tier"] == ConsentTier.PERSONAL
    assert basis["model_version"] == trained.pk
    assert basis["signals"] == {"purchase": 2}
    assert DataKind.PURCHASES in basis["kinds"]
    assert DataKind.SIZES in basis["kinds"]
    assert DataKind.BROWSING not in basis["kinds"]


def test_running_twice_writes_no_duplicate(world, trained):
    first = lookbooks_draft()
    second = lookbooks_draft()

    assert first.drafted > 0
    assert second.drafted == 0
    assert second.already_in_review == first.drafted
    assert Lookbook.objects.filter(client=world.cast.client).count() == 1


def test_the_draft_key_keeps_a_rerun_idempotent_even_past_the_review_gate(world, trained):
    from recommendations.pipeline.write import write_drafts

    _, _, found = plan(world, world.cast.client)
    now = timezone.now()
    first = write_drafts([found], model_version_id=trained.pk, now=now)
    again = write_drafts([found], model_version_id=trained.pk, now=now)

    assert (first.lookbooks, again.lookbooks, again.existing) == (1, 0, 1)
    assert LookbookItem.objects.filter(lookbook__client=world.cast.client).count() == len(
        found.items
    )


def test_the_task_is_safe_to_run_twice(world, trained):
    first = draft_lookbooks.delay().get()
    second = draft_lookbooks.delay().get()

    assert first["drafted"] > 0
    assert second["drafted"] == 0
    assert Lookbook.objects.filter(origin=LookbookOrigin.MODEL).count() == first["drafted"]


def test_without_an_active_model_nothing_is_drafted(world):
    report = lookbooks_draft()
    assert report.skipped.startswith("No active model")
    assert not Lookbook.objects.exists()


# --- who needs a draft ----------------------------------------------------------------------


def test_essential_clients_get_no_machine_draft(world, trained):
    essential = client_with_tier(world.cast, ConsentTier.ESSENTIAL)
    buy(essential, world.product("Tote 35"))

    report = lookbooks_draft()

    assert not Lookbook.objects.filter(client=essential).exists()
    assert report.not_allowed_by_consent >= 1


def test_a_recent_machine_draft_is_not_stale_but_an_old_one_is(world, trained):
    cast = world.cast
    recent = LookbookFactory(client=cast.client, author=cast.owner, status=LookbookStatus.PUBLISHED)
    Lookbook.objects.filter(pk=recent.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    lookbooks_draft()
    assert Lookbook.objects.filter(client=cast.client).count() == 1

    Lookbook.objects.filter(pk=recent.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    lookbooks_draft()
    assert her_draft_count(cast.client) == 2


def her_draft_count(client) -> int:
    return Lookbook.objects.filter(client=client, origin=LookbookOrigin.MODEL).count()


def test_clients_outside_any_book_are_not_drafted(world, trained):
    loose = client_with_tier(world.cast, ConsentTier.PERSONAL, booked=False)
    buy(loose, world.product("Tote 35"))
    lookbooks_draft()
    assert not Lookbook.objects.filter(client=loose).exists()


def test_a_styling_request_is_answered_within_her_budget(world, trained):
    cast = world.cast
    request = StylingRequest.objects.create(
        client=cast.client,
        stylist=cast.owner,
        message="Something for a trip",
        budget_max=2000,
        created_at=timezone.now(),
        due_at=timezone.now() + dt.timedelta(hours=4),
    )
    lookbooks_draft()

    lookbook = her_draft(cast.client)
    assert lookbook.styling_request == request
    assert lookbook.data_basis["reason"] == "styling_request"
    prices = [item.product.price for item in lookbook.items.select_related("product")]
    assert prices
    assert max(prices) <= 2000
    assert all("within her budget of €2,000" in i.explanation for i in lookbook.items.all())


def test_the_command_drafts_one_client_by_hand(world, trained):
    cast = world.cast
    LookbookFactory(client=cast.client, author=cast.owner, status=LookbookStatus.PUBLISHED)
    out = io.StringIO()

    call_command("draft_lookbooks", "--client", str(cast.client.public_id), stdout=out)

    assert "Drafted 1 lookbooks" in out.getvalue()
    assert her_draft_count(cast.client) == 2
    assert Lookbook.objects.filter(origin=LookbookOrigin.MODEL).count() == 2  # hers only


def test_the_command_refuses_unknown_clients(world, trained):
    with pytest.raises(CommandError, match="UUID"):
        call_command("draft_lookbooks", "--client", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No client"):
        call_command(
            "draft_lookbooks",
            "--client",
            "00000000-0000-0000-0000-000000000000",
            stdout=io.StringIO(),
        )


def test_the_command_reports_counts_for_everyone(world, trained):
    out = io.StringIO()
    call_command("draft_lookbooks", stdout=out)
    text = out.getvalue()
    assert "need a draft" in text
    assert "Drafted" in text


# --- the house rules ---------------------------------------------------------------------------


def test_nothing_she_owns_is_offered(world, trained):
    assert not offered(world, world.cast.client) & {"Riviera trench", "Silk carré"}


def test_a_piece_out_of_stock_in_her_size_is_not_offered(world, trained):
    client = world.cast.client
    assert "Cocoon coat" in offered(world, client)

    StockLevel.objects.filter(
        variant__product=world.product("Cocoon coat"), variant__size="38"
    ).update(quantity=0)

    assert "Cocoon coat" not in offered(world, client)


def test_a_piece_only_in_stock_in_another_boutique_is_not_offered(world, trained):
    client = world.cast.client
    coat = world.product("Cocoon coat")
    assert "Cocoon coat" in offered(world, client)
    StockLevel.objects.filter(variant__product=coat).delete()
    StockLevel.objects.create(
        variant=coat.variants.get(size="38"), boutique=world.cast.milan, quantity=4
    )

    assert "Cocoon coat" not in offered(world, client)


def test_a_piece_removed_by_her_advisor_before_is_not_offered(world, trained):
    client = world.cast.client
    assert "Tote 35" in offered(world, client)
    old = LookbookFactory(client=client, author=world.cast.owner, status=LookbookStatus.PUBLISHED)
    ReviewEvent.objects.create(
        lookbook=old,
        product=world.product("Tote 35"),
        action=ReviewAction.REMOVE,
        reason="not_her_style",
    )

    assert "Tote 35" not in offered(world, client)


def test_a_piece_she_said_was_not_for_her_is_not_offered(world, trained):
    client = world.cast.client
    assert "Stirrup loafer" in offered(world, client)
    interact(client, world.product("Stirrup loafer"), InteractionKind.NOT_FOR_ME)

    assert "Stirrup loafer" not in offered(world, client)


def test_pieces_outside_her_stated_price_band_are_not_offered(world, trained):
    client = world.cast.client
    assert {"Cocoon coat", "Tote 35"} <= offered(world, client)
    client.price_band_min, client.price_band_max = 500, 3000
    client.save(update_fields=["price_band_min", "price_band_max"])

    pieces = offered(world, client)
    assert pieces
    assert all(PIECES[name][2] <= 3000 and PIECES[name][2] >= 500 for name in pieces)


def test_without_a_stated_band_her_purchases_set_one_with_a_floor(world, trained):
    cast = world.cast
    fragrance_lover = client_with_tier(cast, ConsentTier.PERSONAL)
    buy(fragrance_lover, world.product("Iris eau de parfum"), world.product("Compact wallet"))
    pieces = offered(world, fragrance_lover)
    # 2.5 x her 90th percentile (900 -> 2,250) is below the median price on offer, so the
    # floor (the median) applies: an entry bag may appear, the 5,400 saddle bag may not.
    prices = sorted(float(p.price) for p in Product.objects.filter(active=True))
    floor = float(np.median(prices))
    assert pieces
    assert all(PIECES[name][2] <= max(2.5 * 900, floor) for name in pieces)
    assert "Saddle bag" not in pieces


def test_pieces_in_a_material_she_avoids_are_not_offered(world, trained):
    client = world.cast.client
    assert "Cocoon coat" in offered(world, client)
    client.avoided = ["Cashmere"]
    client.save(update_fields=["avoided"])

    pieces = offered(world, client)
    assert not pieces & {"Cocoon coat", "Cashmere cardigan"}
    assert DataKind.PREFERENCES in plan(world, client)[2].data_basis["kinds"]


# --- diversity, occasions, explanations ----------------------------------------------------


def test_mmr_brings_other_categories_into_a_one_category_ranking():
    relevance = np.array([[1.0, 0.98, 0.96, 0.94, 0.92, 0.6, 0.5]])
    category = np.array([[0, 0, 0, 0, 0, 1, 2]])
    subcategory = np.array([[0, 0, 1, 1, 2, 3, 4]])
    valid = np.ones_like(relevance, dtype=bool)

    plain = mmr_select(relevance, valid, category, subcategory, need=4, lam=1.0)
    diverse = mmr_select(relevance, valid, category, subcategory, need=4, lam=0.6)

    assert set(category[0, plain[0]]) == {0}
    assert set(category[0, diverse[0]]) == {0, 1, 2}
    assert diverse[0, 0] == 0  # the most relevant piece still comes first


def test_mmr_never_picks_invalid_or_twice():
    relevance = np.array([[0.9, 0.8, 0.7]])
    valid = np.array([[True, False, True]])
    chosen = mmr_select(
        relevance, valid, np.zeros((1, 3), int), np.zeros((1, 3), int), need=3, lam=0.6
    )
    assert chosen.tolist() == [[0, 2, -1]]


def test_an_upcoming_occasion_boosts_pieces_made_for_it(world, trained):
    client = world.cast.client
    gala = {name for name, spec in PIECES.items() if "gala" in spec[6]}
    before, _, _ = plan(world, client)

    occasion = OccasionFactory(
        client=client,
        kind=OccasionKind.GALA,
        title="Opera gala",
        date=timezone.localdate() + dt.timedelta(days=20),
    )
    after, _, found = plan(world, client)

    assert len(after & gala) > len(before & gala)
    assert found.reason == "occasion"
    assert found.occasion.pk == occasion.pk
    day = occasion.date
    whys = [i.why for i in found.items if world.named([i.product_id]) & gala]
    assert whys
    assert all(f"for her Opera gala on {day.day} {day:%B}" in w for w in whys)


def test_an_occasion_draft_is_linked_to_it(world, trained):
    client = world.cast.client
    occasion = OccasionFactory(
        client=client, kind=OccasionKind.GALA, date=timezone.localdate() + dt.timedelta(days=30)
    )
    lookbooks_draft()

    lookbook = her_draft(client)
    assert lookbook.occasion == occasion
    assert DataKind.OCCASIONS in lookbook.data_basis["kinds"]


def test_an_occasion_draft_arrives_titled_as_before_in_english(world, trained):
    client = world.cast.client
    day = timezone.localdate() + dt.timedelta(days=30)
    OccasionFactory(client=client, kind=OccasionKind.BIRTHDAY, title="Birthday", date=day)
    lookbooks_draft()

    assert her_draft(client).title == f"For the birthday, {day.day} {day:%B}"


@pytest.mark.parametrize(
    ("language", "kind", "title", "expected"),
    [
        ("fr", OccasionKind.GALA, "Gala", "Pour le gala, {day}"),
        ("de", OccasionKind.BIRTHDAY, "", "Zum Geburtstag, {day}"),
        ("ja", OccasionKind.WEDDING, "", "ご結婚式に、{day}"),
        ("it", OccasionKind.GALA, "Prima alla Scala", "Per «Prima alla Scala», {day}"),
    ],
)
def test_an_occasion_draft_arrives_titled_in_her_language(
    world, trained, language, kind, title, expected
):
    """She reads the title: a French client's draft is not "For the gala, 2 January"."""
    client = world.cast.client
    client.preferred_language = language
    client.save(update_fields=["preferred_language"])
    day = timezone.localdate() + dt.timedelta(days=30)
    OccasionFactory(client=client, kind=kind, title=title, date=day)
    lookbooks_draft()

    assert her_draft(client).title == expected.format(day=format_when(day, "day_month", language))


def test_explanations_name_her_purchases_and_where_her_size_is(world, trained):
    lookbooks_draft()

    items = list(her_draft(world.cast.client).items.select_related("product"))
    text = " ".join(i.explanation for i in items)
    assert "She bought the Riviera trench" in text or "She bought the Silk carré" in text
    for item in items:
        assert item.explanation.endswith(".")
        if item.product.category == "ready_to_wear" and item.variant and item.variant.size:
            assert "in stock in 38 in Paris" in item.explanation
        assert "in stock" in item.explanation


def test_a_man_is_called_he(world, trained):
    man = client_with_tier(world.cast, ConsentTier.PERSONAL, salutation="M.")
    buy(man, world.product("Tote 35"), world.product("Cocoon coat"))
    _items, _, _ = plan(world, man)
    _, _, found = plan(world, man)
    assert all(not i.why.startswith("She") for i in found.items)
    assert any(i.why.startswith("He bought") for i in found.items)


# --- cold start -------------------------------------------------------------------------------


def test_a_client_without_history_is_drafted_from_her_stated_taste(world, trained):
    newcomer = client_with_tier(
        world.cast,
        ConsentTier.PERSONAL,
        preferred_colours=["gold"],
        preferred_categories=["jewellery"],
    )

    items, _, found = plan(world, newcomer)

    assert found.cold
    assert found.data_basis["cold_start"]
    assert items & {"Fer à Cheval studs", "Minaudière clutch"}
    assert any(i.why.startswith("Matches her stated taste for gold") for i in found.items)
    assert DataKind.PREFERENCES in found.data_basis["kinds"]
    assert DataKind.PURCHASES not in found.data_basis["kinds"]


def test_a_client_with_nothing_known_still_gets_popular_pieces_in_her_size(world, trained):
    newcomer = client_with_tier(world.cast, ConsentTier.PERSONAL)
    items, _, found = plan(world, newcomer)
    assert found.cold
    assert items
    assert all(
        "among the house's most chosen pieces" in i.why.lower()
        or re.search(r"the house's (\d+(st|nd|rd|th) )?most chosen piece in", i.why.lower())
        for i in found.items
    )


def test_a_new_product_gets_factors_from_its_content_and_can_be_drafted(world, trained):
    pendant = Product.objects.create(
        style_code="T-NEW",
        name="Lune pendant",
        category="jewellery",
        subcategory="necklace",
        colours=["gold"],
        materials=["yellow gold"],
        occasion_tags=["gala", "evening"],
        description="A gold pendant for the evening.",
        price=1900,
    )
    StockLevel.objects.create(
        variant=Variant.objects.create(product=pendant, sku="T-NEW-TU", size=""),
        boutique=None,
        quantity=2,
    )
    newcomer = client_with_tier(
        world.cast,
        ConsentTier.PERSONAL,
        preferred_colours=["gold"],
        preferred_categories=["jewellery"],
    )

    model = load_model_version(trained)
    assert pendant.pk not in set(model.item_ids.tolist())
    audience = find_audience(now=timezone.now(), client_ids=[newcomer.pk, world.cast.client.pk])
    catalogue = load_catalogue(with_descriptions=True)
    drafter = Drafter(
        audience,
        model,
        extract_signals(purpose=Purpose.PERSONALISATION),
        catalogue,
        load_stock(catalogue),
        # three of six pieces may be jewellery, the category she asked for
        settings=DraftSettings(size=6, alternates=6, min_items=1, category_share=0.5),
    )
    column = int(drafter.offer.position[catalogue.index_of(np.array([pendant.pk]))[0]])

    assert drafter.stats.new_products_placed == 1
    assert np.abs(drafter.offer.factors[column]).sum() > 0
    drafted = {p.client_id: p for batch in drafter.batches() for p in batch}
    newcomer_pieces = {i.product_id for i in drafted[newcomer.pk].items}
    assert pendant.pk in newcomer_pieces


# --- consent changes -----------------------------------------------------------------------------


def test_lowering_bespoke_to_personal_withdraws_a_draft_built_on_browsing(world, trained):
    cast = world.cast
    bespoke = client_with_tier(cast, ConsentTier.BESPOKE)
    buy(bespoke, world.product("Tote 35"))
    interact(bespoke, world.product("Cocoon coat"), InteractionKind.VIEW)
    lookbooks_draft()
    lookbook = her_draft(bespoke)
    assert DataKind.BROWSING in lookbook.data_basis["kinds"]

    consent_record(
        client=bespoke,
        tier=ConsentTier.PERSONAL,
        channels=["email"],
        source="boutique",
        proof_text="Personal, please.",
    )

    lookbook.refresh_from_db()
    assert lookbook.status == LookbookStatus.WITHDRAWN


def test_lowering_personal_to_essential_withdraws_the_machine_draft(world, trained):
    cast = world.cast
    lookbooks_draft()
    lookbook = her_draft(cast.client)

    consent_record(
        client=cast.client,
        tier=ConsentTier.ESSENTIAL,
        channels=[],
        source="boutique",
        proof_text="Only what I ask for.",
    )

    lookbook.refresh_from_db()
    assert lookbook.status == LookbookStatus.WITHDRAWN
    assert lookbooks_draft().drafted == 0
    assert her_draft_count(cast.client) == 1


def test_a_personal_draft_survives_a_channel_change(world, trained):
    cast = world.cast
    lookbooks_draft()
    consent_record(
        client=cast.client,
        tier=ConsentTier.PERSONAL,
        channels=[],
        source="boutique",
        proof_text="No e-mails.",
    )
    assert her_draft(cast.client).status == LookbookStatus.DRAFT


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path needs PostgreSQL")
def test_on_postgresql_batches_are_written_in_the_background(world, trained):
    report = lookbooks_draft()

    assert "write_in_background" in report.stages
    drafts = list(Lookbook.objects.filter(origin=LookbookOrigin.MODEL))
    assert report.drafted == len(drafts) > 0
    # The bulk writer keeps the pieces on each draft; the rows come on first read.
    assert report.items_written == sum(len(lb.pending_pieces) for lb in drafts)
    assert sum(lb.items.count() for lb in drafts) == report.items_written
    assert report.items_written == LookbookItem.objects.count()
    assert lookbooks_draft().drafted == 0
