"""Erasure: personal data gone from every table, orders kept anonymous, safe to repeat."""

from __future__ import annotations

import json
import logging

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.db import connection, models
from django.test import Client as HttpClient
from django.test import RequestFactory

from clients.models import Client, Order, OrderLine
from clients.selectors import clients_visible_to
from consent import policy
from consent.models import PrivacyRequest, PrivacyRequestKind, StaffAccessLog
from consent.privacy import erasure_steps
from consent.services import privacy_erase
from core.fields import EncryptedTextField
from recommendations.models import Lookbook
from tests.privacy.conftest import EMAIL, FIRST, LAST, PHONE

pytestmark = pytest.mark.django_db

NEEDLES = (FIRST, LAST, EMAIL, PHONE, "camille.laurent")
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _text_columns() -> list[tuple[type[models.Model], models.Field]]:
    columns = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS):
                columns.append((model, field))
    return columns


def find_personal_data() -> list[str]:
    """Every (table.column) in the database still holding a needle, raw or decrypted."""
    hits = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, field in _text_columns():
            table, column = quote(model._meta.db_table), quote(field.column)
            for needle in NEEDLES:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE LOWER(CAST({column} AS TEXT)) LIKE %s",  # noqa: S608
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{model._meta.db_table}.{field.column} ~ {needle}")
            if isinstance(field, EncryptedTextField):
                for value in model._base_manager.values_list(field.attname, flat=True):
                    for needle in NEEDLES:
                        if value and needle.lower() in value.lower():
                            hits.append(
                                f"{model._meta.db_table}.{field.column} (decrypted) ~ {needle}"
                            )
    return hits


def test_the_search_finds_the_client_everywhere_before_erasure(story):
    # Given a client with data in every corner (the check itself must see it)
    hits = find_personal_data()
    tables = {hit.split(".")[0] for hit in hits}
    # Then her name, e-mail and phone are found in many tables, encrypted ones included
    for table in (
        "clients_client",
        "clients_identity",
        "stylists_clientnote",
        "stylists_message",
        "clients_occasion",
        "auth_user",
        "axes_accessattempt",
        "django_admin_log",
        "recommendations_lookbook",
        "consent_staffaccesslog",
        "consent_consentrecord",
    ):
        assert table in tables, table
    assert any("(decrypted)" in hit for hit in hits)


def test_after_erasure_no_table_holds_her_name_email_or_phone(story, cast):
    # When head office erases her
    erasure = privacy_erase(
        client=story.client, requested_by=cast.head_office.user, reason="Letter received"
    )
    # Then no text, char or JSON column of any table holds her name, e-mail or phone
    assert find_personal_data() == []
    assert erasure.kind == PrivacyRequestKind.ERASURE
    assert erasure.status == "completed"


def test_orders_stay_with_their_totals_on_an_anonymous_client(story, cast):
    privacy_erase(client=story.client, requested_by=cast.head_office.user)
    order = Order.objects.get(pk=story.order.pk)
    assert order.total == story.order_total
    assert OrderLine.objects.filter(order=order).count() == 1
    client = Client.objects.get(pk=story.client.pk)
    assert client.status == "erased"
    assert client.first_name == "Erased client"
    assert client.sizes == {}
    assert client.user is None
    assert client.lifetime_spend == story.client.lifetime_spend  # aggregates stay


def test_the_erased_client_cannot_sign_in(story, cast):
    user_id = story.client.user_id
    privacy_erase(client=story.client, requested_by=story.client.user)
    user = get_user_model().objects.get(pk=user_id)
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.username.startswith("erased-")
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username=EMAIL, password="atelier-test-pass") is None
    response = HttpClient().post(
        "/accounts/login/", {"username": EMAIL, "password": "atelier-test-pass"}
    )
    assert response.status_code == 200  # the form again, not a redirect into the concierge


def test_erasing_twice_is_safe_and_leaves_one_record(story, cast):
    first = privacy_erase(client=story.client, requested_by=cast.head_office.user)
    second = privacy_erase(client=story.client, requested_by=cast.head_office.user)
    assert second.pk == first.pk
    assert PrivacyRequest.objects.filter(kind="erasure", client=story.client).count() == 1
    assert find_personal_data() == []


