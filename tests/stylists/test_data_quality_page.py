"""The data-quality page: a manager's boutique, each book, the records to fix; others 404."""

from __future__ import annotations

import pytest

from tests.factories.clients import ClientFactory
from tests.factories.stylists import put_in_book
from tests.stylists.conftest import MANAGER_PAGE_ACCESS

pytestmark = pytest.mark.django_db

URL = "/stylist/team/quality/"


@pytest.mark.parametrize(("persona", "status"), MANAGER_PAGE_ACCESS)
def test_who_may_see_data_quality(cast, persona, status):
    assert cast.http(persona).get(URL).status_code == status


def test_the_manager_sees_her_boutique_books_and_rows_to_fix(cast):
    response = cast.http("manager").get(URL)

    quality = response.context["quality"]
    assert response.context["chosen"] == cast.paris
    assert quality.summary.clients == 2  # Camille and Inès, Paris
    assert [book.stylist for book in quality.books] == [cast.owner]
    names = [item.client.full_name for item in quality.to_fix]
    assert "Inès Moreau" in names
    page = response.content.decode()
    assert "no e-mail or phone" in page
    assert "Chiara" not in page  # Milan's client


def test_a_manager_cannot_open_another_boutique(cast):
    response = cast.http("manager").get(URL, {"boutique": "milan"})

    assert response.context["chosen"] == cast.paris  # not hers: her own is shown


def test_head_office_chooses_the_boutique(cast):
    response = cast.http("head_office").get(URL, {"boutique": "milan"})

    assert response.context["chosen"] == cast.milan
    assert response.context["quality"].summary.clients == 1


def test_post_is_not_allowed(cast):
    assert cast.http("manager").post(URL).status_code == 405


def test_the_page_costs_the_same_with_more_clients(cast, count_queries):
    http = cast.http("manager")
    small = count_queries(lambda: http.get(URL))
    for _ in range(8):
        put_in_book(cast.colleague, ClientFactory(home_boutique=cast.paris))
    large = count_queries(lambda: http.get(URL))
    assert small == large
