"""Bring up the production layout, load it with locust, print ONE JSON object.

    .venv/bin/python benchmarks/production_load.py [--users 16] [--duration 60]
        [--database-url postgres://postgres@127.0.0.1:5432/atelier_prod]
        [--redis-url redis://127.0.0.1:6379/12] [--port 8201] [--web-workers 2] [--warmup 15]

1. makes sure a template database (the run's database name + "_house") holds the
   demo house as `make demo` builds it (seed_demo --if-empty, train_recommender and
   draft_lookbooks when fewer than 20 are in review, score_clients, suggest_merges,
   demo_publish; --reseed builds it again), VACUUM ANALYZEd (the statistics and visibility
   autovacuum keeps on a house that has run a while, and no autovacuum of the fresh
   tables during the run), then copies it over the run's database: every run measures
   the same house. (Until 7 Dec 2026 runs reused one database: each run reviewed and
   published the first drafts of the queue and wrote to the same threads, so the next
   run drew fewer review actions and longer conversations.) --keep-database runs on the
   database as it is;
   empties the benchmark's own Redis database (never database 0): tasks a previous
   run left queued would otherwise run, against rows this database does not hold,
   while this one is timed;
2. starts `make serve` (honcho: gunicorn + uvicorn web workers, two Celery
   workers, one beat) on loopback with the plain baseline view switched on;
3. runs benchmarks/locustfile.py headless for --warmup seconds, untimed (the pool's
   connections, their prepared statements, the template and cache warm up), then
   again, bounded in users and time, and times that run (each request under its own
   name: a POST's redirect is fetched and timed as its page);
4. stops the layout and prints {"plain": {...}, "pages": {name: {p50_ms, p95_ms,
   rps, errors, ratio_p50}}, "users", "duration_s", "layout", "server"}, where ratio_p50
   is the page's p50 over the plain view's p50 in the same run, and "server" holds what
   the web processes logged of the timed run (core.observability's line per request),
   per "METHOD view name": requests, the p50 of the time each spent inside Django and of
   its thread's CPU, and that CPU over the plain view's ("bench_plain"). The CPU is the
   steadier figure: the latencies follow how busy the two cores are, the CPU follows the
   code.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The two demo logins are shared by every simulated user: lift their per-action limits.
BENCH_LIMITS = ",".join(
    f"{scope}=100000/h"
    for scope in (
        "login",
        "appointment_book",
        "styling_request",
        "client_message",
        "advisor_message",
        "lookbook_publish",
    )
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/atelier_prod")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--celery-workers", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=15, help="untimed seconds first")
    parser.add_argument(
        "--reseed",
        action="store_true",
        help="seed the house template again (after the demo house or its steps changed)",
    )
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="run on the database as it is, not on a fresh copy of the seeded house",
    )
    return parser.parse_args(argv)


def layout_env(args: argparse.Namespace, *, database_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url or args.database_url,
        REDIS_URL=args.redis_url,
        DJANGO_SETTINGS_MODULE="clienteling.settings.base",
        DJANGO_DEBUG="0",
        WEB_CONCURRENCY=str(args.web_workers),
        CELERY_CONCURRENCY=str(args.celery_workers),
        CELERY_LONG_CONCURRENCY="1",
        ATELIER_BENCH_PLAIN_VIEW="1",
        RATE_LIMITS_OVERRIDE=BENCH_LIMITS,
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        PORT=str(args.port),
        HOST="127.0.0.1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def ensure_house(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--if-empty")
    in_review = manage(
        env,
        "shell",
        "-c",
        "from recommendations.models import Lookbook; "
        "print(Lookbook.objects.filter(status__in=['draft', 'in_review']).count())",
    )
    if int(in_review.strip().splitlines()[-1] or 0) < 20:
        manage(env, "train_recommender")
        manage(env, "draft_lookbooks")
    # The rest of `make demo`'s house: client scores (Today's "whom to call"), merge
    # suggestions, and the demo client's published chapter (her lookbook and reactions
    # pages). Until 7 Dec 2026 the load ran without them: Today was lighter than the demo's,
    # and the client's lookbook was drawn only when a run happened to publish one of hers.
    manage(env, "score_clients")
    manage(env, "suggest_merges")
    manage(env, "demo_publish")
    # Fresh statistics, as autovacuum would have them on a house that has run a while:
    # right after seeding and drafting the planner guesses 4 drafts for 456 and picks
    # nested loops that cost the review queue ~200 ms a load.
    manage(
        env,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
    )


def wait_healthy(base: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"{base}/healthz never answered 200")


def forget_queued_tasks(redis_url: str) -> None:
    """Empty the benchmark's Redis database (a number other than 0 only)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    if client.connection_pool.connection_kwargs.get("db", 0) == 0:
        sys.stderr.write("Redis database 0 is left as it is: give the benchmark its own.\n")
        return
    client.flushdb()


