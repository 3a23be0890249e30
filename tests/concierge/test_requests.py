"""Styling requests (contract C3): the four-hour promise, kept honestly, and rate-limited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clients.models import Occasion
from stylists.models import FollowUp, FollowUpKind, FollowUpStatus, StylingRequest
from stylists.services import styling_request_create, styling_request_mark_answered
from tests.concierge.conftest import Story, publish
from tests.factories.clients import OccasionFactory

# 12:40 in Paris (UTC+1 in November)
NOON = dt.datetime(2026, 11, 23, 11, 40, tzinfo=dt.UTC)


@time_machine.travel(NOON, tick=False)
def test_a_request_is_due_four_hours_later_with_her_advisor(cast: Any) -> None:
    # When Camille asks for styling
    styling_request = styling_request_create(
        client=cast.client, message="  A dress for the gala  ", budget_max=Decimal("5000")
    )
    # Then Élise has four hours, and a follow-up tells her so
    assert styling_request.due_at == NOON + dt.timedelta(hours=4)
    assert styling_request.stylist == cast.owner
    assert styling_request.message == "A dress for the gala"
    follow_up = FollowUp.objects.get(dedupe_key=f"request:{styling_request.public_id}")
    assert follow_up.stylist == cast.owner
    assert follow_up.kind == FollowUpKind.REQUEST
    assert follow_up.due_on == dt.date(2026, 11, 23)
    assert "A dress for the gala" in follow_up.reason


def test_a_double_tap_is_one_request(cast: Any) -> None:
    first = styling_request_create(client=cast.client, message="Something for Venice")
    second = styling_request_create(client=cast.client, message="Something for Venice")
    assert first.pk == second.pk
    assert StylingRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"message": "   "}, "message"),
        ({"message": "x" * 2001}, "message"),
        ({"message": "ok", "budget_max": Decimal("0")}, "budget_max"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(
    cast: Any, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        styling_request_create(client=cast.client, **kwargs)
    assert field in error.value.message_dict
    assert not StylingRequest.objects.exists()


def test_another_clients_occasion_is_refused(cast: Any) -> None:
    theirs = OccasionFactory(client=cast.other_client)
    with pytest.raises(ValidationError):
        styling_request_create(client=cast.client, message="For her gala", occasion=theirs)


def test_mark_answered_is_idempotent_and_closes_the_follow_up(cast: Any) -> None:
    styling_request = styling_request_create(client=cast.client, message="For the gala")
    lookbook, _ = publish(cast.client, title="Your gala")
    styling_request_mark_answered(styling_request=styling_request, lookbook=lookbook)
    first = StylingRequest.objects.get(pk=styling_request.pk)
    styling_request_mark_answered(styling_request=styling_request)
    again = StylingRequest.objects.get(pk=styling_request.pk)
    assert first.status == again.status == "answered"
    assert first.answered_at == again.answered_at
    assert FollowUp.objects.get(dedupe_key=f"request:{styling_request.public_id}").status == (
        FollowUpStatus.DONE
    )


def test_mark_answered_refuses_another_clients_lookbook(cast: Any) -> None:
    styling_request = styling_request_create(client=cast.client, message="For the gala")
    theirs, _ = publish(cast.other_client, title="Hers")
    with pytest.raises(ValidationError):
        styling_request_mark_answered(styling_request=styling_request, lookbook=theirs)
    assert StylingRequest.objects.get(pk=styling_request.pk).status == "open"


@time_machine.travel(NOON, tick=False)
def test_the_page_promises_a_reply_in_her_time_zone(cast: Any) -> None:
    # Given Camille lives in Tokyo now
    cast.client.timezone = "Asia/Tokyo"
    cast.client.save(update_fields=["timezone"])
    # When she sends a request from the page
    http = cast.http("client_user")
    response = http.post(
        "/concierge/requests/",
        {
            "purpose": "gift",
            "occasion": "",
            "budget_max": "1200",
            "message": "A scarf for my mother",
        },
    )
    styling_request = StylingRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/concierge/requests/{styling_request.public_id}/"
    assert styling_request.message == "A gift — A scarf for my mother"
    assert styling_request.budget_max == Decimal("1200")
    # Then the promise reads 00:40 in Tokyo (15:40 UTC + 9)
    page = http.get(response["Location"]).content.decode()
    assert "Élise will reply by" in page
    assert ">00:40<" in page


@time_machine.travel(NOON, tick=False)
def test_a_request_for_a_new_occasion_adds_the_occasion(cast: Any) -> None:
    cast.http("client_user").post(
        "/concierge/requests/",
        {
            "purpose": "occasion",
            "new_occasion_kind": "wedding",
            "new_occasion_title": "Léa's wedding",
            "new_occasion_date": "2027-05-08",
            "message": "Something for a garden wedding",
        },
    )
    occasion = Occasion.objects.get(title="Léa's wedding")
    assert occasion.source == "client"
    assert StylingRequest.objects.get().occasion == occasion


def test_an_incomplete_new_occasion_is_a_clear_error_and_nothing_is_stored(cast: Any) -> None:
    response = cast.http("client_user").post(
        "/concierge/requests/",
        {
            "purpose": "occasion",
            "new_occasion_title": "A wedding",
            "message": "Ideas please",
        },
    )
    html = response.content.decode()
    assert "Tell us what the occasion is." in html
    assert "Tell us when it is." in html
    assert "Ideas please" in html  # her message is still there
    assert not StylingRequest.objects.exists()
    assert not Occasion.objects.exists()


def test_an_empty_message_is_refused(cast: Any) -> None:
    response = cast.http("client_user").post(
        "/concierge/requests/", {"purpose": "gift", "message": ""}
    )
    assert "This field is required" in response.content.decode()
    assert not StylingRequest.objects.exists()


def test_a_late_answer_is_admitted(story: Story) -> None:
    with time_machine.travel(story.styling_request.due_at + dt.timedelta(minutes=30), tick=False):
        html = (
            story.cast.http("client_user")
            .get(f"/concierge/requests/{story.styling_request.public_id}/")
            .content.decode()
        )
    assert "taking longer than we said" in html


def test_an_answered_request_links_to_its_lookbook(story: Story) -> None:
    story.lookbook.styling_request = story.styling_request
    story.lookbook.save(update_fields=["styling_request"])
    styling_request_mark_answered(styling_request=story.styling_request, lookbook=story.lookbook)
    html = story.cast.http("client_user").get("/concierge/requests/").content.decode()
    assert "Answered" in html
    assert f"/concierge/lookbooks/{story.lookbook.public_id}/" in html


def test_requests_are_rate_limited(cast: Any, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "styling_request": "2/h"}
    http = cast.http("client_user")
    statuses = [
        http.post("/concierge/requests/", {"purpose": "gift", "message": f"Idea {n}"}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert StylingRequest.objects.count() == 2


def test_the_home_shows_the_promise(story: Story) -> None:
    html = story.cast.http("client_user").get("/concierge/").content.decode()
    assert "Your styling request" in html
    assert "will reply by" in html
