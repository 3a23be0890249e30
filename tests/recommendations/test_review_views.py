"""The review pages and their actions, per persona and method, with and without htmx."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from consent.models import StaffAccessLog
from recommendations.models import ItemState, LookbookStatus, ReviewAction
from recommendations.services import lookbook_item_keep, lookbook_publish
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory
from tests.factories.stylists import put_in_book
from tests.recommendations.test_review_services import Draft, make_draft, stocked_product

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
OUTSIDERS = (
    "colleague",
    "stylist_elsewhere",
    "manager_elsewhere",
    "client_user",
    "other_client_user",
)
READERS = ("manager", "head_office")


@pytest.fixture
def draft(cast: Any) -> Draft:
    return make_draft(cast)


def review_url(draft: Draft) -> str:
    return reverse("stylists:lookbook_review", args=[draft.lookbook.public_id])


def action_url(draft: Draft, name: str, item: Any = None) -> str:
    args: list[Any] = [draft.lookbook.public_id]
    if item is not None:
        args.append(item.pk)
    return reverse(f"stylists:{name}", args=args)


def fresh(draft: Draft) -> Any:
    return draft.refresh()


# The actions (POST only), each with a valid payload for a fresh draft at version 1.
def _actions(cast: Any, draft: Draft) -> dict[str, tuple[str, dict[str, Any]]]:
    first, second = draft.items[0], draft.items[1]
    return {
        "keep": (action_url(draft, "lookbook_item_keep", first), {"version": 1}),
        "remove": (
            action_url(draft, "lookbook_item_remove", first),
            {"version": 1, "reason": "price", "note": ""},
        ),
        "restore": (action_url(draft, "lookbook_item_restore", first), {"version": 1}),
        "swap": (
            action_url(draft, "lookbook_item_swap", first),
            {"version": 1, "pick": f"alternate:{draft.alternates[0].public_id}"},
        ),
        "move": (
            action_url(draft, "lookbook_item_move", second),
            {"version": 1, "direction": "up"},
        ),
        "add": (
            action_url(draft, "lookbook_add"),
            {"version": 1, "product": str(draft.alternates[1].public_id), "q": "alt"},
        ),
        "reorder": (
            action_url(draft, "lookbook_reorder") + "?version=1",
            {"order": [second.pk, first.pk, *[i.pk for i in draft.items[2:]]]},
        ),
        "details": (
            action_url(draft, "lookbook_details"),
            {"version": 1, "title": "For the gala", "note": "With love"},
        ),
        "publish": (
            action_url(draft, "lookbook_publish"),
            {"version": 1, "title": "", "note": "", "channels": ["concierge"]},
        ),
        "discard": (
            action_url(draft, "lookbook_discard"),
            {"version": 1, "reason": "not_now", "note": ""},
        ),
        "withdraw": (action_url(draft, "lookbook_withdraw"), {"version": 1, "reason": "Oops"}),
    }


ACTIONS = [
    "keep",
    "remove",
    "restore",
    "swap",
    "move",
    "add",
    "reorder",
    "details",
    "publish",
    "discard",
    "withdraw",
]


# --- Who may do what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("stylist_elsewhere", 200),
        ("manager", 200),
        ("manager_elsewhere", 200),
        ("head_office", 200),
        ("client_user", 404),
        ("other_client_user", 404),
    ],
)
def test_review_queue_per_persona(cast, draft, persona, status):
    response = cast.http(persona).get(reverse("stylists:review_queue"))
    assert response.status_code == status
    if status == 200:
        sees = draft.lookbook.title in response.content.decode()
        assert sees == (persona in ("owner", "manager", "head_office"))


def test_review_queue_sends_anonymous_to_login_and_refuses_post(cast):
    url = reverse("stylists:review_queue")
    response = cast.http("anonymous").get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert cast.http("owner").post(url).status_code == 405


def test_review_queue_oldest_first_with_next_occasion_and_manager_filter(cast):
    from tests.factories.clients import OccasionFactory

    newer = make_draft(cast, title="Newer", client=cast.other_client)
    older = make_draft(cast, title="Older")
    type(older.lookbook).objects.filter(pk=older.lookbook.pk).update(
        created_at=newer.lookbook.created_at.replace(year=2025)
    )
    OccasionFactory(client=cast.client, title="Opera gala")
    body = cast.http("owner").get(reverse("stylists:review_queue")).content.decode()
    assert body.index("Older") < body.index("Newer")
    assert "Opera gala" in body
    # The manager sees the boutique's drafts, and none in her own (empty) book
    manager = cast.http("manager")
    assert "Older" in manager.get(reverse("stylists:review_queue")).content.decode()
    mine = manager.get(reverse("stylists:review_queue") + "?scope=mine").content.decode()
    assert "Older" not in mine
    assert "Nothing waiting" in mine


@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner", 200), ("manager", 200), ("head_office", 200), *[(p, 404) for p in OUTSIDERS]],
)
def test_review_page_per_persona(cast, draft, persona, status):
    response = cast.http(persona).get(review_url(draft))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Piece 1" in body
        can_act = persona == "owner"
        assert ("Publish</button>" in body) == can_act
        assert ('data-dialog-open="remove-' in body) == can_act
        # Only the owner's visit opens the draft for review
        assert fresh(draft).status == (
            LookbookStatus.IN_REVIEW if can_act else LookbookStatus.DRAFT
        )
        assert StaffAccessLog.objects.filter(actor=cast.user(persona), client=cast.client).exists()


def test_the_publish_panel_says_which_language_she_reads(cast, draft):
    """The draft's title arrives in her language; the advisor is told which it is."""
    cast.client.preferred_language = "ja"
    cast.client.save(update_fields=["preferred_language"])

    body = cast.http("owner").get(review_url(draft)).content.decode()

    assert f"As {cast.client.display_name} will read it, in Japanese" in body
    assert f"which {cast.client.display_name} reads in Japanese." in body


