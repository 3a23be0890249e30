"""ALS hyperparameter choice by validation carved out of the training data only.

The validation split mirrors the evaluation protocol: for a temporal evaluation the last
``fraction`` of the training time span is held out (clients seen before it, products they
had not bought before); for a random evaluation each client holds out a seeded random
``fraction`` of their training products. The test data is never looked at.

Search (deterministic for a given seed, budgeted for a 2-core machine, coarse to fine):

1. coarse grid over weighting scheme x alpha x regularization (64 factors, 10 iterations);
2. around the best few: halve / double regularization and factors;
3. around the best: twice the iterations, and twice the factors if 128+ won.

Every fit is scored at several popularity penalties for free (rescoring only). The best
configuration is the one with the highest validation nDCG@k; its penalty is the largest one
whose nDCG is within ``coverage_tolerance`` (relative) of its best, trading a negligible
amount of accuracy for catalogue coverage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from .als import ALSParams, fit_als
from .matrix import Interactions
from .metrics import ranking_metrics
from .ranking import mask_rows, select_top
from .splits import Split, random_split, temporal_split

logger = logging.getLogger(__name__)

DEFAULT_PENALTIES: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3)
COARSE_SCHEMES: tuple[tuple[str, float], ...] = (
    ("binary", 0.0),
    ("binary", 1.0),
    ("binary", 4.0),
    ("linear", 0.5),
    ("linear", 2.0),
    ("log", 1.0),
    ("log", 4.0),
    ("bm25", 0.25),
    ("bm25", 0.5),
    ("bm25", 1.0),
)
COARSE_REGULARIZATION: tuple[float, ...] = (3.0, 10.0, 30.0)


@dataclass(frozen=True)
class TuningResult:
    best: ALSParams
    validation_ndcg: float
    table: list[dict[str, Any]]
    seconds: float
    validation_info: dict[str, int] = field(default_factory=dict)
    fits: int = 0

    def summary(self, *, top: int = 5) -> dict[str, Any]:
        """JSON-friendly digest: chosen params, score, fits, seconds and the top rows."""
        ranked = sorted(self.table, key=lambda r: -r["ndcg"])
        return {
            "split": self.validation_info,
            "ndcg": round(self.validation_ndcg, 4),
            "fits": self.fits,
            "seconds": round(self.seconds, 2),
            "top": ranked[:top],
        }


def validation_split(
    events: Interactions, *, strategy: str, fraction: float = 0.2, seed: int = 42
) -> Split:
    """Carve a validation split out of training events (never touches the test data)."""
    if strategy == "temporal":
        t0, t1 = int(events.timestamps.min()), int(events.timestamps.max())
        cutoff = t0 + round((1.0 - fraction) * (t1 - t0))
        if cutoff <= t0:
            cutoff = t0 + 1
        return temporal_split(events, cutoff=cutoff)
    if strategy == "random":
        return random_split(events, test_fraction=fraction, seed=seed + 1)
    raise ValueError(f"unknown split strategy {strategy!r}")


def score_params(
    split: Split,
    params: ALSParams,
    *,
    k: int,
    seed: int,
    penalties: Sequence[float] = DEFAULT_PENALTIES,
    users: np.ndarray | None = None,
    batch_size: int = 2048,
) -> list[dict[str, float]]:
    """Fit on ``split.train`` and return nDCG/coverage@k for each popularity penalty.

    Scores are computed once per client batch; each penalty is only a rescaling of them.
    """
    model = fit_als(split.train.csr, params=params, random_state=seed)
    users = split.eval_users if users is None else users
    ids = {p: np.empty((len(users), k), dtype=np.int64) for p in penalties}
    with threadpool_limits(1, "blas"):
        for start in range(0, len(users), batch_size):
            batch = users[start : start + batch_size]
            base = model.score_users(batch, penalty=0.0)
            mask_rows(base, split.train.csr, batch)
            for penalty in penalties:
                scale = model.item_scale(penalty)
                scores = base if scale is None else base * scale
                ids[penalty][start : start + len(batch)] = select_top(scores, k)[0]
    rows = []
    for penalty in penalties:
        m = ranking_metrics(
            ids[penalty], split.test, k=k, users=users, n_items=split.train.shape[1]
        )
        rows.append({"penalty": float(penalty), "ndcg": m.ndcg, "coverage": m.coverage})
    return rows


def _key(p: ALSParams) -> tuple[Any, ...]:
    return (p.weighting, p.alpha, p.regularization, p.factors, p.iterations)


def _choose_penalty(rows: list[dict[str, float]], tolerance: float) -> dict[str, float]:
    best = max(r["ndcg"] for r in rows)
    ok = [r for r in rows if r["ndcg"] >= (1.0 - tolerance) * best]
    return max(ok, key=lambda r: r["penalty"])


class _Search:
    """Every configuration fitted so far: its validation rows (one per penalty) and stage."""

    def __init__(
        self,
        split: Split,
        users: np.ndarray,
        *,
        k: int,
        seed: int,
        penalties: Sequence[float],
    ) -> None:
        self.split = split
        self.users = users
        self.k = k
        self.seed = seed
        self.penalties = penalties
        self.max_factors = max(4, min(split.train.shape))
        self.results: dict[tuple[Any, ...], tuple[ALSParams, list[dict[str, float]], int]] = {}

    def run(self, params: ALSParams, stage: int) -> None:
        """Fit and score ``params`` unless an equivalent configuration was already tried."""
        # more factors than clients or products only costs time
        params = params.with_(factors=min(params.factors, self.max_factors))
        if _key(params) in self.results:
            return
        t = time.perf_counter()
        rows = score_params(
            self.split,
            params,
            k=self.k,
            seed=self.seed,
            penalties=self.penalties,
            users=self.users,
        )
        self.results[_key(params)] = (params, rows, stage)
        logger.debug(
            "stage %d %s -> %.4f (%.1fs)",
            stage,
            params,
            max(r["ndcg"] for r in rows),
            time.perf_counter() - t,
        )

    def ranked(self) -> list[ALSParams]:
        """Configurations by best validation nDCG (any penalty), ties by their key."""
        return [
            p
            for p, _, _ in sorted(
                self.results.values(),
                key=lambda v: (-max(r["ndcg"] for r in v[1]), str(_key(v[0]))),
            )
        ]

    def table(self) -> list[dict[str, Any]]:
        """One row per (configuration, penalty) tried."""
        table = []
        for params, prow, stage in self.results.values():
            fixed = {
                name: value
                for name, value in params.to_dict().items()
                if name != "popularity_penalty"
            }
            for r in prow:
                table.append(
                    {
                        "stage": stage,
                        **fixed,
                        "popularity_penalty": r["penalty"],
                        "ndcg": round(r["ndcg"], 4),
                        "coverage": round(r["coverage"], 4),
                    }
                )
        return table


def _coarse_grid(coarse: Iterable[ALSParams] | None) -> list[ALSParams]:
    if coarse is not None:
        return list(coarse)
    return [
        ALSParams(factors=64, regularization=reg, alpha=alpha, weighting=scheme, iterations=10)
        for scheme, alpha in COARSE_SCHEMES
        for reg in COARSE_REGULARIZATION
    ]


def _search(search: _Search, coarse: Iterable[ALSParams] | None, refine_top: int) -> None:
    """Stages 1-3: the coarse grid, then around the best few, then around the best."""
    for params in _coarse_grid(coarse):
        search.run(params, 1)

    for params in search.ranked()[:refine_top]:
        for reg in (params.regularization / 2, params.regularization * 2):
            search.run(params.with_(regularization=reg), 2)
        for factors in (params.factors // 2, params.factors * 2):
            search.run(params.with_(factors=factors), 2)

    best = search.ranked()[0]
    search.run(best.with_(iterations=best.iterations * 2), 3)
    if best.factors >= 128:
        search.run(best.with_(factors=best.factors * 2), 3)


def tune_als(
    events: Interactions,
    *,
    strategy: str,
    k: int = 10,
    seed: int = 42,
    fraction: float = 0.2,
    penalties: Sequence[float] = DEFAULT_PENALTIES,
    coverage_tolerance: float = 0.01,
    coarse: Iterable[ALSParams] | None = None,
    refine_top: int = 3,
    max_validation_users: int = 2000,
) -> TuningResult:
    """Choose ALS params on a validation split of ``events`` (the training events).

    ``coarse`` overrides the stage-1 grid (stages 2-3 still refine around its winners).
    At most ``max_validation_users`` validation clients (a seeded sample) are scored.
    Returns the best params (popularity penalty included) and the full validation table.
    """
    started = time.perf_counter()
    split = validation_split(events, strategy=strategy, fraction=fraction, seed=seed)
    users = split.eval_users
    if len(users) == 0 or split.train.shape[1] < 2:
        logger.warning("validation split is empty; keeping default ALS parameters")
        return TuningResult(ALSParams(), 0.0, [], time.perf_counter() - started, split.info)
    if len(users) > max_validation_users:
        rng = np.random.default_rng(seed)
        users = np.sort(rng.choice(users, size=max_validation_users, replace=False))

    search = _Search(split, users, k=k, seed=seed, penalties=penalties)
    _search(search, coarse, refine_top)

    best = search.ranked()[0]
    chosen = _choose_penalty(search.results[_key(best)][1], coverage_tolerance)
    best = best.with_(popularity_penalty=chosen["penalty"])
    table = search.table()
    seconds = time.perf_counter() - started
    logger.info(
        "tuned ALS on %s validation (%d clients, %d fits, %.1fs): %s nDCG@%d %.4f",
        strategy,
        len(users),
        len(search.results),
        seconds,
        best.to_dict(),
        k,
        chosen["ndcg"],
    )
    return TuningResult(
        best=best,
        validation_ndcg=float(chosen["ndcg"]),
        table=table,
        seconds=seconds,
        validation_info=split.info,
        fits=len(search.results),
    )
