"""Today: the advisor's morning, the one-click follow-ups, and a query count that stays put."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import AsyncRequestFactory
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentTier
from recommendations.models import LookbookStatus
from stylists.models import (
    STYLING_REQUEST_SLA,
    Appointment,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Message,
    StylingRequest,
)
from stylists.views import today
from tests.factories.catalog import ProductFactory
from tests.factories.clients import InteractionFactory, OccasionFactory
from tests.factories.recommendations import LookbookFactory
from tests.stylists.conftest import book_of_n, consent

pytestmark = pytest.mark.django_db

TODAY_URL = "/stylist/"


def fill_the_day(cast, n: int) -> None:
    """n of everything Today lists, for the owner."""
    clients = book_of_n(cast, cast.owner, n, tier=ConsentTier.BESPOKE)
    now = timezone.now()
    # An advisor cannot be in two appointments at once (a constraint on PostgreSQL):
    # a second fill takes the hours after the first's.
    taken = Appointment.objects.filter(stylist=cast.owner).count()
    for i, client in enumerate(clients):
        LookbookFactory(client=client, status=LookbookStatus.DRAFT)
        StylingRequest.objects.create(
            client=client,
            stylist=cast.owner,
            message=f"Something for dinner {i}",
            created_at=now - dt.timedelta(hours=i),
            due_at=now - dt.timedelta(hours=i) + STYLING_REQUEST_SLA,
        )
        FollowUp.objects.create(
            stylist=cast.owner,
            client=client,
            kind=FollowUpKind.LAPSING,
            due_on=timezone.localdate() - dt.timedelta(days=i % 3),
            reason="Quiet for a while",
            dedupe_key=f"lapsing:test:{client.pk}",
        )
        InteractionFactory(client=client, product=ProductFactory(), kind="view")
        Appointment.objects.create(
            client=client,
            stylist=cast.owner,
            kind="video",
            starts_at=now + dt.timedelta(days=1, hours=taken + i),
            ends_at=now + dt.timedelta(days=1, hours=taken + i, minutes=45),
        )
        Message.objects.create(
            client=client,
            stylist=cast.owner,
            direction="in",
            channel="concierge",
            body="Hello",
            status="received",
            created_at=now - dt.timedelta(minutes=i),
        )


def test_today_shows_the_advisors_day(cast):
    # Given a draft waiting, an overdue styling request, a follow-up, a Bespoke signal,
    # an appointment tomorrow and an unread message
    consent(cast, cast.client, ConsentTier.BESPOKE, email=True)
    occasion = OccasionFactory(client=cast.client, title="Opera gala")
    LookbookFactory(client=cast.client, status=LookbookStatus.DRAFT, title="For the opera")
    now = timezone.now()
    StylingRequest.objects.create(
        client=cast.client,
        stylist=cast.owner,
        message="A dress for the gala",
        created_at=now - dt.timedelta(hours=5),
        due_at=now - dt.timedelta(hours=1),
    )
    FollowUp.objects.create(
        stylist=cast.owner,
        client=cast.other_client,
        kind=FollowUpKind.THANK_YOU,
        due_on=timezone.localdate() - dt.timedelta(days=1),
        reason="A note of thanks",
        dedupe_key="thank_you:x",
    )
    InteractionFactory(client=cast.client, product=ProductFactory(name="Riviera trench"))
    Message.objects.create(
        client=cast.client,
        stylist=cast.owner,
        direction="in",
        channel="concierge",
        body="Is the navy back?",
        status="received",
        created_at=now,
    )
    # When she opens Today
    response = cast.http("owner").get(TODAY_URL)
    html = response.content.decode()
    # Then each part is there
    assert response.status_code == 200
    assert "Good day, Élise" in html
    assert "For the opera" in html
    assert occasion.title in html
    assert "countdown countdown--overdue" in html  # the request past its four hours
    assert 'data-deadline="' in html
    assert "A note of thanks" in html
    assert "May be contacted by e-mail." in html
    assert "Camille Laurent is looking at the Riviera trench" in html  # Bespoke signal
    assert "Is the navy back?" in html
    assert "data-live-signals" in html
    assert "js/live-signals.js" in html


def test_the_live_panel_opens_a_socket_only_when_served_over_asgi(cast):
    # Given the same page asked through the ASGI handler (Daphne, Uvicorn)
    request = AsyncRequestFactory().get(TODAY_URL)
    request.user = cast.owner.user
    request.session = {}
    # Then the panel names its WebSocket; over WSGI (the test client) it does not
    assert 'data-ws-path="/ws/stylist/signals/"' in today(request).content.decode()
    wsgi = cast.http("owner").get(TODAY_URL).content.decode()
    assert "data-ws-path" not in wsgi


def test_a_personal_clients_browsing_is_not_a_signal(cast):
    InteractionFactory(client=cast.client, product=ProductFactory(name="Riviera trench"))
    html = cast.http("owner").get(TODAY_URL).content.decode()
    assert "looking at the Riviera trench" not in html


def test_styling_request_follow_ups_are_not_listed_twice(cast):
    FollowUp.objects.create(
        stylist=cast.owner,
        client=cast.client,
        kind=FollowUpKind.REQUEST,
        due_on=timezone.localdate(),
        reason="Her request",
        dedupe_key="request:x",
    )
    assert "Her request" not in cast.http("owner").get(TODAY_URL).content.decode()


def test_the_query_count_does_not_grow_with_rows(cast, count_queries):
    # Given a day with N of everything, then 3N
    fill_the_day(cast, 3)
    http = cast.http("owner")
    http.get(TODAY_URL)  # warm caches (content types, sessions)
    small = count_queries(lambda: http.get(TODAY_URL))
    fill_the_day(cast, 6)
    large = count_queries(lambda: http.get(TODAY_URL))
    # Then Today costs the same number of queries
    assert small == large
    assert large <= 14  # each list and its total in one query (COUNT(*) OVER ())


@pytest.fixture
def follow_up(cast):
    return FollowUp.objects.create(
        stylist=cast.owner,
        client=cast.client,
        kind=FollowUpKind.OCCASION,
        due_on=timezone.localdate(),
        reason="Birthday in three weeks",
        dedupe_key="occasion:test",
    )


def test_done_in_one_click_with_htmx(cast, follow_up):
    response = cast.http("owner").post(
        reverse("stylists:follow_up_done", args=[follow_up.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Done: Camille Laurent." in response.content.decode()  # the toast, out of band
    assert 'hx-swap-oob="beforeend:#toasts"' in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE


def test_snooze_and_dismiss_without_javascript_come_back_to_today(cast, follow_up):
    http = cast.http("owner")
    response = http.post(reverse("stylists:follow_up_snooze", args=[follow_up.pk]), {"days": 7})
    assert response.status_code == 302
    assert response["Location"] == TODAY_URL
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SNOOZED
    assert follow_up.snoozed_until == timezone.localdate() + dt.timedelta(days=7)
    # And it is gone from Today until then
    assert "Birthday in three weeks" not in http.get(TODAY_URL).content.decode()
    response = http.post(reverse("stylists:follow_up_dismiss", args=[follow_up.pk]))
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DISMISSED


def test_snooze_refuses_a_length_not_offered(cast, follow_up):
    response = cast.http("owner").post(
        reverse("stylists:follow_up_snooze", args=[follow_up.pk]), {"days": 30}
    )
    assert response.status_code == 400


def test_show_all_follow_ups(cast):
    clients = book_of_n(cast, cast.owner, 12, with_history=False)
    for client in clients:
        FollowUp.objects.create(
            stylist=cast.owner,
            client=client,
            kind=FollowUpKind.CUSTOM,
            due_on=timezone.localdate(),
            reason=f"Call {client.last_name}",
            dedupe_key=f"custom:{client.pk}",
        )
    http = cast.http("owner")
    html = http.get(TODAY_URL).content.decode()
    assert len(re.findall(r'id="follow-up-\d+"', html)) == 10
    assert "Show all 12" in html
    html = http.get(TODAY_URL + "?follow_ups=all").content.decode()
    assert len(re.findall(r'id="follow-up-\d+"', html)) == 12


def test_today_for_a_manager_without_a_book_is_calm(cast):
    html = cast.http("manager").get(TODAY_URL).content.decode()
    assert "All caught up" in html
    assert "No request waiting" in html
