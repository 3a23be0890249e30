"""Training: the matrix, when to tune, the one nightly fit, judging it and whether to promote it.

The nightly protocol (one full ALS fit per night):

1. Positive signals become a client x product matrix of summed weights (pipeline.extract).
2. The last ``HOLDOUT_DAYS`` are held out: the model is fitted on everything before the
   cutoff. The hold-out truth is what clients did next with real intent (purchases,
   loves, stylist picks, saves, bag additions; not views).
3. The new model and the active one are scored on that same window. Both get their client
   vectors the same way, by folding each client's pre-cutoff row into the model's item
   factors (one least-squares half-step), so the comparison is about what each model
   learned of the products, not about who saw more recent data. The active model was
   fitted the night before on data before *its* cutoff, one day earlier, so it has not
   seen the window either.
4. Drafting later folds every client's *current* row (hold-out window included) into the
   item factors of the active model, which is how drafts use the freshest signals
   without a second fit.

Hyperparameters come from ``ml.tuning.tune_als`` (validation on a temporal split of the
pre-cutoff data, never the hold-out window) when they are due: no tuned parameters yet,
a week since the last tuning, or the data grew by half. Otherwise the active model's
parameters are reused. Tuning fits ~44 models, so it runs on a sample of clients capped
at ``TUNE_MAX_EVENTS`` events.

Scoring (fold-in, top-k, hold-out metrics) is in ``pipeline.scoring``, artifacts in
``pipeline.artifacts``; the names callers used to import from here are re-exported
(``from ... import X as X``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommendations.ml.als import ALSModel, ALSParams, fit_als
from recommendations.ml.matrix import Interactions, interaction_matrix
from recommendations.ml.significance import PairedInterval, paired_bootstrap
from recommendations.ml.splits import Split, temporal_split
from recommendations.ml.tuning import tune_als
from recommendations.pipeline.artifacts import ArtifactError as ArtifactError
from recommendations.pipeline.artifacts import LoadedModel
from recommendations.pipeline.artifacts import load_artifact as load_artifact
from recommendations.pipeline.artifacts import save_artifact as save_artifact
from recommendations.pipeline.extract import CODE, IS_POSITIVE, WEIGHTS, SignalSet
from recommendations.pipeline.scoring import (
    Scorable,
    eval_users,
    judge_on_split,
    popularity_on_split,
)
from recommendations.pipeline.scoring import fold_in as fold_in
from recommendations.pipeline.scoring import scaled_item_factors as scaled_item_factors
from recommendations.pipeline.scoring import top_items as top_items

logger = logging.getLogger(__name__)

SEED = 42
HOLDOUT_DAYS = 14
MIN_HOLDOUT_EVENTS = 50
MIN_HOLDOUT_SHARE = 0.02
FALLBACK_HOLDOUT_QUANTILE = 0.9
EVAL_CLIENTS = 5000
TUNE_EVERY = dt.timedelta(days=7)
TUNE_GROWTH = 1.5
TUNE_MAX_EVENTS = 300_000
# The smallest signal that counts as "what she did next" in the hold-out truth (a bag
# addition); views and shares are too weak to judge a model on.
TRUTH_MIN_WEIGHT = float(WEIGHTS[CODE["cart"]])
# Stage-1 grid for tuning; None uses the library's (ml.tuning.COARSE_*). Tests shrink it.
TUNING_COARSE: list[ALSParams] | None = None


# --- Events and matrices ---------------------------------------------------------------


def positive_events(signals: SignalSet) -> Interactions:
    """The positive signals as library Interactions (ids are int64 pks)."""
    keep = IS_POSITIVE[signals.code]
    return Interactions(
        user_ids=signals.client[keep],
        item_ids=signals.product[keep],
        timestamps=signals.ts[keep],
        weights=WEIGHTS[signals.code[keep]],
    )


def holdout_cutoff(timestamps: np.ndarray, *, now: dt.datetime) -> tuple[int, str]:
    """Start of the hold-out window (unix seconds) and how it was chosen."""
    window = int((now - dt.timedelta(days=HOLDOUT_DAYS)).timestamp())
    if len(timestamps) == 0:
        return window, "empty"
    after = int((timestamps >= window).sum())
    if after >= MIN_HOLDOUT_EVENTS and after >= MIN_HOLDOUT_SHARE * len(timestamps):
        return window, f"last {HOLDOUT_DAYS} days"
    # A young or quiet house: hold out the most recent tenth of its events instead.
    cutoff = int(np.quantile(timestamps, FALLBACK_HOLDOUT_QUANTILE))
    return max(cutoff, int(timestamps.min()) + 1), "most recent 10% of events"


def holdout_split(events: Interactions, cutoff: int) -> Split | None:
    """Train on everything before the cutoff; truth = strong signals on/after it."""
    before = events.timestamps < cutoff
    if not before.any():
        return None
    strong = events.weights >= TRUTH_MIN_WEIGHT
    return temporal_split(events.subset(before | strong), cutoff=cutoff)


# --- Hyperparameters --------------------------------------------------------------------


def tuning_due(previous: dict[str, Any] | None, *, n_events: int, now: dt.datetime) -> str | None:
    """Why the parameters should be tuned tonight, or None to reuse the active model's."""
    if not previous or not previous.get("tuned_at"):
        return "no tuned parameters yet"
    try:
        tuned_at = dt.datetime.fromisoformat(str(previous["tuned_at"]))
    except ValueError:
        return "the last tuning date is unreadable"
    if now - tuned_at >= TUNE_EVERY:
        return "weekly re-tuning"
    tuned_on = int(previous.get("tuned_on_events") or 0)
    if tuned_on and n_events >= TUNE_GROWTH * tuned_on:
        return f"the data grew from {tuned_on} to {n_events} signals"
    return None


