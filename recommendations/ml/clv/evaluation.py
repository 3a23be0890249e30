"""Honest evaluation of client-value models on a holdout: the model against two baselines.

Clients are those first seen in calibration. For each: purchases (client-days) and
spend in the holdout, and churn = no purchase in it. Every model predicts from the
calibration period only (the model's own choices are made on an inner validation
inside calibration; see model.py). Metrics: churn AUC and Brier, count MAE and RMSE,
value MAE.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

from recommendations.ml.clv.bgnbd import fit_bgnbd, fit_gamma_gamma
from recommendations.ml.clv.model import fit_client_value_model
from recommendations.ml.clv.rfm import WEEK, holdout_outcome, summarise
from recommendations.ml.clv.transactions import ClientDays


def metrics(
    count: np.ndarray,
    spend: np.ndarray,
    predicted: np.ndarray,
    p_churn: np.ndarray,
    value: np.ndarray,
) -> dict[str, float]:
    churned = (count == 0).astype(int)
    return {
        "churn_auc": round(float(roc_auc_score(churned, p_churn)), 4),
        "churn_brier": round(float(brier_score_loss(churned, np.clip(p_churn, 0, 1))), 4),
        "count_mae": round(float(np.mean(np.abs(predicted - count))), 4),
        "count_rmse": round(float(np.sqrt(np.mean((predicted - count) ** 2))), 4),
        "value_mae": round(float(np.mean(np.abs(value - spend))), 2),
    }


def evaluate(
    days: ClientDays, calibration_end: dt.date, holdout_end: dt.date, *, seed: int = 0
) -> dict[str, Any]:
    horizon = (holdout_end - calibration_end).days / WEEK
    summary = summarise(days, calibration_end)
    count, spend = holdout_outcome(days, summary.ids, calibration_end, holdout_end)

    bg = fit_bgnbd(summary.x, summary.t_x, summary.T)
    gg = fit_gamma_gamma(summary.x, summary.mean_spend)
    per_purchase = gg.expected_value(summary.x, summary.mean_spend)
    bg_count = bg.expected_purchases(horizon, summary.x, summary.t_x, summary.T)
    bg_churn = bg.p_no_purchase(horizon, summary.x, summary.t_x, summary.T)

    rate = summary.x / np.maximum(summary.T, 1.0)  # repeat purchases per week so far
    past_count = rate * horizon
    past_churn = np.exp(-past_count)
    past_value = past_count * np.where(summary.x > 0, summary.mean_spend, summary.first_spend)

    model = fit_client_value_model(days, calibration_end, seed=seed)
    predicted = model.predict(days, calibration_end, horizon)
    assert (predicted.ids == summary.ids).all()

    return {
        "clients": len(summary.ids),
        "calibration_end": calibration_end.isoformat(),
        "holdout_end": holdout_end.isoformat(),
        "holdout_weeks": round(horizon, 2),
        "holdout_purchases_mean": round(float(count.mean()), 4),
        "holdout_churn_rate": round(float((count == 0).mean()), 4),
        "model": {
            **metrics(count, spend, predicted.purchases, predicted.p_churn, predicted.value),
            "inner": model.inner,  # what the inner validation (inside calibration) chose
        },
        "bgnbd": {
            **metrics(count, spend, bg_count, bg_churn, bg_count * per_purchase),
            "params": {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b},
            "gamma_gamma": {"p": gg.p, "q": gg.q, "v": gg.v},
        },
        "past_repeats": metrics(count, spend, past_count, past_churn, past_value),
    }
