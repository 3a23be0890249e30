"""The sidebar's badges, cached a few seconds per user (SIDEBAR_BADGES_SECONDS).

Test settings count them on every page (0 seconds); these tests turn the cache on as
production has it: a page reuses her pair, what she does herself shows at once, what
others do shows once the pair expires, and a cache that is down costs nothing but the
count.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from stylists.pages import conversations
from stylists.pages.conversations import badge_counts
from tests.recommendations.test_review_services import make_draft
from tests.stylists.conftest import book_of_n
from tests.stylists.test_conversations import inbound

PAGE = "stylists:appointments"  # a page that counts nothing itself: the badges are its own


@pytest.fixture(autouse=True)
def _badges_cached(settings: Any) -> None:
    settings.SIDEBAR_BADGES_SECONDS = 10


def badges(http: Any) -> str:
    body = http.get(reverse(PAGE)).content.decode()
    return " ".join(part.split("<", 1)[0] for part in body.split('app-nav__badge">')[1:])


def test_a_second_page_reuses_her_badges(cast, count_queries):
    for client in book_of_n(cast, cast.owner, 2, with_history=False):
        inbound(client, "Hello")
    http = cast.http("owner")
    first = count_queries(lambda: http.get(reverse(PAGE)))
    second = count_queries(lambda: http.get(reverse(PAGE)))
    assert second == first - 1  # the badges' SELECT
    assert badges(http) == "2"


def test_each_user_has_her_own_pair(cast):
    inbound(cast.client, "Hello")
    assert badges(cast.http("owner")) == "1"
    assert badges(cast.http("colleague")) == ""  # not her book: nothing to count


def test_what_others_add_shows_when_her_pair_expires(cast):
    http = cast.http("owner")
    assert badges(http) == ""
    inbound(cast.client, "Hello")  # a client writes: no one forgets her pair
    assert badges(http) == ""  # within the ten seconds
    cache.delete(f"sidebar-badges:{cast.owner.user.pk}")  # ... as when they pass
    assert badges(http) == "1"


def test_reading_the_conversation_drops_her_unread_badge_at_once(
    cast, django_capture_on_commit_callbacks
):
    inbound(cast.client, "Hello")
    http = cast.http("owner")
    assert badges(http) == "1"
    with django_capture_on_commit_callbacks(execute=True) as forgotten:
        http.get(reverse("stylists:conversation", args=[cast.client.public_id]))
    assert forgotten  # once the reads are committed
    assert badges(http) == ""


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("lookbook_discard", {"version": 1, "reason": "not_now", "note": ""}),
        ("lookbook_publish", {"version": 1, "title": "", "note": "", "channels": ["concierge"]}),
    ],
)
def test_publishing_or_setting_aside_drops_her_queue_badge_at_once(
    cast, action, payload, django_capture_on_commit_callbacks
):
    draft = make_draft(cast)
    http = cast.http("owner")
    assert badges(http) == "1"
    url = reverse(f"stylists:{action}", args=[draft.lookbook.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(url, payload)
    assert response.status_code in (200, 302, 303)
    draft.lookbook.refresh_from_db()
    assert draft.lookbook.status in ("published", "discarded")
    assert badges(http) == ""


def test_a_lookbook_drafted_by_hand_shows_at_once(cast, django_capture_on_commit_callbacks):
    http = cast.http("owner")
    assert badges(http) == ""
    url = reverse("stylists:lookbook_new", args=[cast.client.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(url, {"title": "For Milan"})
    assert response.status_code == 302
    assert badges(http) == "1"


def test_without_the_cache_the_badges_are_counted(cast):
    inbound(cast.client, "Hello")
    broken = mock.Mock(side_effect=ConnectionError("Redis is down"))
    with (
        mock.patch.object(conversations.cache, "get", broken),
        mock.patch.object(conversations.cache, "set", broken),
    ):
        assert badge_counts(cast.owner.user, cast.owner) == (0, 1)
        assert badges(cast.http("owner")) == "1"