def _sample_clients(events: Interactions, max_events: int, seed: int) -> Interactions:
    if len(events) <= max_events:
        return events
    clients, counts = np.unique(events.user_ids, return_counts=True)
    order = np.random.default_rng(seed).permutation(len(clients))
    take = order[np.cumsum(counts[order]) <= max_events]
    return events.subset(np.isin(events.user_ids, clients[take]))


def tune(events: Interactions, *, k: int, seed: int = SEED) -> tuple[ALSParams, dict[str, Any]]:
    """Validation-chosen params on (a client sample of) the pre-cutoff events."""
    sample = _sample_clients(events, TUNE_MAX_EVENTS, seed)
    result = tune_als(sample, strategy="temporal", k=k, seed=seed, coarse=TUNING_COARSE)
    info = {
        "validation_ndcg": round(result.validation_ndcg, 4),
        "fits": result.fits,
        "seconds": round(result.seconds, 2),
        "events": len(sample),
        "sampled": len(sample) < len(events),
        "top": result.summary(top=3)["top"],
    }
    return result.best, info


# --- Judging and promotion ----------------------------------------------------------------


def should_promote(
    new: dict[str, Any] | None,
    active: dict[str, Any] | None,
    *,
    has_active: bool,
    interval: PairedInterval | None = None,
) -> tuple[bool, str]:
    """The promotion rule: the first model always; later ones only when better beyond noise.

    "Beyond noise": the paired bootstrap's 95% interval of the per-client nDCG difference
    (candidate - active, same clients, same window) lies wholly above zero.
    """
    if not has_active:
        return True, "first model: nothing active to beat"
    if new is None:
        return False, "no hold-out window the active model has not trained on"
    if active is None:
        return True, "the active model could not be scored"
    new_ndcg, old_ndcg = float(new.get("ndcg", 0.0)), float(active.get("ndcg", 0.0))
    if interval is None or interval.clients == 0:
        return False, "no client to compare the two models on"
    band = (
        f"nDCG {new_ndcg:.4f} vs the active model's {old_ndcg:.4f}, difference "
        f"{interval.mean_difference:+.4f}, {interval.confidence:.0%} interval "
        f"[{interval.low:+.4f}, {interval.high:+.4f}] over {interval.clients} clients"
    )
    if interval.wins:
        return True, f"{band}: better beyond noise"
    return False, f"{band}: not better beyond noise"


