"""Data quality: one test per component, then the score of a client, a book, a boutique."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import Client, MergeSuggestion, OccasionKind
from clients.quality import (
    completeness,
    freshness,
    quality_of,
    summarise_quality,
    validity,
)
from tests.factories.clients import ClientFactory, OccasionFactory

pytestmark = pytest.mark.django_db


def test_completeness_counts_five_things_and_names_what_is_missing(cast):
    client = ClientFactory(salutation="", sizes={}, preferred_colours=["navy"])

    score, missing = completeness(client, reachable=True, has_birthday=False)

    assert score == pytest.approx(2 / 5)
    assert missing == ["no salutation", "no sizes", "no birthday"]


def test_validity_checks_emails_and_that_phones_are_in_use():
    score, problems = validity(
        [("email", "a@example.com"), ("phone", "+33612345678"), ("phone", "+33700000000")]
    )

    assert score == pytest.approx(2 / 3)
    assert problems == ["a phone number is not in use anywhere"]
    assert validity([]) == (1.0, [])
    assert validity([("email", "not an address")])[0] == 0.0


def test_freshness_is_full_for_a_year_then_falls_to_zero_at_three(cast):
    today = timezone.localdate()
    client = Client(updated_at=timezone.now())
    assert freshness(client, today) == (1.0, [])
    client.updated_at = timezone.now() - dt.timedelta(days=2 * 365)
    value, words = freshness(client, today)
    assert value == pytest.approx(0.5, abs=0.01)
    assert words == ["not touched for 24 months"]
    client.updated_at = timezone.now() - dt.timedelta(days=4 * 365)
    assert freshness(client, today)[0] == 0.0


def test_a_pending_duplicate_suggestion_costs_the_duplicates_component(cast):
    twin = ClientFactory(first_name="Camile", last_name="Laurent", home_boutique=cast.paris)
    a, b = sorted((cast.client.pk, twin.pk))
    MergeSuggestion.objects.create(client_a_id=a, client_b_id=b, score=0.8)

    by_client = {q.client.pk: q for q in quality_of(Client.objects.all())}

    assert by_client[twin.pk].duplicates == 0.0
    assert by_client[cast.client.pk].duplicates == 0.0
    assert "may be a duplicate" in by_client[twin.pk].to_fix
    assert by_client[cast.other_client.pk].duplicates == 1.0


def test_the_score_is_the_mean_of_the_components_and_books_summarise(cast):
    OccasionFactory(client=cast.client, kind=OccasionKind.BIRTHDAY, date=dt.date(1988, 5, 14))
    cast.client.preferred_colours = ["navy"]
    cast.client.save()

    items = {q.client.pk: q for q in quality_of(Client.objects.all())}
    camille = items[cast.client.pk]

    assert (camille.completeness, camille.validity, camille.duplicates, camille.freshness) == (
        1.0,
        1.0,
        1.0,
        1.0,
    )
    assert camille.score == 100
    summary = summarise_quality(list(items.values()))
    assert summary.clients == 3
    assert summary.to_fix == 2  # Inès and Chiara lack details
    assert 0 < summary.score < 100


def test_quality_costs_the_same_queries_for_more_clients(cast, django_assert_max_num_queries):
    for _ in range(20):
        ClientFactory(home_boutique=cast.paris, email=None)
    with django_assert_max_num_queries(4):
        quality_of(Client.objects.all())
