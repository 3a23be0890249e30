"""The house's client-value model: BG/NBD corrected by what it does not see, learned honestly.

BG/NBD knows frequency, recency and age; it does not know that a client who buys
more pieces per visit, buys in regular rhythm, or has gone quiet longer than her
own longest gap behaves differently. The model stacks corrections on BG/NBD's own
predictions, learned inside the calibration period only (never the holdout):

- training windows: at pseudo cut-offs calibration_end - h (h = 8 ... 26 weeks)
  BG/NBD is refitted on the history up to the cut-off (so its features are as
  wrong there as they will be out of sample), the features are read at the
  cut-off, and the targets are the client-days between it and calibration_end;
- inner validation: a random fifth of the clients, with all their windows, is
  held out. It alone chooses the boosting rounds (early stopping) and, by count
  RMSE, which count correction to trust and how much: a boosted one, a linear
  one, or none (BG/NBD's counts; it wins ties). Then the chosen models are
  refitted on every window row;
- prediction: the same features read at calibration_end with BG/NBD fitted there.
  A horizon longer than any training window is bridged by BG/NBD: the learned
  correction is read at the longest trained horizon and carried to the asked one
  (count: times BG/NBD's expectation for the asked horizon; churn: on the logit
  scale, plus BG/NBD's own change of log-odds between the two horizons).

- purchases: BG/NBD's expectation times 1 + shrink x (correction - 1), the
  correction a Poisson model of actual / expected weighted by expected;
- churn (no purchase in the horizon): a gradient-boosted classifier with log loss
  (probabilities calibrated on the training windows; its inner Brier is kept in
  `inner`) on the same features, BG/NBD's own P(no purchase) among them;
- value: predicted purchases times Gamma-Gamma's expected spend per purchase.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import PoissonRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from recommendations.ml.clv.bgnbd import BGNBD, GammaGamma, fit_bgnbd, fit_gamma_gamma
from recommendations.ml.clv.rfm import WEEK, Summary, holdout_outcome, summarise
from recommendations.ml.clv.transactions import ClientDays

Corrector: TypeAlias = HistGradientBoostingRegressor | Pipeline

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
    "mean_gap",
    "last_gap",
    "quiet_vs_mean_gap",
    "last_vs_mean_gap",
    "late_vs_early",
    "late_rate",
    "spend_trend",
    "log_total_spend",
    "recent_26w",
    "last_units",
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
SHRINKS = (0.0, 0.25, 0.5, 0.75, 1.0)  # how much of the learned count correction to keep
LINEAR_ALPHAS = {"linear": 1e-3, "linear_strong": 1e-1}  # ridge penalties of the linear one
LOG_LINEAR = ("recent_13w", "recent_4w", "mean_units", "bg_expected", "x", "weeks_quiet", "rate")
MIN_WINDOW_CLIENTS = 50
MIN_WINDOW_HISTORY = 4.0  # weeks of purchases before a pseudo cut-off, else BG/NBD cannot fit
MAX_CORRECTION = 10.0  # the learned count correction stays within [0, 10] x BG/NBD
EXPECTED = FEATURES.index("bg_expected")
P_NONE = FEATURES.index("bg_p_none")


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
        **_rhythm(s, quiet),
        "bg_expected": _expected(bg, horizon_weeks, s),
        "bg_p_alive": bg.p_alive(s.x, s.t_x, s.T),
        "bg_p_none": bg.p_no_purchase(horizon_weeks, s.x, s.t_x, s.T),
        "horizon": np.full(len(s.x), horizon_weeks),
    }
    matrix = np.column_stack([columns[name] for name in FEATURES])
    return np.nan_to_num(matrix, nan=0.0, posinf=1e6, neginf=-1e6)


def _rhythm(s: Summary, quiet: np.ndarray) -> dict[str, np.ndarray]:
    """Inter-purchase time and trends: is she slowing down, spending less, overdue?"""
    typical = np.maximum(s.mean_gap, 1 / WEEK)  # a gap of at least a day
    late = s.late_repeats
    return {
        "mean_gap": s.mean_gap,
        "last_gap": s.last_gap,
        "quiet_vs_mean_gap": np.where(s.x > 0, quiet / typical, -1),
        "last_vs_mean_gap": np.where(s.x > 1, s.last_gap / typical, -1),
        "late_vs_early": (late - (s.x - late)) / np.maximum(s.x, 1),  # -1 all early ... +1 late
        "late_rate": late / np.maximum(s.T / 2, 1),
        "spend_trend": np.log1p(s.last_spend) - np.log1p(s.total_spend / (s.x + 1)),
        "log_total_spend": np.log1p(s.total_spend),
        "recent_26w": s.recent_26w,
        "last_units": s.last_units,
    }


def _expected(bg: BGNBD, horizon_weeks: float, s: Summary) -> np.ndarray:
    """BG/NBD's expectation, finite and below one purchase a day (a fit with a ~ 1 explodes)."""
    expected = bg.expected_purchases(horizon_weeks, s.x, s.t_x, s.T)
    return np.clip(np.nan_to_num(expected, nan=0.0, posinf=np.inf), 0.0, horizon_weeks * WEEK)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@dataclass
