"""Signed lookbook links that expire, and lookbook reactions reaching the advisor's pages live."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.utils import timezone

from recommendations.links import lookbook_link_check, lookbook_link_path
from tests.concierge.conftest import publish
from tests.live.conftest import headers_for, socket


@pytest.fixture
def chapter(cast: Any) -> Any:
    lookbook, items = publish(cast.client, title="For the Opera gala", author=cast.owner)
    return lookbook, items


# --- Signed links -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_fresh_link_opens_the_lookbook_after_sign_in(cast, chapter):
    lookbook, _ = chapter
    path = lookbook_link_path(lookbook_public_id=lookbook.public_id)
    anonymous = cast.http("anonymous").get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=/concierge/l/")
    response = cast.http("client_user").get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/concierge/lookbooks/{lookbook.public_id}/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["other_client_user", "owner", "colleague", "manager", "head_office"]
)
def test_the_link_opens_for_no_one_else(cast, chapter, persona):
    lookbook, _ = chapter
    path = lookbook_link_path(lookbook_public_id=lookbook.public_id)
    assert cast.http(persona).get(path).status_code == 404


@pytest.mark.django_db
def test_after_fourteen_days_the_link_says_plainly_it_has_expired(cast, chapter):
    lookbook, _ = chapter
    path = lookbook_link_path(lookbook_public_id=lookbook.public_id)
    with time_machine.travel(timezone.now() + dt.timedelta(days=13, hours=23), tick=False):
        assert cast.http("client_user").get(path).status_code == 302
    with time_machine.travel(timezone.now() + dt.timedelta(days=14, minutes=1), tick=False):
        for persona in ("client_user", "anonymous"):
            response = cast.http(persona).get(path)
            assert response.status_code == 410
            html = response.content.decode()
            assert "This link has expired" in html
            assert "stay open for 14 days" in html
            assert "/concierge/lookbooks/" in html
            assert str(lookbook.public_id) not in html


@pytest.mark.django_db
def test_a_forged_or_altered_link_is_not_found(cast, chapter):
    lookbook, _ = chapter
    path = lookbook_link_path(lookbook_public_id=lookbook.public_id)
    token = path.split("/")[-2]
    assert lookbook_link_check(token).state == "valid"
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert lookbook_link_check(forged).state == "invalid"
    assert cast.http("client_user").get(f"/concierge/l/{forged}/").status_code == 404
    assert cast.http("client_user").get("/concierge/l/nonsense/").status_code == 404
    assert cast.http("client_user").post(path).status_code == 405


# --- Reactions, live ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_love_reaches_the_advisors_open_pages_at_once(cast, chapter):
    lookbook, items = chapter
    item = items[0]
    headers = headers_for(cast.owner.user)
    react = f"/concierge/lookbooks/{lookbook.public_id}/pieces/{item.pk}/reaction/"
    http = cast.http("client_user")

    async def scenario() -> list[dict[str, Any]]:
        from asgiref.sync import sync_to_async

        advisor = socket("/ws/stylist/signals/", headers)
        await advisor.connect()
        await sync_to_async(http.post)(react, {"reaction": "love"})
        loved = await advisor.receive_json_from(timeout=1)
        await sync_to_async(http.post)(react, {"reaction": "love"})  # the same again: taken back
        taken_back = await advisor.receive_json_from(timeout=1)
        await advisor.disconnect()
        return [loved, taken_back]

    loved, taken_back = async_to_sync(scenario)()
    assert loved["type"] == "reaction"
    assert loved["reaction"] == "love"
    assert loved["item"] == item.pk
    assert loved["lookbook"] == str(lookbook.public_id)
    assert loved["label"] == "♥ Camille loves it"
    assert loved["text"] == f"Camille Laurent loves the {item.product.name}"
    assert loved["client"]["id"] == str(cast.client.public_id)
    assert taken_back["reaction"] == ""
    assert taken_back["label"] == "No reaction yet"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", ["colleague", "manager", "stylist_elsewhere"])
def test_no_one_but_her_advisor_hears_of_it(cast, chapter, persona):
    lookbook, items = chapter
    headers = headers_for(cast.user(persona))
    react = f"/concierge/lookbooks/{lookbook.public_id}/pieces/{items[0].pk}/reaction/"
    http = cast.http("client_user")

    async def scenario() -> bool:
        from asgiref.sync import sync_to_async

        other = socket("/ws/stylist/signals/", headers)
        await other.connect()
        await sync_to_async(http.post)(react, {"reaction": "not_for_me"})
        silent = await other.receive_nothing(timeout=0.3)
        await other.disconnect()
        return silent

    assert async_to_sync(scenario)()


@pytest.mark.django_db
def test_the_advisors_lookbook_page_and_the_story_show_her_reactions(cast, chapter):
    lookbook, items = chapter
    http = cast.http("client_user")
    http.post(
        f"/concierge/lookbooks/{lookbook.public_id}/pieces/{items[0].pk}/reaction/",
        {"reaction": "love"},
    )
    http.post(
        f"/concierge/lookbooks/{lookbook.public_id}/pieces/{items[1].pk}/reaction/",
        {"reaction": "not_for_me"},
    )
    review = cast.http("owner").get(f"/stylist/lookbooks/{lookbook.public_id}/").content.decode()
    assert "♥ Camille loves it" in review
    assert "Not for Camille" in review
    assert f'data-reaction-for="{items[2].pk}"' in review
    assert f'data-live-lookbook="{lookbook.public_id}"' in review
    story = cast.http("owner").get(f"/stylist/clients/{cast.client.public_id}/").content.decode()
    assert "Lookbook reactions" in story
    assert f"♥ Loves the {items[0].product.name}" in story
    assert f"Not for her: the {items[1].product.name}" in story
    assert f'data-live-client="{cast.client.public_id}"' in story


@pytest.mark.django_db
def test_the_story_reads_reactions_in_one_query_whatever_their_number(
    cast, chapter, django_assert_max_num_queries
):
    lookbook, items = chapter
    http = cast.http("owner")
    url = f"/stylist/clients/{cast.client.public_id}/"
    http.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        http.get(url)
    baseline = len(few.captured_queries)
    client_http = cast.http("client_user")
    for item in items:
        client_http.post(
            f"/concierge/lookbooks/{lookbook.public_id}/pieces/{item.pk}/reaction/",
            {"reaction": "love"},
        )
    with django_assert_max_num_queries(baseline):
        http.get(url)


@pytest.mark.django_db(transaction=True)
def test_asking_about_a_piece_reaches_the_advisors_lookbook_page(cast, chapter):
    lookbook, items = chapter
    item = items[1]
    headers = headers_for(cast.owner.user)
    client_headers = headers_for(cast.client.user)
    http = cast.http("client_user")
    others, other_items = publish(cast.other_client, title="Inès only", author=cast.owner)

    async def scenario() -> list[Any]:
        from asgiref.sync import sync_to_async

        advisor = socket("/ws/stylist/signals/", headers)
        await advisor.connect()
        # Without script: the form posts, carrying the piece and the lookbook.
        await sync_to_async(http.post)(
            "/concierge/messages/",
            {
                "body": "Is it warm enough for March?",
                "about": str(item.product.public_id),
                "lookbook": str(lookbook.public_id),
            },
        )
        events = [await advisor.receive_json_from(timeout=1) for _ in range(2)]
        # Over the socket, the same; naming someone else's lookbook tells nothing.
        thread = socket("/ws/thread/", client_headers)
        await thread.connect()
        await thread.send_json_to(
            {
                "type": "send",
                "body": "And this one?",
                "about": str(other_items[0].product.public_id),
                "lookbook": str(others.public_id),
            }
        )
        events += [await advisor.receive_json_from(timeout=1)]
        await thread.send_json_to(
            {
                "type": "send",
                "body": "And the first?",
                "about": str(items[0].product.public_id),
                "lookbook": str(lookbook.public_id),
            }
        )
        events += [await advisor.receive_json_from(timeout=1) for _ in range(2)]
        await thread.disconnect()
        await advisor.disconnect()
        return events

    events = async_to_sync(scenario)()
    asks = [e for e in events if e["type"] == "reaction"]
    assert [(e["reaction"], e["item"]) for e in asks] == [("ask", item.pk), ("ask", items[0].pk)]
    assert asks[0]["label"] == "Camille asked about it"
    assert asks[0]["text"] == f"Camille Laurent asked about the {item.product.name}"
    assert [e["type"] for e in events].count("message") == 3  # each message, as before


@pytest.mark.django_db
def test_the_ask_link_carries_the_piece_into_the_form(cast, chapter):
    lookbook, items = chapter
    product = items[0].product
    html = (
        cast.http("client_user")
        .get(f"/concierge/messages/?about={product.public_id}&lookbook={lookbook.public_id}")
        .content.decode()
    )
    assert f'name="about" value="{product.public_id}"' in html
    assert f'name="lookbook" value="{lookbook.public_id}"' in html
