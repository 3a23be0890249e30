"""Exactly one beat, even when two are started by mistake.

`celery beat -S clienteling.beat.SingleBeatScheduler` (the Procfile does so).
Each beat process competes for a leader lock in Redis (SET NX with a short
expiry, refreshed on every tick); only the leader sends anything, the other
waits as a hot standby and takes over within LOCK_TTL seconds if the leader
dies. Each entry is also claimed per slot (entry name + the minute it fell
due) before it is sent, so even two leaders in a split second cannot send
the same slot twice. With no Redis reachable, nothing is sent and the tick
is retried: a missed tick is better than a doubled one.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

import redis
from celery.beat import PersistentScheduler, ScheduleEntry
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_KEY = "atelier:beat:leader"
SLOT_KEY = "atelier:beat:slot:{name}:{slot}"
LOCK_TTL = 30  # seconds; a dead leader is replaced within this
STANDBY_TICK = 5.0


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._identity = f"{socket.gethostname()}:{os.getpid()}"
        self._leader = False
        self._redis = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        super().__init__(*args, **kwargs)

    def _hold_lock(self) -> bool:
        try:
            if self._redis.set(LOCK_KEY, self._identity, nx=True, ex=LOCK_TTL):
                return True
            current = self._redis.get(LOCK_KEY)
            if isinstance(current, bytes):
                current = current.decode()
            if current == self._identity:
                self._redis.expire(LOCK_KEY, LOCK_TTL)
                return True
            return False
        except redis.RedisError as exc:
            logger.warning("beat: Redis unreachable (%s); sending nothing this tick", exc)
            return False

    def tick(self, *args: Any, **kwargs: Any) -> float:
        leader = self._hold_lock()
        if leader and not self._leader:
            logger.info("beat %s is the leader", self._identity)
            # Taking over: start each entry's clock now, as a freshly started beat
            # would, so slots the previous leader already sent are not sent again.
            now = self.app.now()
            for entry in self.schedule.values():
                entry.last_run_at = now
        elif not leader and self._leader:
            logger.warning("beat %s lost the leader lock; standing by", self._identity)
        self._leader = leader
        if not leader:
            return STANDBY_TICK
        return min(float(super().tick(*args, **kwargs)), LOCK_TTL / 3)

    def apply_entry(self, entry: ScheduleEntry, producer: Any = None) -> None:
        slot = self.app.now().strftime("%Y%m%d%H%M")
        key = SLOT_KEY.format(name=entry.name, slot=slot)
        try:
            claimed = self._redis.set(key, self._identity, nx=True, ex=24 * 3600)
        except redis.RedisError as exc:
            logger.warning("beat: cannot claim %s (%s); not sent", key, exc)
            return
        if not claimed:
            logger.warning("beat: %s for %s was already sent; skipped", entry.name, slot)
            return
        super().apply_entry(entry, producer=producer)