class Predictions:
    ids: np.ndarray
    purchases: np.ndarray
    p_churn: np.ndarray
    value: np.ndarray
    p_alive: np.ndarray


@dataclass
class ClientValueModel:
    counts: Corrector | None  # None: the inner validation kept BG/NBD's counts
    churn: HistGradientBoostingClassifier
    bg: BGNBD
    gg: GammaGamma
    longest_horizon: float  # weeks, the longest training window
    shrink: float = 1.0  # the share of the learned count correction kept
    inner: dict[str, float | str] = field(default_factory=dict)  # the inner validation's choices

    def predict(self, days: ClientDays, cutoff: dt.date, horizon_weeks: float) -> Predictions:
        """From the client-days on or before `cutoff` only."""
        summary = summarise(days, cutoff)
        bg, gg = self.bg, self.gg
        trained = min(horizon_weeks, self.longest_horizon)
        matrix = features(summary, bg, trained)
        expected = _expected(bg, horizon_weeks, summary)
        correction = np.ones(len(expected))
        if self.counts is not None:
            learned = np.clip(self.counts.predict(matrix), 0.0, MAX_CORRECTION)
            correction = 1 + self.shrink * (learned - 1)
        purchases = expected * correction
        logit = _logit(self.churn.predict_proba(matrix)[:, 1])
        if horizon_weeks > trained:  # bridged by BG/NBD's own horizon effect
            longer = bg.p_no_purchase(horizon_weeks, summary.x, summary.t_x, summary.T)
            logit = logit + _logit(longer) - _logit(matrix[:, P_NONE])
        value = purchases * gg.expected_value(summary.x, summary.mean_spend)
        return Predictions(
            ids=summary.ids,
            purchases=purchases,
            p_churn=1 / (1 + np.exp(-logit)),
            value=value,
            p_alive=bg.p_alive(summary.x, summary.t_x, summary.T),
        )


@dataclass
class Windows:
    """Training rows stacked over pseudo cut-offs inside calibration."""

    matrix: np.ndarray
    count: np.ndarray
    client: np.ndarray  # the client of each row (a client appears in several windows)
    longest_horizon: float


