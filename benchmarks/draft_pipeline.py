"""Benchmark: the nightly recommendation pipeline against bare implicit, on PostgreSQL.

    python benchmarks/draft_pipeline.py --clients 100000 --products 20000 --interactions 2000000

Stages, each in its own process so that peak RSS is the pipeline's alone:

1. setup: create and migrate the database (DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/atelier_bench), seed it with synthetic data (see
   bench_seed.py; reused when a previous run seeded the same sizes), clear drafts, models
   and artifacts, then train "last week's" model: hyperparameters tuned by validation and
   promoted, as the weekly run leaves it. Not timed.
2. pipeline (timed): exactly what the two nightly tasks do, ``model_train()`` then
   ``lookbooks_draft()``: extract the consented signals, fit, judge against the active
   model on the hold-out window, write the artifact, pick the clients who need a draft
   (every booked client the consent allows: none has one yet) and, of those, the ones
   their advisors can review (``RECOMMENDER_DRAFTS_PER_ADVISOR``, default 40 each, plus
   every styling request and near occasion; the rest are counted as ``deferred``), draft
   them with rules, diversity and explanations, and write drafts and items. Peak RSS is
   this process's ru_maxrss, taken before anything else runs in it.
3. bare (timed): implicit alone on the same data: the full consented matrix of positive
   signals with the same confidence weighting (computed before the clock starts), the
   same hyperparameters, ``fit`` then ``recommend`` top-N for every client in the matrix
   (N = draft size + alternates, what the pipeline keeps per client), BLAS at one thread
   and implicit on all cores, as in the pipeline.

Prints one JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atelier_bench"
ARTIFACTS = ROOT / "var" / "bench-models"
MATRIX = ROOT / "var" / "bench-matrix.npz"


def log(message: str) -> None:
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clienteling.settings.base")
    os.environ["MODEL_ARTIFACT_DIR"] = str(ARTIFACTS)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # no query log growing in memory
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- stages ---------------------------------------------------------------------------------


def stage_setup(args: argparse.Namespace) -> dict[str, Any]:
    _django(args.database_url)
    import bench_seed
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from clients.models import Client, Interaction
    from recommendations.ml.als import ALSParams
    from recommendations.models import ModelVersion
    from recommendations.pipeline.train import ArtifactError, tuning_due
    from recommendations.services import load_model_version, model_train

    call_command("migrate", verbosity=0, interactive=False)
    wanted = {
        "clients": args.clients,
        "products": args.products,
        "interactions": args.interactions,
        "stylists": args.stylists,
    }
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (spec jsonb)")
        cursor.execute("SELECT spec FROM bench_meta LIMIT 1")
        row = cursor.fetchone()
    spec = json.loads(row[0]) if row is not None and isinstance(row[0], str) else row and row[0]
    seeded = spec == wanted and Client.objects.count() == args.clients
    out: dict[str, Any] = {}
    if not seeded or args.reseed:
        log("seeding (this takes a few minutes)")
        tables = [
            m._meta.db_table
            for m in apps.get_models()
            if m._meta.managed
            and m._meta.app_label not in ("contenttypes", "auth", "sessions", "admin")
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            cursor.execute("DELETE FROM auth_user WHERE username LIKE 'bench-%%'")
            cursor.execute("TRUNCATE bench_meta")
        out["seed"] = bench_seed.seed(
            clients=args.clients,
            products=args.products,
            interactions=args.interactions,
            stylists=args.stylists,
            log=log,
        )
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_meta VALUES (%s::jsonb)", [json.dumps(wanted)])
    else:
        log("reusing the seeded database")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE recommendations_lookbookitem, recommendations_reviewevent, "
            "recommendations_lookbook RESTART IDENTITY CASCADE"
        )
    out["events_in_database"] = Interaction.objects.count()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Last week's model: kept from a previous run on the same data when it is still a
    # tuned, loadable model within its tuning week (tuning at this size takes ~15
    # minutes on a busy 2-core machine); otherwise trained now, with tuning.
    active = ModelVersion.objects.filter(is_active=True).first()
    keep = None
    if active is not None and seeded and not args.reseed and not args.params:
        try:
            loaded = load_model_version(active)
            if tuning_due(loaded.tuning, n_events=0, now=timezone.now()) is None:
                keep = active
        except ArtifactError:
            keep = None
    ModelVersion.objects.exclude(pk=keep.pk if keep else None).delete()
    for path in ARTIFACTS.glob("model-*"):
        if keep is None or not path.name.startswith(f"model-{keep.pk}."):
            path.unlink()
    if keep is not None:
        log(f"keeping last week's model #{keep.pk} (tuned {loaded.tuning.get('tuned_at')})")
        out["last_week_model"] = {
            "kept": keep.pk,
            "params": keep.params,
            "tuned_at": loaded.tuning.get("tuned_at"),
        }
        return out
    log("training last week's model (tuned, promoted)")
    started = time.perf_counter()
    params = ALSParams(**json.loads(args.params)) if args.params else None
    previous = model_train(tune=None if params is None else False, params=params)
    out["last_week_model"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "params": previous.params,
        "tuning": {
            k: v
            for k, v in (previous.metrics.get("tuning") or {}).items()
            if k in ("source", "fits", "seconds", "events", "sampled")
        },
    }
    return out


def stage_pipeline(args: argparse.Namespace) -> dict[str, Any]:
    _django(args.database_url)
    import numpy as np
    from django.conf import settings

    from consent.policy import Purpose
    from recommendations.ml.matrix import interaction_matrix
    from recommendations.pipeline.extract import extract_signals
    from recommendations.pipeline.train import positive_events
    from recommendations.services import lookbooks_draft, model_train

    started = time.perf_counter()
    version = model_train()
    trained = time.perf_counter()
    report = lookbooks_draft()
    finished = time.perf_counter()
    peak = peak_rss_mb()

    # Not timed: the same matrix for the bare run.
    matrix = interaction_matrix(positive_events(extract_signals(purpose=Purpose.MODEL_TRAINING)))
    np.savez(
        MATRIX,
        data=matrix.csr.data,
        indices=matrix.csr.indices,
        indptr=matrix.csr.indptr,
        shape=np.array(matrix.shape),
    )
    return {
        "pipeline_seconds": round(finished - started, 2),
        "peak_rss_mb": peak,
        "drafts_written": report.drafted,
        "clients_drafted": report.drafted,
        "items_written": report.items_written,
        "train_seconds": round(trained - started, 2),
        "draft_seconds": round(finished - trained, 2),
        "train_stages": version.metrics.get("stages"),
        "draft_stages": report.stages,
        "model": {
            "id": version.pk,
            "promoted": version.is_active,
            "promotion": version.metrics.get("promotion"),
            "holdout": version.metrics.get("holdout"),
            "active_holdout": (version.metrics.get("compared_with") or {}).get("holdout"),
            "popularity_holdout": (version.baseline_metrics or {}).get("popularity"),
            "params": version.params,
            "tuning_source": (version.metrics.get("tuning") or {}).get("source"),
        },
        "data": {
            k: version.data_counts.get(k)
            for k in (
                "positive_events",
                "train_clients",
                "train_products",
                "train_nnz",
                "holdout_rule",
            )
        },
        "drafting": {k: v for k, v in report.as_dict().items() if k not in ("stages",)},
        "matrix_shape": list(matrix.shape),
        "matrix_nnz": int(matrix.nnz),
        "n": 2 * int(settings.LOOKBOOK_DRAFT_SIZE),
    }


def stage_bare(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import scipy.sparse as sp
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    from recommendations.ml.als import ALSParams
    from recommendations.ml.matrix import confidence

    params = ALSParams.from_dict(json.loads(args.params))
    with np.load(MATRIX) as f:
        raw = sp.csr_matrix((f["data"], f["indices"], f["indptr"]), shape=tuple(f["shape"]))
    conf = confidence(raw, scheme=params.weighting, alpha=params.alpha)
    users = np.arange(conf.shape[0])
    with threadpool_limits(1, "blas"):
        started = time.perf_counter()
        model = AlternatingLeastSquares(
            factors=params.factors,
            regularization=params.regularization,
            alpha=1.0,
            iterations=params.iterations,
            dtype=np.float32,
            random_state=42,
            num_threads=0,
        )
        model.fit(conf, show_progress=False)
        fitted = time.perf_counter()
        model.recommend(users, conf, N=args.n, filter_already_liked_items=True)
        finished = time.perf_counter()
    return {
        "bare_implicit_seconds": round(finished - started, 2),
        "bare_fit_seconds": round(fitted - started, 2),
        "bare_recommend_seconds": round(finished - fitted, 2),
        "bare_peak_rss_mb": peak_rss_mb(),
    }


def _child(stage: str, args: argparse.Namespace, **extra: Any) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--stage",
        stage,
        "--database-url",
        args.database_url,
        "--clients",
        str(args.clients),
        "--products",
        str(args.products),
        "--interactions",
        str(args.interactions),
        "--stylists",
        str(args.stylists),
    ]
    if args.reseed:
        command.append("--reseed")
    for key, value in extra.items():
        command += [f"--{key}", str(value)]
    if args.params and "params" not in extra:
        command += ["--params", args.params]
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"stage {stage} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--interactions", type=int, default=2_000_000)
    parser.add_argument("--stylists", type=int, default=20)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reseed", action="store_true", help="Seed again even if seeded.")
    parser.add_argument("--params", default="", help="ALS params as JSON: skip the tuning.")
    parser.add_argument("--stage", choices=["all", "setup", "pipeline", "bare"], default="all")
    parser.add_argument("--n", type=int, default=24)
    args = parser.parse_args()

    if args.stage != "all":
        stage = {"setup": stage_setup, "pipeline": stage_pipeline, "bare": stage_bare}
        result = stage[args.stage](args)
        sys.stdout.write(json.dumps(result, default=str) + "\n")
        return

    ensure_database(args.database_url)
    wall = time.perf_counter()
    log("setup")
    setup = _child("setup", args)
    log("pipeline")
    pipeline = _child("pipeline", args)
    log("bare implicit")
    bare = _child(
        "bare",
        args,
        params=json.dumps(
            {k: v for k, v in pipeline["model"]["params"].items() if k != "random_state"}
        ),
        n=pipeline["n"],
    )
    ratio = pipeline["pipeline_seconds"] / bare["bare_implicit_seconds"]
    # The model's share of the pipeline (what bare implicit does, done our way): reading
    # the consented signals, the fit, the hold-out judging, the fold-in and the top-k of
    # candidates. The rest is per-draft work: rules, diversity, explanations, writes.
    stages = {**pipeline["draft_stages"]}
    model_work = pipeline["train_seconds"] + sum(
        stages.get(name, 0.0) for name in ("load_model", "extract", "prepare", "candidates_topk")
    )
    result = {
        "pipeline_seconds": pipeline["pipeline_seconds"],
        "bare_implicit_seconds": bare["bare_implicit_seconds"],
        "ratio": round(ratio, 3),
        "peak_rss_mb": pipeline["peak_rss_mb"],
        "drafts_written": pipeline["drafts_written"],
        "clients_drafted": pipeline["clients_drafted"],
        "targets_met": ratio <= 2.0 and pipeline["peak_rss_mb"] <= 1536,
        "model_work_seconds": round(model_work, 2),
        "model_work_ratio": round(model_work / bare["bare_implicit_seconds"], 3),
        "pipeline": {
            k: v
            for k, v in pipeline.items()
            if k
            not in ("pipeline_seconds", "peak_rss_mb", "drafts_written", "clients_drafted", "n")
        },
        "bare": bare,
        "setup": setup,
        "machine": {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
        "args": {
            "clients": args.clients,
            "products": args.products,
            "interactions": args.interactions,
            "stylists": args.stylists,
        },
        "wall_seconds": round(time.perf_counter() - wall, 1),
    }
    sys.stdout.write(json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
