"""Pieces like this one, from the active model's item factors (cosine similarity).

The active ModelVersion's artifact is loaded once per process and version
(checksum verified by load_artifact), its item factors normalised; a piece
the model never saw, or no active model, gives no neighbours (the page then
simply shows none: no made-up similarity).
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from recommendations.models import ModelVersion
from recommendations.pipeline.artifacts import ArtifactError, load_artifact

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_cache: dict[tuple[int, str], tuple[dict[int, int], np.ndarray, np.ndarray]] = {}


def _factors() -> tuple[dict[int, int], np.ndarray, np.ndarray] | None:
    version = (
        ModelVersion.objects.filter(is_active=True)
        .only("pk", "artifact_path", "artifact_sha256")
        .order_by("-promoted_at", "-pk")
        .first()
    )
    if version is None or not version.artifact_path:
        return None
    key = (version.pk, version.artifact_sha256)
    with _lock:
        if key not in _cache:
            try:
                loaded = load_artifact(
                    version_id=version.pk,
                    artifact_path=version.artifact_path,
                    sha256=version.artifact_sha256,
                )
            except ArtifactError:
                logger.warning("Similar pieces: model %s unreadable", version.pk, exc_info=True)
                return None
            factors = np.asarray(loaded.model.item_factors, dtype=np.float32)
            norms = np.linalg.norm(factors, axis=1, keepdims=True)
            normalised = factors / np.where(norms == 0, 1, norms)
            rows = {int(pid): row for row, pid in enumerate(loaded.item_ids)}
            _cache.clear()  # one model at a time
            _cache[key] = (rows, normalised, loaded.item_ids)
        return _cache[key]


def similar_product_ids(product_id: int, *, limit: int = 24) -> list[int]:
    """Up to `limit` product ids most like this one, best first (one query, cached factors)."""
    found = _factors()
    if found is None:
        return []
    rows, normalised, item_ids = found
    row = rows.get(product_id)
    if row is None:
        return []
    scores = normalised @ normalised[row]
    scores[row] = -np.inf
    count = min(limit, len(scores) - 1)
    if count <= 0:
        return []
    best = np.argpartition(-scores, count - 1)[:count]
    best = best[np.argsort(-scores[best])]
    return [int(item_ids[i]) for i in best if np.isfinite(scores[i]) and scores[i] > 0]
