"""Implicit-feedback ALS (implicit.als on CPU): fit, batch recommend, save/load artifacts.

Training always runs inside ``threadpoolctl.threadpool_limits(1, "blas")`` so OpenBLAS does
not oversubscribe the cores implicit's own threads use (this is also what keeps implicit's
BLAS warning quiet: it is never silenced with the warnings module). Factors are float32.

Confidence weighting is applied here from the raw summed weights (see
:func:`recommendations.ml.matrix.confidence`); implicit's own ``alpha`` stays 1. An optional
``popularity_penalty`` (beta) divides scores by ``popularity ** beta`` at recommend time,
a mild debiasing that validation may choose (beta = 0 switches it off).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares
from threadpoolctl import threadpool_limits

from .matrix import confidence
from .ranking import top_n

logger = logging.getLogger(__name__)

SMALL_NNZ = 20_000


@dataclass(frozen=True)
class ALSParams:
    """Everything that defines one ALS fit (plus the recommend-time popularity penalty)."""

    factors: int = 64
    regularization: float = 0.05
    alpha: float = 1.0
    iterations: int = 15
    weighting: str = "linear"
    popularity_penalty: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ALSParams:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def with_(self, **changes: Any) -> ALSParams:
        return replace(self, **changes)


@dataclass
class ALSModel:
    """A fitted implicit model, the params that produced it and training popularity."""

    model: AlternatingLeastSquares
    params: ALSParams
    item_popularity: np.ndarray

    @property
    def user_factors(self) -> np.ndarray:
        return np.asarray(self.model.user_factors)

    @property
    def item_factors(self) -> np.ndarray:
        return np.asarray(self.model.item_factors)

    def item_scale(self, penalty: float | None = None) -> np.ndarray | None:
        """Per-product score multiplier ``max(pop, 1) ** -beta`` (None when beta == 0)."""
        beta = self.params.popularity_penalty if penalty is None else penalty
        if beta == 0:
            return None
        return (np.maximum(self.item_popularity, 1.0) ** -beta).astype(np.float32)

    def score_users(
        self,
        user_rows: np.ndarray,
        *,
        user_factors: np.ndarray | None = None,
        penalty: float | None = None,
    ) -> np.ndarray:
        """(len(user_rows), n_items) float32 scores, popularity penalty applied."""
        factors = self.user_factors if user_factors is None else user_factors
        scores = factors[np.asarray(user_rows, dtype=np.int64)] @ self.item_factors.T
        scale = self.item_scale(penalty)
        if scale is not None:
            scores *= scale
        return np.asarray(scores, dtype=np.float32)


def fit_als(
    train: sp.csr_matrix,
    *,
    params: ALSParams | None = None,
    random_state: int = 42,
    num_threads: int = 0,
) -> ALSModel:
    """Fit ALS on a client x product matrix of raw summed weights (CPU, float32).

    ``num_threads=0`` means automatic: one thread for small matrices (fewer than
    ``SMALL_NNZ`` stored entries, where a thread team costs more than it saves and only
    suffers when the machine is busy), otherwise all cores.
    """
    params = params or ALSParams()
    if num_threads == 0 and train.nnz < SMALL_NNZ:
        num_threads = 1
    conf = confidence(train, scheme=params.weighting, alpha=params.alpha)
    started = time.perf_counter()
    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(
            factors=params.factors,
            regularization=params.regularization,
            alpha=1.0,
            dtype=np.float32,
            iterations=params.iterations,
            num_threads=num_threads,
            random_state=random_state,
        )
        model.fit(conf, show_progress=False)
    popularity = np.bincount(sp.csr_matrix(train).indices, minlength=train.shape[1])
    logger.debug(
        "ALS %s on %dx%d (%d nnz) in %.2fs",
        params,
        train.shape[0],
        train.shape[1],
        train.nnz,
        time.perf_counter() - started,
    )
    return ALSModel(model=model, params=params, item_popularity=popularity.astype(np.float64))


def recommend(
    model: ALSModel,
    user_items: sp.csr_matrix,
    user_rows: np.ndarray,
    *,
    n: int = 10,
    filter_already_liked_items: bool = True,
    exclude: sp.csr_matrix | None = None,
    filter_items: np.ndarray | None = None,
    candidates: sp.csr_matrix | np.ndarray | None = None,
    penalty: float | None = None,
    batch_size: int = 2048,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``n`` product indices and scores for many clients at once.

    ``user_items`` is the client x product matrix the model was trained on (its rows are
    what ``filter_already_liked_items`` removes). ``exclude`` adds per-client products to
    hide, ``filter_items`` hides products for everyone, ``candidates`` restricts to a bool
    product mask or a per-client CSR of allowed products. ``penalty`` overrides the model's
    popularity penalty (used by tuning to try several without refitting).
    """
    block: sp.csr_matrix | None = None
    if filter_already_liked_items:
        block = sp.csr_matrix(user_items)
    if exclude is not None:
        block = sp.csr_matrix(exclude) if block is None else (block + sp.csr_matrix(exclude))
    with threadpool_limits(1, "blas"):
        return top_n(
            lambda rows: model.score_users(rows, penalty=penalty),
            user_rows,
            n=n,
            exclude=block,
            filter_items=filter_items,
            candidates=candidates,
            batch_size=batch_size,
        )


