"""Training: the matrix, when to tune, the one nightly fit, hold-out scoring and model artifacts.

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
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from implicit.cpu import _als
from implicit.cpu.topk import topk
from threadpoolctl import threadpool_limits

from recommendations.ml.als import ALSModel, ALSParams, fit_als, load_model, save_model
from recommendations.ml.baselines import recommend_popular
from recommendations.ml.matrix import Interactions, confidence, encode
from recommendations.ml.metrics import ranking_metrics
from recommendations.ml.splits import Split, temporal_split
from recommendations.ml.tuning import tune_als
from recommendations.pipeline.extract import CODE, IS_POSITIVE, WEIGHTS, SignalSet

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
SCORE_FLOOR = -1e30  # implicit's topk marks filtered slots with -FLT_MAX


class ArtifactError(Exception):
    """A model artifact is missing, unreadable or fails its checksum."""


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


# --- Scoring on the hold-out window ------------------------------------------------------


def fold_in(
    model: ALSModel,
    rows: sp.csr_matrix,
    *,
    start: np.ndarray | None = None,
    cg_steps: int = 3,
) -> np.ndarray:
    """Client vectors from confidence rows (in the model's item space): one half-step.

    Without ``start`` the least-squares problem is solved exactly (Cholesky, implicit's
    ``recalculate_user``). With ``start`` (the vectors the clients had at training time)
    a few conjugate-gradient steps move them to the solution for their current rows, as
    implicit's own fit does between iterations: far cheaper for tens of thousands of
    clients, and the same answer to within the fit's own tolerance.
    """
    rows = sp.csr_matrix(rows, dtype=np.float32)
    if rows.shape[0] == 0:
        return np.zeros((0, model.params.factors), dtype=np.float32)
    with threadpool_limits(1, "blas"):
        if start is None:
            factors = model.model.recalculate_user(np.arange(rows.shape[0]), rows)
            return np.asarray(factors, dtype=np.float32)
        factors = np.ascontiguousarray(start, dtype=np.float32).copy()
        _als.least_squares_cg(
            rows,
            factors,
            np.ascontiguousarray(model.item_factors, dtype=np.float32),
            float(model.model.regularization),
            num_threads=0,
            cg_steps=cg_steps,
        )
    return factors


def remap_columns(rows: sp.csr_matrix, codes: np.ndarray, n_columns: int) -> sp.csr_matrix:
    """Move each column c to codes[c]; columns with code -1 are dropped."""
    coo = sp.csr_matrix(rows).tocoo()
    target = codes[coo.col]
    keep = target >= 0
    out = sp.csr_matrix(
        (coo.data[keep], (coo.row[keep], target[keep])), shape=(rows.shape[0], n_columns)
    )
    out.sort_indices()
    return out


def scaled_item_factors(model: ALSModel, extra: np.ndarray | None = None) -> np.ndarray:
    """Item factors with the popularity penalty folded in (score = u . (s_i v_i))."""
    factors = model.item_factors
    scale = model.item_scale()
    if scale is not None:
        factors = factors * scale[:, None]
    if extra is not None and len(extra):
        factors = np.vstack([factors, extra])
    return np.ascontiguousarray(factors, dtype=np.float32)


def top_items(
    item_factors: np.ndarray,
    user_factors: np.ndarray,
    k: int,
    *,
    exclude: sp.csr_matrix | None = None,
    filter_items: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """implicit's threaded top-k; filtered or missing slots come back as id -1."""
    n_items = item_factors.shape[0]
    k = max(1, min(k, n_items))
    if len(user_factors) == 0 or n_items == 0:
        return np.full((len(user_factors), k), -1, np.int64), np.full(
            (len(user_factors), k), -np.inf, np.float32
        )
    with threadpool_limits(1, "blas"):
        ids, scores = topk(
            item_factors,
            np.ascontiguousarray(user_factors, dtype=np.float32),
            k,
            filter_query_items=None if exclude is None else sp.csr_matrix(exclude),
            filter_items=filter_items,
            num_threads=0,
        )
    ids = ids.astype(np.int64)
    bad = scores <= SCORE_FLOOR
    ids[bad] = -1
    scores = np.where(bad, -np.inf, scores).astype(np.float32)
    return ids, scores


@dataclass
class Scorable:
    """A model to be judged on a split: its item factors and product ids."""

    model: ALSModel
    item_ids: np.ndarray


def _eval_users(split: Split, *, max_users: int, seed: int) -> np.ndarray:
    users = split.eval_users
    if len(users) > max_users:
        rng = np.random.default_rng(seed)
        users = np.sort(rng.choice(users, size=max_users, replace=False))
    return users


def score_on_split(
    split: Split, scorable: Scorable, users: np.ndarray, *, k: int
) -> dict[str, float]:
    """nDCG/precision/recall/MAP/coverage@k of a model on the split's hold-out truth."""
    train = split.train.csr
    conf = confidence(
        train, scheme=scorable.model.params.weighting, alpha=scorable.model.params.alpha
    )
    codes, _ = encode(split.train.item_ids, scorable.item_ids)
    n_model = len(scorable.item_ids)
    rows = remap_columns(conf[users], codes, n_model)
    user_factors = fold_in(scorable.model, rows)
    ids, _ = top_items(scaled_item_factors(scorable.model), user_factors, k, exclude=rows)
    back = np.full(n_model, -1, dtype=np.int64)
    known = codes >= 0
    back[codes[known]] = np.flatnonzero(known)
    mapped = np.where(ids >= 0, back[np.maximum(ids, 0)], -1)
    metrics = ranking_metrics(mapped, split.test, k=k, users=users, n_items=train.shape[1])
    return {**metrics.as_dict(), "clients": int(metrics.users)}


def popularity_on_split(split: Split, users: np.ndarray, *, k: int) -> dict[str, float]:
    ids, _ = recommend_popular(split.train.csr, users, n=k)
    metrics = ranking_metrics(ids, split.test, k=k, users=users, n_items=split.train.shape[1])
    return {**metrics.as_dict(), "clients": int(metrics.users)}


def should_promote(
    new: dict[str, Any] | None, active: dict[str, Any] | None, *, has_active: bool
) -> tuple[bool, str]:
    """The promotion rule: the first model always; later ones only when strictly better."""
    if not has_active:
        return True, "first model: nothing active to beat"
    if new is None:
        return False, "no hold-out window to judge the new model on"
    if active is None:
        return True, "the active model could not be scored"
    new_ndcg, old_ndcg = float(new.get("ndcg", 0.0)), float(active.get("ndcg", 0.0))
    if new_ndcg > old_ndcg:
        return True, f"nDCG {new_ndcg:.4f} beats the active model's {old_ndcg:.4f}"
    return False, f"nDCG {new_ndcg:.4f} does not beat the active model's {old_ndcg:.4f}"


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
) -> TrainingOutcome:
    """Fit tonight's model and judge it against the active one (no database access)."""
    stages: dict[str, float] = {}
    t = time.perf_counter()
    events = positive_events(signals)
    if len(events) == 0:
        raise ValueError("no consented positive signal to train on")
    cutoff, cutoff_rule = holdout_cutoff(events.timestamps, now=now)
    split = holdout_split(events, cutoff)
    if split is None:  # every event is recent: train on all of it, judge nothing
        from recommendations.ml.matrix import interaction_matrix

        matrix = interaction_matrix(events)
        train_csr, user_ids, item_ids = matrix.csr, matrix.user_ids, matrix.item_ids
        pre_cutoff = events
    else:
        train_csr = split.train.csr
        user_ids, item_ids = split.train.user_ids, split.train.item_ids
        pre_cutoff = split.train_events
    stages["matrix"] = time.perf_counter() - t

    t = time.perf_counter()
    previous = (active.tuning if active is not None else None) or None
    if params is not None:
        tuning: dict[str, Any] = {"source": "given"}
    else:
        due = tuning_due(previous, n_events=len(events), now=now)
        if tune_params is True:
            due = "requested"
        elif tune_params is False:
            due = None
        if due is not None:
            params, info = tune(pre_cutoff, k=k, seed=seed)
            tuning = {
                "source": "tuned",
                "reason": due,
                "tuned_at": now.isoformat(),
                "tuned_on_events": len(events),
                **info,
            }
        elif active is not None:
            params = active.model.params
            tuning = {**(previous or {}), "source": "reused", "from_model": active.version_id}
        else:
            params = ALSParams()
            tuning = {"source": "default"}
    stages["tuning"] = time.perf_counter() - t

    t = time.perf_counter()
    model = fit_als(train_csr, params=params, random_state=seed)
    fit_seconds = time.perf_counter() - t
    stages["fit"] = fit_seconds

    t = time.perf_counter()
    metrics = active_metrics = baseline = None
    if split is not None and len(split.eval_users):
        users = _eval_users(split, max_users=EVAL_CLIENTS, seed=seed)
        metrics = score_on_split(split, Scorable(model, item_ids), users, k=k)
        baseline = popularity_on_split(split, users, k=k)
        if active is not None:
            try:
                active_metrics = score_on_split(
                    split, Scorable(active.model, active.item_ids), users, k=k
                )
            except Exception:  # a broken artifact must not block a healthy new model
                logger.exception("could not score the active model %s", active.version_id)
                active_metrics = None
    if has_active and active is None:
        promote, reason = True, "the active model's artifact could not be loaded"
    else:
        promote, reason = should_promote(metrics, active_metrics, has_active=has_active)
    stages["evaluate"] = time.perf_counter() - t

    counts = {
        **signals.counts(),
        "positive_events": len(events),
        "clients": len(np.unique(events.user_ids)),
        "products": len(np.unique(events.item_ids)),
        "train_clients": int(train_csr.shape[0]),
        "train_products": int(train_csr.shape[1]),
        "train_nnz": int(train_csr.nnz),
        "holdout_cutoff": dt.datetime.fromtimestamp(cutoff, tz=dt.UTC).isoformat(),
        "holdout_rule": cutoff_rule,
        "holdout": dict(split.info) if split is not None else {},
    }
    return TrainingOutcome(
        model=model,
        user_ids=np.asarray(user_ids, dtype=np.int64),
        item_ids=np.asarray(item_ids, dtype=np.int64),
        params=params,
        metrics=metrics,
        active_metrics=active_metrics,
        baseline=baseline,
        counts=counts,
        tuning=tuning,
        promote=promote,
        promote_reason=reason,
        stages=stages,
        fit_seconds=fit_seconds,
    )


