"""The nightly outlook where advisors work: the story, Today's "about to lapse", the book.

Only clients whose consent lets purchases serve analytics show an outlook, read
now (a withdrawal hides it before the next night deletes the row).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentTier
from recommendations.models import ClientOutlook, LifecycleStage
from recommendations.selectors import outlook as outlook_selectors
from stylists.selectors import book as book_selectors
from tests.factories.clients import ClientFactory
from tests.factories.stylists import put_in_book
from tests.stylists.conftest import consent

pytestmark = pytest.mark.django_db

TODAY_URL = "/stylist/"
BOOK_URL = "/stylist/clients/"


def score(client, stage=LifecycleStage.ACTIVE, risk=0.7, value="4200", reasons=None):
    return ClientOutlook.objects.update_or_create(
        client=client,
        defaults={
            "stage": stage,
            "churn_risk": risk,
            "expected_purchases": 1.4,
            "predicted_value": Decimal(value),
            "reasons": reasons or ["No purchase for 5 months, she used to buy every 2."],
            "scored_at": timezone.now(),
        },
    )[0]


def story_url(client) -> str:
    return reverse("stylists:client_detail", args=[client.public_id])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("colleague", 404),
        ("stylist_elsewhere", 404),
        ("manager", 200),
        ("client_user", 404),
        ("anonymous", 302),
    ],
)
def test_who_sees_the_outlook_on_the_story(cast, persona, status):
    score(cast.client)
    response = cast.http(persona).get(story_url(cast.client))
    assert response.status_code == status
    html = response.content.decode()
    if status == 200:
        assert "70% chance of no purchase in the next 180 days: about to lapse" in html
        assert "No purchase for 5 months" in html
    else:
        assert "chance of no purchase" not in html


def test_a_withdrawal_hides_the_outlook_at_once(cast):
    score(cast.client)
    consent(cast, cast.client, ConsentTier.ESSENTIAL)
    response = cast.http("owner").get(story_url(cast.client))
    assert response.context["page"].outlook is None
    assert "chance of no purchase" not in response.content.decode()


def test_today_lists_her_own_clients_about_to_lapse_most_valuable_first(cast):
    # Given Camille (owner's book) at risk, a richer client at risk, a safe one, a lapsed one
    rich = ClientFactory(home_boutique=cast.paris, first_name="Rich", last_name="Buyer")
    safe = ClientFactory(home_boutique=cast.paris, first_name="Safe", last_name="Buyer")
    gone = ClientFactory(home_boutique=cast.paris, first_name="Gone", last_name="Buyer")
    theirs = ClientFactory(home_boutique=cast.paris, first_name="Other", last_name="Book")
    for client in (rich, safe, gone, theirs):
        consent(cast, client, ConsentTier.PERSONAL, email=True)
    put_in_book(cast.owner, rich, safe, gone)
    put_in_book(cast.colleague, theirs)
    score(cast.client, value="1000")
    score(rich, value="9000", risk=0.6)
    score(safe, risk=0.2)
    score(gone, stage=LifecycleStage.LAPSED, risk=0.95)
    score(theirs, risk=0.9)

    page = cast.http("owner").get(TODAY_URL).context["page"]

    assert [row.client for row in page.lapsing] == [rich, cast.client]
    html = cast.http("owner").get(TODAY_URL).content.decode()
    assert "€9,000 expected in 12 months" in html  # grouped, as everywhere else
    assert page.lapsing[1].hint.sentence.startswith("May be contacted by")
    # The colleague sees her own client, not Élise's
    colleague_page = cast.http("colleague").get(TODAY_URL).context["page"]
    assert [row.client for row in colleague_page.lapsing] == [theirs]


def test_today_leaves_out_a_client_who_withdrew(cast):
    score(cast.client)
    consent(cast, cast.client, ConsentTier.ESSENTIAL)
    assert cast.http("owner").get(TODAY_URL).context["page"].lapsing == []


@pytest.mark.parametrize("persona", ["client_user", "anonymous"])
def test_today_is_not_for_clients_or_strangers(cast, persona):
    assert cast.http(persona).get(TODAY_URL).status_code in (302, 404)


def test_today_costs_the_same_with_more_clients_about_to_lapse(
    cast, count_queries, django_assert_max_num_queries
):
    def add(n, start):
        for i in range(start, start + n):
            client = ClientFactory(home_boutique=cast.paris, last_name=f"Lapse{i:03d}")
            consent(cast, client, ConsentTier.PERSONAL, email=True)
            put_in_book(cast.owner, client)
            score(client, value=str(1000 + i))

    add(2, 0)
    http = cast.http("owner")
    http.get(TODAY_URL)
    small = count_queries(lambda: http.get(TODAY_URL))
    add(6, 2)
    with django_assert_max_num_queries(small):
        page = http.get(TODAY_URL).context["page"]
    assert len(page.lapsing) == outlook_selectors.ABOUT_TO_LAPSE_SHOWN


def test_the_book_filters_and_sorts_by_outlook(cast):
    rich = ClientFactory(home_boutique=cast.paris, first_name="Rich", last_name="Buyer")
    safe = ClientFactory(home_boutique=cast.paris, first_name="Safe", last_name="Buyer")
    unscored = ClientFactory(home_boutique=cast.paris, first_name="Never", last_name="Scored")
    for client in (rich, safe, unscored):
        consent(cast, client, ConsentTier.PERSONAL, email=True)
    put_in_book(cast.owner, rich, safe, unscored)
    score(cast.client, risk=0.8, value="1000")
    score(rich, risk=0.6, value="9000")
    score(safe, stage=LifecycleStage.NEW, risk=0.1, value="500")
    http = cast.http("owner")

    def names(params):
        return [c.full_name for c in http.get(BOOK_URL, params).context["rows"]]

    assert names({"outlook": "about_to_lapse"}) == ["Rich Buyer", "Camille Laurent"]  # by name
    assert names({"outlook": "new"}) == ["Safe Buyer"]
    by_risk = names({"sort": "churn_risk"})
    assert by_risk[:3] == ["Camille Laurent", "Rich Buyer", "Safe Buyer"]
    assert set(by_risk[3:]) == {"Never Scored", "Inès Moreau"}  # no outlook: last either way
    assert names({"sort": "value"})[:3] == ["Rich Buyer", "Camille Laurent", "Safe Buyer"]
    reversed_risk = names({"sort": "churn_risk", "dir": "desc"})
    assert reversed_risk[:3] == ["Safe Buyer", "Rich Buyer", "Camille Laurent"]
    assert set(reversed_risk[3:]) == {"Never Scored", "Inès Moreau"}
    assert names({"outlook": "nonsense"})  # an unknown value is ignored, not an error
    html = http.get(BOOK_URL, {"sort": "churn_risk"}).content.decode()
    assert "80%" in html
    assert "€9,000" in html


def test_the_book_never_sorts_by_a_withdrawn_outlook(cast):
    score(cast.client, risk=0.8)
    consent(cast, cast.client, ConsentTier.ESSENTIAL)
    http = cast.http("owner")
    assert http.get(BOOK_URL, {"outlook": "about_to_lapse"}).context["rows"] == []


def test_the_book_costs_the_same_sorted_by_risk(cast, count_queries, django_assert_max_num_queries):
    def add(n, start):
        for i in range(start, start + n):
            client = ClientFactory(home_boutique=cast.paris, last_name=f"Risk{i:03d}")
            consent(cast, client, ConsentTier.PERSONAL, email=True)
            put_in_book(cast.owner, client)
            score(client, risk=0.5 + i / 100)

    add(3, 0)
    http = cast.http("owner")
    params = {"sort": "churn_risk", "outlook": "about_to_lapse"}
    http.get(BOOK_URL, params)
    small = count_queries(lambda: http.get(BOOK_URL, params))
    add(9, 3)
    with django_assert_max_num_queries(small):
        http.get(BOOK_URL, params)


def test_book_and_selector_agree_on_stages_and_the_lapse_threshold():
    assert set(book_selectors.OUTLOOKS) == {"about_to_lapse", *LifecycleStage.values}
    assert book_selectors.LAPSE_RISK == outlook_selectors.LAPSE_RISK
    assert set(book_selectors.STILL_BUYING) == set(outlook_selectors.STILL_BUYING)


def test_scored_long_ago_is_still_shown_with_its_date(cast):
    row = score(cast.client)
    ClientOutlook.objects.filter(pk=row.pk).update(scored_at=timezone.now() - dt.timedelta(days=3))
    html = cast.http("owner").get(story_url(cast.client)).content.decode()
    assert "Scored <time" in html
