"""Who may open which concierge page: the client, for her own things only.

Every page × every persona: the client gets her page; another client gets
404 on the first client's lookbook, appointment and request; staff get 404
(they use the dashboard); anonymous visitors go to the login page; the wrong
method is a 405.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.concierge.conftest import Story

STAFF = ("owner", "colleague", "stylist_elsewhere", "manager", "manager_elsewhere", "head_office")

# name → (path builder, methods allowed)
PAGES: dict[str, tuple[Callable[[Story], str], set[str]]] = {
    "home": (lambda s: "/concierge/", {"get"}),
    "lookbooks": (lambda s: "/concierge/lookbooks/", {"get"}),
    "lookbook_detail": (lambda s: f"/concierge/lookbooks/{s.lookbook.public_id}/", {"get"}),
    "product_detail": (lambda s: f"/concierge/pieces/{s.kept[0].product.public_id}/", {"get"}),
    "wishlist": (lambda s: "/concierge/wishlist/", {"get"}),
    "heritage": (lambda s: "/concierge/heritage/", {"get"}),
    "heritage_detail": (lambda s: f"/concierge/heritage/{s.heritage.slug}/", {"get"}),
    "occasions": (lambda s: "/concierge/occasions/", {"get", "post"}),
    "occasion_edit": (lambda s: f"/concierge/occasions/{s.occasion.pk}/", {"get", "post"}),
    "requests": (lambda s: "/concierge/requests/", {"get", "post"}),
    "request_detail": (lambda s: f"/concierge/requests/{s.styling_request.public_id}/", {"get"}),
    "appointments": (lambda s: "/concierge/appointments/", {"get"}),
    "appointment_book": (lambda s: "/concierge/appointments/book/", {"get", "post"}),
    "appointment_detail": (
        lambda s: f"/concierge/appointments/{s.appointment.public_id}/",
        {"get"},
    ),
    "appointment_video": (
        lambda s: f"/concierge/appointments/{s.appointment.public_id}/video/",
        {"get"},
    ),
    "appointment_calendar": (
        lambda s: f"/concierge/appointments/{s.appointment.public_id}/calendar.ics",
        {"get"},
    ),
    "messages": (lambda s: "/concierge/messages/", {"get", "post"}),
}
POST_ONLY: dict[str, Callable[[Story], str]] = {
    "lookbook_react": lambda s: (
        f"/concierge/lookbooks/{s.lookbook.public_id}/pieces/{s.kept[0].pk}/reaction/"
    ),
    "wishlist_add": lambda s: f"/concierge/pieces/{s.kept[0].product.public_id}/save/",
    "wishlist_remove": lambda s: f"/concierge/pieces/{s.kept[0].product.public_id}/unsave/",
    "wishlist_share": lambda s: "/concierge/wishlist/share/",
    "occasion_delete": lambda s: f"/concierge/occasions/{s.occasion.pk}/delete/",
    "appointment_cancel": lambda s: f"/concierge/appointments/{s.appointment.public_id}/cancel/",
}
# The first client's own things: another client gets a 404, never a glimpse.
HERS = (
    "lookbook_detail",
    "occasion_edit",
    "request_detail",
    "appointment_detail",
    "appointment_video",
    "appointment_calendar",
)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_client_opens_every_page_of_her_story(story: Story, name: str) -> None:
    # Given Camille, signed in
    http = story.cast.http("client_user")
    # When she opens the page
    response = http.get(PAGES[name][0](story))
    # Then it is hers to read
    assert response.status_code == 200


@pytest.mark.parametrize("name", HERS)
def test_another_client_gets_404_on_her_things(story: Story, name: str) -> None:
    response = story.cast.http("other_client_user").get(PAGES[name][0](story))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["lookbook_react", "occasion_delete", "appointment_cancel"])
def test_another_client_cannot_act_on_her_things(story: Story, name: str) -> None:
    response = story.cast.http("other_client_user").post(
        POST_ONLY[name](story), {"reaction": "love"}
    )
    assert response.status_code == 404


def test_another_client_cannot_cancel_her_appointment(story: Story) -> None:
    url = POST_ONLY["appointment_cancel"](story)
    story.cast.http("other_client_user").post(url)
    story.appointment.refresh_from_db()
    assert story.appointment.status == "confirmed"


@pytest.mark.parametrize("persona", STAFF)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_staff_get_404_in_the_concierge(story: Story, persona: str, name: str) -> None:
    # Staff see clients in the dashboard, never through the client's own door.
    response = story.cast.http(persona).get(PAGES[name][0](story))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", STAFF)
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_staff_cannot_post_in_the_concierge(story: Story, persona: str, name: str) -> None:
    response = story.cast.http(persona).post(POST_ONLY[name](story), {"reaction": "love"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_visitors_are_asked_to_sign_in(story: Story, name: str) -> None:
    path = PAGES[name][0](story)
    response = story.cast.http("anonymous").get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_anonymous_posts_are_asked_to_sign_in(story: Story, name: str) -> None:
    response = story.cast.http("anonymous").post(POST_ONLY[name](story))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_wrong_methods_are_refused(story: Story, name: str) -> None:
    path, allowed = PAGES[name]
    http = story.cast.http("client_user")
    for method in ("post", "put", "delete", "patch"):
        if method in allowed:
            continue
        response = getattr(http, method)(path(story))
        assert response.status_code == 405, (name, method)


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_endpoints_refuse_get(story: Story, name: str) -> None:
    response = story.cast.http("client_user").get(POST_ONLY[name](story))
    assert response.status_code == 405


def test_malformed_ids_are_404s(story: Story) -> None:
    http = story.cast.http("client_user")
    for path in (
        "/concierge/occasions/999999/",
        "/concierge/heritage/no-such-story/",
        "/concierge/pieces/00000000-0000-0000-0000-000000000000/",
        "/concierge/appointments/00000000-0000-0000-0000-000000000000/",
        "/concierge/requests/00000000-0000-0000-0000-000000000000/",
    ):
        assert http.get(path).status_code == 404, path


def test_an_inactive_advisors_client_still_has_a_home(story: Story, cast: Any) -> None:
    # Given Camille has no advisor any more (her book assignment ended)
    cast.client.book_assignments.update(ended_at="2026-01-01T00:00:00Z")
    # Then her story still opens, with the house's client services as her contact
    body = cast.http("client_user").get("/concierge/").content.decode()
    assert "client services" in body
