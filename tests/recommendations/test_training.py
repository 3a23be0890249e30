# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Training: model versions, promotion, artifacts and checksums, the lock, tuning, task, admin."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentTier
from recommendations.ml.als import ALSParams, file_sha256, load_model
from recommendations.ml.significance import paired_bootstrap
from recommendations.models import ModelStatus, ModelVersion
from recommendations.pipeline import train as train_module
from recommendations.pipeline.train import ArtifactError, should_promote, tuning_due
from recommendations.services import (
    TrainingInProgress,
    load_model_version,
    lookbooks_draft,
    model_promote,
    model_train,
)
from recommendations.tasks import train_recommender
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    TINY,
    artifacts,
    buy,
    client_with_tier,
    trained,
    world,
)

pytestmark = pytest.mark.django_db


# --- a model version ----------------------------------------------------------------------


def test_the_first_model_is_promoted_with_its_record_complete(trained, artifacts):
    version = trained
    assert version.status == ModelStatus.ACTIVE
    assert version.is_active
    assert version.promoted_at is not None
    assert version.run_lock is None
    assert version.params["factors"] == TINY.factors
    assert version.params["weighting"] == TINY.weighting
    assert version.data_counts["purchase"] > 0
    assert version.data_counts["train_nnz"] > 0
    assert version.training_seconds is not None
    assert version.training_seconds >= 0
    assert "ndcg" in version.metrics["holdout"]
    assert "ndcg" in version.baseline_metrics["popularity"]
    assert version.metrics["promotion"] == "first model: nothing active to beat"
    path = Path(artifacts) / version.artifact_path
    assert version.artifact_path == f"model-{version.pk}.npz"
    assert file_sha256(path) == version.artifact_sha256


def test_the_artifact_keeps_client_and_product_ids_next_to_the_factors(trained, artifacts):
    model, metadata = load_model(Path(artifacts) / trained.artifact_path)
    assert len(metadata["user_ids"]) == model.user_factors.shape[0]
    assert len(metadata["item_ids"]) == model.item_factors.shape[0]
    assert all(isinstance(u, str) for u in metadata["user_ids"])  # what privacy erasure reads


def test_an_essential_clients_events_never_reach_the_matrix(world, artifacts):
    essential = client_with_tier(world.cast, ConsentTier.ESSENTIAL)
    buy(essential, world.product("Tote 35"), world.product("Saddle bag"))

    version = model_train(params=TINY)

    _, metadata = load_model(Path(artifacts) / version.artifact_path)
    assert str(essential.pk) not in metadata["user_ids"]
    assert str(world.cast.client.pk) in metadata["user_ids"]


def test_a_second_model_that_is_no_better_is_kept_but_not_promoted(trained):
    second = model_train(params=TINY)  # same data, same seed: the same scores

    trained.refresh_from_db()
    assert trained.is_active
    assert second.status == ModelStatus.READY
    assert not second.is_active
    assert second.metrics["compared_with"]["model"] == trained.pk
    assert "not better beyond noise" in second.notes or "no hold-out window" in second.notes


def test_a_better_model_is_promoted_and_the_old_one_retires(trained, monkeypatch):
    monkeypatch.setattr(
        "recommendations.services.training.run_training",
        _with_promotion(train_module.run_training),
    )
    second = model_train(params=TINY)

    trained.refresh_from_db()
    assert second.is_active
    assert second.status == ModelStatus.ACTIVE
    assert not trained.is_active
    assert trained.status == ModelStatus.RETIRED
    assert ModelVersion.objects.filter(is_active=True).count() == 1


def _with_promotion(run):
    def wrapped(*args, **kwargs):
        outcome = run(*args, **kwargs)
        outcome.promote, outcome.promote_reason = True, "better on the hold-out"
        return outcome

    return wrapped


