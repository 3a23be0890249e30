"""How much of each model's drafting advisors keep: acceptance (kept ÷ drafted) per version.

A model that ranks better offline but whose pieces advisors remove more is visible next to
its nDCG. Counted over the model's pieces in lookbooks an advisor has finished with
(published, or published then withdrawn): a piece is kept when it reached the client,
removed when the advisor took it out (swapped pieces count as removed). Drafts still in
review or discarded whole are not counted: nobody judged their pieces one by one.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from recommendations.models import (
    ItemSource,
    ItemState,
    LookbookItem,
    LookbookOrigin,
    LookbookStatus,
    ModelVersion,
)

DECIDED = (LookbookStatus.PUBLISHED, LookbookStatus.WITHDRAWN)


def judged_model_pieces() -> QuerySet[LookbookItem]:
    """The model's pieces in lookbooks an advisor has finished with: what acceptance counts.

    Kept: `state=KEPT`; everything else in it was removed or swapped by the advisor.
    """
    return LookbookItem.objects.filter(
        lookbook__origin=LookbookOrigin.MODEL,
        lookbook__status__in=DECIDED,
        source=ItemSource.MODEL,
    )


def _count(**filters: object) -> Coalesce:
    items = (
        judged_model_pieces()
        .filter(lookbook__model_version=OuterRef("pk"), **filters)
        .order_by()
        .values("lookbook__model_version")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(items, output_field=IntegerField()), Value(0))


def with_acceptance(versions: QuerySet[ModelVersion]) -> QuerySet[ModelVersion]:
    """Annotate ``pieces_judged`` and ``pieces_kept`` (one query for the whole list)."""
    return versions.annotate(pieces_judged=_count(), pieces_kept=_count(state=ItemState.KEPT))


def acceptance_label(version: ModelVersion) -> str:
    judged = getattr(version, "pieces_judged", 0) or 0
    kept = getattr(version, "pieces_kept", 0) or 0
    if not judged:
        return "—"
    return f"{kept / judged:.0%} ({kept}/{judged})"
