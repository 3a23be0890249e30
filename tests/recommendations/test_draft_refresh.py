# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Refresh on event: a purchase, a love or a styling request redrafts her unreviewed draft."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import InteractionKind, Order, OrderStatus
from clients.services import lookbook_reaction_set
from clients.signals import purchases_recorded
from recommendations.models import (
    Lookbook,
    LookbookItem,
    LookbookOrigin,
    LookbookStatus,
    ReviewEvent,
)
from recommendations.services import lookbook_open_for_review, lookbooks_draft
from recommendations.services.refresh import (
    REFRESH_AT_MOST,
    RefreshOutcome,
    lookbook_refresh,
)
from recommendations.tasks import refresh_client_draft
from stylists.services.styling_requests import styling_request_create
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    artifacts,
    buy,
    client_with_tier,
    interact,
    trained,
    world,
)

pytestmark = pytest.mark.django_db


def drafts_of(client) -> list[Lookbook]:
    return list(Lookbook.objects.filter(client=client, origin=LookbookOrigin.MODEL).order_by("pk"))


def test_a_purchase_replaces_her_unreviewed_draft_in_place(world, trained):
    cast = world.cast
    lookbooks_draft()
    (before,) = drafts_of(cast.client)
    old_items = set(before.items.values_list("pk", flat=True))
    owned_now = world.product("Cocoon coat")
    # The coat was likely in her draft (travel group): she buys it now.
    buy(cast.client, owned_now, when=timezone.now())

    report = lookbook_refresh(client_id=cast.client.pk, event_at=timezone.now())

    assert report.outcome == RefreshOutcome.REFRESHED
    (after,) = drafts_of(cast.client)
    assert after.public_id == before.public_id  # the same link in the advisor's queue
    assert after.status == LookbookStatus.DRAFT
    assert after.data_basis["signals"]["purchase"] == 3  # her new purchase was used
    assert not old_items & set(after.items.values_list("pk", flat=True))
    assert owned_now.pk not in set(after.items.values_list("product_id", flat=True))
    assert not LookbookItem.objects.filter(pk__in=old_items).exists()


def test_a_draft_an_advisor_has_opened_is_never_touched(world, trained):
    cast = world.cast
    lookbooks_draft()
    (draft,) = drafts_of(cast.client)
    lookbook_open_for_review(lookbook=draft, by=cast.owner.user)
    items = list(draft.items.values_list("pk", "product_id", "explanation"))

    report = lookbook_refresh(client_id=cast.client.pk, event_at=timezone.now())

    assert report.outcome == RefreshOutcome.IN_REVIEW
    (same,) = drafts_of(cast.client)
    assert same.pk == draft.pk
    assert same.status == LookbookStatus.IN_REVIEW
    assert list(same.items.values_list("pk", "product_id", "explanation")) == items


def test_a_draft_with_a_review_event_is_never_touched(world, trained):
    cast = world.cast
    lookbooks_draft()
    (draft,) = drafts_of(cast.client)
    ReviewEvent.objects.create(lookbook=draft, actor=cast.owner.user, action="keep")

    report = lookbook_refresh(client_id=cast.client.pk)

    assert report.outcome == RefreshOutcome.IN_REVIEW
    assert drafts_of(cast.client) == [draft]


def test_delivering_the_task_twice_changes_nothing_the_second_time(world, trained):
    cast = world.cast
    lookbooks_draft()
    event_at = timezone.now()
    first = refresh_client_draft.delay(cast.client.pk, event_at.isoformat()).get()
    (after_first,) = drafts_of(cast.client)
    second = refresh_client_draft.delay(cast.client.pk, event_at.isoformat()).get()

    assert first["outcome"] == RefreshOutcome.REFRESHED
    assert second["outcome"] == RefreshOutcome.UP_TO_DATE
    assert drafts_of(cast.client) == [after_first]
    assert after_first.updated_at == Lookbook.objects.get(pk=after_first.pk).updated_at