def test_the_promotion_rule():
    wins = paired_bootstrap(np.full(50, 0.3), np.full(50, 0.2))
    ties = paired_bootstrap(np.full(50, 0.2), np.full(50, 0.2))
    assert should_promote({"ndcg": 0.1}, None, has_active=False)[0]
    assert should_promote({"ndcg": 0.3}, {"ndcg": 0.2}, has_active=True, interval=wins)[0]
    assert not should_promote({"ndcg": 0.2}, {"ndcg": 0.2}, has_active=True, interval=ties)[0]
    # a higher mean without an interval is not enough any more
    assert not should_promote({"ndcg": 0.21}, {"ndcg": 0.2}, has_active=True)[0]
    assert not should_promote(None, {"ndcg": 0.2}, has_active=True)[0]
    assert should_promote({"ndcg": 0.0}, None, has_active=True)[0]  # active unscorable


def test_model_promote_by_hand(trained):
    second = model_train(params=TINY)
    model_promote(model_version=second, reason="rolled forward by hand")

    trained.refresh_from_db()
    second.refresh_from_db()
    assert second.is_active
    assert not trained.is_active
    assert "rolled forward by hand" in second.notes


# --- artifacts --------------------------------------------------------------------------


def test_a_tampered_artifact_is_refused(trained, artifacts):
    path = Path(artifacts) / trained.artifact_path
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["item_factors"] = arrays["item_factors"] * 2
    np.savez(path, **arrays)

    with pytest.raises(ArtifactError, match="checksum"):
        load_model_version(trained)
    with pytest.raises(ArtifactError):
        lookbooks_draft()


def test_a_missing_artifact_is_refused(trained, artifacts):
    (Path(artifacts) / trained.artifact_path).unlink()
    with pytest.raises(ArtifactError, match="missing"):
        load_model_version(trained)


def test_a_new_model_replaces_an_active_one_whose_artifact_is_broken(trained, artifacts):
    (Path(artifacts) / trained.artifact_path).write_bytes(b"not a model")

    second = model_train(params=TINY)

    assert second.is_active
    assert "could not be loaded" in second.metrics["promotion"]


# --- the lock -------------------------------------------------------------------------------


def test_a_second_run_cannot_start_while_one_holds_the_lock(world):
    ModelVersion.objects.create(status=ModelStatus.TRAINING, run_lock="train")

    with pytest.raises(TrainingInProgress):
        model_train(params=TINY)
    assert ModelVersion.objects.count() == 1


def test_a_lock_left_by_a_dead_run_is_released(world):
    dead = ModelVersion.objects.create(status=ModelStatus.TRAINING, run_lock="train")
    ModelVersion.objects.filter(pk=dead.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=3)
    )

    version = model_train(params=TINY)

    dead.refresh_from_db()
    assert dead.status == ModelStatus.FAILED
    assert dead.run_lock is None
    assert version.is_active


def test_a_failed_run_is_recorded_and_releases_the_lock(cast, artifacts):
    with pytest.raises(ValueError, match="no consented positive signal"):
        model_train(params=TINY)  # the cast alone has bought nothing

    failed = ModelVersion.objects.get()
    assert failed.status == ModelStatus.FAILED
    assert failed.run_lock is None
    assert "no consented positive signal" in failed.notes


# --- hyperparameters --------------------------------------------------------------------------


def test_when_tuning_is_due():
    now = timezone.now()
    recent = {"tuned_at": (now - dt.timedelta(days=2)).isoformat(), "tuned_on_events": 1000}
    assert tuning_due(None, n_events=10, now=now) == "no tuned parameters yet"
    assert tuning_due({"source": "given"}, n_events=10, now=now) == "no tuned parameters yet"
    assert tuning_due(recent, n_events=1200, now=now) is None
    assert "grew" in tuning_due(recent, n_events=1600, now=now)
    old = {**recent, "tuned_at": (now - dt.timedelta(days=8)).isoformat()}
    assert tuning_due(old, n_events=1000, now=now) == "weekly re-tuning"


