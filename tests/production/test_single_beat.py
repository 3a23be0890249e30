"""Beat started twice by mistake: one leader sends, the other stands by; no slot twice."""

from __future__ import annotations

from typing import Any

import pytest
from celery.beat import ScheduleEntry

from clienteling import beat
from clienteling.celery import app


class FakeRedis:
    """The three commands the scheduler uses, shared like one Redis server."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def set(self, key: str, value: str, nx: bool = False, ex: int | None = None) -> bool:
        if nx and key in self.data:
            return False
        self.data[key] = value.encode()
        return True

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def expire(self, key: str, seconds: int) -> bool:
        return key in self.data


@pytest.fixture
def two_beats(monkeypatch: Any, tmp_path: Any) -> tuple[Any, Any, FakeRedis, list[str]]:
    server = FakeRedis()
    sent: list[str] = []
    monkeypatch.setattr(beat.redis.Redis, "from_url", staticmethod(lambda *a, **k: server))
    monkeypatch.setattr(
        beat.PersistentScheduler,
        "apply_entry",
        lambda self, entry, producer=None: sent.append(entry.name),
    )
    schedulers = []
    for n in (1, 2):
        scheduler = beat.SingleBeatScheduler(
            app=app, schedule_filename=str(tmp_path / f"beat{n}"), lazy=True
        )
        scheduler._identity = f"host:{n}"
        schedulers.append(scheduler)
    return schedulers[0], schedulers[1], server, sent


def test_only_one_of_two_beats_leads(two_beats: Any) -> None:
    first, second, server, _ = two_beats
    assert first._hold_lock() is True
    assert second._hold_lock() is False
    assert first._hold_lock() is True  # the leader keeps it
    assert server.get(beat.LOCK_KEY) == b"host:1"
    del server.data[beat.LOCK_KEY]  # the leader died; its lock expired
    assert second._hold_lock() is True
    assert first._hold_lock() is False


def test_a_slot_is_sent_once_even_by_two_leaders(two_beats: Any) -> None:
    first, second, _, sent = two_beats
    entry = ScheduleEntry(name="redeliver-queued-messages", task="x", app=app)
    first.apply_entry(entry)
    second.apply_entry(entry)  # same minute: already claimed
    assert sent == ["redeliver-queued-messages"]


def test_a_standby_sends_nothing(two_beats: Any, monkeypatch: Any) -> None:
    first, second, _, sent = two_beats
    assert first._hold_lock()
    monkeypatch.setattr(
        beat.PersistentScheduler, "tick", lambda self, *a, **k: pytest.fail("standby ticked")
    )
    assert second.tick() == beat.STANDBY_TICK
    assert sent == []
