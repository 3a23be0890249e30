"""core.paging: the page Django's Paginator gives, with its count in the same query."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.paging import first_with_total, page_of

pytestmark = pytest.mark.django_db


def rows() -> Any:
    return Permission.objects.order_by("codename", "pk")  # a hundred-odd rows, always there


def described(page: Any) -> tuple[Any, ...]:
    return (
        [row.pk for row in page.object_list],
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        page.has_next(),
        page.has_previous(),
        page.start_index(),
        page.end_index(),
    )


@pytest.mark.parametrize(
    "number", ["1", "2", 3, "7", "999", "0", "-1", "abc", "2.0", None, "", "last"]
)
@pytest.mark.parametrize("per_page", [7, 25, 1000])
def test_the_page_is_the_paginators(number: Any, per_page: int) -> None:
    assert described(page_of(rows(), number, per_page)) == described(
        Paginator(rows(), per_page).get_page(number)
    )


def test_an_empty_list_is_the_paginators() -> None:
    empty = rows().filter(codename="no such permission")
    assert described(page_of(empty, "1", 10)) == described(Paginator(empty, 10).get_page("1"))


def test_a_page_and_its_count_are_one_query() -> None:
    total = rows().count()
    with CaptureQueriesContext(connection) as queries:
        page = page_of(rows(), "2", 10)
        assert page.paginator.count == total
        assert page.paginator.num_pages == -(-total // 10)
        assert len(list(page.object_list)) == 10
    assert len(queries.captured_queries) == 1


def test_past_the_end_takes_djangos_path_to_the_last_page() -> None:
    with CaptureQueriesContext(connection) as queries:
        page = page_of(rows(), "999", 10)
        list(page.object_list)
    assert page.number == page.paginator.num_pages
    assert len(queries.captured_queries) == 3  # the empty slice, the count, the last page


def test_first_with_total() -> None:
    total = rows().count()
    with CaptureQueriesContext(connection) as queries:
        first, counted = first_with_total(rows(), 5)
    assert counted == total
    assert [row.pk for row in first] == list(rows().values_list("pk", flat=True)[:5])
    assert len(queries.captured_queries) == 1
    assert first_with_total(rows().filter(codename="none"), 5) == ([], 0)


def test_distinct_lists_are_counted_apart() -> None:
    """A window counts before DISTINCT: such a list keeps its own count query."""
    names = (
        Permission.objects.values("content_type__app_label")
        .order_by("content_type__app_label")
        .distinct()
    )
    first, counted = first_with_total(names, 3)
    assert counted == names.count() > 3
    assert len(first) == 3
    page = page_of(names, "1", 3)
    assert page.paginator.count == names.count()
