"""Messages with the advisor (contract C1): the client writes, the house's words are marked read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from stylists.models import Message, MessageChannel, MessageDirection, MessageStatus


def _outbound(
    cast: Any,
    body: str,
    *,
    channel: str = MessageChannel.CONCIERGE,
    status: str = MessageStatus.DELIVERED,
    minutes_ago: int = 60,
) -> Message:
    return Message.objects.create(
        client=cast.client,
        stylist=cast.owner,
        direction=MessageDirection.OUTBOUND,
        channel=channel,
        body=body,
        status=status,
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def test_she_writes_to_her_advisor(cast: Any) -> None:
    response = cast.http("client_user").post(
        "/concierge/messages/", {"body": "  Is the cape in navy?  "}
    )
    assert response.status_code == 302
    assert response["Location"] == "/concierge/messages/#latest"
    message = Message.objects.get()
    assert message.direction == MessageDirection.INBOUND
    assert message.channel == MessageChannel.CONCIERGE
    assert message.stylist == cast.owner
    assert message.body == "Is the cape in navy?"


def test_an_empty_message_is_refused(cast: Any) -> None:
    response = cast.http("client_user").post("/concierge/messages/", {"body": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Message.objects.exists()


def test_the_thread_shows_both_voices_and_marks_the_house_read(cast: Any) -> None:
    unread = _outbound(cast, "Your size is set aside until Saturday.")
    Message.objects.create(
        client=cast.client,
        stylist=cast.owner,
        direction=MessageDirection.INBOUND,
        channel=MessageChannel.SMS,
        body="Thank you, Élise",
        status=MessageStatus.RECEIVED,
        created_at=timezone.now(),
    )
    html = cast.http("client_user").get("/concierge/messages/").content.decode()
    assert "Your size is set aside until Saturday." in html
    assert "Thank you, Élise" in html
    assert "by SMS" in html
    unread.refresh_from_db()
    assert unread.read_at is not None
    assert unread.status == MessageStatus.READ


def test_what_never_left_the_house_is_not_shown(cast: Any) -> None:
    _outbound(cast, "Blocked by consent", channel=MessageChannel.SMS, status=MessageStatus.BLOCKED)
    _outbound(cast, "Still queued", channel=MessageChannel.EMAIL, status=MessageStatus.QUEUED)
    _outbound(cast, "Sent by e-mail", channel=MessageChannel.EMAIL, status=MessageStatus.SENT)
    html = cast.http("client_user").get("/concierge/messages/").content.decode()
    assert "Blocked by consent" not in html
    assert "Still queued" not in html
    assert "Sent by e-mail" in html
    assert "by e-mail" in html


def test_another_clients_messages_are_not_shown(cast: Any) -> None:
    Message.objects.create(
        client=cast.other_client,
        stylist=cast.owner,
        direction=MessageDirection.OUTBOUND,
        channel=MessageChannel.CONCIERGE,
        body="For Inès only",
        status=MessageStatus.DELIVERED,
        created_at=timezone.now(),
    )
    assert (
        "For Inès only" not in cast.http("client_user").get("/concierge/messages/").content.decode()
    )


def test_the_home_says_the_advisor_wrote(cast: Any) -> None:
    _outbound(cast, "A word from Élise")
    html = cast.http("client_user").get("/concierge/").content.decode()
    assert "Élise has written to you" in html


def test_messaging_is_rate_limited(cast: Any, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "client_message": "2/10m"}
    http = cast.http("client_user")
    statuses = [
        http.post("/concierge/messages/", {"body": f"Note {n}"}).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Message.objects.count() == 2


def test_a_chapters_notice_links_to_the_chapter(cast: Any) -> None:
    notice = _outbound(cast, "A new chapter: https://atelier.example/concierge/lookbooks/x/")
    notice.context = {"lookbook": "8a1e6c1e-7c55-4c8e-9d5a-1f2b3c4d5e6f"}
    notice.save(update_fields=["context"])
    odd = _outbound(cast, "A notice with a damaged context", minutes_ago=30)
    odd.context = {"lookbook": "not-a-uuid"}
    odd.save(update_fields=["context"])
    html = cast.http("client_user").get("/concierge/messages/").content.decode()
    assert "/concierge/lookbooks/8a1e6c1e-7c55-4c8e-9d5a-1f2b3c4d5e6f/" in html
    assert html.count("Open the chapter") == 1
    assert 'href="https://atelier.example/concierge/lookbooks/x/"' in html
