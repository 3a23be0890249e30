"""Benchmark: are the machine drafts ones a stylist would keep? Prints ONE JSON object.

    DATABASE_URL=... .venv/bin/python benchmarks/draft_quality.py [--redraft]

Reads every model-drafted lookbook still in draft in the configured database (the demo
house after ``make demo``, or the 100k benchmark database after draft_pipeline.py) and
reports, for the drafts of the active model:

- balance: the share of drafts breaking the rule (a category above 5 of 12 pieces, scaled
  to the draft's size, that is not the category of 80%+ of her purchases; and the same with
  the cap of a full draft, 5, which is the cap the drafter keeps), the share with
  half or more of their pieces in one category, and the mean share of the largest one;
- coverage: distinct products drafted / active products in stock;
- reasons: per draft, the share of pieces whose reason (the sentence's first clause, the
  "why", compared as a bag of words) no other piece of the draft carries; the mean over
  drafts and the share of drafts where it is at least 90%; the same for whole sentences.

``--redraft`` first discards the active model's drafts still in draft and drafts again
(``lookbooks_draft``), so that two versions of the code can be compared on one house;
``--per-category N`` redrafts with ``DraftSettings.per_category = N`` (0: no widening of
an unbalanced pool by category, as before it existed), to compare the two on one house.
A redraft lifts the review capacity (``RECOMMENDER_DRAFTS_PER_ADVISOR``) unless
``--capacity N`` asks for one: the figures are then over every client who needs a draft
(~61k on the 100k house), comparable with the measurements made before the cap existed.
Without ``--redraft`` it reads the drafts the nightly run left, within the capacity.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clienteling.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _reason(why: str) -> str:
    """The why (first clause), as its words: the same facts in another order read alike."""
    return " ".join(sorted(why.split("; ")[0].lower().replace(",", " ").split()))


def _cap(size: int) -> int:
    return max(1, round(size * 5 / 12))


def _dominant(client_ids: set[int]) -> dict[int, str]:
    """Per client, the category of 80%+ of her completed purchases (pieces bought)."""
    from clients.models import OrderLine

    per_client: dict[int, Counter[str]] = defaultdict(Counter)
    lines = OrderLine.objects.filter(
        order__client_id__in=client_ids, order__status="completed"
    ).values_list("order__client_id", "product__category")
    for client_id, category in lines.iterator(chunk_size=20_000):
        per_client[client_id][category] += 1
    out: dict[int, str] = {}
    for client_id, counts in per_client.items():
        category, n = counts.most_common(1)[0]
        if n >= 0.8 * sum(counts.values()):
            out[client_id] = category
    return out


def measure() -> dict[str, Any]:
    from catalog.models import Product, StockLevel
    from recommendations.models import (
        Lookbook,
        LookbookItem,
        LookbookOrigin,
        LookbookStatus,
        ModelVersion,
    )

    version = ModelVersion.objects.filter(is_active=True).first()
    drafts = Lookbook.objects.filter(
        origin=LookbookOrigin.MODEL, status=LookbookStatus.DRAFT, model_version=version
    )
    client_of = dict(drafts.values_list("id", "client_id"))
    pieces: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    items = (
        LookbookItem.objects.filter(lookbook_id__in=drafts.values("id"), source="model")
        .order_by("lookbook_id", "position")
        .values_list("lookbook_id", "product_id", "product__category", "explanation")
    )
    for lookbook_id, product_id, category, why in items.iterator(chunk_size=20_000):
        pieces[lookbook_id].append((product_id, category, why))
    # Drafts written in bulk keep their pieces on the lookbook until first read.
    category_of = dict(Product.objects.values_list("id", "category"))
    pending = drafts.exclude(pending_pieces=[]).values_list("id", "pending_pieces")
    for lookbook_id, entries in pending.iterator(chunk_size=5_000):
        for product_id, _variant, _score, why in entries:
            pieces[lookbook_id].append((product_id, category_of[product_id], why))
    dominant = _dominant(set(client_of.values()))

    from django.conf import settings

    nominal = int(settings.LOOKBOOK_DRAFT_SIZE)
    broken = broken_nominal = short = 0
    half = 0
    largest: list[float] = []
    unique_reason: list[float] = []
    unique_sentence: list[float] = []
    drafted: set[int] = set()
    for lookbook_id, rows in pieces.items():
        size = len(rows)
        counts = Counter(category for _, category, _ in rows)
        _, top = counts.most_common(1)[0]
        largest.append(top / size)
        half += top * 2 >= size
        over = [c for c, n in counts.items() if n > _cap(size)]
        broken += any(c != dominant.get(client_of[lookbook_id]) for c in over)
        over_nominal = [c for c, n in counts.items() if n > _cap(nominal)]
        broken_nominal += any(c != dominant.get(client_of[lookbook_id]) for c in over_nominal)
        short += size < nominal
        reasons = Counter(_reason(why) for _, _, why in rows)
        sentences = Counter(why for _, _, why in rows)
        unique_reason.append(sum(1 for _, _, w in rows if reasons[_reason(w)] == 1) / size)
        unique_sentence.append(sum(1 for _, _, w in rows if sentences[w] == 1) / size)
        drafted.update(product_id for product_id, _, _ in rows)
    n = len(pieces)
    offered = Product.objects.filter(
        active=True,
        pk__in=StockLevel.objects.filter(quantity__gt=0).values("variant__product_id"),
    ).count()

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "model_version": version.pk if version else None,
        "drafts": n,
        "pieces": sum(len(r) for r in pieces.values()),
        "balance": {
            "rule": "no category above round(size*5/12) unless 80%+ of her purchases",
            "breaking_share": round(broken / n, 4) if n else 0.0,
            # the same rule with the cap of a full draft (5 of 12) even for a shorter one
            "breaking_share_nominal_cap": round(broken_nominal / n, 4) if n else 0.0,
            "shorter_than_nominal_share": round(short / n, 4) if n else 0.0,
            "half_or_more_in_one_category_share": round(half / n, 4) if n else 0.0,
            "mean_largest_category_share": mean(largest),
            "clients_with_dominant_category": len(dominant),
        },
        "coverage": {
            "products_drafted": len(drafted),
            "products_on_offer": offered,
            "share": round(len(drafted) / offered, 4) if offered else 0.0,
        },
        "reasons": {
            "mean_unique_reason_share": mean(unique_reason),
            "drafts_with_90pct_unique_reasons": (
                round(sum(u >= 0.9 for u in unique_reason) / n, 4) if n else 0.0
            ),
            "mean_unique_sentence_share": mean(unique_sentence),
            "drafts_with_90pct_unique_sentences": (
                round(sum(u >= 0.9 for u in unique_sentence) / n, 4) if n else 0.0
            ),
        },
    }


def redraft(per_category: int | None = None, capacity: int = 0) -> dict[str, Any]:
    from django.conf import settings

    from recommendations.models import Lookbook, LookbookOrigin, LookbookStatus, ModelVersion
    from recommendations.pipeline.draft import DraftSettings
    from recommendations.services import lookbooks_draft

    version = ModelVersion.objects.get(is_active=True)
    Lookbook.objects.filter(
        origin=LookbookOrigin.MODEL, status=LookbookStatus.DRAFT, model_version=version
    ).delete()
    draft_settings = None
    if per_category is not None:
        size = int(settings.LOOKBOOK_DRAFT_SIZE)
        draft_settings = DraftSettings(size=size, alternates=size, per_category=per_category)
    started = time.perf_counter()
    settings.RECOMMENDER_DRAFTS_PER_ADVISOR = capacity  # 0: every client who needs one
    report = lookbooks_draft(draft_settings=draft_settings)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "per_category": per_category,
        "capacity": capacity,
        "needing": report.needing,
        "drafted": report.drafted,
        "too_few_candidates": report.too_few_candidates,
        "stages": {k: round(v, 2) for k, v in report.stages.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redraft", action="store_true")
    parser.add_argument("--per-category", type=int, default=None, help="with --redraft")
    parser.add_argument(
        "--capacity", type=int, default=0, help="with --redraft: drafts per advisor (0: no cap)"
    )
    args = parser.parse_args()
    _setup()
    out: dict[str, Any] = {}
    if args.redraft:
        out["redraft"] = redraft(args.per_category, args.capacity)
    out.update(measure())
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
