# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Promotion beyond noise: the paired bootstrap, the rule, the interval on the version, no leak."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from recommendations.ml.significance import paired_bootstrap
from recommendations.pipeline.extract import CODE, SignalSet
from recommendations.pipeline.train import should_promote, trained_until, training_data
from recommendations.services import model_train
from recommendations.services.training import active_trained_until
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    TINY,
    artifacts,
    trained,
    world,
)

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def test_a_candidate_better_for_most_clients_wins_and_the_interval_holds_the_true_gain():
    # Given 2,000 clients for whom the candidate is truly 0.05 better, with noise
    rng = np.random.default_rng(7)
    active = rng.uniform(0, 1, 2000)
    candidate = active + 0.05 + rng.normal(0, 0.2, 2000)
    # When the two are compared
    interval = paired_bootstrap(candidate, active)
    # Then the candidate wins, and the 95% interval holds the true difference
    assert interval.wins
    assert interval.low > 0
    assert interval.low < 0.05 < interval.high
    assert interval.clients == 2000


def test_a_higher_mean_that_is_only_noise_does_not_win():
    # Given two models equal in truth; on this sample the candidate's mean is higher
    rng = np.random.default_rng(3)
    active = rng.uniform(0, 1, 300)
    candidate = active + rng.normal(0, 0.3, 300)
    candidate += 0.004 - (candidate - active).mean()  # a higher mean by 0.004
    assert candidate.mean() > active.mean()
    # When compared, then the interval straddles zero: no promotion
    interval = paired_bootstrap(candidate, active)
    assert interval.low < 0 < interval.high
    assert not interval.wins
    promote, reason = should_promote(
        {"ndcg": float(candidate.mean())},
        {"ndcg": float(active.mean())},
        has_active=True,
        interval=interval,
    )
    assert not promote
    assert "not better beyond noise" in reason


def test_the_bootstrap_refuses_unpaired_input():
    with pytest.raises(ValueError, match="paired"):
        paired_bootstrap(np.zeros(3), np.zeros(4))


def _signals(ts: list[int]) -> SignalSet:
    n = len(ts)
    return SignalSet(
        client=np.arange(n, dtype=np.int64) % 7 + 1,
        product=np.arange(n, dtype=np.int64) % 5 + 1,
        ts=np.array(ts, dtype=np.int64),
        code=np.full(n, CODE["purchase"], dtype=np.int8),
    )


def test_the_hold_out_never_starts_before_the_active_models_training_data_ends():
    # Given a quiet house: 40 events over 40 days, so the fallback cut-off (the most
    # recent tenth) reaches back before where the active model's training ended
    start = int((NOW - dt.timedelta(days=40)).timestamp())
    signals = _signals([start + d * 86400 for d in range(40)])
    unguarded = training_data(signals, now=NOW)
    active_end = start + 38 * 86400
    assert unguarded.cutoff < active_end
    # When tonight's data is split knowing where the active model's data ended
    data = training_data(signals, now=NOW, not_before=active_end)
    # Then no hold-out event is one the active model trained on
    assert data.cutoff == active_end
    assert data.split is not None
    assert (data.split.train_events.timestamps < active_end).all()
    assert int((data.events.timestamps >= data.cutoff).sum()) == 2  # days 38 and 39
    assert "active model" in data.cutoff_rule
    # and the new model records where its own training data ends
    assert trained_until(data) == active_end


def test_with_no_event_after_the_active_models_data_nothing_is_judged_or_replaced():
    start = int((NOW - dt.timedelta(days=40)).timestamp())
    signals = _signals([start + d * 86400 for d in range(40)])
    data = training_data(signals, now=NOW, not_before=start + 41 * 86400)
    assert data.split is not None
    assert len(data.split.eval_users) == 0
    promote, reason = should_promote(None, {"ndcg": 0.2}, has_active=True)
    assert not promote
    assert "not trained on" in reason


@pytest.mark.django_db
def test_the_model_version_records_the_interval_and_its_clean_window(trained):
    # Given an active model; when a second one is trained and judged against it
    second = model_train(params=TINY)
    # Then it records the paired test against the active model...
    test = second.promotion_test
    assert test["against_model"] == trained.pk
    assert test["promoted"] == second.is_active
    assert test["metric"] == "ndcg@4"
    if "low" in test:  # a window the first model never saw had clients to judge on
        assert test["low"] <= test["mean_difference"] <= test["high"]
        assert test["confidence"] == 0.95
        assert test["method"] == "paired bootstrap over clients"
    # ...judged on a window that starts no earlier than the first model's data ended
    held_out_from = dt.datetime.fromisoformat(second.data_counts["holdout_cutoff"]).timestamp()
    assert held_out_from >= active_trained_until(trained)
    assert second.data_counts["trained_until"] >= active_trained_until(trained)
