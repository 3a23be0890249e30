"""core.heap: the web process's start-up heap frozen out of the collector's scans."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.signals import request_finished

from core import heap


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    """Leave the test process as it was: nothing frozen, no handler connected (importing
    clienteling.asgi, as the socket tests do, connects one)."""
    gc.unfreeze()
    request_finished.disconnect(dispatch_uid=heap._UID)
    yield
    gc.unfreeze()
    request_finished.disconnect(dispatch_uid=heap._UID)


def test_what_is_alive_is_frozen_and_garbage_is_not():
    class Node:
        pass

    garbage = Node()
    garbage.me = garbage  # a cycle nothing refers to: start-up's leftovers
    del garbage
    kept = [Node() for _ in range(100)]
    frozen = heap.freeze_startup_heap()
    assert frozen > len(kept)
    assert gc.get_freeze_count() > len(kept)
    # The collector no longer walks them: what is frozen is not among its objects.
    assert not any(obj is kept for obj in gc.get_objects())
    assert not any(type(obj) is Node for obj in gc.get_objects(generation=2))


def test_cycles_made_after_freezing_are_still_collected():
    heap.freeze_startup_heap()

    class Node:
        pass

    node = Node()
    node.me = node
    del node
    assert gc.collect() >= 1  # a request's garbage cycle is freed as before


@pytest.mark.django_db  # request_finished also closes old connections
def test_it_freezes_once_more_after_the_first_requests():
    with mock.patch.object(heap, "freeze_startup_heap") as freeze:
        heap.freeze_again_after(3)
        for _ in range(2):
            request_finished.send(sender=None)
        freeze.assert_not_called()
        request_finished.send(sender=None)
        freeze.assert_called_once_with()
        for _ in range(5):  # and never again: the handler is gone
            request_finished.send(sender=None)
        freeze.assert_called_once_with()
