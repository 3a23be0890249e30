"""The data-quality page's reads: a boutique's score, each advisor's book, the records to fix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from clients.quality import ClientQuality, QualitySummary, quality_of, summarise_quality
from clients.selectors import clients_visible_to
from stylists.models import Stylist
from stylists.pages.team import may_see_team, team_boutiques
from stylists.selectors import current_assignments

ROWS_SHOWN = 100


@dataclass
class BookQuality:
    stylist: Stylist | None
    summary: QualitySummary


@dataclass
class BoutiqueQuality:
    summary: QualitySummary
    books: list[BookQuality]
    to_fix: list[ClientQuality]


def boutique_quality(
    user: Any, stylist: Stylist, boutique_id: int, *, rows: int | None = ROWS_SHOWN
) -> BoutiqueQuality:
    """The quality of a boutique's clients the user may see; 404 for anyone not managing it.

    rows: how many records to fix to list, lowest score first (None: every one, the CSV).
    """
    if (
        not may_see_team(user, stylist)
        or not team_boutiques(user, stylist).filter(pk=boutique_id).exists()
    ):
        raise Http404("Not found")
    items = quality_of(clients_visible_to(user).filter(home_boutique_id=boutique_id))
    advisors = current_assignments([item.client.pk for item in items])
    by_book: dict[int | None, list[ClientQuality]] = defaultdict(list)
    for item in items:
        advisor = advisors.get(item.client.pk)
        by_book[advisor.pk if advisor else None].append(item)
    stylists = {s.pk: s for s in advisors.values()}
    books = [
        BookQuality(stylist=stylists.get(pk) if pk else None, summary=summarise_quality(rows))
        for pk, rows in by_book.items()
    ]
    books.sort(key=lambda book: (book.summary.score, book.stylist.name if book.stylist else ""))
    to_fix = sorted((item for item in items if item.to_fix), key=lambda item: item.score)
    return BoutiqueQuality(summary=summarise_quality(items), books=books, to_fix=to_fix[:rows])
