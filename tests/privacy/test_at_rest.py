"""Occasion notes are personal ("her daughter's wedding"): they are stored encrypted."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import connection

from clients.models import Occasion
from tests.factories.clients import OccasionFactory

NOTE = "Her daughter's wedding in Deauville; she wants something in ivory."


def stored_notes(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM clients_occasion WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_occasion_notes_are_encrypted_at_rest_and_read_back(cast):
    occasion = OccasionFactory(client=cast.client, notes=NOTE)
    assert stored_notes(occasion.pk).startswith("fernet:")
    assert NOTE not in stored_notes(occasion.pk)
    assert Occasion.objects.get(pk=occasion.pk).notes == NOTE


def test_the_migration_encrypts_notes_written_before_it(cast):
    occasion = OccasionFactory(client=cast.client, notes="")
    with connection.cursor() as cursor:  # a row as the old plaintext column held it
        cursor.execute("UPDATE clients_occasion SET notes = %s WHERE id = %s", [NOTE, occasion.pk])
    migration = importlib.import_module("clients.migrations.0004_occasion_notes_encrypted")
    migration.encrypt_existing(apps, None)
    assert stored_notes(occasion.pk).startswith("fernet:")
    assert Occasion.objects.get(pk=occasion.pk).notes == NOTE
    migration.encrypt_existing(apps, None)  # running it again changes nothing
    assert Occasion.objects.get(pk=occasion.pk).notes == NOTE
