"""The team board: book sizes, drafts, SLA breaches, review acceptance, conversion; reassigning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.selectors import clients_visible_to
from recommendations.models import ItemState, LookbookStatus, ReviewAction, ReviewEvent
from stylists.models import BookReassignment, StylingRequest
from tests.factories.clients import OrderFactory, OrderLineFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory
from tests.stylists.conftest import book_of_n

pytestmark = pytest.mark.django_db

URL = "/stylist/team/"


def row_for(response, stylist):
    return next(row for row in response.context["rows"] if row.stylist == stylist)


def test_the_managers_board_measures_each_advisor(cast):
    now = timezone.now()
    # A draft waiting for the owner's client
    LookbookFactory(client=cast.client, status=LookbookStatus.DRAFT)
    # Styling requests: one answered late, one open past due, one answered in time, one old
    for created, answered in ((5, 0.5), (5, None), (2, 1), (24 * 40, 24 * 40 - 5)):
        made = now - dt.timedelta(hours=created)
        StylingRequest.objects.create(
            client=cast.client,
            stylist=cast.owner,
            message="…",
            created_at=made,
            due_at=made + dt.timedelta(hours=4),
            answered_at=now - dt.timedelta(hours=answered) if answered else None,
            status="answered" if answered else "open",
        )
    # Reviews: three kept, one removed by the owner
    published = LookbookFactory(
        client=cast.client,
        author=cast.owner,
        status=LookbookStatus.PUBLISHED,
        published_at=now - dt.timedelta(days=20),
    )
    items = [LookbookItemFactory(lookbook=published, state=ItemState.KEPT) for _ in range(3)]
    for item in items:
        ReviewEvent.objects.create(
            lookbook=published, item=item, actor=cast.owner.user, action=ReviewAction.KEEP
        )
    ReviewEvent.objects.create(
        lookbook=published, actor=cast.owner.user, action=ReviewAction.REMOVE
    )
    # Conversion: Camille bought one of its pieces 5 days after it was published
    order = OrderFactory(client=cast.client, placed_at=now - dt.timedelta(days=15))
    OrderLineFactory(order=order, product=items[0].product)
    # And a second published lookbook nobody bought from
    LookbookFactory(
        client=cast.other_client,
        author=cast.owner,
        status=LookbookStatus.PUBLISHED,
        published_at=now - dt.timedelta(days=10),
    )

    response = cast.http("manager").get(URL)
    owner = row_for(response, cast.owner)
    assert owner.book_size == 2
    assert owner.drafts_waiting == 1
    assert owner.sla_breaches == 2
    assert owner.acceptance == 0.75
    assert (owner.converted, owner.published) == (1, 2)
    html = response.content.decode()
    assert "75%" in html
    assert "50%" in html
    assert row_for(response, cast.colleague).acceptance is None
    assert cast.stylist_elsewhere not in [r.stylist for r in response.context["rows"]]


def test_head_office_chooses_a_boutique(cast):
    http = cast.http("head_office")
    everyone = http.get(URL).context["rows"]
    assert {r.stylist for r in everyone} >= {cast.owner, cast.stylist_elsewhere}
    milan = http.get(URL, {"boutique": "milan"}).context["rows"]
    assert {r.stylist.boutique for r in milan} == {cast.milan}


def test_a_manager_cannot_look_at_another_boutique(cast):
    response = cast.http("manager").get(URL, {"boutique": "milan"})
    assert response.context["chosen"] == cast.paris


def test_the_manager_moves_clients_with_a_reason(cast):
    response = cast.http("manager").post(
        reverse("stylists:team_reassign"),
        {
            "boutique": "paris",
            "clients": [str(cast.client.public_id), str(cast.other_client.public_id)],
            "to_stylist": cast.colleague.pk,
            "reason": "Élise on maternity leave",
        },
    )
    assert response.status_code == 302
    assert set(clients_visible_to(cast.colleague.user)) == {cast.client, cast.other_client}
    audit = BookReassignment.objects.filter(to_stylist=cast.colleague)
    assert audit.count() == 2
    assert audit.first().reason == "Élise on maternity leave"
    assert audit.first().performed_by == cast.manager.user


def test_an_advisor_of_another_boutique_is_not_a_target(cast):
    response = cast.http("manager").post(
        reverse("stylists:team_reassign"),
        {
            "boutique": "paris",
            "clients": [str(cast.client.public_id)],
            "to_stylist": cast.stylist_elsewhere.pk,
            "reason": "Moving to Milan",
        },
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_head_office_is_refused_by_the_service_when_the_rule_says_no(cast, monkeypatch):
    # can_reassign is the service's rule: when it says no, the page says so with 403
    monkeypatch.setattr("stylists.services.books.can_reassign", lambda *a, **k: False)
    response = cast.http("head_office").post(
        reverse("stylists:team_reassign"),
        {
            "boutique": "paris",
            "clients": [str(cast.client.public_id)],
            "to_stylist": cast.colleague.pk,
            "reason": "Test",
        },
    )
    assert response.status_code == 403
    assert "You may not move these clients to that advisor." in response.content.decode()


def test_the_board_costs_the_same_with_a_bigger_team(cast, count_queries):
    from tests.factories.stylists import make_stylist

    def grow(n):
        for _ in range(n):
            advisor = make_stylist(boutique=cast.paris)
            for client in book_of_n(cast, advisor, 2, with_history=False):
                LookbookFactory(client=client, status=LookbookStatus.DRAFT)

    http = cast.http("manager")
    grow(2)
    http.get(URL)
    small = count_queries(lambda: http.get(URL))
    grow(4)
    large = count_queries(lambda: http.get(URL))
    assert small == large <= 20
