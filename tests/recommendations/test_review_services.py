"""The review services: every stylist decision is a ReviewEvent, stale tabs change nothing,
publishing respects consent, happens once, and tells the client on commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent.models import ConsentTier
from core import tasks as core_tasks
from recommendations.links import lookbook_link_check
from recommendations.models import (
    ItemSource,
    ItemState,
    Lookbook,
    LookbookItem,
    LookbookOrigin,
    LookbookStatus,
    ReviewAction,
    ReviewEvent,
)
from recommendations.selectors import (
    lookbook_items_for,
    lookbook_review_page,
    lookbook_search_candidates,
    published_lookbooks_for_client,
    stock_in_size,
)
from recommendations.services import (
    StaleLookbook,
    lookbook_create_by_hand,
    lookbook_discard,
    lookbook_item_add,
    lookbook_item_keep,
    lookbook_item_remove,
    lookbook_item_restore,
    lookbook_item_swap,
    lookbook_open_for_review,
    lookbook_publish,
    lookbook_reorder,
    lookbook_set_note,
    lookbook_set_title,
    lookbook_withdraw,
)
from recommendations.services.review import STALE_MESSAGE, lookbook_notice
from recommendations.tasks import notify_lookbook_published
from stylists.models import Message, MessageStatus, StylingRequest, StylingRequestStatus
from stylists.services import message_deliver
from tests.factories.catalog import ProductFactory, StockLevelFactory, VariantFactory
from tests.factories.clients import ClientFactory, OccasionFactory
from tests.factories.consent import ConsentRecordFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory
from tests.factories.stylists import put_in_book

pytestmark = pytest.mark.django_db

# A Tuesday morning in Paris: outside the quiet hours of the messaging guard.
MORNING = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


@dataclass
class Draft:
    lookbook: Lookbook
    items: list[LookbookItem]
    alternates: list[Any]  # products

    def refresh(self) -> Lookbook:
        self.lookbook.refresh_from_db()
        return self.lookbook


def stocked_product(
    cast: Any, *, name: str, size: str = "38", paris: int = 2, online: int = 5, **kwargs: Any
) -> Any:
    """A ready-to-wear piece with stock in `size`, in Paris and online."""
    product = ProductFactory(name=name, **kwargs)
    variant = VariantFactory(product=product, size=size)
    if paris:
        StockLevelFactory(variant=variant, boutique=cast.paris, quantity=paris)
    if online:
        StockLevelFactory(variant=variant, boutique=None, quantity=online)
    return product


def make_draft(
    cast: Any, *, pieces: int = 6, alternates: int = 3, client: Any = None, **kwargs: Any
) -> Draft:
    """A machine draft for the client (Camille by default) with stocked pieces and alternates."""
    client = client or cast.client
    products = [stocked_product(cast, name=f"Piece {n}") for n in range(1, pieces + 1)]
    spare = [stocked_product(cast, name=f"Alternate {n}") for n in range(1, alternates + 1)]
    lookbook = LookbookFactory(
        client=client,
        author=cast.owner,
        origin=LookbookOrigin.MODEL,
        data_basis={
            "tier": "personal",
            "kinds": ["purchases", "sizes"],
            "counts": {"purchases": 4},
        },
        alternates=[
            {"product": p.pk, "score": round(0.5 - n / 100, 2), "why": f"Next best {n}"}
            for n, p in enumerate(spare, start=1)
        ],
        **kwargs,
    )
    items = [
        LookbookItemFactory(
            lookbook=lookbook, product=product, position=n, explanation=f"Because {n}"
        )
        for n, product in enumerate(products, start=1)
    ]
    return Draft(lookbook=lookbook, items=items, alternates=spare)


def positions(lookbook: Lookbook) -> list[tuple[str, int, str]]:
    return [
        (item.product.name, item.position, item.state)
        for item in lookbook.items.select_related("product").order_by("position", "pk")
    ]


def events(lookbook: Lookbook) -> list[ReviewEvent]:
    return list(lookbook.events.order_by("pk"))


@pytest.fixture
def draft(cast: Any) -> Draft:
    return make_draft(cast)


@pytest.fixture
def by(cast: Any) -> Any:
    return cast.owner.user


# --- Opening and making ----------------------------------------------------------------


def test_opening_a_draft_moves_it_into_review_once(draft, by):
    # When the owner opens the draft twice
    first = lookbook_open_for_review(lookbook=draft.lookbook, by=by)
    second = lookbook_open_for_review(lookbook=draft.lookbook, by=by)
    # Then it is in review, one version later, with exactly one "open" event by her
    assert first.status == second.status == LookbookStatus.IN_REVIEW
    assert second.version == 2
    [event] = events(draft.lookbook)
    assert (event.action, event.actor) == (ReviewAction.OPEN, by)


def test_a_stylist_makes_a_lookbook_by_hand_even_for_an_essential_client(cast, by):
    essential = ClientFactory(home_boutique=cast.paris)
    ConsentRecordFactory(client=essential, tier=ConsentTier.ESSENTIAL, policy_version=cast.policy)
    put_in_book(cast.owner, essential)
    occasion = OccasionFactory(client=essential)
    lookbook = lookbook_create_by_hand(
        client=essential, author=cast.owner, title="  For the gala ", occasion=occasion
    )
    assert lookbook.origin == LookbookOrigin.STYLIST
    assert lookbook.status == LookbookStatus.IN_REVIEW
    assert lookbook.title == "For the gala"
    assert lookbook.data_basis == {"tier": "essential", "kinds": [], "by_hand": True}
    [event] = events(lookbook)
    assert event.action == ReviewAction.OPEN
    assert event.actor == by
    assert event.payload["by_hand"] is True


def test_by_hand_refuses_another_clients_occasion(cast):
    with pytest.raises(ValidationError, match="another client"):
        lookbook_create_by_hand(
            client=cast.client,
            author=cast.owner,
            occasion=OccasionFactory(client=cast.other_client),
        )
    assert not Lookbook.objects.exists()


# --- Pieces ----------------------------------------------------------------------------


def test_keep_marks_the_piece_and_writes_its_event(draft, by):
    item = draft.items[0]
    kept = lookbook_item_keep(item=item, by=by, expected_version=1)
    assert kept.state == ItemState.KEPT
    assert draft.refresh().version == 2
    [event] = events(draft.lookbook)
    assert (event.action, event.actor, event.item, event.product) == (
        ReviewAction.KEEP,
        by,
        kept,
        item.product,
    )
    # Keeping it again is refused, and writes nothing
    with pytest.raises(ValidationError, match="already kept"):
        lookbook_item_keep(item=item, by=by, expected_version=2)
    assert len(events(draft.lookbook)) == 1


def test_remove_with_a_reason_keeps_positions_dense(draft, by):
    # When the second piece is removed because she owns something similar
    removed = lookbook_item_remove(
        item=draft.items[1],
        by=by,
        reason="owns_similar",
        note="Has the Riviera",
        expected_version=1,
    )
    # Then the pieces that will be published are 1..5, the removed one follows
    assert removed.state == ItemState.REMOVED
    assert positions(draft.lookbook) == [
        ("Piece 1", 1, "proposed"),
        ("Piece 3", 2, "proposed"),
        ("Piece 4", 3, "proposed"),
        ("Piece 5", 4, "proposed"),
        ("Piece 6", 5, "proposed"),
        ("Piece 2", 6, "removed"),
    ]
    # And the event says who, what and why
    [event] = events(draft.lookbook)
    assert (event.action, event.actor, event.reason, event.reason_text) == (
        ReviewAction.REMOVE,
        by,
        "owns_similar",
        "Has the Riviera",
    )
    assert event.product == draft.items[1].product


def test_remove_for_other_needs_a_note_and_changes_nothing_without_one(draft, by):
    with pytest.raises(ValidationError, match="few words"):
        lookbook_item_remove(
            item=draft.items[0], by=by, reason="other", note="  ", expected_version=1
        )
    with pytest.raises(ValidationError, match="Choose why"):
        lookbook_item_remove(item=draft.items[0], by=by, reason="ugly", expected_version=1)
    assert draft.refresh().version == 1
    assert not events(draft.lookbook)
    assert LookbookItem.objects.get(pk=draft.items[0].pk).state == ItemState.PROPOSED


def test_restore_brings_a_piece_back_at_the_end(draft, by):
    lookbook_item_remove(item=draft.items[0], by=by, reason="price", expected_version=1)
    restored = lookbook_item_restore(item=draft.items[0], by=by, expected_version=2)
    assert restored.state == ItemState.PROPOSED
    assert (restored.removal_reason, restored.removal_note) == ("", "")
    assert [name for name, *_ in positions(draft.lookbook)][-1] == "Piece 1"
    assert [e.action for e in events(draft.lookbook)] == [ReviewAction.REMOVE, ReviewAction.RESTORE]
    assert events(draft.lookbook)[-1].payload["removal_reason"] == "price"


def test_swap_for_a_next_candidate_takes_its_place(draft, by):
    old = draft.items[2]
    new = lookbook_item_swap(
        item=old, product=draft.alternates[0], by=by, from_alternates=True, expected_version=1
    )
    # The candidate takes position 3, with the model's words; the old piece is removed
    assert (new.position, new.source, new.state) == (3, ItemSource.STYLIST, ItemState.KEPT)
    assert new.explanation == "Next best 1"
    assert new.score == 0.49
    assert new.replaces_id == old.pk
    assert new.variant is not None
    assert new.variant.size == "38"
    assert LookbookItem.objects.get(pk=old.pk).state == ItemState.REMOVED
    assert positions(draft.lookbook)[2] == ("Alternate 1", 3, "kept")
    [event] = events(draft.lookbook)
    assert event.action == ReviewAction.SWAP
    assert event.product == draft.alternates[0]
    assert event.payload["replaced_product"] == old.product_id
    assert event.payload["from_alternates"] is True


def test_swap_for_any_catalogue_piece(cast, draft, by):
    elsewhere = stocked_product(cast, name="Found in search")
    new = lookbook_item_swap(
        item=draft.items[0], product=elsewhere, by=by, from_alternates=False, expected_version=1
    )
    assert new.explanation == ""
    assert new.position == 1
    assert events(draft.lookbook)[0].payload["from_alternates"] is False


@pytest.mark.parametrize("problem", ["not_an_alternate", "already_in", "inactive"])
def test_swap_refuses_with_a_reason_and_changes_nothing(cast, draft, by, problem):
    product = {
        "not_an_alternate": lambda: stocked_product(cast, name="Stranger"),
        "already_in": lambda: draft.items[4].product,
        "inactive": lambda: stocked_product(cast, name="Gone", active=False),
    }[problem]()
    with pytest.raises(ValidationError):
        lookbook_item_swap(
            item=draft.items[0],
            product=product,
            by=by,
            from_alternates=problem == "not_an_alternate",
            expected_version=1,
        )
    assert draft.refresh().version == 1
    assert not events(draft.lookbook)
    assert draft.lookbook.items.count() == 6


def test_add_puts_a_piece_at_the_end(cast, draft, by):
    product = stocked_product(cast, name="Added by hand")
    item = lookbook_item_add(lookbook=draft.lookbook, product=product, by=by, expected_version=1)
    assert (item.position, item.source, item.state) == (7, ItemSource.STYLIST, ItemState.KEPT)
    [event] = events(draft.lookbook)
    assert (event.action, event.product, event.item) == (ReviewAction.ADD, product, item)


def test_add_refuses_duplicates_and_inactive_pieces(cast, draft, by):
    lookbook_item_remove(item=draft.items[0], by=by, reason="price", expected_version=1)
    with pytest.raises(ValidationError, match="restore it instead"):
        lookbook_item_add(
            lookbook=draft.lookbook, product=draft.items[0].product, by=by, expected_version=2
        )
    with pytest.raises(ValidationError, match="already in this lookbook"):
        lookbook_item_add(
            lookbook=draft.lookbook, product=draft.items[1].product, by=by, expected_version=2
        )
    with pytest.raises(ValidationError, match="no longer in the catalogue"):
        lookbook_item_add(
            lookbook=draft.lookbook, product=ProductFactory(active=False), by=by, expected_version=2
        )
    assert draft.refresh().version == 2
    assert len(events(draft.lookbook)) == 1


def test_reorder_sets_the_new_order(draft, by):
    ids = [item.pk for item in draft.items]
    new_order = [ids[5], *ids[:5]]
    lookbook_reorder(lookbook=draft.lookbook, ordered_item_ids=new_order, by=by, expected_version=1)
    assert [name for name, *_ in positions(draft.lookbook)][:2] == ["Piece 6", "Piece 1"]
    [event] = events(draft.lookbook)
    assert event.payload["before"] == ids
    assert event.payload["after"] == new_order
    # The same order again changes nothing and writes nothing
    lookbook_reorder(lookbook=draft.lookbook, ordered_item_ids=new_order, by=by, expected_version=2)
    assert draft.refresh().version == 2
    assert len(events(draft.lookbook)) == 1


@pytest.mark.parametrize("order", [[1, 2], "missing", "duplicate", "removed"])
def test_reorder_must_list_every_piece_once(draft, by, order):
    ids = [item.pk for item in draft.items]
    if order == "removed":
        lookbook_item_remove(item=draft.items[0], by=by, reason="price", expected_version=1)
    wanted = (
        {"missing": ids[1:], "duplicate": [ids[0], *ids[:5]], "removed": ids}.get(order, ["x", "y"])
        if isinstance(order, str)
        else ["x"]
    )
    version = draft.refresh().version
    with pytest.raises(ValidationError):
        lookbook_reorder(
            lookbook=draft.lookbook, ordered_item_ids=wanted, by=by, expected_version=version
        )
    assert draft.refresh().version == version


# --- Words -----------------------------------------------------------------------------


def test_note_and_title_are_events_and_unchanged_words_are_not(draft, by):
    lookbook_set_note(lookbook=draft.lookbook, note=" For the première ", by=by, expected_version=1)
    lookbook_set_title(lookbook=draft.lookbook, title="Opera  season", by=by, expected_version=2)
    lookbook_set_title(lookbook=draft.lookbook, title="Opera season", by=by, expected_version=3)
    lookbook = draft.refresh()
    assert (lookbook.note, lookbook.title, lookbook.version) == (
        "For the première",
        "Opera season",
        3,
    )
    assert [e.action for e in events(lookbook)] == [ReviewAction.NOTE, ReviewAction.TITLE]
    with pytest.raises(ValidationError, match="under 160"):
        lookbook_set_title(lookbook=lookbook, title="x" * 161, by=by, expected_version=3)


# --- Two tabs --------------------------------------------------------------------------


def _actions(cast, draft, by):
    item, other = draft.items[0], draft.items[1]
    return {
        "keep": lambda v: lookbook_item_keep(item=item, by=by, expected_version=v),
        "remove": lambda v: lookbook_item_remove(
            item=item, by=by, reason="price", expected_version=v
        ),
        "swap": lambda v: lookbook_item_swap(
            item=item, product=draft.alternates[0], by=by, from_alternates=True, expected_version=v
        ),
        "add": lambda v: lookbook_item_add(
            lookbook=draft.lookbook, product=draft.alternates[1], by=by, expected_version=v
        ),
        "reorder": lambda v: lookbook_reorder(
            lookbook=draft.lookbook,
            by=by,
            expected_version=v,
            ordered_item_ids=[other.pk, item.pk, *[i.pk for i in draft.items[2:]]],
        ),
        "note": lambda v: lookbook_set_note(
            lookbook=draft.lookbook, note="Hi", by=by, expected_version=v
        ),
        "title": lambda v: lookbook_set_title(
            lookbook=draft.lookbook, title="Hi", by=by, expected_version=v
        ),
        "publish": lambda v: lookbook_publish(
            lookbook=draft.lookbook, by=by, channels=["concierge"], expected_version=v
        ),
        "discard": lambda v: lookbook_discard(
            lookbook=draft.lookbook, by=by, reason="not_now", expected_version=v
        ),
    }


ACTIONS = ["keep", "remove", "swap", "add", "reorder", "note", "title", "publish", "discard"]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_stale_tab_gets_a_clear_error_and_nothing_changes(cast, draft, by, action):
    # Given a second tab moved the lookbook on to version 2
    lookbook_item_keep(item=draft.items[5], by=by, expected_version=1)
    before = (positions(draft.lookbook), len(events(draft.lookbook)))
    # When the first tab, still at version 1, acts
    with pytest.raises(StaleLookbook) as refused:
        _actions(cast, draft, by)[action](1)
    # Then it is told plainly, and nothing changed
    assert str(refused.value.messages[0]) == STALE_MESSAGE
    lookbook = draft.refresh()
    assert lookbook.version == 2
    assert lookbook.status == LookbookStatus.DRAFT
    assert (positions(lookbook), len(events(lookbook))) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_writes_exactly_one_event_with_its_actor(cast, draft, by, action):
    _actions(cast, draft, by)[action](1)
    [event] = events(draft.lookbook)
    assert event.action == action
    assert event.actor == by
    assert draft.refresh().version == 2


@pytest.mark.parametrize(
    "status", [LookbookStatus.WITHDRAWN, LookbookStatus.DISCARDED, LookbookStatus.PUBLISHED]
)
@pytest.mark.parametrize("action", ["keep", "remove", "add", "note", "discard"])
def test_closed_lookbooks_refuse_edits(cast, by, status, action):
    draft = make_draft(cast, status=status)
    with pytest.raises(ValidationError) as refused:
        _actions(cast, draft, by)[action](1)
    assert refused.value.code == "closed"
    assert not events(draft.lookbook)


# --- Publishing ------------------------------------------------------------------------


@time_machine.travel(MORNING, tick=False)
def test_publish_keeps_unreviewed_pieces_and_records_everything(cast, draft, by):
    lookbook_item_keep(item=draft.items[0], by=by, expected_version=1)
    lookbook_item_remove(item=draft.items[1], by=by, reason="price", expected_version=2)
    published = lookbook_publish(
        lookbook=draft.lookbook, by=by, channels=["email", "concierge"], expected_version=3
    )
    assert published.status == LookbookStatus.PUBLISHED
    assert published.published_at == timezone.now()
    assert published.published_by == by
    assert published.published_channels == ["concierge", "email"]
    states = [state for _, _, state in positions(published)]
    assert states == ["kept"] * 5 + ["removed"]
    event = events(published)[-1]
    assert event.action == ReviewAction.PUBLISH
    assert event.actor == by
    assert event.payload["kept_unreviewed"] == 4
    assert event.payload["kind"] == "proactive"
    assert event.payload["pieces"] == [i.product_id for i in draft.items if i != draft.items[1]]


@pytest.mark.parametrize(
    ("channels", "refused"),
    [(["sms"], "SMS"), (["whatsapp"], "WhatsApp"), (["email", "sms"], "SMS"), (["fax"], "fax")],
)
def test_publish_refuses_channels_her_consent_does_not_allow(draft, by, channels, refused):
    # Camille (Personal) allows e-mail only
    with pytest.raises(ValidationError, match=refused):
        lookbook_publish(lookbook=draft.lookbook, by=by, channels=channels, expected_version=1)
    lookbook = draft.refresh()
    assert lookbook.status == LookbookStatus.DRAFT
    assert lookbook.version == 1
    assert not events(lookbook)


def test_publish_needs_a_channel_and_a_piece(cast, by):
    draft = make_draft(cast, pieces=1)
    with pytest.raises(ValidationError, match="at least one way"):
        lookbook_publish(lookbook=draft.lookbook, by=by, channels=[], expected_version=1)
    lookbook_item_remove(item=draft.items[0], by=by, reason="price", expected_version=1)
    with pytest.raises(ValidationError, match="at least one piece"):
        lookbook_publish(lookbook=draft.lookbook, by=by, channels=["concierge"], expected_version=2)
    assert draft.refresh().status == LookbookStatus.DRAFT


def test_an_essential_client_gets_service_messages_but_no_machine_drafts(cast, by):
    essential = ClientFactory(home_boutique=cast.paris, email="b@example.com")
    ConsentRecordFactory(
        client=essential, tier=ConsentTier.ESSENTIAL, email=True, policy_version=cast.policy
    )
    put_in_book(cast.owner, essential)
    machine = make_draft(cast, client=essential)
    with pytest.raises(ValidationError, match="Only hand-made"):
        lookbook_publish(
            lookbook=machine.lookbook, by=by, channels=["concierge"], expected_version=1
        )
    # A hand-made lookbook: e-mail is proactive (refused) unless it answers her request
    by_hand = lookbook_create_by_hand(client=essential, author=cast.owner)
    lookbook_item_add(lookbook=by_hand, product=machine.alternates[0], by=by, expected_version=1)
    with pytest.raises(ValidationError, match="service messages only"):
        lookbook_publish(lookbook=by_hand, by=by, channels=["email"], expected_version=2)
    request = StylingRequest.objects.create(
        client=essential,
        stylist=cast.owner,
        message="Something for Sunday",
        created_at=timezone.now(),
        due_at=timezone.now() + dt.timedelta(hours=4),
    )
    Lookbook.objects.filter(pk=by_hand.pk).update(styling_request=request)
    published = lookbook_publish(lookbook=by_hand, by=by, channels=["email"], expected_version=2)
    assert published.status == LookbookStatus.PUBLISHED
    request.refresh_from_db()
    assert request.status == StylingRequestStatus.ANSWERED


def test_publishing_twice_at_the_same_version_is_a_no_op_and_a_second_tab_is_stale(draft, by):
    published = lookbook_publish(
        lookbook=draft.lookbook, by=by, channels=["concierge"], expected_version=1
    )
    # The same request at the published version: success, nothing new
    again = lookbook_publish(
        lookbook=draft.lookbook, by=by, channels=["concierge"], expected_version=published.version
    )
    assert again.version == published.version
    assert [e.action for e in events(draft.lookbook)].count(ReviewAction.PUBLISH) == 1
    # Other channels after the fact: refused
    with pytest.raises(ValidationError, match="already published"):
        lookbook_publish(
            lookbook=draft.lookbook, by=by, channels=["email"], expected_version=published.version
        )
    # A second tab still at version 1: stale
    with pytest.raises(StaleLookbook):
        lookbook_publish(lookbook=draft.lookbook, by=by, channels=["concierge"], expected_version=1)


@time_machine.travel(MORNING, tick=False)
def test_the_client_is_told_on_commit_once_without_the_removed_pieces(
    cast, draft, by, django_capture_on_commit_callbacks
):
    cast.client.preferred_language = "fr"  # Camille writes in French
    cast.client.save(update_fields=["preferred_language"])
    lookbook_set_title(lookbook=draft.lookbook, title="For the première", by=by, expected_version=1)
    lookbook_item_remove(item=draft.items[0], by=by, reason="price", expected_version=2)
    # When she publishes: nothing is sent before the commit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lookbook_publish(
            lookbook=draft.lookbook, by=by, channels=["concierge", "email"], expected_version=3
        )
    assert not Message.objects.filter(client=cast.client).exists()
    assert len(callbacks) == 1
    # And on commit: the e-mail first (it reaches her outside the app), then the concierge
    # notice: notices of one lookbook are one contact for the weekly guard
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    messages = list(Message.objects.filter(client=cast.client).order_by("created_at", "pk"))
    assert [m.channel for m in messages] == ["email", "concierge"]
    message = messages[0]
    assert message.kind == "proactive"
    assert message.stylist == cast.owner
    assert message.context == {"lookbook": str(draft.lookbook.public_id)}
    assert "« For the première »" in message.body  # she reads French
    # a signed link that expires (recommendations.links), to this lookbook
    token = message.body.split("/concierge/l/", 1)[1].split("/", 1)[0]
    assert lookbook_link_check(token).lookbook_public_id == str(draft.lookbook.public_id)
    assert "Piece" not in message.body
    assert "Piece" not in message.subject
    assert len(mail.outbox) == 1
    assert "Piece 1" not in mail.outbox[0].body


@time_machine.travel(MORNING, tick=False)
def test_another_lookbook_in_the_same_week_is_held_by_the_guard(
    cast, draft, by, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lookbook_publish(lookbook=draft.lookbook, by=by, channels=["email"], expected_version=1)
    second = make_draft(cast)
    with django_capture_on_commit_callbacks(execute=True):
        lookbook_publish(lookbook=second.lookbook, by=by, channels=["email"], expected_version=1)
    # The second lookbook is published (it is in her Style Story) but no second notice went
    assert second.lookbook.__class__.objects.get(pk=second.lookbook.pk).status == "published"
    assert Message.objects.filter(client=cast.client, channel="email").count() == 1


@time_machine.travel(MORNING, tick=False)
def test_a_service_lookbook_tells_her_on_every_chosen_channel(
    cast, by, django_capture_on_commit_callbacks
):
    request = StylingRequest.objects.create(
        client=cast.client,
        stylist=cast.owner,
        message="A dress for the gala",
        created_at=timezone.now(),
        due_at=timezone.now() + dt.timedelta(hours=4),
    )
    draft = make_draft(cast, styling_request=request)
    with django_capture_on_commit_callbacks(execute=True):
        lookbook_publish(
            lookbook=draft.lookbook, by=by, channels=["concierge", "email"], expected_version=1
        )
    channels = sorted(Message.objects.filter(client=cast.client).values_list("channel", flat=True))
    assert channels == ["concierge", "email"]
    request.refresh_from_db()
    assert request.status == StylingRequestStatus.ANSWERED


def _consent_reads(queries: CaptureQueriesContext) -> int:
    """How many queries read the consent records table."""
    return sum('"consent_consentrecord"' in q["sql"] for q in queries.captured_queries)


@time_machine.travel(MORNING, tick=False)
def test_publishing_decides_the_clients_consent_once(
    cast, draft, by, django_capture_on_commit_callbacks, monkeypatch
):
    # Given a draft with pieces for Camille (Personal, e-mail allowed), and deliveries
    # kept at their hand-off: delivery is an action of its own (a task) that asks
    # consent again, as it may have been withdrawn since the notice was written
    handed_off: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(
        core_tasks, "enqueue", lambda name, *args, **kwargs: handed_off.append((name, args))
    )
    # When her advisor publishes it on the concierge and by e-mail, notices included
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        lookbook_publish(
            lookbook=draft.lookbook, by=by, channels=["concierge", "email"], expected_version=1
        )
    # Then her consent was read once in the advisor's request (the checks and the
    # channel choice share one decision), and the notices went to a worker, by ids
    assert _consent_reads(queries) == 1
    assert [(name, args[0]) for name, args in handed_off] == [
        ("recommendations.tasks.notify_lookbook_published", draft.lookbook.pk)
    ]
    assert Message.objects.filter(client=cast.client).count() == 0
    # When the worker runs it, both notices share one more decision
    _, job_args = handed_off.pop()
    with (
        CaptureQueriesContext(connection) as job,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify_lookbook_published(*job_args)
    assert _consent_reads(job) == 1
    assert [name for name, _ in handed_off] == ["stylists.tasks.deliver_message"] * 2
    assert Message.objects.filter(client=cast.client).count() == 2
    # And a second run (acks late, a retry) sends nothing twice
    with django_capture_on_commit_callbacks(execute=True):
        notify_lookbook_published(*job_args)
    assert Message.objects.filter(client=cast.client).count() == 2
    # And each delivery, later, reads it once more
    for _, (message_id,) in handed_off:
        with CaptureQueriesContext(connection) as delivery:
            delivered = message_deliver(message_id=message_id)
        assert _consent_reads(delivery) == 1
        assert delivered is not None
        assert delivered.status in (MessageStatus.SENT, MessageStatus.DELIVERED)


def test_the_notice_is_warm_short_and_in_her_language(cast, draft):
    cast.client.preferred_language = "fr"
    draft.lookbook.title = "Pour l'opéra"
    subject, body = lookbook_notice(draft.lookbook, cast.owner)
    assert subject == "Un nouveau chapitre de votre Style Story"
    assert body.startswith("Chère Madame Laurent, j'ai préparé une sélection pour vous")
    assert body.endswith("— Élise")
    cast.client.preferred_language = "en"
    assert lookbook_notice(draft.lookbook, None)[1].startswith("Dear Ms Laurent,")


# --- Closing ---------------------------------------------------------------------------


def test_discard_needs_a_reason_and_closes_the_draft(draft, by):
    with pytest.raises(ValidationError, match="few words"):
        lookbook_discard(lookbook=draft.lookbook, by=by, reason="other", expected_version=1)
    discarded = lookbook_discard(
        lookbook=draft.lookbook, by=by, reason="wrong_selection", expected_version=1
    )
    assert discarded.status == LookbookStatus.DISCARDED
    assert discarded.closed_reason == "The selection misses the client"
    [event] = events(discarded)
    assert (event.action, event.reason) == (ReviewAction.DISCARD, "wrong_selection")


def test_withdraw_only_takes_back_a_published_lookbook(cast, draft, by):
    with pytest.raises(ValidationError):
        lookbook_withdraw(lookbook=draft.lookbook, by=by, reason="Mistake", expected_version=1)
    published = lookbook_publish(
        lookbook=draft.lookbook, by=by, channels=["concierge"], expected_version=1
    )
    assert list(published_lookbooks_for_client(cast.client)) == [published]
    with pytest.raises(ValidationError, match="few words"):
        lookbook_withdraw(
            lookbook=draft.lookbook, by=by, reason=" ", expected_version=published.version
        )
    withdrawn = lookbook_withdraw(
        lookbook=draft.lookbook, by=by, reason="Wrong client", expected_version=published.version
    )
    assert withdrawn.status == LookbookStatus.WITHDRAWN
    assert withdrawn.closed_reason == "Wrong client"
    assert not published_lookbooks_for_client(cast.client).exists()
    assert events(withdrawn)[-1].action == ReviewAction.WITHDRAW


def test_removed_pieces_are_never_shown_to_the_client(cast, draft, by):
    lookbook_item_remove(item=draft.items[2], by=by, reason="not_her_style", expected_version=1)
    lookbook_publish(lookbook=draft.lookbook, by=by, channels=["concierge"], expected_version=2)
    [published] = published_lookbooks_for_client(cast.client)
    shown = [item.product.name for item in published.items.all()]
    assert shown == ["Piece 1", "Piece 2", "Piece 4", "Piece 5", "Piece 6"]
    assert "Piece 3" not in [i.product.name for i in lookbook_items_for(published, for_client=True)]


# --- The review page's data --------------------------------------------------------------


def test_stock_in_her_size_by_place(cast):
    product = stocked_product(cast, name="Coat", paris=2, online=5)
    other_size = VariantFactory(product=product, size="40")
    StockLevelFactory(variant=other_size, boutique=cast.paris, quantity=9)
    page = lookbook_review_page(make_draft(cast, pieces=0).lookbook)
    assert page.pieces == []
    from catalog.selectors import stock_for_products

    stock = stock_in_size(cast.client, product, stock_for_products([product.pk])[product.pk])
    assert stock.label == "38 · Paris (2), online (5)"
    assert (stock.in_stock, stock.low, stock.tone) == (True, False, "stock-in")
    gone = stocked_product(cast, name="Gone", paris=0, online=0)
    empty = stock_in_size(cast.client, gone, [])
    assert empty.label == "38 · out of stock"
    assert empty.out_of_stock


def test_the_review_page_resolves_alternates_basis_and_channels(cast, draft, by):
    lookbook_item_swap(
        item=draft.items[0],
        product=draft.alternates[0],
        by=by,
        from_alternates=True,
        expected_version=1,
    )
    page = lookbook_review_page(draft.refresh())
    # The swapped-in candidate is no longer offered
    assert [c.product.name for c in page.alternates] == ["Alternate 2", "Alternate 3"]
    assert page.alternates[0].why == "Next best 2"
    assert [i.product.name for i in page.removed] == ["Piece 1"]
    assert page.pieces[0].stock.label == "38 · Paris (2), online (5)"
    assert any("purchases (4)" in line for line in page.basis.lines)
    allowed = {option.value: option.allowed for option in page.channels}
    assert allowed == {"concierge": True, "email": True, "sms": False, "whatsapp": False}
    assert page.message_kind == "proactive"


def test_search_leaves_out_pieces_already_in_the_lookbook(cast, draft):
    stocked_product(cast, name="Piece special")
    found = lookbook_search_candidates(draft.lookbook, "piece")
    assert [c.product.name for c in found] == ["Piece special"]
    assert found[0].stock.label == "38 · Paris (2), online (5)"
    assert lookbook_search_candidates(draft.lookbook, "   ") == []


def test_the_data_basis_the_pipeline_writes_reads_in_plain_words(cast):
    draft = make_draft(cast)
    draft.lookbook.data_basis = {
        "tier": "bespoke",
        "kinds": ["browsing", "preferences", "purchases"],
        "signals": {"purchase": 12, "love": 1, "view": 40, "stylist_kept": 2},
        "model_version": None,
        "cold_start": False,
        "reason": "occasion",
    }
    lines = lookbook_review_page(draft.lookbook).basis.lines
    assert lines[0].startswith("Drafted by the model on")
    assert "browsing, stated preferences and reactions to lookbooks and purchases" in lines[0]
    assert lines[1] == (
        "What it learned from: 12 purchases, 1 piece loved, 40 views and 2 pieces kept by advisors."
    )
    # Camille is Personal now: the page says her consent narrowed since
    assert "Consent was Bespoke when it was drafted; it is Personal now." in lines
    assert "Why now: an occasion is coming." in lines


def test_publishing_with_words_saves_them_first_under_one_lock(cast):
    draft = make_draft(cast)
    published = lookbook_publish(
        lookbook=draft.lookbook,
        by=cast.owner.user,
        channels=["concierge"],
        expected_version=1,
        title="  For   the gala ",
        note="With love",
    )
    assert (published.title, published.note, published.version) == ("For the gala", "With love", 4)
    events = list(draft.lookbook.events.order_by("pk").values_list("action", "payload"))
    assert [(action, payload["version"]) for action, payload in events] == [
        (ReviewAction.TITLE, 2),
        (ReviewAction.NOTE, 3),
        (ReviewAction.PUBLISH, 4),
    ]
    assert events[-1][1]["from_version"] == 3
    # Unchanged words write nothing; words on a published lookbook are refused (closed).
    with pytest.raises(ValidationError) as refused:
        lookbook_publish(
            lookbook=published,
            by=cast.owner.user,
            channels=["concierge"],
            expected_version=4,
            title="For the gala",
            note="With love",
        )
    assert refused.value.code == "closed"
    with pytest.raises(StaleLookbook):
        lookbook_publish(
            lookbook=make_draft(cast, client=published.client, title="Other").lookbook,
            by=cast.owner.user,
            channels=["concierge"],
            expected_version=7,
            title="x",
        )