def training_windows(
    days: ClientDays, calibration_end: dt.date, horizons_weeks: tuple[int, ...]
) -> Windows:
    """Features at each cut-off calibration_end - horizon; targets up to calibration_end.

    BG/NBD is refitted at each cut-off on the history up to it, so that its features
    are as wrong there as they will be, out of sample, at the end of calibration.
    """
    history = days.before(calibration_end)  # the fit never reads past calibration
    blocks, targets, clients, used = [], [], [], []
    for weeks in horizons_weeks:
        cutoff = calibration_end - dt.timedelta(days=int(weeks * WEEK))
        summary = summarise(history, cutoff)
        if len(summary.ids) < MIN_WINDOW_CLIENTS or summary.T.max() < MIN_WINDOW_HISTORY:
            continue
        bg = fit_bgnbd(summary.x, summary.t_x, summary.T)
        raw = bg.expected_purchases(float(weeks), summary.x, summary.t_x, summary.T)
        if not np.isfinite(raw).all():  # a degenerate fit (a = 1) teaches nothing
            continue
        count, _ = holdout_outcome(history, summary.ids, cutoff, calibration_end)
        blocks.append(features(summary, bg, float(weeks)))
        targets.append(count)
        clients.append(summary.ids)
        used.append(float(weeks))
    if not blocks:
        raise ValueError("The calibration period is too short to learn from.")
    return Windows(np.vstack(blocks), np.concatenate(targets), np.concatenate(clients), max(used))


def _shape(seed: int, rounds: int) -> dict[str, object]:
    """Small, slowly learnt trees: on both files' inner validations (never the holdout)
    they lowered the count RMSE against 15 leaves of 100 rows at 0.06 (and against
    the same trees at 0.06) with churn as good or better; see docs/recommendations.md."""
    return {
        "max_iter": rounds,
        "learning_rate": 0.03,
        "max_leaf_nodes": 7,
        "min_samples_leaf": 300,
        "l2_regularization": 1.0,
        "random_state": seed,
    }


