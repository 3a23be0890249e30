"""A bulk draft's pieces written as LookbookItem rows, the first time anything reads them.

The nightly run keeps each draft's pieces in ``Lookbook.pending_pieces`` (one compact JSON
value per draft) instead of writing ~12 LookbookItem rows per client that most advisors
will never open that night. ``lookbook.items`` (LookbookItemManager) calls
:func:`materialise_pieces` first, so the review page, the API, the review services and
the client's view read exactly the rows an eager write would have made: same positions,
source, state, explanation, score and creation time, in the same order. No review event
is recorded: nothing was reviewed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects

from catalog.models import Product, Variant
from recommendations.models import ItemSource, ItemState, Lookbook, LookbookItem


def _rows(lookbook_id: int, pieces: Sequence[Sequence[Any]]) -> list[LookbookItem]:
    return [
        LookbookItem(
            lookbook_id=lookbook_id,
            product_id=int(product),
            variant_id=None if variant is None else int(variant),
            position=position,
            source=ItemSource.MODEL,
            state=ItemState.PROPOSED,
            explanation=str(why),
            score=None if score is None else float(score),
        )
        for position, (product, variant, score, why) in enumerate(pieces, start=1)
    ]


def _still_there(pieces: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """The pieces whose product still exists (a variant gone reads as none, as SET_NULL
    would have left it); a catalogue clean-up between drafting and opening breaks nothing."""
    products = set(
        Product.objects.filter(pk__in=[p[0] for p in pieces]).values_list("pk", flat=True)
    )
    wanted = [p[1] for p in pieces if p[1] is not None]
    variants = set(Variant.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return [
        (product, variant if variant in variants else None, score, why)
        for product, variant, score, why in pieces
        if product in products
    ]


def materialise_pieces(lookbook: Lookbook) -> int:
    """Write the lookbook's pending pieces as rows (once, even when two requests race).

    Returns how many rows this call wrote (0 when another call already had).
    """
    with transaction.atomic():
        locked = (
            Lookbook.objects.select_for_update(of=("self",))
            .filter(pk=lookbook.pk)
            .values_list("pending_pieces", "created_at")
            .first()
        )
        written = 0
        if locked is not None and locked[0]:
            pieces, created_at = locked
            rows = LookbookItem.objects.bulk_create(_rows(lookbook.pk, _still_there(pieces)))
            written = len(rows)
            # As the nightly run would have stamped them: when the draft was made.
            LookbookItem.objects.filter(lookbook_id=lookbook.pk).update(created_at=created_at)
            Lookbook.objects.filter(pk=lookbook.pk).update(pending_pieces=[])
    lookbook.pending_pieces = []
    return written


def materialise_listed(lookbooks: Iterable[Lookbook], *, prefetch: Prefetch | None = None) -> None:
    """For a page that prefetched ``items`` of many lookbooks: write the rows of those still
    pending, then prefetch their items again (``prefetch``, or plain ``items``)."""
    pending = [lookbook for lookbook in lookbooks if lookbook.pending_pieces]
    if not pending:
        return
    for lookbook in pending:
        materialise_pieces(lookbook)
        getattr(lookbook, "_prefetched_objects_cache", {}).pop("items", None)
    prefetch_related_objects(pending, prefetch or "items")