def test_the_erasure_record_counts_without_naming(story, cast, caplog):
    caplog.set_level(logging.DEBUG)
    erasure = privacy_erase(client=story.client, requested_by=cast.head_office.user)
    recorded = json.dumps(erasure.counts) + erasure.reason
    assert erasure.counts["identities"] == 3  # e-mail, phone, loyalty number
    assert erasure.counts["notes"] == 1
    assert erasure.counts["messages"] == 1
    assert set(erasure.counts) == {step.name for step in erasure_steps()}
    logged = " ".join(record.getMessage() for record in caplog.records)
    for needle in NEEDLES:
        assert needle.lower() not in recorded.lower()
        assert needle.lower() not in logged.lower()


def test_erasure_leaves_consent_that_forbids_everything(story, cast):
    privacy_erase(client=story.client, requested_by=cast.head_office.user)
    state = policy.current_consent(story.client.pk)
    assert state.tier == "essential"
    assert state.channels == frozenset()
    assert not policy.may_contact(state, policy.Channel.EMAIL, policy.MessageKind.SERVICE)
    assert not policy.may_use(state, policy.DataKind.PURCHASES, policy.Purpose.MODEL_TRAINING)


def test_erasure_takes_her_out_of_books_and_closes_drafts(story, cast):
    privacy_erase(client=story.client, requested_by=cast.head_office.user)
    assert story.client not in clients_visible_to(cast.owner.user)
    assert not Lookbook.objects.filter(client=story.client, status__in=["draft", "in_review"])
    # The staff access log keeps who looked and when, for her protection, without the reasons
    assert StaffAccessLog.objects.filter(client=story.client, action="viewed_story").exists()
    assert not StaffAccessLog.objects.filter(client=story.client).exclude(reason="").exists()
    assert StaffAccessLog.objects.filter(client=story.client, action="erased").count() == 1


def test_the_client_erases_herself_from_the_privacy_centre(story, cast):
    http = cast.http("client_user")
    # A wrong word erases nothing
    refused = http.post("/concierge/privacy/erase/", {"confirm": "yes"})
    assert refused.status_code == 200
    assert "Please type the word ERASE" in refused.content.decode()
    assert Client.objects.get(pk=story.client.pk).status == "active"
    # The typed confirmation erases, signs her out and says so
    response = http.post("/concierge/privacy/erase/", {"confirm": "ERASE"})
    assert response.status_code == 200
    assert "Your data has been erased" in response.content.decode()
    assert Client.objects.get(pk=story.client.pk).status == "erased"
    assert http.get("/concierge/privacy/").status_code == 302  # signed out
    assert find_personal_data() == []


# --- Review defect (issue 14): a hand-set status must not skip erasure ---------------


def test_a_hand_set_erased_status_does_not_skip_the_scrub(story, cast):
    # Given someone set the status by hand (SQL, a script, the old admin)
    Client.objects.filter(pk=story.client.pk).update(status="erased")
    client = Client.objects.get(pk=story.client.pk)
    # When the client is then erased
    erasure = privacy_erase(client=client, requested_by=cast.head_office.user)
    # Then the row was scrubbed and the record says so
    assert erasure.status == "completed"
    assert erasure.counts["profile"] == 1
    scrubbed = Client.objects.get(pk=story.client.pk)
    assert scrubbed.first_name == "Erased client"
    assert scrubbed.sizes == {}
    assert find_personal_data() == []


def test_the_admin_cannot_change_a_clients_status(cast):
    from tests.factories.security import otp_verify

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 16)
    http = HttpClient()
    http.force_login(admin)
    otp_verify(http, admin)
    url = f"/admin/clients/client/{cast.client.pk}/change/"
    page = http.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "status" not in form.fields  # shown, read-only
    data = {
        name: (value if value is not None else "")
        for name, value in form.initial.items()
        if name in form.fields
    }
    data["status"] = "erased"
    http.post(url, data)
    assert Client.objects.get(pk=cast.client.pk).status == "active"
