"""Offline evaluation: split, tune ALS on training-only validation, refit, compare baselines.

:func:`evaluate` returns the JSON-ready dict printed by the ``evaluate_recommendations``
management command. Every recommender is scored on the same split with the same
exclusion of products the client already had in training.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from .als import ALSParams, fit_als, recommend
from .balance import balanced_block
from .baselines import fit_item_cosine, recommend_item_cosine, recommend_popular
from .datasets import parse_timestamp
from .matrix import Interactions
from .metrics import RankingMetrics, ranking_metrics
from .splits import Split, random_split, temporal_split
from .tuning import tune_als

logger = logging.getLogger(__name__)

SPLITS: tuple[str, ...] = ("random", "temporal")


def make_split(
    events: Interactions,
    *,
    split: str,
    cutoff: str | int | None = None,
    test_fraction: float = 0.25,
    seed: int = 42,
) -> Split:
    """The evaluation split; ``cutoff`` (ISO date or unix seconds) is required for temporal."""
    if split == "temporal":
        if cutoff is None:
            raise ValueError("a temporal split needs a cutoff")
        cut = cutoff if isinstance(cutoff, int) else parse_timestamp(cutoff)
        return temporal_split(events, cutoff=cut)
    if split == "random":
        return random_split(events, test_fraction=test_fraction, seed=seed)
    raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")


def _block(metrics: RankingMetrics, params: dict[str, Any]) -> dict[str, Any]:
    return {**metrics.as_dict(), "params": params}


def _item_cosine(data: Split, users: np.ndarray, *, k: int) -> dict[str, Any]:
    train = data.train.csr
    cos_ids, _ = recommend_item_cosine(train, fit_item_cosine(train), users, n=k)
    metrics = ranking_metrics(cos_ids, data.test, k=k, users=users, n_items=train.shape[1])
    return _block(metrics, {"neighbours": 100})


def evaluate(
    events: Interactions,
    *,
    split: str = "random",
    cutoff: str | int | None = None,
    test_fraction: float = 0.25,
    k: int = 10,
    seed: int = 42,
    params: ALSParams | None = None,
    item_cosine: bool = True,
    item_categories: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The whole protocol; ``params`` skips tuning, ``item_categories`` adds ml.balance."""
    if k <= 0:
        raise ValueError("k must be positive")
    started = time.perf_counter()
    data = make_split(events, split=split, cutoff=cutoff, test_fraction=test_fraction, seed=seed)
    train = data.train.csr
    users = data.eval_users
    n_items = data.train.shape[1]
    if len(users) == 0:
        raise ValueError("no client has anything to evaluate on this split")

    validation: dict[str, Any] | None = None
    t_tune = time.perf_counter()
    if params is None:
        tuned = tune_als(data.train_events, strategy=data.strategy, k=k, seed=seed)
        params = tuned.best
        validation = tuned.summary()
    tuning_seconds = time.perf_counter() - t_tune

    t_fit = time.perf_counter()
    model = fit_als(train, params=params, random_state=seed)
    fit_seconds = time.perf_counter() - t_fit
    ids, _ = recommend(model, train, users, n=k)
    model_metrics = ranking_metrics(ids, data.test, k=k, users=users, n_items=n_items)

    pop_ids, _ = recommend_popular(train, users, n=k)
    pop_metrics = ranking_metrics(pop_ids, data.test, k=k, users=users, n_items=n_items)

    result: dict[str, Any] = {
        "k": k,
        "split": data.strategy,
        "clients_evaluated": len(users),
        "products": n_items,
        "train_seconds": round(tuning_seconds + fit_seconds, 2),
        "model": _block(model_metrics, {**params.to_dict(), "random_state": seed}),
        "popularity": _block(pop_metrics, {"score": "distinct clients per product"}),
    }
    if item_cosine:
        result["item_cosine"] = _item_cosine(data, users, k=k)
    result["ndcg_lift_over_popularity"] = (
        round(model_metrics.ndcg / pop_metrics.ndcg, 3) if pop_metrics.ndcg > 0 else None
    )
    if item_categories is not None:
        kinds = [item_categories.get(str(i), "") for i in data.train.item_ids]
        result["balanced"] = balanced_block(model, data, users, k=k, categories=kinds)
    if validation is not None:
        result["validation"] = validation
    result["data"] = {
        **events.report,
        "interactions": len(events),
        "clients": len(np.unique(events.user_ids)) if len(events) else 0,
        "split": data.info,
    }
    result["timing"] = {
        "tuning_seconds": round(tuning_seconds, 2),
        "final_fit_seconds": round(fit_seconds, 2),
        "evaluate_seconds": round(time.perf_counter() - started, 2),
    }
    logger.info(
        "%s split: model nDCG@%d %.4f vs popularity %.4f on %d clients",
        data.strategy,
        k,
        model_metrics.ndcg,
        pop_metrics.ndcg,
        len(users),
    )
    return result
