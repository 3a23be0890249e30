"""BG/NBD reproduces the published CDNOW estimates; the evaluation's JSON keeps its shape."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from recommendations.ml.clv.bgnbd import BGNBD, fit_bgnbd
from recommendations.ml.clv.rfm import holdout_outcome, summarise
from recommendations.ml.clv.transactions import client_days, read_cdnow

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "cdnow_master.csv.gz"
SAMPLE_IDS = Path(__file__).resolve().parents[1] / "fixtures" / "clv" / "cdnow_sample_ids.txt"


@pytest.mark.skipif(not DATA.is_file(), reason="the shared CDNOW file is absent (../shared/data)")
def test_bgnbd_reproduces_the_published_cdnow_parameters_on_the_2357_client_sample():
    # Fader, Hardie & Lee (2005): r=0.243, alpha=4.414, a=0.793, b=2.426 on the sample
    # of 2,357 clients (their ids, as lifetimes ships them) over 39 calibration weeks.
    days = read_cdnow(DATA)
    summary = summarise(days, dt.date(1997, 9, 30))
    sample = np.isin(summary.ids, SAMPLE_IDS.read_text().split())
    assert sample.sum() == 2357

    fitted = fit_bgnbd(summary.x[sample], summary.t_x[sample], summary.T[sample])

    assert fitted.r == pytest.approx(0.243, abs=0.002)
    assert fitted.alpha == pytest.approx(4.414, abs=0.02)
    assert fitted.a == pytest.approx(0.793, abs=0.005)
    assert fitted.b == pytest.approx(2.426, abs=0.02)


def test_a_purchase_is_a_distinct_client_day():
    days = client_days(
        [
            ("7", dt.date(2026, 1, 2), 10.0, 1),
            ("7", dt.date(2026, 1, 2), 5.0, 2),  # same basket, another row
            ("7", dt.date(2026, 1, 9), 20.0, 1),
            ("8", dt.date(2026, 1, 3), 1.0, 1),
        ]
    )
    summary = summarise(days, dt.date(2026, 1, 31))

    assert list(summary.ids) == ["7", "8"]
    assert list(summary.x) == [1, 0]
    assert summary.t_x[0] == pytest.approx(1.0)  # one week between the two days
    assert summary.first_spend[0] == 15.0
    count, spend = holdout_outcome(days, summary.ids, dt.date(2026, 1, 5), dt.date(2026, 2, 1))
    assert list(count) == [1, 0]
    assert list(spend) == [20.0, 0.0]


def test_bgnbd_expectations_behave():
    model = BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
    x, t_x, T = np.array([0, 2, 2]), np.array([0.0, 30.0, 5.0]), np.array([38.0, 38.0, 38.0])

    alive = model.p_alive(x, t_x, T)
    expected = model.expected_purchases(39, x, t_x, T)

    assert alive[0] == 1.0  # no repeat purchase: BG/NBD cannot have seen her leave
    assert alive[1] > alive[2]  # the same two purchases, the recent one is more alive
    assert expected[1] > expected[2]
    assert np.all(model.p_no_purchase(39, x, t_x, T) < 1)


def test_the_evaluate_command_prints_one_json_object_of_the_agreed_shape(tmp_path):
    rng = np.random.default_rng(3)
    lines = ["customer_id,date,quantity,amount"]
    start = dt.date(2025, 1, 1)
    for client in range(1, 400):
        for day in sorted(set(rng.integers(0, 360, size=rng.integers(1, 8)))):
            lines.append(
                f"{client},{start + dt.timedelta(days=int(day))},1,{rng.uniform(5, 60):.2f}"
            )
    orders = tmp_path / "orders.csv"
    orders.write_text("\n".join(lines))
    out = io.StringIO()

    call_command(
        "evaluate_client_models",
        "--orders",
        str(orders),
        "--format",
        "cdnow",
        "--calibration-end",
        "2025-08-31",
        "--holdout-end",
        "2025-12-31",
        stdout=out,
    )

    result = json.loads(out.getvalue())
    assert {"clients", "model", "bgnbd", "past_repeats"} <= set(result)
    for name in ("model", "bgnbd", "past_repeats"):
        assert {"churn_auc", "churn_brier", "count_mae", "count_rmse", "value_mae"} <= set(
            result[name]
        )


def _synthetic_days(rng: np.random.Generator, clients: int, start: dt.date, span_days: int):
    rows = []
    for client in range(clients):
        rate = rng.gamma(0.8, 1 / 20)  # purchases a day while she stays
        life = rng.exponential(span_days)
        day = float(rng.integers(0, 60))
        while day < min(life, span_days):
            rows.append((str(client), start + dt.timedelta(days=int(day)), rng.uniform(5, 80), 1))
            day += rng.exponential(1 / max(rate, 1e-3))
    return rows


def test_the_model_never_reads_the_holdout_period():
    # Fitting and predicting at the calibration end must give the same numbers whether
    # the holdout rows are absent, true, or poisoned (absurd counts and spends).
    from recommendations.ml.clv.model import fit_client_value_model

    rng = np.random.default_rng(11)
    start, calibration_end = dt.date(2024, 1, 1), dt.date(2024, 9, 30)
    rows = _synthetic_days(rng, 600, start, 540)
    calibration = [r for r in rows if r[1] <= calibration_end]
    poison = [
        (client, calibration_end + dt.timedelta(days=d), 1e6, 99)
        for client in {r[0] for r in calibration}
        for d in (1, 2, 3, 40, 90)
    ]
    outcomes = []
    for variant in (calibration, rows, calibration + poison):
        days = client_days(variant)
        model = fit_client_value_model(days, calibration_end, seed=0)
        predicted = model.predict(days, calibration_end, 26.0)
        outcomes.append((model.inner, predicted))

    (inner, first), *others = outcomes
    for other_inner, other in others:
        assert other_inner == inner
        assert (other.ids == first.ids).all()
        np.testing.assert_array_equal(other.purchases, first.purchases)
        np.testing.assert_array_equal(other.p_churn, first.p_churn)
        np.testing.assert_array_equal(other.value, first.value)
    assert np.all((first.p_churn > 0) & (first.p_churn < 1))
    assert np.all(np.isfinite(first.purchases))
    assert np.all(first.purchases >= 0)


def test_a_horizon_longer_than_the_windows_is_bridged_by_bgnbd():
    from recommendations.ml.clv.model import fit_client_value_model

    rng = np.random.default_rng(5)
    calibration_end = dt.date(2024, 9, 30)
    days = client_days(_synthetic_days(rng, 600, dt.date(2024, 1, 1), 270))
    model = fit_client_value_model(days, calibration_end, seed=0)

    short = model.predict(days, calibration_end, model.longest_horizon)
    long = model.predict(days, calibration_end, 2 * model.longest_horizon)

    assert np.all(long.purchases >= short.purchases - 1e-9)  # more time, no fewer purchases
    assert np.all(long.p_churn <= short.p_churn + 1e-9)  # and no likelier silence
    assert model.inner["count_model"] in ("bgnbd", "boosted", "linear", "linear_strong")


def test_the_summary_reads_her_rhythm_and_its_trend():
    days = client_days(
        [
            ("7", dt.date(2026, 1, 1), 10.0, 1),
            ("7", dt.date(2026, 1, 8), 20.0, 2),  # one week later (early half)
            ("7", dt.date(2026, 1, 29), 60.0, 3),  # three weeks later (late half)
            ("8", dt.date(2026, 2, 20), 5.0, 1),
        ]
    )
    summary = summarise(days, dt.date(2026, 2, 24))  # 54 days after her first purchase

    assert summary.mean_gap[0] == pytest.approx(2.0)  # (1 + 3) / 2 weeks
    assert summary.last_gap[0] == pytest.approx(3.0)
    assert summary.late_repeats[0] == 1  # halfway is 28 January: the last is late
    assert summary.last_spend[0] == 60.0
    assert summary.last_units[0] == 3
    assert summary.recent_26w[0] == 3
    assert (summary.mean_gap[1], summary.last_gap[1], summary.late_repeats[1]) == (0, 0, 0)


def test_the_rhythm_features_tell_an_overdue_client_from_a_steady_one():
    from recommendations.ml.clv.model import FEATURES, features

    start = dt.date(2026, 1, 1)
    steady = [("s", start + dt.timedelta(weeks=2 * k), 10.0, 1) for k in range(6)]  # every 2w
    overdue = [("o", start + dt.timedelta(weeks=k), 10.0, 1) for k in range(3)]  # then silent
    summary = summarise(client_days(steady + overdue), start + dt.timedelta(weeks=11))
    matrix = features(summary, BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426), 8.0)
    column = dict(zip(FEATURES, matrix.T, strict=True))
    o, s = list(summary.ids).index("o"), list(summary.ids).index("s")

    assert column["quiet_vs_mean_gap"][o] == pytest.approx(9.0)  # 9 weeks quiet, gap 1 week
    assert column["quiet_vs_mean_gap"][s] == pytest.approx(0.5)
    assert column["late_vs_early"][o] == -1.0  # all her repeats in the first half
    assert column["late_vs_early"][s] > column["late_vs_early"][o]
    assert column["spend_trend"][s] == pytest.approx(0.0)
