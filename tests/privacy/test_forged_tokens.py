"""Text a person types that begins with "fernet:" is still encrypted, and reads back.

Review defect (issue 14): the field let such values through unencrypted and the
pages reading them failed. A stored token is told apart by its verifying HMAC,
never by its prefix alone.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from clients.models import Occasion
from core import crypto
from stylists.models import Message, StylingRequest
from stylists.services import message_from_client, styling_request_create
from tests.factories.clients import OccasionFactory

# A real token under a key the house does not hold: the shape is right, the HMAC is not.
FOREIGN_TOKEN = "fernet:" + Fernet(Fernet.generate_key()).encrypt(b"x").decode()
TYPED = ["fernet:hello", "fernet:", FOREIGN_TOKEN]


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def write_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.mark.parametrize("typed", TYPED)
def test_a_message_beginning_with_the_prefix_is_encrypted(cast: Any, typed: str) -> None:
    message = message_from_client(client=cast.client, body=typed + " is the cape in navy?")
    stored = raw("stylists_message", "body", message.pk)
    assert stored != message.body
    assert crypto.decrypt(stored) == typed + " is the cape in navy?"
    assert Message.objects.get(pk=message.pk).body == typed + " is the cape in navy?"


def test_the_concierge_thread_shows_such_a_message(cast: Any) -> None:
    http = cast.http("client_user")
    assert http.post("/concierge/messages/", {"body": "fernet:abc"}).status_code == 302
    page = http.get("/concierge/messages/")
    assert page.status_code == 200
    assert "fernet:abc" in page.content.decode()
    assert raw("stylists_message", "body", Message.objects.get().pk) != "fernet:abc"


@pytest.mark.parametrize("typed", TYPED)
def test_styling_requests_and_occasion_notes_are_encrypted(cast: Any, typed: str) -> None:
    request = styling_request_create(client=cast.client, message=typed)
    assert raw("stylists_stylingrequest", "message", request.pk) != typed
    assert StylingRequest.objects.get(pk=request.pk).message == typed
    occasion = OccasionFactory(client=cast.client, notes=typed)
    assert raw("clients_occasion", "notes", occasion.pk) != typed
    assert Occasion.objects.get(pk=occasion.pk).notes == typed


def test_inbound_sms_beginning_with_the_prefix_is_encrypted(cast: Any) -> None:
    from stylists.services import inbound_sms

    message = inbound_sms(from_number="+33612345678", body="fernet:see you at 5")
    assert message is not None
    assert raw("stylists_message", "body", message.pk) != "fernet:see you at 5"
    assert Message.objects.get(pk=message.pk).body == "fernet:see you at 5"


def test_values_older_releases_stored_in_clear_still_read(cast: Any) -> None:
    occasion = OccasionFactory(client=cast.client, notes="")
    write_raw("clients_occasion", "notes", occasion.pk, "fernet:typed before the fix")
    assert Occasion.objects.get(pk=occasion.pk).notes == "fernet:typed before the fix"
    # ... and key rotation encrypts them on the way
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    stored = raw("clients_occasion", "notes", occasion.pk)
    assert stored != "fernet:typed before the fix"
    assert crypto.decrypt(stored) == "fernet:typed before the fix"


def test_a_token_no_key_verifies_is_a_configuration_error_not_text(cast: Any) -> None:
    occasion = OccasionFactory(client=cast.client, notes="")
    write_raw("clients_occasion", "notes", occasion.pk, FOREIGN_TOKEN)
    with pytest.raises(ImproperlyConfigured):
        Occasion.objects.get(pk=occasion.pk)


def test_a_stored_token_is_written_unchanged_only_when_marked(cast: Any) -> None:
    token = crypto.encrypt("Prefers ivory.")
    occasion = OccasionFactory(client=cast.client, notes="")
    Occasion.objects.filter(pk=occasion.pk).update(notes=token)  # what rotation does
    assert raw("clients_occasion", "notes", occasion.pk) == token
    Occasion.objects.filter(pk=occasion.pk).update(notes=str(token))  # a plain str is text
    assert Occasion.objects.get(pk=occasion.pk).notes == str(token)