def test_without_a_draft_she_gets_one_and_the_reason_says_why(world, trained):
    cast = world.cast
    lookbooks_draft(client_ids=[cast.client.pk])
    # A recent draft that was published: she is up to date for the nightly run.
    Lookbook.objects.filter(client=cast.client).update(status=LookbookStatus.PUBLISHED)

    report = lookbook_refresh(client_id=cast.client.pk, event_at=timezone.now())

    assert report.outcome == RefreshOutcome.DRAFTED
    fresh = Lookbook.objects.get(public_id=report.lookbook)
    assert fresh.status == LookbookStatus.DRAFT
    assert fresh.data_basis["reason"] == "refresh"


def test_when_nothing_can_be_drafted_her_old_draft_stays(world, trained):
    cast = world.cast
    loose = client_with_tier(cast, "personal")
    buy(loose, world.product("Tote 35"))
    lookbooks_draft(client_ids=[loose.pk])
    (draft,) = drafts_of(loose)
    # She leaves the book: nothing can be drafted for her now.
    loose.book_assignments.update(ended_at=timezone.now())

    report = lookbook_refresh(client_id=loose.pk, event_at=timezone.now())

    assert report.outcome == RefreshOutcome.NOT_DRAFTED
    assert drafts_of(loose) == [draft]
    assert draft.items.count() > 0


def test_without_an_active_model_nothing_happens(world):
    report = lookbook_refresh(client_id=world.cast.client.pk)
    assert report.outcome == RefreshOutcome.NO_MODEL


# --- what triggers it, on commit ------------------------------------------------------------


def queued(callbacks) -> int:
    """How many refreshes the captured on-commit callbacks would queue."""
    return len(callbacks)


def test_a_love_queues_her_refresh_on_commit_and_it_redrafts(
    world, trained, django_capture_on_commit_callbacks
):
    cast = world.cast
    lookbooks_draft()
    (draft,) = drafts_of(cast.client)
    item = draft.items.first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lookbook_reaction_set(
            client=cast.client,
            product=item.product,
            lookbook_public_id=draft.public_id,
            item_id=item.pk,
            reaction=InteractionKind.LOVE,
        )
    assert queued(callbacks) == 1
    (after,) = drafts_of(cast.client)
    assert after.public_id == draft.public_id
    assert after.pk != draft.pk
    assert after.data_basis["signals"].get("love") == 1


def test_not_for_me_and_views_do_not_queue_a_refresh(
    world, trained, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        interact(world.cast.client, world.product("Tote 35"), InteractionKind.VIEW)
        interact(world.cast.client, world.product("Tote 35"), InteractionKind.NOT_FOR_ME)
    assert queued(callbacks) == 0


def test_a_styling_request_redrafts_her_draft_to_answer_it(
    world, trained, django_capture_on_commit_callbacks
):
    cast = world.cast
    lookbooks_draft()
    (draft,) = drafts_of(cast.client)
    with django_capture_on_commit_callbacks(execute=True):
        request = styling_request_create(client=cast.client, message="Something for a trip")
    (after,) = drafts_of(cast.client)
    assert after.public_id == draft.public_id
    assert after.styling_request == request
    assert after.data_basis["reason"] == "styling_request"


def test_a_purchase_saved_alone_or_in_an_import_batch_queues_a_refresh(
    world, trained, django_capture_on_commit_callbacks
):
    cast = world.cast
    with django_capture_on_commit_callbacks() as one:
        buy(cast.client, world.product("Tote 35"), when=timezone.now())
    with django_capture_on_commit_callbacks() as returned:
        buy(cast.client, world.product("Tote 35"), status=OrderStatus.RETURNED)
    with django_capture_on_commit_callbacks() as batch:
        purchases_recorded.send(sender=Order, client_ids={cast.client.pk, 10**9})
    with django_capture_on_commit_callbacks() as bulk:
        purchases_recorded.send(sender=Order, client_ids=set(range(REFRESH_AT_MOST + 1)))
    assert (queued(one), queued(returned), queued(batch), queued(bulk)) == (1, 0, 2, 0)


def test_an_unknown_client_is_reported_not_raised(world, trained):
    assert lookbook_refresh(client_id=10**9).outcome == RefreshOutcome.NO_CLIENT


def test_the_event_time_is_read_back_exactly(world, trained):
    lookbooks_draft()
    long_ago = timezone.now() - dt.timedelta(days=1)
    result = refresh_client_draft.delay(world.cast.client.pk, long_ago.isoformat()).get()
    assert result["outcome"] == RefreshOutcome.UP_TO_DATE
