"""The database settings: persistent connections by default, a pool in web processes.

Under ASGI every request runs in a thread of its own, so persistent per-thread connections
were never reused: under load they reached PostgreSQL's max_connections and pages
answered 503 ("too many clients"). The Procfile's web processes borrow from a pool."""

from __future__ import annotations

from pathlib import Path

import environ
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from clienteling.settings.database import database

ROOT = Path(__file__).resolve().parents[2]
URL = "postgres://postgres@127.0.0.1:5432/atelier"


def settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for name in ("DATABASE_POOL", "DATABASE_CONN_MAX_AGE", "DATABASE_PREPARE_THRESHOLD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return database(environ.Env(), URL, ROOT / "var")


def test_without_a_pool_connections_persist_and_are_checked(monkeypatch):
    db = settings_with(monkeypatch)
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (60, True)
    assert "pool" not in db.get("OPTIONS", {})


def test_statements_are_bound_and_prepared_by_the_server(monkeypatch):
    """PostgreSQL plans a page's repeated statements once per connection, not per request."""
    options = settings_with(monkeypatch)["OPTIONS"]
    assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 5)
    options = settings_with(monkeypatch, DATABASE_PREPARE_THRESHOLD="0", DATABASE_POOL="4")
    assert options["OPTIONS"]["prepare_threshold"] == 0
    assert options["OPTIONS"]["pool"]["max_size"] == 4


def test_prepared_statements_can_be_turned_off(monkeypatch):
    """Behind PgBouncer in transaction mode: client-side binding, nothing prepared."""
    db = settings_with(monkeypatch, DATABASE_PREPARE_THRESHOLD="-1")
    assert "server_side_binding" not in db.get("OPTIONS", {})
    assert "prepare_threshold" not in db.get("OPTIONS", {})


def test_a_pool_replaces_persistent_connections(monkeypatch):
    db = settings_with(monkeypatch, DATABASE_POOL="8", DATABASE_CONN_MAX_AGE="60")
    # Django refuses a pool with persistent connections; its checks make the pool check
    # each connection it lends.
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (0, True)
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}


def test_the_pool_library_is_installed():
    import psycopg_pool

    assert psycopg_pool.ConnectionPool


def test_the_web_processes_of_the_procfile_use_a_pool():
    web = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    assert "DATABASE_POOL=${WEB_DB_POOL:-8} gunicorn" in web


def test_sqlite_is_the_embedded_default_and_other_engines_are_refused(tmp_path):
    assert database(environ.Env(), "", tmp_path)["ENGINE"] == "django.db.backends.sqlite3"
    with pytest.raises(ImproperlyConfigured):
        database(environ.Env(), "mysql://root@127.0.0.1/atelier", tmp_path)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PG's")
def test_a_statement_run_often_is_prepared_on_the_server():
    if connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        pytest.skip("DATABASE_PREPARE_THRESHOLD turned prepared statements off")
    users = get_user_model().objects
    for _ in range(connection.settings_dict["OPTIONS"]["prepare_threshold"] + 2):
        list(users.filter(username="nobody", is_active=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "auth_user" WHERE%"auth_user"."username" = $1%'],
        )
        assert cursor.fetchone()[0] == 1
