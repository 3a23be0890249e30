"""Each pytest-xdist worker gets a Redis database and folders of its own (settings/parallel.py).

The suite's autouse fixture flushes the cache's whole Redis database before and after
each test, and model artifacts and private files are named by primary keys that every
worker's test database hands out again: shared, one worker would wipe or overwrite
another's.
"""

from __future__ import annotations

import pytest

from clienteling.settings.parallel import worker_number, worker_redis_url, worker_suffix


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch):
    def set_worker(name: str | None) -> None:
        if name is None:
            monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
        else:
            monkeypatch.setenv("PYTEST_XDIST_WORKER", name)

    return set_worker


def test_outside_a_parallel_run_nothing_changes(worker) -> None:
    worker(None)
    assert worker_number() is None
    assert worker_suffix() == ""
    assert worker_redis_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        ("gw0", "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("gw1", "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"),
        ("gw3", "redis://127.0.0.1:6379/4", "redis://127.0.0.1:6379/7"),
        ("gw2", "redis://127.0.0.1:6379", "redis://127.0.0.1:6379/2"),
        ("gw1", "redis://:secret@cache:6380/2", "redis://:secret@cache:6380/3"),
    ],
)
def test_each_worker_adds_its_number_to_the_url_s_database(worker, name, url, expected) -> None:
    worker(name)
    assert worker_redis_url(url) == expected


def test_two_workers_never_share_a_database_or_a_folder(worker) -> None:
    seen = set()
    for name in ("gw0", "gw1", "gw2", "gw3"):
        worker(name)
        seen.add((worker_redis_url("redis://127.0.0.1:6379/0"), worker_suffix()))
    assert len(seen) == 4


def test_a_worker_past_the_server_s_databases_is_refused_not_wrapped(worker) -> None:
    worker("gw4")
    with pytest.raises(ValueError, match="Redis database 16"):
        worker_redis_url("redis://127.0.0.1:6379/12")


def test_a_name_xdist_did_not_give_is_no_worker(worker) -> None:
    worker("main")
    assert worker_number() is None
    assert worker_redis_url("redis://127.0.0.1:6379/5") == "redis://127.0.0.1:6379/5"
