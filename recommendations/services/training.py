"""Training a model version and promoting it: the services behind the nightly task and the admin.

``model_train`` claims the training lock (a ModelVersion row in status "training" whose
unique ``run_lock`` no second run can take), reads the consented signals, fits and
judges the model (recommendations.pipeline.train), writes the artifact with its sha256,
and promotes it when it beats the active model on the same hold-out window (or when no
model is active). A run that fails marks its row FAILED and releases the lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from consent.policy import Purpose
from recommendations.ml.als import ALSParams
from recommendations.models import ModelStatus, ModelVersion
from recommendations.pipeline.artifacts import (
    ArtifactError,
    LoadedModel,
    load_artifact,
    save_artifact,
)
from recommendations.pipeline.extract import extract_signals
from recommendations.pipeline.train import TrainingOutcome, run_training

logger = logging.getLogger(__name__)

LOCK = "train"
# A training run holding the lock longer than this died with its worker (the Celery
# hard time limit is one hour): its lock is released and its row marked failed.
LOCK_TIMEOUT = dt.timedelta(hours=2)


class TrainingInProgress(Exception):
    """Another training run holds the lock."""


def load_model_version(version: ModelVersion) -> LoadedModel:
    """The model behind a version, checksum verified (raises ArtifactError)."""
    return load_artifact(
        version_id=version.pk,
        artifact_path=version.artifact_path,
        sha256=version.artifact_sha256,
    )


def _claim(*, now: dt.datetime, triggered_by: Any) -> ModelVersion:
    ModelVersion.objects.filter(run_lock=LOCK, created_at__lt=now - LOCK_TIMEOUT).update(
        run_lock=None,
        status=ModelStatus.FAILED,
        finished_at=now,
        notes="Abandoned: the training run stopped without finishing.",
    )
    try:
        with transaction.atomic():
            version = ModelVersion(
                status=ModelStatus.TRAINING,
                run_lock=LOCK,
                triggered_by=triggered_by,
                algorithm="implicit.als",
            )
            version.full_clean(exclude=["run_lock"])
            version.save()
            return version
    except IntegrityError as exc:
        raise TrainingInProgress("Another training run is in progress.") from exc


@transaction.atomic
def model_promote(*, model_version: ModelVersion, reason: str = "") -> ModelVersion:
    """Make this version the active model (the previous one retires)."""
    now = timezone.now()
    # Row locks in primary-key order: the current active model and this one.
    list(
        ModelVersion.objects.select_for_update()
        .filter(
            pk__in=[
                model_version.pk,
                *ModelVersion.objects.filter(is_active=True).values_list("pk", flat=True),
            ]
        )
        .order_by("pk")
    )
    ModelVersion.objects.filter(is_active=True).exclude(pk=model_version.pk).update(
        is_active=False, status=ModelStatus.RETIRED
    )
    model_version.is_active = True
    model_version.status = ModelStatus.ACTIVE
    model_version.promoted_at = now
    if reason:
        model_version.notes = (model_version.notes + "\n" if model_version.notes else "") + (
            f"Promoted: {reason}."
        )
    model_version.save(update_fields=["is_active", "status", "promoted_at", "notes"])
    return model_version


def _active() -> tuple[ModelVersion | None, LoadedModel | None]:
    version = ModelVersion.objects.filter(is_active=True).first()
    if version is None:
        return None, None
    try:
        return version, load_model_version(version)
    except ArtifactError:
        logger.exception("the active model %s cannot be loaded", version.pk)
        return version, None


READY_FIELDS = [
    "status",
    "finished_at",
    "params",
    "data_counts",
    "metrics",
    "baseline_metrics",
    "training_seconds",
    "artifact_path",
    "artifact_sha256",
    "promotion_test",
    "run_lock",
    "notes",
]


def _metrics(outcome: TrainingOutcome, active_version: ModelVersion | None) -> dict[str, Any]:
    """What ModelVersion.metrics records: hold-out scores, the comparison, tuning, timings."""
    return {
        "k": settings.LOOKBOOK_DRAFT_SIZE,
        "holdout": outcome.metrics or {},
        "compared_with": {
            "model": active_version.pk if active_version else None,
            "holdout": outcome.active_metrics,
        },
        "promotion": outcome.promote_reason,
        "tuning": outcome.tuning,
        "stages": {name: round(s, 3) for name, s in outcome.stages.items()},
    }


def _promotion_test(outcome: TrainingOutcome, metrics: dict[str, Any]) -> dict[str, Any]:
    interval = outcome.interval.as_dict() if outcome.interval is not None else {}
    return {
        **interval,
        "against_model": metrics["compared_with"]["model"],
        "metric": f"ndcg@{metrics['k']}",
        "holdout_from": outcome.counts.get("holdout_cutoff"),
        "promoted": outcome.promote,
        "reason": outcome.promote_reason,
    }


def active_trained_until(version: ModelVersion | None) -> int | None:
    """Where the active model's training data ended (unix seconds), for a clean hold-out.

    Recorded by every run since the promotion test; for older versions, the hold-out
    cut-off when it had one, else its creation time (it trained on everything it had).
    """
    if version is None:
        return None
    counts = version.data_counts or {}
    if counts.get("trained_until") is not None:
        return int(counts["trained_until"])
    if counts.get("holdout") and counts.get("holdout_cutoff"):
        return int(dt.datetime.fromisoformat(counts["holdout_cutoff"]).timestamp())
    return int(version.created_at.timestamp())


@transaction.atomic
def _record_ready(
    version: ModelVersion,
    outcome: TrainingOutcome,
    *,
    metrics: dict[str, Any],
    artifact: tuple[str, str],
    started: float,
) -> None:
    """Mark the run READY with everything it found, release the lock, promote if it won."""
    version.status = ModelStatus.READY
    version.finished_at = timezone.now()
    version.params = {**outcome.params.to_dict(), "random_state": 42}
    version.data_counts = outcome.counts
    version.metrics = metrics
    version.baseline_metrics = {"popularity": outcome.baseline or {}}
    version.training_seconds = round(time.perf_counter() - started, 3)
    version.artifact_path, version.artifact_sha256 = artifact
    version.promotion_test = _promotion_test(outcome, metrics)
    version.run_lock = None
    version.notes = f"Not promoted: {outcome.promote_reason}." if not outcome.promote else ""
    version.save(update_fields=READY_FIELDS)
    if outcome.promote:
        model_promote(model_version=version, reason=outcome.promote_reason)


def _record_failure(version: ModelVersion, exc: BaseException, *, started: float) -> None:
    ModelVersion.objects.filter(pk=version.pk).update(
        status=ModelStatus.FAILED,
        run_lock=None,
        finished_at=timezone.now(),
        training_seconds=round(time.perf_counter() - started, 3),
        notes=f"Failed: {type(exc).__name__}: {exc}"[:2000],
    )


def model_train(
    *,
    triggered_by: Any = None,
    tune: bool | None = None,
    params: ALSParams | None = None,
    now: dt.datetime | None = None,
) -> ModelVersion:
    """Train, judge and maybe promote a new model version; raises TrainingInProgress.

    ``tune``: None lets the schedule decide (see pipeline.train.tuning_due), True forces
    a search, False reuses the active model's parameters. ``params`` fixes them outright.
    """
    now = now or timezone.now()
    version = _claim(now=now, triggered_by=triggered_by)
    started = time.perf_counter()
    try:
        active_version, active = _active()
        signals = extract_signals(purpose=Purpose.MODEL_TRAINING)
        outcome = run_training(
            signals,
            now=now,
            k=settings.LOOKBOOK_DRAFT_SIZE,
            active=active,
            has_active=active_version is not None,
            params=params,
            tune_params=tune,
            active_trained_until=active_trained_until(active_version),
        )
        artifact = save_artifact(outcome, version_id=version.pk)
        outcome.stages["extract"] = signals.read_seconds
        _record_ready(
            version,
            outcome,
            metrics=_metrics(outcome, active_version),
            artifact=artifact,
            started=started,
        )
        return version
    except BaseException as exc:
        _record_failure(version, exc, started=started)
        raise
