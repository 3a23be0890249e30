"""The house's client-value model: BG/NBD corrected by gradient boosting on behaviour.

BG/NBD knows frequency, recency and age; it does not know that a client who buys
more pieces per visit, buys in regular rhythm, or has gone quiet longer than her
own longest gap behaves differently. The model learns those corrections honestly,
inside the calibration period only: BG/NBD is fitted on the history up to an
earlier cut-off, the features are read at that cut-off, and the targets are what
happened between it and the end of calibration (several cut-offs stacked). At
prediction time the same features are read at the end of calibration.

- purchases: BG/NBD's expectation times a learned correction (a Poisson gradient-
  boosted model of actual / expected, weighted by expected);
- churn (no purchase in the horizon): a gradient-boosted classifier (log loss, so
  its probabilities are calibrated on the training horizons) on the same features
  plus BG/NBD's own P(no purchase);
- value: predicted purchases times Gamma-Gamma's expected spend per purchase.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from recommendations.ml.clv.bgnbd import BGNBD, GammaGamma, fit_bgnbd, fit_gamma_gamma
from recommendations.ml.clv.rfm import WEEK, Summary, holdout_outcome, summarise
from recommendations.ml.clv.transactions import ClientDays

FEATURES = (
    "x",
    "t_x",
    "T",
    "weeks_quiet",
    "quiet_vs_longest_gap",
    "rate",
    "log_mean_spend",
    "log_first_spend",
    "mean_units",
    "recent_13w",
    "recent_4w",
    "gap_cv",
    "bg_expected",
    "bg_p_alive",
    "bg_p_none",
    "horizon",
)
REASONS = {
    "weeks_quiet": "quiet for {weeks_quiet:.0f} weeks",
    "quiet_vs_longest_gap": "longer than her usual gap between purchases",
    "x": "few repeat purchases",
    "recent_13w": "no purchase in the last three months",
    "rate": "buys less often than before",
}


def features(summary: Summary, bg: BGNBD, horizon_weeks: float) -> np.ndarray:
    s = summary
    quiet = s.T - s.t_x
    columns = {
        "x": s.x,
        "t_x": s.t_x,
        "T": s.T,
        "weeks_quiet": quiet,
        "quiet_vs_longest_gap": np.where(s.max_gap > 0, quiet / np.maximum(s.max_gap, 1e-9), -1),
        "rate": s.x / np.maximum(s.T, 1.0),
        "log_mean_spend": np.log1p(s.mean_spend),
        "log_first_spend": np.log1p(s.first_spend),
        "mean_units": s.mean_units,
        "recent_13w": s.recent_13w,
        "recent_4w": s.recent_4w,
        "gap_cv": s.gap_cv,
        "bg_expected": bg.expected_purchases(horizon_weeks, s.x, s.t_x, s.T),
        "bg_p_alive": bg.p_alive(s.x, s.t_x, s.T),
        "bg_p_none": bg.p_no_purchase(horizon_weeks, s.x, s.t_x, s.T),
        "horizon": np.full(len(s.x), horizon_weeks),
    }
    return np.column_stack([columns[name] for name in FEATURES])


@dataclass
class Predictions:
    ids: np.ndarray
    purchases: np.ndarray
    p_churn: np.ndarray
    value: np.ndarray
    p_alive: np.ndarray


@dataclass
class ClientValueModel:
    counts: HistGradientBoostingRegressor
    churn: HistGradientBoostingClassifier
    bg: BGNBD | None = None
    gg: GammaGamma | None = None

    def predict(self, days: ClientDays, cutoff: dt.date, horizon_weeks: float) -> Predictions:
        summary = summarise(days, cutoff)
        bg = fit_bgnbd(summary.x, summary.t_x, summary.T)
        gg = fit_gamma_gamma(summary.x, summary.mean_spend)
        self.bg, self.gg = bg, gg
        matrix = features(summary, bg, horizon_weeks)
        expected = matrix[:, FEATURES.index("bg_expected")]
        purchases = expected * self.counts.predict(matrix)
        p_churn = self.churn.predict_proba(matrix)[:, 1]
        value = purchases * gg.expected_value(summary.x, summary.mean_spend)
        return Predictions(
            ids=summary.ids,
            purchases=purchases,
            p_churn=p_churn,
            value=value,
            p_alive=matrix[:, FEATURES.index("bg_p_alive")],
        )


def training_windows(
    days: ClientDays, calibration_end: dt.date, horizons_weeks: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, counts, BG/NBD expectations) stacked over cut-offs inside calibration."""
    blocks, targets, expected = [], [], []
    for weeks in horizons_weeks:
        cutoff = calibration_end - dt.timedelta(days=int(weeks * WEEK))
        summary = summarise(days, cutoff)
        if len(summary.ids) < 50:
            continue
        bg = fit_bgnbd(summary.x, summary.t_x, summary.T)
        matrix = features(summary, bg, float(weeks))
        count, _ = holdout_outcome(days, summary.ids, cutoff, calibration_end)
        blocks.append(matrix)
        targets.append(count)
        expected.append(matrix[:, FEATURES.index("bg_expected")])
    if not blocks:
        raise ValueError("The calibration period is too short to learn from.")
    return np.vstack(blocks), np.concatenate(targets), np.concatenate(expected)


def fit_client_value_model(
    days: ClientDays,
    calibration_end: dt.date,
    *,
    horizons_weeks: tuple[int, ...] = (8, 13, 17, 21, 26),
    max_rows: int = 250_000,
    seed: int = 0,
) -> ClientValueModel:
    matrix, count, expected = training_windows(days, calibration_end, horizons_weeks)
    if len(count) > max_rows:  # a random subset keeps training time flat on big houses
        keep = np.random.default_rng(seed).choice(len(count), max_rows, replace=False)
        matrix, count, expected = matrix[keep], count[keep], expected[keep]
    safe = np.maximum(expected, 1e-3)
    shape = {
        "max_iter": 120,
        "learning_rate": 0.06,
        "max_leaf_nodes": 15,
        "min_samples_leaf": 100,
        "l2_regularization": 1.0,
        "random_state": seed,
    }
    counts = HistGradientBoostingRegressor(loss="poisson", **shape)
    counts.fit(matrix, count / safe, sample_weight=safe)
    churn = HistGradientBoostingClassifier(**shape)
    churn.fit(matrix, (count == 0).astype(int))
    return ClientValueModel(counts=counts, churn=churn)
