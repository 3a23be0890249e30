# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Similar pieces read the active model's real artifact (checksum-verified), not made-up factors."""

from __future__ import annotations

from typing import Any

import numpy as np

from recommendations.models import ModelVersion
from recommendations.pipeline.artifacts import load_artifact
from recommendations.selectors import similar
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    World,
    artifacts,
    trained,
    world,
)


def test_neighbours_follow_the_trained_item_factors(world: World, trained: Any) -> None:
    version = ModelVersion.objects.get(pk=trained.pk)
    version.is_active = True
    version.save(update_fields=["is_active"])
    loaded = load_artifact(
        version_id=version.pk, artifact_path=version.artifact_path, sha256=version.artifact_sha256
    )
    product_id = int(loaded.item_ids[0])
    ids = similar.similar_product_ids(product_id, limit=3)
    assert product_id not in ids
    assert 0 < len(ids) <= 3
    # best first: the same order as cosine similarity computed here from the artifact
    factors = np.asarray(loaded.model.item_factors, dtype=np.float64)
    unit = factors / np.linalg.norm(factors, axis=1, keepdims=True)
    rows = {int(pid): row for row, pid in enumerate(loaded.item_ids)}
    scores = [float(unit[rows[pid]] @ unit[0]) for pid in ids]
    assert scores == sorted(scores, reverse=True)
    # a checksum that no longer matches: no neighbours rather than a guess
    similar._cache.clear()
    ModelVersion.objects.filter(pk=version.pk).update(artifact_sha256="0" * 64)
    assert similar.similar_product_ids(product_id) == []