def run_locust(args: argparse.Namespace, base: str, prefix: str, seconds: int) -> None:
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.users),
            "--run-time",
            f"{seconds}s",
            "--host",
            base,
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        check=False,
        capture_output=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def read_stats(prefix: str) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            name = row["Name"]
            entry = rows.setdefault(name, {"count": 0, "errors": 0})
            entry["count"] += int(row["Request Count"])
            entry["errors"] += int(row["Failure Count"])
            entry["p50_ms"] = float(row["50%"])
            entry["p95_ms"] = float(row["95%"])
            entry["rps"] = round(float(row["Requests/s"]), 2)
    return rows


def server_times(log_path: Path, start: int) -> dict[str, dict[str, Any]]:
    """Per "METHOD view", from the web processes' request lines after byte `start`."""
    times: dict[str, tuple[list[float], list[float]]] = {}
    with log_path.open("rb") as handle:
        handle.seek(start)
        for raw in handle:
            text = raw.decode("utf-8", "replace")
            brace = text.find("{")
            if brace < 0 or '"event": "request"' not in text:
                continue
            try:
                line = json.loads(text[brace:])
            except ValueError:  # a line cut at the start of the timed run
                continue
            if line.get("view") is None or line.get("cpu_ms") is None:
                continue
            durations, cpus = times.setdefault(f"{line['method']} {line['view']}", ([], []))
            durations.append(float(line["duration_ms"]))
            cpus.append(float(line["cpu_ms"]))
    plain = times.get("GET bench_plain")
    plain_cpu = statistics.median(plain[1]) if plain else None
    result: dict[str, dict[str, Any]] = {}
    for key, (durations, cpus) in sorted(times.items()):
        cpu = statistics.median(cpus)
        result[key] = {
            "requests": len(durations),
            "duration_p50_ms": round(statistics.median(durations), 1),
            "cpu_p50_ms": round(cpu, 1),
            "cpu_ratio_p50": round(cpu / plain_cpu, 2) if plain_cpu else None,
        }
    return result


def fresh_copy(args: argparse.Namespace) -> None:
    """The run's database, dropped and copied from the seeded house (created once)."""
    url = urlsplit(args.database_url)
    name = url.path.lstrip("/")
    house = f"{name}_house"
    with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as db:
        if args.reseed:
            db.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(house)))
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [house]).fetchone():
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(house)))
            ensure_house(layout_env(args, database_url=urlunsplit(url._replace(path=f"/{house}"))))
        db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        db.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(house)
            )
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = layout_env(args)
    if args.keep_database:
        ensure_house(env)
    else:
        fresh_copy(args)
        manage(env, "migrate", "--noinput")  # a house seeded before the newest migrations
    forget_queued_tasks(args.redis_url)
    base = f"http://127.0.0.1:{args.port}"
    work = Path(tempfile.mkdtemp(prefix="atelier-load-"))
    log = (work / "layout.log").open("w")
    layout = subprocess.Popen(
        ["make", "-o", ".venv/.installed", "serve", f"PORT={args.port}", "HOST=127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_healthy(base)
        if args.warmup > 0:
            run_locust(args, base, str(work / "warmup"), args.warmup)
        prefix = str(work / "locust")
        timed_from = (work / "layout.log").stat().st_size  # the warm-up's lines are before
        run_locust(args, base, prefix, args.duration)
        stats = read_stats(prefix)
    finally:
        os.killpg(layout.pid, signal.SIGTERM)
        try:
            layout.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(layout.pid, signal.SIGKILL)
        log.close()
    plain = stats.pop("plain")
    stats.pop("login", None)
    pages = {
        name: {
            "p50_ms": row["p50_ms"],
            "p95_ms": row["p95_ms"],
            "rps": row["rps"],
            "errors": row["errors"],
            "count": row["count"],
            "ratio_p50": round(row["p50_ms"] / plain["p50_ms"], 2) if plain["p50_ms"] else None,
        }
        for name, row in sorted(stats.items())
    }
    result = {
        "plain": {k: plain[k] for k in ("p50_ms", "p95_ms", "rps")} | {"errors": plain["errors"]},
        "pages": pages,
        "users": args.users,
        "duration_s": args.duration,
        "layout": {
            "server": "gunicorn + uvicorn_worker.UvicornWorker (Procfile, honcho)",
            "web_workers": args.web_workers,
            "celery_workers": {"default": args.celery_workers, "long": 1},
            "beat": 1,
            "database": "postgresql",
            "broker": "redis",
            "logs": str(work / "layout.log"),
        },
        "server": server_times(work / "layout.log", timed_from),
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