def append_items(model: ALSModel, item_factors: np.ndarray) -> ALSModel:
    """A copy of ``model`` with extra products (e.g. content-predicted factors for new
    products) appended after the known ones; they get popularity 0 (penalty scale 1)."""
    extra = np.asarray(item_factors, dtype=np.float32).reshape(-1, model.params.factors)
    with threadpool_limits(1, "blas"):
        clone = AlternatingLeastSquares(
            factors=model.params.factors,
            regularization=model.params.regularization,
            alpha=1.0,
            dtype=np.float32,
            iterations=model.params.iterations,
        )
    clone.user_factors = model.user_factors.copy()
    clone.item_factors = np.vstack([model.item_factors, extra])
    popularity = np.concatenate([model.item_popularity, np.zeros(len(extra))])
    return ALSModel(model=clone, params=model.params, item_popularity=popularity)


def file_sha256(path: str | Path, *, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def _meta_path(path: Path) -> Path:
    return path.with_suffix(".json")


def save_model(model: ALSModel, path: str | Path, *, metadata: dict[str, Any] | None = None) -> str:
    """Write ``<path>.npz`` with implicit's ``model.save`` plus a ``<path>.json`` sidecar
    (params, training popularity, sha256 of the .npz, caller metadata such as id lists).
    Returns the sha256 of the .npz."""
    target = Path(path)
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    target.parent.mkdir(parents=True, exist_ok=True)
    model.model.save(str(target))
    checksum = file_sha256(target)
    meta = {
        "format": "atelier-als/1",
        "params": model.params.to_dict(),
        "sha256": checksum,
        "shape": [int(model.user_factors.shape[0]), int(model.item_factors.shape[0])],
        "item_popularity": [int(x) for x in model.item_popularity],
        "metadata": metadata or {},
    }
    _meta_path(target).write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
    return checksum


def load_model(
    path: str | Path, *, expected_sha256: str | None = None
) -> tuple[ALSModel, dict[str, Any]]:
    """Load what :func:`save_model` wrote; verifies the checksum (the given one, else the
    sidecar's). Returns ``(model, caller_metadata)``."""
    target = Path(path)
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    meta = json.loads(_meta_path(target).read_text(encoding="utf-8"))
    wanted = expected_sha256 or meta.get("sha256")
    actual = file_sha256(target)
    if wanted and actual != wanted:
        raise ValueError(f"checksum mismatch for {target}: expected {wanted}, got {actual}")
    with threadpool_limits(1, "blas"):
        loaded = AlternatingLeastSquares.load(str(target))
    model = ALSModel(
        model=loaded,
        params=ALSParams.from_dict(meta["params"]),
        item_popularity=np.asarray(meta["item_popularity"], dtype=np.float64),
    )
    return model, dict(meta.get("metadata", {}))