def test_review_page_anonymous_and_wrong_method(cast, draft):
    response = cast.http("anonymous").get(review_url(draft))
    assert response.status_code == 302
    assert cast.http("owner").post(review_url(draft)).status_code == 405


def test_guessed_and_garbage_ids_are_404(cast, draft):
    owner = cast.http("owner")
    assert owner.get(reverse("stylists:lookbook_review", args=[uuid.uuid4()])).status_code == 404
    assert (
        owner.post(
            reverse("stylists:lookbook_item_keep", args=[draft.lookbook.public_id, 999999]),
            {"version": 1},
        ).status_code
        == 404
    )
    assert owner.get("/stylist/lookbooks/not-a-uuid/").status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [*[(p, 404) for p in OUTSIDERS], *[(p, 403) for p in READERS]],
)
def test_actions_refuse_outsiders_with_404_and_readers_with_403(
    cast, draft, action, persona, status
):
    url, data = _actions(cast, draft)[action]
    response = cast.http(persona).post(url, data)
    assert response.status_code == status
    assert fresh(draft).version == 1
    assert not draft.lookbook.events.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_are_post_only_and_anonymous_goes_to_login(cast, draft, action):
    url, data = _actions(cast, draft)[action]
    assert cast.http("owner").get(url).status_code == 405
    response = cast.http("anonymous").post(url, data)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("action", [a for a in ACTIONS if a not in ("restore", "withdraw")])
def test_each_action_works_for_the_owner_without_javascript(cast, draft, action):
    url, data = _actions(cast, draft)[action]
    response = cast.http("owner").post(url, data)
    assert response.status_code == 303
    expected = reverse("stylists:review_queue") if action == "discard" else review_url(draft)
    assert response["Location"] == expected
    assert fresh(draft).version > 1
    event = draft.lookbook.events.order_by("-pk").first()
    assert event.actor == cast.owner.user