# --- Artifacts ----------------------------------------------------------------------------


@dataclass
class LoadedModel:
    """A model read back from its artifact, with the ids that map its rows and columns."""

    version_id: int
    model: ALSModel
    user_ids: np.ndarray  # int64 client pk per row; -1 where erasure blanked the id
    item_ids: np.ndarray  # int64 product pk per column
    tuning: dict[str, Any] = field(default_factory=dict)


def artifact_dir() -> Path:
    return Path(settings.MODEL_ARTIFACT_DIR)


def artifact_file(artifact_path: str) -> Path:
    path = Path(artifact_path)
    if not path.is_absolute():
        path = artifact_dir() / path
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def save_artifact(
    outcome: TrainingOutcome, *, version_id: int, extra: dict[str, Any] | None = None
) -> tuple[str, str]:
    """Write ``model-<id>.npz`` + ``model-<id>.json``; returns (relative path, sha256).

    The JSON sidecar's ``metadata.user_ids`` lists the client pk (as a string) of every
    row of ``user_factors``, and ``metadata.item_ids`` the product pk of every row of
    ``item_factors``: recommendations.privacy.erase_client_factors finds a client's row
    there, zeroes it and blanks the id, and updates ModelVersion.artifact_sha256.
    """
    name = f"model-{version_id}.npz"
    checksum = save_model(
        outcome.model,
        artifact_dir() / name,
        metadata={
            "model_version": version_id,
            "user_ids": [str(int(u)) for u in outcome.user_ids],
            "item_ids": [int(i) for i in outcome.item_ids],
            "tuning": outcome.tuning,
            **(extra or {}),
        },
    )
    return name, checksum


def load_artifact(*, version_id: int, artifact_path: str, sha256: str) -> LoadedModel:
    """Read a model back, refusing it unless its sha256 matches the one recorded."""
    if not artifact_path or not sha256:
        raise ArtifactError(f"model {version_id} has no artifact or no recorded checksum")
    path = artifact_file(artifact_path)
    if not path.exists():
        raise ArtifactError(f"model {version_id}: {path.name} is missing")
    try:
        model, meta = load_model(path, expected_sha256=sha256)
    except (ValueError, OSError, KeyError) as exc:
        raise ArtifactError(f"model {version_id}: {exc}") from exc
    user_ids = np.array(
        [int(u) if str(u).strip() else -1 for u in meta.get("user_ids", [])], dtype=np.int64
    )
    item_ids = np.array([int(i) for i in meta.get("item_ids", [])], dtype=np.int64)
    if len(item_ids) != model.item_factors.shape[0]:
        raise ArtifactError(f"model {version_id}: item ids do not match the factors")
    return LoadedModel(
        version_id=version_id,
        model=model,
        user_ids=user_ids,
        item_ids=item_ids,
        tuning=dict(meta.get("tuning") or {}),
    )