# --- The nightly run ----------------------------------------------------------------------


@dataclass
class TrainingOutcome:
    model: ALSModel
    user_ids: np.ndarray
    item_ids: np.ndarray
    params: ALSParams
    metrics: dict[str, Any] | None
    active_metrics: dict[str, Any] | None
    baseline: dict[str, Any] | None
    counts: dict[str, Any]
    tuning: dict[str, Any]
    promote: bool
    promote_reason: str
    stages: dict[str, float] = field(default_factory=dict)
    fit_seconds: float = 0.0
    interval: PairedInterval | None = None


@dataclass(frozen=True)
class TrainingData:
    """What tonight's model is fitted on, and the hold-out split it is judged on."""

    events: Interactions  # every consented positive event
    cutoff: int  # start of the hold-out window (unix seconds)
    cutoff_rule: str
    split: Split | None  # None when every event is recent: train on all, judge nothing
    matrix: sp.csr_matrix  # the training matrix: pre-cutoff events, or all of them
    user_ids: np.ndarray
    item_ids: np.ndarray
    pre_cutoff: Interactions  # the events tuning may look at


def training_data(
    signals: SignalSet, *, now: dt.datetime, not_before: int | None = None
) -> TrainingData:
    """Tonight's training matrix and hold-out split.

    ``not_before`` is where the active model's training data ended (unix seconds): the
    hold-out window never starts earlier, so the candidate is never judged on events the
    active model trained on (the fallback cut-off of a young or quiet house could
    otherwise reach back into them). When that leaves no window, nothing is judged and
    no model is replaced.
    """
    events = positive_events(signals)
    if len(events) == 0:
        raise ValueError("no consented positive signal to train on")
    cutoff, cutoff_rule = holdout_cutoff(events.timestamps, now=now)
    if not_before is not None and not_before > cutoff:
        cutoff = int(not_before)
        cutoff_rule += ", moved to where the active model's training data ends"
    split = holdout_split(events, cutoff)
    if split is None:  # every event is recent: train on all of it, judge nothing
        everything = interaction_matrix(events)
        return TrainingData(
            events=events,
            cutoff=cutoff,
            cutoff_rule=cutoff_rule,
            split=None,
            matrix=everything.csr,
            user_ids=everything.user_ids,
            item_ids=everything.item_ids,
            pre_cutoff=events,
        )
    return TrainingData(
        events=events,
        cutoff=cutoff,
        cutoff_rule=cutoff_rule,
        split=split,
        matrix=split.train.csr,
        user_ids=split.train.user_ids,
        item_ids=split.train.item_ids,
        pre_cutoff=split.train_events,
    )


def choose_params(
    data: TrainingData,
    *,
    now: dt.datetime,
    k: int,
    active: LoadedModel | None,
    params: ALSParams | None,
    tune_params: bool | None,
    seed: int,
) -> tuple[ALSParams, dict[str, Any]]:
    """Tonight's hyperparameters and the tuning record: given, tuned, reused or default."""
    if params is not None:
        return params, {"source": "given"}
    previous = (active.tuning if active is not None else None) or None
    due = tuning_due(previous, n_events=len(data.events), now=now)
    if tune_params is True:
        due = "requested"
    elif tune_params is False:
        due = None
    if due is not None:
        tuned, info = tune(data.pre_cutoff, k=k, seed=seed)
        return tuned, {
            "source": "tuned",
            "reason": due,
            "tuned_at": now.isoformat(),
            "tuned_on_events": len(data.events),
            **info,
        }
    if active is not None:
        return active.model.params, {
            **(previous or {}),
            "source": "reused",
            "from_model": active.version_id,
        }
    return ALSParams(), {"source": "default"}


@dataclass(frozen=True)
class Judgement:
    """The new model's hold-out metrics, the active one's and most-popular's, and the verdict."""

    metrics: dict[str, Any] | None
    active_metrics: dict[str, Any] | None
    baseline: dict[str, Any] | None
    promote: bool
    reason: str
    interval: PairedInterval | None = None