def _inner_split(w: Windows, seed: int, share: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """(fit rows, validation rows), split by client: a random fifth of the clients, with
    all their windows, is held out, so no client is both learned from and judged."""
    unique = np.unique(w.client)
    held = np.isin(w.client, unique[np.random.default_rng(seed).random(len(unique)) < share])
    return ~held, held


def _linear_features(matrix: np.ndarray) -> np.ndarray:
    """The few, smoothly transformed behaviours the linear correction reads."""

    def column(name: str) -> np.ndarray:
        return matrix[:, FEATURES.index(name)]

    return np.column_stack(
        [np.log1p(np.maximum(column(name), 0)) for name in LOG_LINEAR]
        + [np.clip(column("quiet_vs_longest_gap"), -1, 5)]
        + [column(name) for name in ("log_mean_spend", "log_first_spend", "gap_cv", "bg_p_alive")]
    )


def _corrector(kind: str, seed: int, rounds: int) -> Corrector:
    if kind == "boosted":
        return HistGradientBoostingRegressor(loss="poisson", **_shape(seed, rounds))
    return make_pipeline(
        FunctionTransformer(_linear_features),
        StandardScaler(),
        PoissonRegressor(alpha=LINEAR_ALPHAS[kind], max_iter=300),
    )


def _fit_weighted(model: Corrector, x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> None:
    if isinstance(model, Pipeline):
        model.fit(x, y, poissonregressor__sample_weight=weight)
    else:
        model.fit(x, y, sample_weight=weight)


def _fit_counts(
    w: Windows, fit: np.ndarray, val: np.ndarray, seed: int, max_rounds: int
) -> tuple[Corrector | None, float, dict[str, float | str]]:
    """A Poisson model of actual / expected (weighted by expected): which one (boosted or
    linear), its boosting rounds and its shrink towards BG/NBD are chosen on the inner
    validation by count RMSE; BG/NBD alone wins ties."""
    safe = np.maximum(w.matrix[:, EXPECTED], 1e-3)
    ratio = w.count / safe
    boosted = HistGradientBoostingRegressor(
        loss="poisson", early_stopping=True, n_iter_no_change=20, **_shape(seed, max_rounds)
    )
    boosted.fit(
        w.matrix[fit],
        ratio[fit],
        sample_weight=safe[fit],
        X_val=w.matrix[val],
        y_val=ratio[val],
        sample_weight_val=safe[val],
    )
    rounds = int(boosted.n_iter_)
    candidates: dict[str, Corrector] = {"boosted": boosted}
    for kind in LINEAR_ALPHAS:
        candidates[kind] = _corrector(kind, seed, rounds)
        _fit_weighted(candidates[kind], w.matrix[fit], ratio[fit], safe[fit])
    scores = {("bgnbd", 0.0): _rmse(safe[val], w.count[val])}
    for kind, model in candidates.items():
        learned = np.clip(model.predict(w.matrix[val]), 0.0, MAX_CORRECTION)
        for s in SHRINKS[1:]:
            scores[(kind, s)] = _rmse(safe[val] * (1 + s * (learned - 1)), w.count[val])
    kind, shrink = min(scores, key=lambda k: (round(scores[k], 6), k[1]))
    chosen: dict[str, float | str] = {"count_model": kind, "count_shrink": shrink}
    chosen |= {"count_rounds": float(rounds), "inner_count_rmse": scores[(kind, shrink)]}
    chosen["inner_bgnbd_count_rmse"] = scores[("bgnbd", 0.0)]
    if kind == "bgnbd":
        return None, 0.0, chosen
    counts = _corrector(kind, seed, rounds)
    _fit_weighted(counts, w.matrix, ratio, safe)
    return counts, shrink, chosen


def _rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    return float(np.sqrt(np.mean((predicted - actual) ** 2)))


def _fit_churn(
    w: Windows, fit: np.ndarray, val: np.ndarray, seed: int, max_rounds: int
) -> tuple[HistGradientBoostingClassifier, dict[str, float | str]]:
    """Log-loss classifier of no purchase; rounds chosen on the inner validation."""
    churned = (w.count == 0).astype(int)
    inner = HistGradientBoostingClassifier(
        early_stopping=True, n_iter_no_change=20, **_shape(seed, max_rounds)
    )
    inner.fit(w.matrix[fit], churned[fit], X_val=w.matrix[val], y_val=churned[val])
    p = inner.predict_proba(w.matrix[val])[:, 1]
    brier = float(np.mean((p - churned[val]) ** 2))
    bg_brier = float(np.mean((w.matrix[val, P_NONE] - churned[val]) ** 2))
    churn = HistGradientBoostingClassifier(**_shape(seed, inner.n_iter_))
    churn.fit(w.matrix, churned)
    chosen: dict[str, float | str] = {"churn_rounds": float(inner.n_iter_)}
    chosen["inner_churn_brier"] = brier
    return churn, chosen | {"inner_bgnbd_churn_brier": bg_brier}


def fit_client_value_model(
    days: ClientDays,
    calibration_end: dt.date,
    *,
    horizons_weeks: tuple[int, ...] = (8, 13, 17, 21, 26),
    max_rows: int = 250_000,
    max_rounds: int = 800,
    seed: int = 0,
) -> ClientValueModel:
    """Learned from the client-days on or before `calibration_end` only."""
    summary = summarise(days, calibration_end)
    bg = fit_bgnbd(summary.x, summary.t_x, summary.T)
    gg = fit_gamma_gamma(summary.x, summary.mean_spend)
    w = training_windows(days, calibration_end, horizons_weeks)
    if len(w.count) > max_rows:  # a random subset keeps training time flat on big houses
        keep = np.sort(np.random.default_rng(seed).choice(len(w.count), max_rows, replace=False))
        w = Windows(w.matrix[keep], w.count[keep], w.client[keep], w.longest_horizon)
    fit, val = _inner_split(w, seed)
    if val.sum() < MIN_WINDOW_CLIENTS or fit.sum() < MIN_WINDOW_CLIENTS:
        raise ValueError("Too few clients to hold some out for the inner validation.")
    counts, shrink, chosen = _fit_counts(w, fit, val, seed, max_rounds)
    churn, chosen_churn = _fit_churn(w, fit, val, seed, max_rounds)
    return ClientValueModel(
        counts=counts,
        churn=churn,
        bg=bg,
        gg=gg,
        longest_horizon=w.longest_horizon,
        shrink=shrink,
        inner=chosen | chosen_churn,
    )