def test_parameters_are_chosen_by_validation_then_reused(world, monkeypatch):
    monkeypatch.setattr(
        train_module,
        "TUNING_COARSE",
        [
            ALSParams(factors=4, regularization=r, iterations=4, weighting="linear")
            for r in (0.1, 10.0)
        ],
    )
    first = model_train()  # nothing tuned yet: the search runs
    assert first.metrics["tuning"]["source"] == "tuned"
    assert first.metrics["tuning"]["fits"] >= 2

    second = model_train()  # tuned an instant ago: the active model's parameters
    assert second.metrics["tuning"]["source"] == "reused"
    assert second.metrics["tuning"]["from_model"] == first.pk
    assert {k: v for k, v in second.params.items()} == first.params


# --- task, command, admin -------------------------------------------------------------------


def test_the_task_is_safe_to_run_twice(world, monkeypatch):
    monkeypatch.setattr(
        "recommendations.services.training.run_training",
        _fixed_params(train_module.run_training),
    )
    first = train_recommender.delay().get()
    second = train_recommender.delay().get()

    assert first["promoted"] is True
    assert second["promoted"] is False
    assert ModelVersion.objects.filter(is_active=True).count() == 1


def test_the_task_skips_while_another_run_trains(world):
    ModelVersion.objects.create(status=ModelStatus.TRAINING, run_lock="train")

    assert train_recommender.delay().get() == {"skipped": "another training run is in progress"}


def _fixed_params(run):
    def wrapped(*args, **kwargs):
        kwargs["params"] = TINY
        return run(*args, **kwargs)

    return wrapped


def test_the_command_trains_and_reports(world, monkeypatch):
    monkeypatch.setattr(
        "recommendations.services.training.run_training",
        _fixed_params(train_module.run_training),
    )
    out = io.StringIO()
    call_command("train_recommender", "--no-tune", stdout=out)

    text = out.getvalue()
    assert "Model #" in text
    assert "promoted: first model" in text
    assert ModelVersion.objects.get().is_active


def test_the_command_refuses_while_a_run_holds_the_lock(world):
    ModelVersion.objects.create(status=ModelStatus.TRAINING, run_lock="train")
    with pytest.raises(CommandError, match="in progress"):
        call_command("train_recommender", stdout=io.StringIO())


@pytest.fixture
def admin_http(db):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    http = HttpClient()
    http.force_login(user)
    from tests.factories.security import otp_verify

    otp_verify(http, user)
    return http, user


def test_the_admin_action_queues_a_training_run_on_commit(
    world, admin_http, django_capture_on_commit_callbacks, monkeypatch
):
    http, user = admin_http
    queued = []
    monkeypatch.setattr(train_recommender, "delay", lambda **kw: queued.append(kw))
    version = ModelVersion.objects.create(status=ModelStatus.READY)
    url = reverse("admin:recommendations_modelversion_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            url, {"action": "train_now", "_selected_action": [version.pk]}, follow=True
        )

    assert response.status_code == 200
    assert queued == [{"triggered_by_id": user.pk}]
    assert "Training of a new model is queued" in response.content.decode()


def test_the_admin_button_trains_from_an_empty_list(
    world, admin_http, django_capture_on_commit_callbacks, monkeypatch
):
    http, user = admin_http
    queued = []
    monkeypatch.setattr(train_recommender, "delay", lambda **kw: queued.append(kw))
    url = reverse("admin:recommendations_modelversion_train")

    assert (
        "Train a new model now"
        in http.get(reverse("admin:recommendations_modelversion_changelist")).content.decode()
    )
    assert http.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(url)

    assert response.status_code == 302
    assert queued == [{"triggered_by_id": user.pk}]


def test_staff_without_the_permission_cannot_train(world, monkeypatch):
    staff = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_modelversion"))
    http = HttpClient()
    http.force_login(staff)
    queued = []
    monkeypatch.setattr(train_recommender, "delay", lambda **kw: queued.append(kw))

    response = http.post(reverse("admin:recommendations_modelversion_train"))

    assert response.status_code in (302, 403)
    assert queued == []


def test_metrics_and_counts_are_plain_json(trained):
    json.dumps(trained.metrics)
    json.dumps(trained.data_counts)
    json.dumps(trained.params)
