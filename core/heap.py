"""The web process's heap after start-up, kept out of the cyclic collector's way.

A web worker imports Django, every app, the ORM's models, the URL resolver, DRF,
Channels and the libraries they pull in: about 300,000 objects the cyclic garbage
collector tracks and never frees. Every full (oldest-generation) collection walks
all of them: measured in-process over the load scenario's pages (benchmarks/
render_profile.py, 380 requests), three full collections took 129, 169 and 236 ms, a
stall for every request waiting behind them, and collections of all generations took
about 7% of the requests' CPU.

`freeze_startup_heap` (CPython's gc.freeze, as Instagram's Django servers do) moves
what start-up made into a permanent generation the collector no longer scans; what
requests allocate is collected as before, so garbage cycles are still freed. Call it
once per process, after the application is loaded and before it serves (the ASGI
module does), and `freeze_again_after(WARM_REQUESTS)` once more when the first requests
have loaded what the process keeps: measured there, 6,700 objects are then tracked and
a full collection costs 4-6 ms. gunicorn forks its workers before they import the
application, so each freezes its own heap.

The price: an object frozen is never collected. Only what is alive is frozen (a
collection runs first), so what leaks is at most what was in flight at that moment,
once per process, if it later becomes cyclic garbage.
"""

from __future__ import annotations

import gc
import itertools
from typing import Any

_UID = "core.heap.freeze_again_after"
WARM_REQUESTS = 200  # requests after which a web process has loaded what it keeps


def freeze_startup_heap() -> int:
    """Collect what start-up left as garbage, then freeze the rest; how many are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def freeze_again_after(requests: int) -> None:
    """Freeze once more when the process has served `requests` requests.

    What the first requests load lazily (compiled templates, the URL resolver's
    patterns, translation catalogues, prepared querysets' state) lives as long as the
    process: frozen too, the oldest generation holds only what requests keep.
    """
    from django.core.signals import request_finished

    served = itertools.count(1)

    def on_finished(**kwargs: Any) -> None:
        if next(served) == requests:
            request_finished.disconnect(on_finished, dispatch_uid=_UID)
            freeze_startup_heap()

    request_finished.connect(on_finished, weak=False, dispatch_uid=_UID)
