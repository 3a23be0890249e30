"""Read ahead: a second thread reads and parses rows while the import loop writes.

The PostgreSQL fast path spends about half its time waiting for the database (COPY
into the lines table, then the foreign-key checks at each batch's commit) and the
other half reading and parsing the file in Python. `read_ahead` runs an iterator
(the records, parsed) in a thread of its own and hands its items over in chunks
through a bounded queue, so the file is parsed while the previous batch is
written: Python waiting on a socket releases the GIL. The loop sees the same items
in the same order, and any exception where the iterator raised it.

Pure Python (no Django): the thread never touches the database. At most `depth`
chunks of `chunk` items are ready ahead of the loop; leaving the `with` block (at the
end, on a limit, on an error) stops the thread and waits for it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

CHUNK = 1000  # items per hand-over (one queue operation each)
DEPTH = 64  # chunks ready at most: more than a fast-path batch (50,000 rows)
_POLL_SECONDS = 0.05  # how soon a blocked reader notices it is no longer wanted


class _End:
    """The iterator is exhausted (error None) or raised (error: what it raised)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


@contextmanager
def read_ahead(
    items: Iterable[T], *, chunk: int = CHUNK, depth: int = DEPTH
) -> Iterator[Iterator[T]]:
    """`items`, produced in a background thread; the thread ends with the block."""
    handover: queue.Queue[list[T] | _End] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()
    reader = threading.Thread(
        target=_produce,
        args=(items, handover, stop, max(1, chunk)),
        name="import-read-ahead",
        daemon=True,
    )
    reader.start()
    try:
        yield _consume(handover)
    finally:
        stop.set()
        while reader.is_alive():  # it may be waiting for room in the queue
            _drain(handover)
            reader.join(_POLL_SECONDS)


def _produce(
    items: Iterable[T], handover: queue.Queue[list[T] | _End], stop: threading.Event, chunk: int
) -> None:
    iterator = iter(items)
    pending: list[T] = []
    end = _End()
    try:
        for item in iterator:
            pending.append(item)
            if len(pending) >= chunk:
                if not _put(handover, pending, stop):
                    return
                pending = []
    except BaseException as exc:  # handed to the loop, raised there
        end = _End(exc)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()
    if not pending or _put(handover, pending, stop):
        _put(handover, end, stop)


def _put(handover: queue.Queue[Any], value: Any, stop: threading.Event) -> bool:
    """Hand `value` over; False if the loop stopped wanting items first."""
    while not stop.is_set():
        try:
            handover.put(value, timeout=_POLL_SECONDS)
            return True
        except queue.Full:
            continue
    return False


def _consume(handover: queue.Queue[list[T] | _End]) -> Iterator[T]:
    while True:
        got = handover.get()
        if isinstance(got, _End):
            if got.error is not None:
                raise got.error
            return
        yield from got


def _drain(handover: queue.Queue[Any]) -> None:
    try:
        while True:
            handover.get_nowait()
    except queue.Empty:
        return
