"""Merge suggestions on weak evidence: names alike (rapidfuzz), same city, same birthday."""

from __future__ import annotations

import datetime as dt

import pytest

from clients.merging import merge_suggestion_reject, merge_suggestions_refresh
from clients.merging.suggestions import Candidate, folded, score_pair
from clients.models import MergeStatus, MergeSuggestion, OccasionKind
from tests.factories.clients import ClientFactory, OccasionFactory


def person(pk: int, name: str, city: str = "paris", birthday=None) -> Candidate:
    return Candidate(pk=pk, name=folded(name), city=city, birthday=birthday)


def test_names_fold_case_accents_and_hyphens():
    assert folded("  Bérénice-Marie  DUPRÉ ") == "berenice marie dupre"


def test_same_name_same_city_same_birthday_scores_highest():
    pair = score_pair(person(2, "a", birthday=(5, 14)), person(1, "a", birthday=(5, 14)), 100.0)

    assert (pair.a, pair.b) == (1, 2)
    assert pair.score == 1.0
    assert [e["signal"] for e in pair.evidence] == ["name", "city", "birthday"]


def test_a_spelling_slip_in_the_same_city_is_suggested():
    pair = score_pair(person(1, "Camille Laurent"), person(2, "Camile Laurent"), 96.0)

    assert pair is not None
    assert 0.7 <= pair.score < 1.0


def test_different_birthdays_speak_against_the_pair():
    assert (
        score_pair(person(1, "a", birthday=(5, 14)), person(2, "a", birthday=(9, 2)), 100) is None
    )


def test_names_too_different_are_never_paired():
    assert score_pair(person(1, "a", birthday=(1, 1)), person(2, "b", birthday=(1, 1)), 70) is None


def test_another_city_and_nothing_else_is_too_weak():
    assert score_pair(person(1, "a", city="paris"), person(2, "a", city="milan"), 100) is None


@pytest.mark.django_db
def test_refresh_stores_pairs_once_and_never_brings_back_a_rejected_one(cast):
    twin = ClientFactory(first_name="Camile", last_name="Laurent", home_boutique=cast.paris)
    for client in (cast.client, twin):
        OccasionFactory(client=client, kind=OccasionKind.BIRTHDAY, date=dt.date(1988, 5, 14))
    ClientFactory(first_name="Camille", last_name="Laurent", home_boutique=cast.milan)  # no

    assert merge_suggestions_refresh() == 1
    suggestion = MergeSuggestion.objects.get()
    assert {suggestion.client_a, suggestion.client_b} == {cast.client, twin}
    assert suggestion.score == pytest.approx(0.6 * 0.9615 + 0.15 + 0.25, abs=0.01)
    assert merge_suggestions_refresh() == 0

    merge_suggestion_reject(suggestion=suggestion, decided_by=cast.manager.user)
    merge_suggestions_refresh()

    assert MergeSuggestion.objects.get().status == MergeStatus.REJECTED


def test_the_nightly_task_and_the_command_fill_the_queue_once(cast, settings):
    from io import StringIO

    from django.core.management import call_command

    from clients.tasks import suggest_merges

    ClientFactory(first_name="Camile", last_name="Laurent", home_boutique=cast.paris)
    schedule = settings.CELERY_BEAT_SCHEDULE["merge-suggestions-nightly"]

    assert schedule["task"] == suggest_merges.name
    assert suggest_merges.delay().get() == 1  # eager in tests, as in the demo
    out = StringIO()
    call_command("suggest_merges", stdout=out)
    assert "0 new pairs; 1 waiting." in out.getvalue()
    assert MergeSuggestion.objects.count() == 1
