"""Seeded randomness for the demo house: one reproducible stream per phase.

Each phase draws from its own generator, seeded from (seed, phase name), so
that changing one phase (or the number of products) does not reshuffle the
others. UUIDs come from dedicated streams, drawn exactly once per row, so they
stay the same even when date-dependent choices differ from one day to the next.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import uuid
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


def stream(seed: int, phase: str) -> random.Random:
    """An independent generator for one phase (string seeds are hashed with SHA-512)."""
    return random.Random(f"maison-verlaine:{seed}:{phase}")


def uuid4_from(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the generator, not from the operating system."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


class Weighted(Generic[T]):
    """A fixed weighted choice, cumulative weights computed once (it runs in hot loops).

    Draws exactly one random() per pick, like random.choices, only faster.
    """

    __slots__ = ("_cumulative", "_last", "_options", "_total")

    def __init__(self, options: Sequence[T], weights: Sequence[float]) -> None:
        if len(options) != len(weights) or not options:
            raise ValueError("Weighted needs as many weights as options, and at least one.")
        self._options = list(options)
        self._cumulative = list(itertools.accumulate(weights))
        self._total = self._cumulative[-1]
        self._last = len(self._options) - 1

    def pick(self, rng: random.Random) -> T:
        index = bisect.bisect(self._cumulative, rng.random() * self._total, 0, self._last)
        return self._options[index]


def sample_upto(rng: random.Random, population: Sequence[T], k: int) -> list[T]:
    return rng.sample(list(population), min(k, len(population)))


def birthday(rng: random.Random, *, oldest: int = 1948, youngest: int = 2002) -> dt.date:
    """A plausible date of birth (years are inclusive)."""
    start = dt.date(oldest, 1, 1).toordinal()
    end = dt.date(youngest, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def allocate(total: int, shares: Sequence[float]) -> list[int]:
    """Split total by shares (largest remainder), at least one each when there is room."""
    floor = 1 if total >= len(shares) else 0
    rest = total - floor * len(shares)
    weight = sum(shares)
    raw = [rest * s / weight for s in shares]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - raw[i], i))
    for i in by_remainder[: rest - sum(counts)]:
        counts[i] += 1
    return [c + floor for c in counts]
