"""The staff access log: rows written cheaply, reviewed by head office only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from consent.models import AppendOnlyError, StaffAccessLog
from consent.services import access_log_record
from tests.factories.clients import ClientFactory

pytestmark = pytest.mark.django_db

AUDIT = "/stylist/audit/"


def test_recording_a_view_is_one_insert(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        row = access_log_record(
            actor=cast.owner.user,
            client=cast.client,
            action="viewed_story",
            reason="Preparing her fitting",
        )
    assert row is not None
    assert (row.actor, row.client, row.action) == (cast.owner.user, cast.client, "viewed_story")
    assert row.reason == "Preparing her fitting"


def test_nothing_is_recorded_for_anonymous_or_the_client_herself(cast, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert (
            access_log_record(actor=AnonymousUser(), client=cast.client, action="viewed_story")
            is None
        )
        assert (
            access_log_record(actor=cast.client.user, client=cast.client, action="viewed_story")
            is None
        )


def test_an_unknown_action_is_refused(cast):
    with pytest.raises(ValueError, match="Unknown access action"):
        access_log_record(actor=cast.owner.user, client=cast.client, action="peeked")


def test_the_log_cannot_be_deleted_in_bulk(cast):
    access_log_record(actor=cast.owner.user, client=cast.client, action="viewed_story")
    with pytest.raises(AppendOnlyError):
        StaffAccessLog.objects.all().delete()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("head_office", 200),
        ("owner", 404),
        ("colleague", 404),
        ("stylist_elsewhere", 404),
        ("manager", 404),
        ("manager_elsewhere", 404),
        ("client_user", 404),
        ("other_client_user", 404),
        ("anonymous", 302),
    ],
)
def test_only_head_office_reviews_the_log(cast, persona, status):
    access_log_record(actor=cast.owner.user, client=cast.client, action="viewed_story")
    response = cast.http(persona).get(AUDIT)
    assert response.status_code == status
    if status == 200:
        assert "Camille Laurent" in response.content.decode()
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_a_superuser_reviews_the_log_too(cast):
    from tests.factories.security import otp_verify

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 16)
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(admin)
    otp_verify(http, admin)
    assert http.get(AUDIT).status_code == 200


def test_the_review_is_post_proof(cast):
    assert cast.http("head_office").post(AUDIT).status_code == 405


def test_filters_by_advisor_client_and_date(cast):
    access_log_record(actor=cast.owner.user, client=cast.client, action="viewed_story")
    access_log_record(
        actor=cast.stylist_elsewhere.user, client=cast.milan_client, action="viewed_notes"
    )
    old = access_log_record(actor=cast.owner.user, client=cast.other_client, action="viewed_story")
    StaffAccessLog.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))
    http = cast.http("head_office")
    by_actor = http.get(AUDIT, {"actor": cast.stylist_elsewhere.user.pk}).content.decode()
    assert "Chiara Rossi" in by_actor
    assert "Camille Laurent" not in by_actor
    by_client = http.get(AUDIT, {"client": "laurent"}).content.decode()
    assert "Camille Laurent" in by_client
    assert "Chiara Rossi" not in by_client
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    recent = http.get(AUDIT, {"date_from": since}).content.decode()
    assert "Inès Moreau" not in recent
    assert "Camille Laurent" in recent
    garbage = http.get(AUDIT, {"date_from": "not-a-date", "actor": "x"})
    assert garbage.status_code == 200


def test_the_review_query_count_does_not_grow(cast, django_assert_max_num_queries):
    http = cast.http("head_office")
    access_log_record(actor=cast.owner.user, client=cast.client, action="viewed_story")
    with django_assert_max_num_queries(15) as few:
        http.get(AUDIT)
    clients = ClientFactory.create_batch(10, home_boutique=cast.paris)
    for client in clients:
        for actor in (cast.owner, cast.manager, cast.head_office):
            access_log_record(actor=actor.user, client=client, action="viewed_story")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = http.get(AUDIT)
    assert response.content.decode().count("<tr>") == 32  # header + 31 rows


def test_the_review_is_paginated(cast):
    rows = [
        StaffAccessLog(actor=cast.owner.user, client=cast.client, action="viewed_story")
        for _ in range(60)
    ]
    StaffAccessLog.objects.bulk_create(rows)
    http = cast.http("head_office")
    first = http.get(AUDIT).content.decode()
    assert first.count("<tr>") == 51
    assert 'rel="next"' in first
    assert http.get(AUDIT, {"page": 2}).content.decode().count("<tr>") == 11