def test_restore_and_withdraw_work_for_the_owner(cast, draft):
    owner = cast.http("owner")
    first = draft.items[0]
    owner.post(action_url(draft, "lookbook_item_remove", first), {"version": 1, "reason": "price"})
    response = owner.post(action_url(draft, "lookbook_item_restore", first), {"version": 2})
    assert response.status_code == 303
    first.refresh_from_db()
    assert first.state == ItemState.PROPOSED
    published = lookbook_publish(
        lookbook=draft.lookbook, by=cast.owner.user, channels=["concierge"], expected_version=3
    )
    response = owner.post(
        action_url(draft, "lookbook_withdraw"),
        {"version": published.version, "reason": "Wrong season"},
    )
    assert response.status_code == 303
    assert fresh(draft).status == LookbookStatus.WITHDRAWN


# --- htmx ----------------------------------------------------------------------------------


def test_htmx_keep_returns_the_pieces_the_new_version_and_a_toast(cast, draft):
    url, data = _actions(cast, draft)["keep"]
    response = cast.http("owner").post(url, data, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="review-pieces"' in body
    assert (
        'value="2" data-lookbook-version hx-swap-oob="outerHTML:input[data-lookbook-version]"'
        in body
    )
    assert 'hx-swap-oob="beforeend:#toasts"' in body
    assert "Kept Piece 1." in body
    assert 'id="publish-summary"' in body
    assert 'id="review-history"' in body


def test_htmx_add_re_renders_the_search_results_without_the_added_piece(cast, draft):
    url, data = _actions(cast, draft)["add"]
    body = cast.http("owner").post(url, data, **HTMX).content.decode()
    results = body[body.index('id="add-results"') :]
    assert "Alternate 1" in results
    assert "Alternate 3" in results
    assert 'aria-label="Add Alternate 2"' not in results


def test_htmx_stale_version_only_toasts_and_nothing_changes(cast, draft):
    lookbook_item_keep(item=draft.items[5], by=cast.owner.user, expected_version=1)
    url, data = _actions(cast, draft)["remove"]
    response = cast.http("owner").post(url, data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    body = response.content.decode()
    assert "This lookbook changed in another tab — reload to see the latest." in body
    assert "data-lookbook-version" not in body  # the stale page cannot act until reloaded
    assert fresh(draft).version == 2
    assert draft.lookbook.events.count() == 1


def test_htmx_bad_input_re_renders_the_dialog_form_with_what_was_typed(cast, draft):
    url = action_url(draft, "lookbook_item_remove", draft.items[0])
    response = cast.http("owner").post(url, {"version": 1, "reason": "other", "note": ""}, **HTMX)
    assert response["HX-Retarget"] == f"#remove-{draft.items[0].pk}-form"
    body = response.content.decode()
    assert "Say in a few words why" in body
    pk = draft.items[0].pk
    assert f'value="other" id="id_remove{pk}_reason_4" required checked' in body
    assert fresh(draft).version == 1
    assert not draft.lookbook.events.exists()


def test_bad_input_without_javascript_keeps_the_dialog_open_and_the_words(cast, draft):
    url = action_url(draft, "lookbook_item_remove", draft.items[0])
    response = cast.http("owner").post(url, {"version": 1, "reason": "", "note": "Too bold"})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="remove-{draft.items[0].pk}"' in body
    assert "Choose why this piece does not belong." in body
    assert ">Too bold</textarea>" in body
    dialog = body[body.index(f'<dialog id="remove-{draft.items[0].pk}"') :]
    assert dialog[: dialog.index(">")].endswith(" open")


def test_a_stale_tab_without_javascript_gets_409_and_keeps_her_words(cast, draft):
    lookbook_item_keep(item=draft.items[5], by=cast.owner.user, expected_version=1)
    response = cast.http("owner").post(
        action_url(draft, "lookbook_details"),
        {"version": 1, "title": "Mine", "note": "Words I typed"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed in another tab" in body
    assert "Words I typed</textarea>" in body
    assert fresh(draft).note == ""


def test_drag_and_drop_reorder_with_the_version_in_the_url(cast, draft):
    url, data = _actions(cast, draft)["reorder"]
    response = cast.http("owner").post(url, data, **HTMX)
    assert response.status_code == 200
    order = list(draft.lookbook.items.order_by("position").values_list("pk", flat=True))
    assert order == data["order"]
    # A stale drag: 409, so atelier.js puts the old order back
    stale = cast.http("owner").post(url, data, **HTMX)
    assert stale.status_code == 409
    missing = cast.http("owner").post(action_url(draft, "lookbook_reorder"), data, **HTMX)
    assert missing.status_code == 400


def test_moving_past_the_top_is_refused_with_a_reason(cast, draft):
    response = cast.http("owner").post(
        action_url(draft, "lookbook_item_move", draft.items[0]),
        {"version": 1, "direction": "up"},
        **HTMX,
    )
    assert "Piece 1 is already first." in response.content.decode()
    assert fresh(draft).version == 1


def test_htmx_publish_redirects_and_the_page_becomes_read_only(cast, draft):
    url, data = _actions(cast, draft)["publish"]
    response = cast.http("owner").post(url, {**data, "note": "For you"}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == review_url(draft)
    lookbook = fresh(draft)
    assert lookbook.status == LookbookStatus.PUBLISHED
    assert lookbook.note == "For you"
    page = cast.http("owner").get(review_url(draft)).content.decode()
    assert "Published pieces" in page
    assert "Withdraw…" in page
    assert "Publish</button>" not in page


def test_publishing_on_a_channel_she_refused_changes_nothing(cast, draft):
    response = cast.http("owner").post(
        action_url(draft, "lookbook_publish"),
        {"version": 1, "title": "", "note": "", "channels": ["sms"]},
    )
    assert response.status_code == 400
    assert "Not on SMS" in response.content.decode()
    assert fresh(draft).status == LookbookStatus.DRAFT


def test_the_publish_form_disables_channels_with_the_reason(cast, draft):
    body = cast.http("owner").get(review_url(draft)).content.decode()
    assert 'id="channel-sms" disabled' in body
    assert "The client has not allowed SMS." in body
    assert 'id="channel-concierge" checked' in body


# --- Search and the hand-made lookbook -------------------------------------------------------


def test_search_fragment_for_adding_and_for_swapping(cast, draft):
    stocked_product(cast, name="Silk carré")
    owner = cast.http("owner")
    url = action_url(draft, "lookbook_search")
    added = owner.get(url, {"q": "silk"}).content.decode()
    assert "Silk carré" in added
    assert 'aria-label="Add Silk carré"' in added
    swap = owner.get(url, {"q": "silk", "for": draft.items[0].pk}).content.decode()
    assert 'name="pick" value="search:' in swap
    assert owner.get(url, {"q": "silk", "for": 0}).status_code == 404
    assert cast.http("colleague").get(url, {"q": "silk"}).status_code == 404
    assert cast.http("client_user").get(url, {"q": "silk"}).status_code == 404
    assert cast.http("anonymous").get(url).status_code == 302
    assert owner.post(url).status_code == 405
    # A reader sees results but no buttons
    read = cast.http("manager").get(url, {"q": "silk"}).content.decode()
    assert "Silk carré" in read
    assert "Add Silk carré" not in read


@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner", 200), ("manager", 403), ("head_office", 403), *[(p, 404) for p in OUTSIDERS]],
)
def test_new_lookbook_by_hand_per_persona(cast, persona, status):
    url = reverse("stylists:lookbook_new", args=[cast.client.public_id])
    assert cast.http(persona).get(url).status_code == status


def test_new_lookbook_by_hand_for_an_essential_client(cast):
    essential = ClientFactory(home_boutique=cast.paris, first_name="Bérénice", last_name="Aumont")
    ConsentRecordFactory(client=essential, tier="essential", policy_version=cast.policy)
    put_in_book(cast.owner, essential)
    url = reverse("stylists:lookbook_new", args=[essential.public_id])
    owner = cast.http("owner")
    page = owner.get(url).content.decode()
    assert "Only hand-made lookbooks" in page
    response = owner.post(url, {"title": "Pour dimanche"})
    lookbook = essential.lookbooks.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stylists:lookbook_review", args=[lookbook.public_id])
    assert (lookbook.origin, lookbook.status, lookbook.title) == (
        "stylist",
        "in_review",
        "Pour dimanche",
    )
    assert cast.http("anonymous").get(url).status_code == 302
    assert owner.put(url).status_code == 405


# --- Query counts --------------------------------------------------------------------------


# The review page, whatever the number of pieces (18):
#  1 session, 2 user, 3 stylist (stylist_required); an advisor's role answers "head office
#  sees all?" without reading permissions (issue 15: grants left behind do not count),
#  4 the lookbook with client, boutique, author, occasion, model and request (one join),
#  5 may she change the client?, 6 the access-log INSERT, 7 items with products and variants,
#  8 the alternates' products, 9 stock for pieces and alternates, 10 consent, 11 her
#  addresses (channels), 12 history, 13 next occasion, 14 recent purchases, 15 the messaging
#  guard's last proactive message, 16 the sidebar's boutique, 17 the sidebar's badges
#  (drafts waiting and unread messages, one SELECT)
QUERIES_REVIEW_PAGE = 17
# The queue, whatever the number of drafts (9): 1-3 session, user, stylist (the role, not
# the permissions, says whether she sees all), 4 the page of lookbooks with client, author,
# request, piece count and how many there are in all (core.paging), 5 next occasions,
# 6 consents, 7 her clients due a draft (her own book only), 8 the sidebar's boutique,
# 9 the sidebar's badges (drafts waiting and unread messages, one SELECT)
QUERIES_QUEUE = 9


@pytest.mark.parametrize("pieces", [12, 36])
def test_review_page_queries_do_not_grow_with_pieces(cast, pieces, django_assert_num_queries):
    draft = make_draft(cast, pieces=pieces, alternates=8)
    owner = cast.http("owner")
    owner.get(review_url(draft))  # the first visit opens the draft (its own writes)
    with django_assert_num_queries(QUERIES_REVIEW_PAGE):
        body = owner.get(review_url(draft)).content.decode()
    assert body.count('role="listitem" data-id=') == pieces


def test_the_history_names_who_and_which_piece_without_a_query_per_decision(
    cast, django_assert_num_queries
):
    from recommendations.services import lookbook_item_remove

    draft = make_draft(cast, pieces=12, alternates=8)
    owner = cast.http("owner")
    owner.get(review_url(draft))  # opened
    lookbook = fresh(draft)
    for item in draft.items[:3]:
        lookbook_item_remove(
            item=item,
            by=cast.owner.user,
            reason="other",
            note="Too formal for her",
            expected_version=lookbook.version,
        )
        lookbook.refresh_from_db()
    with django_assert_num_queries(QUERIES_REVIEW_PAGE):
        body = owner.get(review_url(draft)).content.decode()
    history = body.split('id="review-history"', 1)[1].split("</section>", 1)[0]
    assert history.count(cast.owner.user.get_full_name()) == 4  # three removals and the opening
    for item in draft.items[:3]:
        assert item.product.name in history
    assert history.count("“Too formal for her”") == 3


def test_her_recent_purchases_say_what_she_paid_at_no_query_per_line(
    cast, django_assert_num_queries
):
    from decimal import Decimal

    from tests.factories.clients import OrderFactory, OrderLineFactory

    draft = make_draft(cast, pieces=12, alternates=8)
    client = fresh(draft).client
    march = OrderFactory(client=client, placed_at=dt.datetime(2026, 3, 2, 11, tzinfo=dt.UTC))
    may = OrderFactory(
        client=client, placed_at=dt.datetime(2026, 5, 9, 16, tzinfo=dt.UTC), currency="GBP"
    )
    older = OrderLineFactory(order=march, unit_price=Decimal("1840.00"))
    newer = OrderLineFactory(order=may, unit_price=Decimal("612.50"))
    owner = cast.http("owner")
    owner.get(review_url(draft))  # opened
    with django_assert_num_queries(QUERIES_REVIEW_PAGE):
        body = owner.get(review_url(draft)).content.decode()
    panel = body.split("Recent purchases", 1)[1].split("</ul>", 1)[0]
    assert panel.index(newer.product.name) < panel.index(older.product.name)  # newest first
    assert "9 May 2026" in panel
    assert "2 Mar 2026" in panel
    # What she paid, in the order's currency, not the catalogue's price today
    assert "£612.50" in panel
    assert "€1,840" in panel
    assert older.product.price != Decimal("1840.00")


def test_the_next_candidates_are_rendered_once_and_in_the_dialog_opened_without_javascript(cast):
    draft = make_draft(cast, pieces=12, alternates=8)
    owner = cast.http("owner")
    body = owner.get(review_url(draft)).content.decode()
    # Once for the page (a <template> each swap dialog copies when it opens), not 12 times
    assert body.count('<template id="swap-alternates">') == 1
    assert body.count('name="pick" value="alternate:') == 8
    # Without JavaScript, "Swap…" is a link that opens that piece's dialog server-side
    item = draft.items[0]
    opened = owner.get(review_url(draft), {"swap": item.pk}).content.decode()
    dialog = opened.split(f'id="swap-{item.pk}-form"', 1)[1].split("</form>", 1)[0]
    assert dialog.count('name="pick" value="alternate:') == 8


# Publishing with a new title and note on the concierge, whatever the number of pieces
# (18; was 37): session, user, stylist, the lookbook, may she change it; 2 savepoints (the
# view's transaction, the service's: BEGIN/COMMIT outside tests); ONE lock for the words
# and the publish; consent (no addresses: the concierge needs none); the pieces, one
# UPDATE for those still proposed (no second read to renumber); ONE lookbook UPDATE
# (title, note and publish) and ONE INSERT of the three events; for the message: the
# notices sent, the messaging guard's last proactive message and her boutique (quiet
# hours); the savepoints' 2 releases. No existence query per relation on each save.
QUERIES_PUBLISH = 18


@pytest.mark.parametrize("pieces", [3, 12])
def test_publishing_queries_do_not_grow_with_pieces(cast, pieces, django_assert_max_num_queries):
    draft = make_draft(cast, pieces=pieces, alternates=2)
    url, data = _actions(cast, draft)["publish"]
    owner = cast.http("owner")
    with django_assert_max_num_queries(QUERIES_PUBLISH):
        response = owner.post(url, {**data, "title": "For the gala", "note": "With love"})
    assert response.status_code == 303
    lookbook = fresh(draft)
    assert (lookbook.status, lookbook.title, lookbook.note) == (
        "published",
        "For the gala",
        "With love",
    )
    assert set(lookbook.items.values_list("state", flat=True)) == {ItemState.KEPT}
    actions = list(lookbook.events.order_by("pk").values_list("action", "payload__version"))
    assert actions == [
        (ReviewAction.TITLE, 2),
        (ReviewAction.NOTE, 3),
        (ReviewAction.PUBLISH, 4),
    ]
    assert lookbook.events.get(action=ReviewAction.PUBLISH).payload["from_version"] == 3


@pytest.mark.parametrize("drafts", [5, 15])
def test_review_queue_queries_do_not_grow_with_rows(cast, drafts, django_assert_num_queries):
    for n in range(drafts):
        make_draft(cast, pieces=2, alternates=0, title=f"Draft {n}")
    owner = cast.http("owner")
    with django_assert_num_queries(QUERIES_QUEUE):
        body = owner.get(reverse("stylists:review_queue")).content.decode()
    assert body.count('aria-label="Review the lookbook for') == drafts


# --- A client never sees a draft, by any route ---------------------------------------------


def test_a_client_never_reaches_a_draft_by_any_route(cast, draft):
    published = make_draft(cast, title="Published one")
    lookbook_publish(
        lookbook=published.lookbook, by=cast.owner.user, channels=["concierge"], expected_version=1
    )
    discarded = make_draft(cast, status=LookbookStatus.DISCARDED, title="Discarded one")
    in_review = make_draft(cast, status=LookbookStatus.IN_REVIEW, title="In review one")
    withdrawn = make_draft(cast, status=LookbookStatus.WITHDRAWN, title="Withdrawn one")
    hidden = [draft, discarded, in_review, withdrawn]
    http = cast.http("client_user")
    # The stylist side: 404 everywhere
    assert http.get("/stylist/").status_code == 404
    assert http.get(reverse("stylists:review_queue")).status_code == 404
    for other in [*hidden, published]:
        assert http.get(review_url(other)).status_code == 404
    # The concierge: only the published lookbook
    for other in hidden:
        url = reverse("concierge:lookbook_detail", args=[other.lookbook.public_id])
        assert http.get(url).status_code == 404
    listing = http.get(reverse("concierge:lookbooks")).content.decode()
    assert "Published one" in listing
    for other in hidden:
        assert other.lookbook.title not in listing
    assert http.get(reverse("concierge:lookbook_detail", args=[uuid.uuid4()])).status_code == 404
    # The API, with every status filter
    api = APIClient()
    api.force_authenticate(cast.client.user)
    for status in [None, *LookbookStatus.values]:
        body = api.get("/api/v1/lookbooks/", {"status": status} if status else {}).json()
        ids = {row["id"] for row in body["results"]}
        expected = {str(published.lookbook.public_id)} if status in (None, "published") else set()
        assert ids == expected
    for other in hidden:
        assert api.get(f"/api/v1/lookbooks/{other.lookbook.public_id}/").status_code == 404
    assert api.get(f"/api/v1/lookbooks/{uuid.uuid4()}/").status_code == 404
    # No message about a draft was ever sent to her
    from stylists.models import Message

    contexts = [m.context.get("lookbook") for m in Message.objects.filter(client=cast.client)]
    assert all(c == str(published.lookbook.public_id) for c in contexts)


def test_the_client_is_refused_on_the_stylist_websocket(cast):
    from asgiref.sync import async_to_sync
    from channels.testing import WebsocketCommunicator

    from stylists.consumers import LiveSignalsConsumer

    async def connect() -> bool:
        communicator = WebsocketCommunicator(LiveSignalsConsumer.as_asgi(), "/ws/stylist/signals/")
        communicator.scope["user"] = cast.client.user
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(connect)() is False


def test_the_api_never_shows_removed_pieces_of_a_published_lookbook(cast, draft):
    from recommendations.services import lookbook_item_remove

    lookbook_item_remove(
        item=draft.items[0], by=cast.owner.user, reason="price", expected_version=1
    )
    lookbook_publish(
        lookbook=draft.lookbook, by=cast.owner.user, channels=["concierge"], expected_version=2
    )
    for persona in ("client_user",):
        api = APIClient()
        api.force_authenticate(cast.user(persona))
        body = api.get(f"/api/v1/lookbooks/{draft.lookbook.public_id}/").json()
        names = [item["product_name"] for item in body["items"]]
        assert names == ["Piece 2", "Piece 3", "Piece 4", "Piece 5", "Piece 6"]
        assert [item["position"] for item in body["items"]] == [1, 2, 3, 4, 5]
        listed = api.get("/api/v1/lookbooks/").json()["results"][0]
        assert [item["product_name"] for item in listed["items"]] == names
    # Staff see the removed piece, marked removed
    staff = APIClient()
    staff.force_authenticate(cast.owner.user)
    items = staff.get(f"/api/v1/lookbooks/{draft.lookbook.public_id}/").json()["items"]
    assert [i["state"] for i in items].count("removed") == 1
    assert ReviewAction.PUBLISH in draft.lookbook.events.values_list("action", flat=True)


@pytest.mark.parametrize("count", [3, 9])
def test_the_api_list_costs_the_same_for_3_or_9_lookbooks(cast, count, django_assert_num_queries):
    for n in range(count):
        make_draft(cast, pieces=3, alternates=0, status=LookbookStatus.PUBLISHED, title=f"L{n}")
    api = APIClient()
    api.force_authenticate(cast.client.user)
    # is she staff? (user.stylist); count; the page of lookbooks with their clients; the
    # visible pieces with their products, for the whole page at once
    with django_assert_num_queries(4):
        body = api.get("/api/v1/lookbooks/").json()
    assert body["count"] == count
    assert all(len(row["items"]) == 3 for row in body["results"])


def test_answer_a_request_preselects_it_and_its_occasion(cast):
    from django.utils import timezone

    from stylists.models import StylingRequest
    from tests.factories.clients import OccasionFactory

    occasion = OccasionFactory(client=cast.client, title="Opera gala")
    request = StylingRequest.objects.create(
        client=cast.client,
        stylist=cast.owner,
        occasion=occasion,
        message="Something for the gala",
        created_at=timezone.now(),
        due_at=timezone.now(),
    )
    url = reverse("stylists:lookbook_new", args=[cast.client.public_id])
    body = cast.http("owner").get(url, {"request": str(request.public_id)}).content.decode()
    assert f'<option value="{request.public_id}" selected>' in body
    assert f'<option value="{occasion.pk}" selected>' in body
    response = cast.http("owner").post(
        url, {"title": "", "occasion": occasion.pk, "styling_request": str(request.public_id)}
    )
    lookbook = cast.client.lookbooks.get()
    assert response.status_code == 302
    assert (lookbook.styling_request, lookbook.occasion) == (request, occasion)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner", 200), ("manager", 200), ("head_office", 200), *[(p, 404) for p in OUTSIDERS]],
)
def test_search_per_persona(cast, draft, persona, status):
    url = action_url(draft, "lookbook_search")
    response = cast.http(persona).get(url, {"q": "alternate"})
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Alternate 1" in body
        assert ('aria-label="Add Alternate 1"' in body) == (persona == "owner")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner", 302), ("manager", 403), ("head_office", 403), *[(p, 404) for p in OUTSIDERS]],
)
def test_new_lookbook_by_hand_post_per_persona(cast, persona, status):
    url = reverse("stylists:lookbook_new", args=[cast.client.public_id])
    response = cast.http(persona).post(url, {"title": "By hand"})
    assert response.status_code == status
    assert cast.client.lookbooks.exists() == (status == 302)


@pytest.mark.parametrize("action", ["keep", "remove", "publish"])
def test_an_action_is_its_service_s_one_transaction_with_no_savepoint_inside(cast, draft, action):
    """act() opens no transaction around a single service: the service's own is the
    only one (the test's wrapping transaction makes it a savepoint here, so exactly one
    SAVEPOINT; before, the view's transaction and the service's made two)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url, data = _actions(cast, draft)[action]
    http = cast.http("owner")
    with CaptureQueriesContext(connection) as queries:
        response = http.post(url, data, **HTMX)
    assert response.status_code in (200, 204)
    savepoints = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1


@time_machine.travel("2026-12-08 13:30:00+01:00", tick=False)
def test_the_next_occasion_is_counted_in_calendar_days(cast, draft):
    # A birthday on the 13th, seen at half past one on the 8th: "in 5 days", the way a
    # calendar counts; not "5 days, 10 hours" (the time left until its midnight)
    from tests.factories.clients import OccasionFactory

    OccasionFactory(
        client=cast.client, title="Opera gala", date=dt.date(2026, 12, 13), recurring_yearly=False
    )
    queue = cast.http("owner").get(reverse("stylists:review_queue")).content.decode()
    review = cast.http("owner").get(review_url(draft)).content.decode()
    for body in (queue, review):
        assert "in 5 days" in body
        assert "hours" not in body
