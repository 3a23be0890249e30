"""Benchmark: event → refreshed draft, for a purchase, a love and a styling request.

    cp var/demo_engine.sqlite3 var/demo_refresh.sqlite3
    DATABASE_URL=sqlite:///var/demo_refresh.sqlite3 MODEL_ARTIFACT_DIR=var/demo-models \\
      .venv/bin/python benchmarks/refresh_latency.py [--events 60]

Prints ONE JSON object. Works on a copy of a drafted house (the demo house after
``make demo`` + ``train_recommender`` + ``draft_lookbooks``): it changes her drafts.

For each sampled client with an unreviewed machine draft, one event goes through the
app's own write path, in rotation: a love on a piece of her draft
(``clients.services.lookbook_reaction_set``), a styling request
(``stylists.services.styling_request_create``), a completed boutique purchase of a piece
of her draft (an Order saved in a transaction, as the till or the admin do). The clock
starts before the event's service is called and stops when her draft has been replaced:
the event's transaction commits, ``recommendations.tasks.refresh_client_draft`` is queued
on commit and runs (Celery in eager mode, i.e. in-process, as a worker would run it: the
broker's hop is not included), the draft is read back. The worker's model is warm after
the first refresh (``--cold`` reports the first one apart).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clienteling.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["REDIS_URL"] = ""  # eager Celery: the task runs in this process on commit
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 4)


def _event(kind: str, lookbook: Any) -> None:
    from django.db import transaction
    from django.utils import timezone

    from clients.models import Order, OrderLine
    from clients.services import lookbook_reaction_set
    from stylists.services.styling_requests import styling_request_create

    client = lookbook.client
    item = lookbook.items.select_related("product").first()
    if kind == "love":
        lookbook_reaction_set(
            client=client,
            product=item.product,
            lookbook_public_id=lookbook.public_id,
            item_id=item.pk,
            reaction="love",
        )
    elif kind == "styling_request":
        styling_request_create(client=client, message=f"Something for a trip #{item.pk}")
    else:
        with transaction.atomic():
            order = Order.objects.create(
                client=client,
                channel="online",
                placed_at=timezone.now(),
                total=item.product.price,
            )
            OrderLine.objects.create(
                order=order, product=item.product, quantity=1, unit_price=item.product.price
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    _setup()
    from recommendations.models import Lookbook, LookbookOrigin, LookbookStatus

    drafts = list(
        Lookbook.objects.filter(
            origin=LookbookOrigin.MODEL, status=LookbookStatus.DRAFT, events__isnull=True
        )
        .select_related("client")
        .order_by("pk")
    )
    random.Random(args.seed).shuffle(drafts)
    kinds = ["love", "styling_request", "purchase"]
    latencies: dict[str, list[float]] = {k: [] for k in kinds}
    outcomes: Counter[str] = Counter()
    first: float | None = None
    for n, draft in enumerate(drafts[: args.events]):
        kind = kinds[n % len(kinds)]
        started = time.perf_counter()
        _event(kind, draft)
        fresh = (
            Lookbook.objects.filter(public_id=draft.public_id).values_list("pk", flat=True).first()
        )
        elapsed = time.perf_counter() - started
        replaced = fresh is not None and fresh != draft.pk
        outcomes["replaced" if replaced else "not_replaced"] += 1
        if first is None:
            first = elapsed  # the worker loads the model here
            continue
        latencies[kind].append(elapsed)
    every = [v for values in latencies.values() for v in values]
    result = {
        "events": len(every) + (1 if first is not None else 0),
        "outcomes": dict(outcomes),
        "first_event_seconds": round(first or 0.0, 4),
        "p50_seconds": _percentile(every, 0.5),
        "p95_seconds": _percentile(every, 0.95),
        "max_seconds": round(max(every), 4) if every else None,
        "by_event": {
            kind: {
                "n": len(values),
                "p50": _percentile(values, 0.5),
                "p95": _percentile(values, 0.95),
                "mean": round(statistics.fmean(values), 4),
            }
            for kind, values in latencies.items()
            if values
        },
        "target_p95_seconds": 2.0,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    result["target_met"] = bool(every) and result["p95_seconds"] < 2.0
    print(json.dumps(result))


if __name__ == "__main__":
    main()
