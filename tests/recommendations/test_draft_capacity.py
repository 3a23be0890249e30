# ruff: noqa: F811 - fixtures imported from pipeline_world are test arguments
"""Review capacity: the nightly run drafts no more than each advisor can review while fresh."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentTier
from recommendations.models import (
    ClientOutlook,
    LifecycleStage,
    Lookbook,
    LookbookOrigin,
    LookbookStatus,
)
from recommendations.pipeline.audience import Reason, find_audience
from recommendations.pipeline.capacity import within_capacity
from recommendations.services import lookbooks_draft
from stylists.models import StylingRequest
from tests.factories.clients import OccasionFactory
from tests.factories.recommendations import LookbookFactory
from tests.factories.stylists import put_in_book
from tests.recommendations.pipeline_world import (  # noqa: F401 - fixtures
    artifacts,
    client_with_tier,
    trained,
    world,
)

pytestmark = pytest.mark.django_db


def _booked(cast, n, *, stylist=None):
    clients = [client_with_tier(cast, ConsentTier.PERSONAL, booked=False) for _ in range(n)]
    put_in_book(stylist or cast.owner, *clients)
    return clients


def _picked(audience, stylist) -> set[int]:
    return {
        int(c)
        for c, a in zip(audience.client_ids, audience.author_ids, strict=True)
        if a == stylist.pk
    }


def _needing(cast, stylist) -> set[int]:
    return _picked(find_audience(now=timezone.now(), capacity=0), stylist)


def _waiting(client, stylist, *, status=LookbookStatus.DRAFT, days=1):
    lookbook = LookbookFactory(client=client, author=stylist, status=status)
    created = timezone.now() - dt.timedelta(days=days)
    Lookbook.objects.filter(pk=lookbook.pk).update(created_at=created)
    return lookbook


def test_each_advisor_gets_at_most_her_capacity(cast):
    _booked(cast, 6)
    _booked(cast, 5, stylist=cast.colleague)
    everyone = find_audience(now=timezone.now(), capacity=0)  # no cap: all who need one
    per_advisor = dict(zip(*np.unique(everyone.author_ids, return_counts=True), strict=True))
    assert per_advisor[cast.owner.pk] >= 6
    assert per_advisor[cast.colleague.pk] >= 5

    audience = find_audience(now=timezone.now(), capacity=3)

    assert len(_picked(audience, cast.owner)) == 3
    assert len(_picked(audience, cast.colleague)) == 3
    assert _picked(audience, cast.owner) <= _picked(everyone, cast.owner)
    assert len(audience) == sum(min(3, n) for n in per_advisor.values())
    assert audience.deferred == len(everyone) - len(audience)
    assert everyone.deferred == 0


def test_drafts_already_waiting_take_her_capacity(cast):
    _booked(cast, 5)
    for client in _booked(cast, 2):
        _waiting(client, cast.owner)  # machine drafts in her queue...
    _waiting(_booked(cast, 1)[0], cast.owner, status=LookbookStatus.IN_REVIEW)  # ...one begun
    for client in _booked(cast, 3):  # what she published, or wrote by hand, does not count
        _waiting(client, cast.owner, status=LookbookStatus.PUBLISHED, days=60)
    hand_made = _booked(cast, 1)[0]
    LookbookFactory(client=hand_made, author=cast.owner, origin=LookbookOrigin.STYLIST)

    audience = find_audience(now=timezone.now(), capacity=4)

    assert len(_picked(audience, cast.owner)) == 4 - 3  # three machine drafts wait
    full = find_audience(now=timezone.now(), capacity=3)
    assert _picked(full, cast.owner) == set()


def test_requests_and_near_occasions_are_never_capped(cast):
    for client in _booked(cast, 2):
        _waiting(client, cast.owner)  # her queue is already full
    asking, soon, later = _booked(cast, 3)
    _booked(cast, 4)  # routine clients
    StylingRequest.objects.create(
        client=asking,
        stylist=cast.owner,
        message="Something for Saturday",
        created_at=timezone.now(),
        due_at=timezone.now() + dt.timedelta(hours=4),
    )
    today = timezone.localdate()
    OccasionFactory(client=soon, date=today + dt.timedelta(days=10))
    OccasionFactory(client=later, date=today + dt.timedelta(days=45))

    audience = find_audience(now=timezone.now(), capacity=2)

    assert _picked(audience, cast.owner) == {asking.pk, soon.pk}
    reasons = dict(zip(audience.client_ids.tolist(), audience.reasons, strict=True))
    assert reasons[asking.pk] == Reason.STYLING_REQUEST
    assert reasons[soon.pk] == Reason.OCCASION
    # With room for one more, the occasion further out comes before routine clients.
    roomier = find_audience(now=timezone.now(), capacity=5)
    assert _picked(roomier, cast.owner) == {asking.pk, soon.pk, later.pk}


def test_routine_clients_by_need_then_never_drafted_then_oldest_draft(cast):
    for client in cast.client, cast.other_client:  # out of the way: the cast's own clients
        _waiting(client, cast.owner, status=LookbookStatus.IN_REVIEW)
    oldest, old, never, valued, more_valued = _booked(cast, 5)
    _waiting(oldest, cast.owner, status=LookbookStatus.PUBLISHED, days=90)
    _waiting(old, cast.owner, status=LookbookStatus.PUBLISHED, days=40)
    for client, risk in ((valued, 0.3), (more_valued, 0.6)):
        ClientOutlook.objects.create(
            client=client,
            stage=LifecycleStage.ACTIVE,
            churn_risk=risk,
            predicted_value=Decimal("4000"),
            scored_at=timezone.now(),
        )
    expected = [more_valued, valued, never, oldest, old]
    assert _needing(cast, cast.owner) == {c.pk for c in expected}
    in_review = 2  # the cast's two lookbooks in review count against her capacity
    for k in range(1, len(expected) + 1):
        audience = find_audience(now=timezone.now(), capacity=in_review + k)
        assert _picked(audience, cast.owner) == {c.pk for c in expected[:k]}, k


def test_clients_asked_for_by_hand_are_never_capped(cast):
    clients = _booked(cast, 4)
    for client in _booked(cast, 3):
        _waiting(client, cast.owner)

    audience = find_audience(
        now=timezone.now(), client_ids=[c.pk for c in clients], asked=Reason.REFRESH, capacity=1
    )

    assert sorted(audience.client_ids.tolist()) == sorted(c.pk for c in clients)
    assert set(audience.reasons) == {Reason.STALE}  # never drafted: stale comes first


def test_within_capacity_ranks_inside_each_advisor():
    authors = np.array([7, 7, 7, 9, 9, 7])
    group = np.array([3, 0, 3, 3, 3, 3])
    order = np.array([3.0, 0.0, 1.0, 2.0, 1.0, 2.0])

    chosen = within_capacity(authors, group, (order,), capacity=3, waiting={7: 1, 9: 0})

    # Advisor 7: one waiting and one request leave room for one: her best routine row (2).
    assert chosen.tolist() == [False, True, True, True, True, False]
    assert within_capacity(authors, group, (order,), capacity=0, waiting={7: 9}).all()


def test_the_nightly_run_defers_what_her_queue_cannot_hold(world, trained, settings):
    cast = world.cast
    put_in_book(cast.owner, *world.background[:6])  # clients with history to draft from
    settings.RECOMMENDER_DRAFTS_PER_ADVISOR = 2

    report = lookbooks_draft()

    waiting = Lookbook.objects.filter(
        author=cast.owner, origin=LookbookOrigin.MODEL, status=LookbookStatus.DRAFT
    )
    assert waiting.count() == 2
    assert report.deferred >= 5
    out = io.StringIO()
    call_command("draft_lookbooks", stdout=out)
    assert f"{report.deferred} more left for a later night" in out.getvalue()
    # Her queue is full: the next night adds nothing to it until she reviews.
    again = lookbooks_draft()
    assert waiting.count() == 2
    assert again.deferred == report.deferred


def test_her_queue_says_how_many_more_clients_are_due(cast, settings):
    settings.RECOMMENDER_DRAFTS_PER_ADVISOR = 40
    clients = _booked(cast, 3)
    due = len(_needing(cast, cast.owner))
    url = reverse("stylists:review_queue")

    body = cast.http("owner").get(url).content.decode()
    assert f"{due} more clients in your book are due a fresh draft" in body
    assert "at most 40 machine drafts" in body

    _waiting(clients[0], cast.owner)  # one of them now waits in her queue
    body = cast.http("owner").get(url).content.decode()
    assert f"{due - 1} more clients in your book are due a fresh draft" in body
    # A manager looking at the whole boutique is not told about her own book.
    assert "due a fresh draft" not in cast.http("manager").get(url).content.decode()
