"""The client book: scopes, search (name, exact e-mail/phone), filters, sort, pages, query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from consent.models import ConsentTier
from tests.factories.clients import ClientFactory, OccasionFactory
from tests.factories.stylists import put_in_book
from tests.stylists.conftest import bulk_book, consent

pytestmark = pytest.mark.django_db

URL = "/stylist/clients/"


def names(response) -> list[str]:
    return [row.full_name for row in response.context["rows"]]


def test_an_advisor_sees_her_own_book(cast):
    response = cast.http("owner").get(URL)
    assert response.status_code == 200
    assert names(response) == ["Camille Laurent", "Inès Moreau"]
    assert [key for key, _ in response.context["scopes"]] == ["mine"]


def test_a_colleague_sees_an_empty_book_and_cannot_widen_it(cast):
    response = cast.http("colleague").get(URL + "?scope=all")
    assert names(response) == []
    assert response.context["filters"].scope == "mine"


def test_a_manager_sees_the_boutique_and_head_office_everyone(cast):
    manager = cast.http("manager").get(URL)
    assert manager.context["filters"].scope == "boutique"
    assert names(manager) == ["Camille Laurent", "Inès Moreau"]
    assert "Advisor" in manager.content.decode()  # whose book each client is in
    head_office = cast.http("head_office").get(URL)
    assert head_office.context["filters"].scope == "all"
    assert set(names(head_office)) == {"Camille Laurent", "Inès Moreau", "Chiara Rossi"}
    assert cast.http("manager_elsewhere").get(URL).context["rows"][0].full_name == "Chiara Rossi"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("laur", ["Camille Laurent"]),
        ("camille laurent", ["Camille Laurent"]),
        ("CAMILLE.LAURENT@example.com", ["Camille Laurent"]),  # exact, via the lookup hash
        ("camille.laurent@example", []),  # e-mail is exact, not a prefix
        ("+33 6 12 34 56 78", ["Camille Laurent"]),
        ("06 12 34 56 78", ["Camille Laurent"]),  # a local Paris number
        ("Moreau", ["Inès Moreau"]),
        ("nobody", []),
    ],
)
def test_search_by_name_or_exact_email_or_phone(cast, query, expected):
    assert names(cast.http("owner").get(URL, {"q": query})) == expected


def test_filters(cast):
    # Given Camille: Bespoke, VIC, big spender, bought last week, birthday in 5 days, SMS allowed
    consent(cast, cast.client, ConsentTier.BESPOKE, sms=True)
    cast.client.is_vic = True
    cast.client.lifetime_spend = Decimal("64000")
    cast.client.last_purchase_at = timezone.now() - dt.timedelta(days=7)
    cast.client.first_purchase_at = timezone.now() - dt.timedelta(days=700)
    cast.client.save()
    OccasionFactory(client=cast.client, date=timezone.localdate() + dt.timedelta(days=5))
    http = cast.http("owner")
    only_camille = ["Camille Laurent"]
    for params in (
        {"tier": "bespoke"},
        {"vic": "on"},
        {"spend": "50k+"},
        {"last_purchase": "30"},
        {"occasion": "7"},
        {"channel": "sms"},
        {"segment": "active"},
    ):
        assert names(http.get(URL, params)) == only_camille, params
    assert names(http.get(URL, {"last_purchase": "never"})) == ["Inès Moreau"]
    assert names(http.get(URL, {"segment": "prospect"})) == ["Inès Moreau"]
    assert names(http.get(URL, {"tier": "personal", "vic": "on"})) == []


def test_unknown_filter_values_are_ignored_not_errors(cast):
    response = cast.http("owner").get(URL, {"tier": "platinum", "sort": "shoe_size", "page": "x"})
    assert response.status_code == 200
    assert len(names(response)) == 2


def test_sorting(cast):
    cast.client.lifetime_spend = Decimal("100")
    cast.client.save()
    cast.other_client.lifetime_spend = Decimal("900")
    cast.other_client.last_purchase_at = timezone.now()
    cast.other_client.save()
    http = cast.http("owner")
    assert names(http.get(URL, {"sort": "spend"})) == ["Inès Moreau", "Camille Laurent"]
    assert names(http.get(URL, {"sort": "spend", "dir": "desc"})) == [
        "Camille Laurent",
        "Inès Moreau",
    ]
    assert names(http.get(URL, {"sort": "last_purchase"})) == ["Inès Moreau", "Camille Laurent"]
    assert names(http.get(URL, {"sort": "name", "dir": "desc"})) == [
        "Inès Moreau",
        "Camille Laurent",
    ]
    OccasionFactory(client=cast.other_client, date=timezone.localdate() + dt.timedelta(days=3))
    assert names(http.get(URL, {"sort": "occasion"}))[0] == "Inès Moreau"


def test_an_htmx_filter_returns_only_the_table(cast):
    response = cast.http("owner").get(URL, {"q": "laur"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="client-table"' in html
    assert "<html" not in html


def test_erased_clients_are_not_listed(cast):
    erased = ClientFactory(home_boutique=cast.paris, first_name="Gone", status="erased")
    put_in_book(cast.owner, erased)
    assert "Gone" not in " ".join(names(cast.http("owner").get(URL)))


def test_pages_of_fifty(cast):
    bulk_book(cast, cast.owner, 120)
    http = cast.http("owner")
    first = http.get(URL)
    assert len(first.context["rows"]) == 50
    assert first.context["page_obj"].paginator.count == 122
    assert len(http.get(URL, {"page": 3}).context["rows"]) == 22


@pytest.mark.slow
def test_a_600_client_book_costs_the_same_queries_as_200(cast, count_queries):
    # Given a book of 200 clients (with consent, identities, occasions)
    bulk_book(cast, cast.owner, 200)
    http = cast.http("owner")
    params = {"sort": "occasion"}
    http.get(URL, params)  # warm caches
    small = count_queries(lambda: http.get(URL, params))
    # When it grows to 600
    bulk_book(cast, cast.owner, 400, start=200)
    large = count_queries(lambda: http.get(URL, params))
    filtered = count_queries(
        lambda: http.get(URL, {"tier": "bespoke", "channel": "sms", "occasion": "30", "q": "bulk"})
    )
    # Then every page of it costs the same few queries
    assert small == large
    assert filtered <= large + 1
    assert large <= 12
    # And a manager's boutique view (with each client's advisor) stays as cheap
    manager = cast.http("manager")
    manager.get(URL)
    assert count_queries(lambda: manager.get(URL)) <= 14


def test_each_row_links_to_the_clients_story(cast):
    from django.urls import reverse

    html = cast.http("owner").get(URL).content.decode()
    story = reverse("stylists:client_detail", args=[cast.client.public_id])
    assert f'<a class="table__primary" href="{story}">{cast.client.full_name}</a>' in html
    assert "00000000-0000-0000-0000-000000000000" not in html
