"""Occasion notes are personal: encrypt them at rest, including the rows already there."""

import core.fields
from django.db import migrations

from core import crypto


def encrypt_existing(apps, schema_editor):
    Occasion = apps.get_model("clients", "Occasion")
    batch = []
    # The historical model's field already encrypts on save; plaintext rows read as-is.
    for occasion in Occasion.objects.exclude(notes="").only("pk", "notes").iterator(chunk_size=2000):
        if not occasion.notes.startswith(crypto.TOKEN_PREFIX):
            batch.append(occasion)
        if len(batch) >= 2000:
            Occasion.objects.bulk_update(batch, ["notes"])
            batch = []
    if batch:
        Occasion.objects.bulk_update(batch, ["notes"])


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_import_run"),
    ]

    operations = [
        migrations.AlterField(
            model_name="occasion",
            name="notes",
            field=core.fields.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop, elidable=True),
    ]
