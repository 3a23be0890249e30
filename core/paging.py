"""Lists and their totals in one query: `COUNT(*) OVER ()` beside the rows.

A page that shows "20 of 250" asks the database twice with Django's Paginator: the
count, then the rows, each built, compiled and planned from the same filtered
queryset (for the client book, about 5 ms each). A window count is evaluated before
LIMIT and OFFSET, so every row of the slice carries the total of the whole list.

Not for a queryset with DISTINCT: the window would count the rows before DISTINCT
removes any (both helpers then fall back to two queries).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "rows_in_all"  # the annotation's name (no model here has such a field)


def first_with_total(queryset: QuerySet[Any], limit: int) -> tuple[list[Any], int]:
    """The first `limit` rows and how many there are in all."""
    if queryset.query.distinct:
        return list(queryset[:limit]), queryset.count()
    rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[:limit])
    return rows, (getattr(rows[0], TOTAL) if rows else 0)


def page_of(queryset: QuerySet[Any], number: Any, per_page: int) -> Page:
    """What ``Paginator(queryset, per_page).get_page(number)`` gives, in one query.

    A page past the end, a number below 1 and an empty list take Django's own path
    (the count, then the last or first page), so the result is always the same.
    """
    paginator = Paginator(queryset, per_page)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1  # what get_page does with a page that is not a whole number
    if wanted < 1 or queryset.query.distinct:
        return paginator.get_page(number)
    bottom = (wanted - 1) * per_page
    rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[bottom : bottom + per_page])
    if not rows:
        return paginator.get_page(number)
    paginator.count = getattr(rows[0], TOTAL)  # a cached_property: this is its value
    return Page(rows, wanted, paginator)
