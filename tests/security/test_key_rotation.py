"""rotate_encryption_keys: every encrypted column moves to the newest key; old keys can go."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from clients.models import Identity
from core import crypto
from stylists.models import ClientNote
from stylists.services import note_add

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def raw(model, field: str, pk: int) -> str:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        sql = f"SELECT {connection.ops.quote_name(field)} FROM {table} WHERE id = %s"  # noqa: S608
        cursor.execute(sql, [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def dev_keys(settings) -> list[str]:
    """The keys the cast was written with (the embedded default)."""
    return list(settings.FIELD_ENCRYPTION_KEYS)


def test_rotation_re_encrypts_and_the_old_key_can_be_dropped(cast, settings, dev_keys):
    # Given data written under the old key
    settings.FIELD_ENCRYPTION_KEYS = [OLD, *dev_keys]
    note = note_add(client=cast.client, author=cast.owner, body="Prefers the rue du Bac salon.")
    email = Identity.objects.get(client=cast.client, kind="email")
    old_token = raw(ClientNote, "body", note.pk)
    assert old_token.startswith(crypto.TOKEN_PREFIX)
    # When a new key is put first and the command runs
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD, *dev_keys]
    out = io.StringIO()
    call_command("rotate_encryption_keys", batch_size=1, stdout=out)
    assert "stylists.ClientNote.body: 1 value(s) re-encrypted" in out.getvalue()
    new_token = raw(ClientNote, "body", note.pk)
    assert new_token != old_token
    Fernet(NEW.encode()).decrypt(new_token.removeprefix(crypto.TOKEN_PREFIX).encode())
    # Then the old key can be removed and everything still reads
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert ClientNote.objects.get(pk=note.pk).body == "Prefers the rue du Bac salon."
    assert Identity.objects.get(pk=email.pk).value == "camille.laurent@example.com"


def test_running_again_changes_nothing(cast, settings, dev_keys):
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD, *dev_keys]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "0 value(s) re-encrypted" in out.getvalue()


def test_plaintext_left_from_before_encryption_is_encrypted(cast, settings):
    note = note_add(client=cast.client, author=cast.owner, body="placeholder")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE stylists_clientnote SET body = %s WHERE id = %s",
            ["Written before encryption", note.pk],
        )
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    assert raw(ClientNote, "body", note.pk).startswith(crypto.TOKEN_PREFIX)
    assert ClientNote.objects.get(pk=note.pk).body == "Written before encryption"


def test_dry_run_writes_nothing(cast, settings, dev_keys):
    settings.FIELD_ENCRYPTION_KEYS = [OLD, *dev_keys]
    note = note_add(client=cast.client, author=cast.owner, body="x")
    before = raw(ClientNote, "body", note.pk)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD, *dev_keys]
    out = io.StringIO()
    call_command("rotate_encryption_keys", dry_run=True, stdout=out)
    assert "to re-encrypt" in out.getvalue()
    assert raw(ClientNote, "body", note.pk) == before


def test_a_missing_key_stops_with_a_clear_error(cast, settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the key the cast was written with is gone
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
