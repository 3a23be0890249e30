"""Erasure reaches the recommendation model: the client's factor row leaves every artifact."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from django.conf import settings

from consent.services import privacy_erase
from recommendations.ml.als import ALSParams, file_sha256, fit_als, load_model, save_model
from recommendations.models import ModelVersion
from recommendations.privacy import erase_client_factors, erased_client_ids

pytestmark = pytest.mark.django_db


def _train(path: Path, user_ids: list[str], *, ids_in_metadata: bool = True) -> np.ndarray:
    matrix = sp.csr_matrix(np.array([[1, 0, 2, 0], [0, 3, 0, 1], [1, 1, 0, 0]], dtype=np.float32))
    model = fit_als(matrix, params=ALSParams(factors=4, iterations=2), num_threads=1)
    save_model(model, path, metadata={"user_ids": user_ids} if ids_in_metadata else {})
    return np.array(model.user_factors, copy=True)


@pytest.fixture
def artifact(cast):
    directory = Path(settings.MODEL_ARTIFACT_DIR)
    ids = [str(cast.other_client.pk), str(cast.client.pk), str(cast.milan_client.public_id)]
    before = _train(directory / "model-1", ids)
    version = ModelVersion.objects.create(
        status="active",
        is_active=True,
        artifact_path="model-1.npz",
        artifact_sha256=file_sha256(directory / "model-1.npz"),
    )
    return version, before


def test_erasure_zeroes_her_row_and_keeps_the_model_loadable(cast, artifact):
    version, before = artifact
    erasure = privacy_erase(client=cast.client, requested_by=cast.head_office.user)
    assert erasure.counts["model_factors"] == 1
    path = Path(settings.MODEL_ARTIFACT_DIR) / "model-1.npz"
    model, metadata = load_model(path)  # the sidecar checksum was updated with the file
    factors = model.user_factors
    assert not factors[1].any()
    np.testing.assert_allclose(factors[0], before[0])
    np.testing.assert_allclose(factors[2], before[2])
    assert metadata["user_ids"] == [str(cast.other_client.pk), "", str(cast.milan_client.public_id)]
    version.refresh_from_db()
    assert version.artifact_sha256 == file_sha256(path)


def test_public_ids_are_recognised_too(cast, artifact):
    assert erase_client_factors(cast.milan_client) == 1
    model, _ = load_model(Path(settings.MODEL_ARTIFACT_DIR) / "model-1.npz")
    assert not model.user_factors[2].any()


def test_a_client_outside_the_model_changes_no_file(cast, artifact):
    from tests.factories.clients import ClientFactory

    path = Path(settings.MODEL_ARTIFACT_DIR) / "model-1.npz"
    checksum = file_sha256(path)
    assert erase_client_factors(ClientFactory()) == 0
    assert file_sha256(path) == checksum


def test_ids_stored_inside_the_npz_are_handled(cast):
    directory = Path(settings.MODEL_ARTIFACT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "raw.npz"
    np.savez(
        path,
        user_factors=np.ones((2, 3), dtype=np.float32),
        item_factors=np.ones((4, 3), dtype=np.float32),
        user_ids=np.array([str(cast.client.pk), str(cast.other_client.pk)]),
    )
    ModelVersion.objects.create(status="ready", artifact_path=str(path))
    assert erase_client_factors(cast.client) == 1
    with np.load(path) as data:
        assert not data["user_factors"][0].any()
        assert data["user_factors"][1].all()
        assert data["user_ids"].tolist() == ["", str(cast.other_client.pk)]


def test_without_an_id_list_the_file_is_left_and_retraining_excludes_her(cast):
    directory = Path(settings.MODEL_ARTIFACT_DIR)
    _train(directory / "anonymous", [], ids_in_metadata=False)
    ModelVersion.objects.create(status="ready", artifact_path="anonymous.npz")
    checksum = file_sha256(directory / "anonymous.npz")
    privacy_erase(client=cast.client, requested_by=cast.head_office.user)
    assert file_sha256(directory / "anonymous.npz") == checksum
    assert cast.client.pk in {row["pk"] for row in erased_client_ids()}
    sidecar = json.loads((directory / "anonymous.json").read_text())
    assert sidecar["metadata"] == {}