def judge(
    data: TrainingData,
    model: ALSModel,
    *,
    k: int,
    active: LoadedModel | None,
    has_active: bool,
    seed: int,
) -> Judgement:
    """Score the new and the active model on the same window and clients; apply the rule."""
    split = data.split
    metrics = active_metrics = baseline = None
    interval: PairedInterval | None = None
    if split is not None and len(split.eval_users):
        users = eval_users(split, max_users=EVAL_CLIENTS, seed=seed)
        new_score = judge_on_split(split, Scorable(model, data.item_ids), users, k=k)
        metrics = new_score.metrics
        baseline = popularity_on_split(split, users, k=k)
        if active is not None:
            try:
                old_score = judge_on_split(
                    split, Scorable(active.model, active.item_ids), users, k=k
                )
            except Exception:  # a broken artifact must not block a healthy new model
                logger.exception("could not score the active model %s", active.version_id)
            else:
                active_metrics = old_score.metrics
                interval = paired_bootstrap(
                    new_score.per_client_ndcg, old_score.per_client_ndcg, seed=seed
                )
    if has_active and active is None:
        promote, reason = True, "the active model's artifact could not be loaded"
    else:
        promote, reason = should_promote(
            metrics, active_metrics, has_active=has_active, interval=interval
        )
    return Judgement(metrics, active_metrics, baseline, promote, reason, interval)


def trained_until(data: TrainingData) -> int:
    """Unix seconds: every event this model was fitted on is strictly earlier."""
    if data.split is not None:
        return int(data.cutoff)
    return int(data.events.timestamps.max()) + 1


def _counts(signals: SignalSet, data: TrainingData) -> dict[str, Any]:
    events, matrix = data.events, data.matrix
    return {
        **signals.counts(),
        "positive_events": len(events),
        "clients": len(np.unique(events.user_ids)),
        "products": len(np.unique(events.item_ids)),
        "train_clients": int(matrix.shape[0]),
        "train_products": int(matrix.shape[1]),
        "train_nnz": int(matrix.nnz),
        "holdout_cutoff": dt.datetime.fromtimestamp(data.cutoff, tz=dt.UTC).isoformat(),
        "holdout_rule": data.cutoff_rule,
        "trained_until": trained_until(data),
        "holdout": dict(data.split.info) if data.split is not None else {},
    }


def run_training(
    signals: SignalSet,
    *,
    now: dt.datetime,
    k: int,
    active: LoadedModel | None,
    has_active: bool,
    params: ALSParams | None = None,
    tune_params: bool | None = None,
    seed: int = SEED,
    active_trained_until: int | None = None,
) -> TrainingOutcome:
    """Fit tonight's model and judge it against the active one (no database access)."""
    stages: dict[str, float] = {}
    t = time.perf_counter()
    data = training_data(signals, now=now, not_before=active_trained_until)
    stages["matrix"] = time.perf_counter() - t

    t = time.perf_counter()
    params, tuning = choose_params(
        data, now=now, k=k, active=active, params=params, tune_params=tune_params, seed=seed
    )
    stages["tuning"] = time.perf_counter() - t

    t = time.perf_counter()
    model = fit_als(data.matrix, params=params, random_state=seed)
    fit_seconds = time.perf_counter() - t
    stages["fit"] = fit_seconds

    t = time.perf_counter()
    judgement = judge(data, model, k=k, active=active, has_active=has_active, seed=seed)
    stages["evaluate"] = time.perf_counter() - t

    return TrainingOutcome(
        model=model,
        user_ids=np.asarray(data.user_ids, dtype=np.int64),
        item_ids=np.asarray(data.item_ids, dtype=np.int64),
        params=params,
        metrics=judgement.metrics,
        active_metrics=judgement.active_metrics,
        baseline=judgement.baseline,
        counts=_counts(signals, data),
        tuning=tuning,
        promote=judgement.promote,
        promote_reason=judgement.reason,
        stages=stages,
        fit_seconds=fit_seconds,
        interval=judgement.interval,
    )
