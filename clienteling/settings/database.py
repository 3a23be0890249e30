"""The default database: a SQLite file (the embedded default) or PostgreSQL via DATABASE_URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured


def database(env: environ.Env, url: str, var_dir: Path) -> dict[str, Any]:
    if not url:
        # The embedded default lives in var/ (git-ignored): a fresh clone has no var/ yet.
        var_dir.mkdir(exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": var_dir / "atelier.sqlite3",
            "OPTIONS": {
                # WAL lets the dev server read while a task writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    db: dict[str, Any] = env.db_url_config(url)
    if db["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must be postgres:// or sqlite://, not {db['ENGINE']!r}"
        )
    if db["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI each request runs in a thread of its own (Django's ASGIHandler gives
        # every request its own thread-sensitive context), so a persistent connection per
        # thread is never reused: under load they piled up to max_connections ("too many
        # clients", 503s). Web processes borrow from a pool instead: DATABASE_POOL is its
        # size per process (the Procfile sets it); workers and commands keep persistent
        # connections.
        pool = env.int("DATABASE_POOL", default=0)
        db["CONN_MAX_AGE"] = 0 if pool else env.int("DATABASE_CONN_MAX_AGE", default=60)
        # Checked before each use; with a pool, Django asks the pool to check each
        # connection it lends (a database restart leaves none broken).
        db["CONN_HEALTH_CHECKS"] = True
        # Parameters bound by the server, and a statement run PREPARE_THRESHOLD times on a
        # connection prepared there: PostgreSQL plans it once, not on every page (the
        # review queue's query spent 1.0 ms planning for 1.5 ms running). Connections
        # live on (pool or CONN_MAX_AGE), so do their prepared statements. A negative
        # DATABASE_PREPARE_THRESHOLD turns both off (e.g. behind PgBouncer in transaction
        # mode, which cannot follow prepared statements).
        prepare = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
        if prepare >= 0:
            db.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=prepare)
        if pool:
            db.setdefault("OPTIONS", {})["pool"] = {
                "min_size": 1,
                "max_size": pool,
                "timeout": 10,  # then a clean 503, as when the database is down
            }
    return db
