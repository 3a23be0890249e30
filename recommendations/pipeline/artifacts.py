"""Model artifacts: ``model-<id>.npz`` and its JSON sidecar, written, and read back verified.

The sidecar's ``metadata.user_ids`` lists the client pk of every factor row and
``metadata.item_ids`` the product pk of every item row; the sha256 of the .npz is stored
on the ModelVersion and checked on every load, so a changed file is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings

from recommendations.ml.als import ALSModel, load_model, save_model

if TYPE_CHECKING:
    from recommendations.pipeline.train import TrainingOutcome


class ArtifactError(Exception):
    """A model artifact is missing, unreadable or fails its checksum."""


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
