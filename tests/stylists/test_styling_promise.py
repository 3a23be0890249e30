"""The four-hour promise: counted in opening hours, closed by any answer, escalated once."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from stylists.models import FollowUp, FollowUpStatus, StylingRequest
from stylists.services import message_send, styling_request_create, styling_request_mark_answered
from stylists.services.opening_hours import add_opening_hours
from stylists.tasks import escalate_styling_requests

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dict[str, Any]]]:
    """What the advisors' open pages would receive (the channel-layer sends, captured)."""
    sent: list[tuple[int, dict[str, Any]]] = []
    monkeypatch.setattr(
        "stylists.services.signals._send",
        lambda stylist_id, event: sent.append((stylist_id, event)),
    )
    return sent


PARIS = ZoneInfo("Europe/Paris")


def paris(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


def test_four_hours_count_in_the_boutiques_opening_hours(cast: Any) -> None:
    # The Paris boutique opens 10:00-19:00 Monday to Saturday (closed on Sunday)
    hours = dt.timedelta(hours=4)
    assert add_opening_hours(paris(23, 12), hours, cast.paris) == paris(23, 16)
    # sent at 21:00 on Monday: due four working hours after Tuesday's opening
    assert add_opening_hours(paris(23, 21), hours, cast.paris) == paris(24, 14)
    # sent at 17:00: two hours today, two tomorrow
    assert add_opening_hours(paris(23, 17), hours, cast.paris) == paris(24, 12)
    # sent on Saturday evening: Sunday is closed, so Monday 14:00
    assert add_opening_hours(paris(28, 20), hours, cast.paris) == paris(30, 14)
    # a boutique with no hours on record keeps the clock
    cast.paris.opening_hours = {}
    assert add_opening_hours(paris(23, 21), hours, cast.paris) == paris(24, 1)


def test_a_request_sent_at_night_is_due_after_opening(cast: Any) -> None:
    with time_machine.travel(paris(23, 21), tick=False):
        styling_request = styling_request_create(client=cast.client, message="A coat for Milan")
    assert styling_request.due_at == paris(24, 14)
    follow_up = FollowUp.objects.get(dedupe_key=f"request:{styling_request.public_id}")
    assert follow_up.due_on == dt.date(2026, 11, 24)


def test_an_advisors_message_answers_her_open_requests(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    styling_request = styling_request_create(client=cast.client, message="Shoes for the gala")
    # An automatic notice from the house (no one pressed send) does not answer it
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            client=cast.client, stylist=cast.owner, channel="email", kind="service", body="Notice"
        )
    styling_request.refresh_from_db()
    assert styling_request.status == "open"
    # Élise writing to her does
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            client=cast.client,
            stylist=cast.owner,
            channel="email",
            kind="service",
            body="Camille, I have three pairs in mind.",
            sent_by=cast.owner.user,
        )
    styling_request.refresh_from_db()
    assert (styling_request.status, styling_request.answered_via) == ("answered", "message")
    follow_up = FollowUp.objects.get(dedupe_key=f"request:{styling_request.public_id}")
    assert follow_up.status == FollowUpStatus.DONE


def test_the_advisor_may_mark_a_request_answered(cast: Any) -> None:
    styling_request = styling_request_create(client=cast.client, message="Called her instead")
    styling_request_mark_answered(styling_request=styling_request)
    assert (styling_request.status, styling_request.answered_via) == ("answered", "advisor")


def test_a_breached_request_goes_to_the_manager_once(
    cast: Any, live_events: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    # Given a request past its promise
    with time_machine.travel(paris(23, 10), tick=False):
        styling_request = styling_request_create(client=cast.client, message="A bag for Rome")
    on_commit = django_capture_on_commit_callbacks(execute=True)
    with time_machine.travel(paris(23, 15), tick=False), on_commit:
        # When the beat task runs twice
        from django.test.utils import CaptureQueriesContext  # noqa: F401

        assert escalate_styling_requests() == 1
        assert escalate_styling_requests() == 0
    # Then the boutique's manager has it on Today, once, and heard of it live
    escalations = FollowUp.objects.filter(dedupe_key=f"escalation:{styling_request.public_id}")
    assert escalations.count() == 1
    escalation = escalations.get()
    assert escalation.stylist == cast.manager
    assert "Past the four-hour promise" in escalation.reason
    styling_request.refresh_from_db()
    assert styling_request.escalated_at == paris(23, 15)
    with time_machine.travel(paris(23, 15, 5), tick=False):
        page = cast.http("manager").get("/stylist/")
    assert "Past the four-hour promise" in page.content.decode()
    assert [(who, event["type"]) for who, event in live_events] == [
        (cast.manager.pk, "live.message")
    ]
    # And answering the request clears the manager's line too
    styling_request_mark_answered(styling_request=styling_request)
    escalation.refresh_from_db()
    assert escalation.status == FollowUpStatus.DONE


def test_the_team_board_shows_the_share_met_within_the_promise(cast: Any) -> None:
    now = timezone.now()
    # One answered in time, one answered late, one open past due, one still within its hours
    for created, answered, due in ((3, 2, 1), (6, 1, 2), (6, None, 2), (1, None, -3)):
        made = now - dt.timedelta(hours=created)
        StylingRequest.objects.create(
            client=cast.client,
            stylist=cast.owner,
            message="…",
            created_at=made,
            due_at=now - dt.timedelta(hours=due),
            answered_at=now - dt.timedelta(hours=answered) if answered else None,
            status="answered" if answered else "open",
        )
    response = cast.http("manager").get("/stylist/team/")
    row = next(r for r in response.context["rows"] if r.stylist == cast.owner)
    assert (row.requests_met, row.requests_decided, row.sla_breaches) == (1, 3, 2)
    assert "Met within promise" in response.content.decode()
    assert "33%" in response.content.decode()
