"""Re-encrypt every encrypted column with the newest key in FIELD_ENCRYPTION_KEYS.

Rotation (docs/security.md): put the new key first in FIELD_ENCRYPTION_KEYS
(keeping the old ones after it), deploy, run this command, then drop the old
keys. Values already under the newest key are left alone, so the command is
safe to run again after an interruption. Values stored before encryption was
switched on are encrypted on the way.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast

from core import crypto
from core.fields import EncryptedTextField


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every concrete EncryptedTextField of every installed model."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                found.append((model, field))
    return found


def _under_newest_key(stored: str, newest: Fernet) -> bool:
    if not stored.startswith(crypto.TOKEN_PREFIX):
        return False
    try:
        newest.decrypt(stored[len(crypto.TOKEN_PREFIX) :].encode("ascii"))
    except InvalidToken:
        return False
    return True


class Command(BaseCommand):
    help = "Re-encrypt every EncryptedTextField value with the newest FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; write nothing."
        )

    def handle(self, *args: Any, batch_size: int, dry_run: bool, **options: Any) -> None:
        newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
        total = 0
        for model, field in encrypted_fields():
            label = f"{model._meta.label}.{field.name}"
            changed = self._rotate(model, field, newest, batch_size=batch_size, dry_run=dry_run)
            total += changed
            self.stdout.write(
                f"{label}: {changed} value(s) {'to re-encrypt' if dry_run else 're-encrypted'}"
            )
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(f"{total} value(s) {verb} with the newest key."))

    def _rotate(
        self,
        model: type[models.Model],
        field: EncryptedTextField,
        newest: Fernet,
        *,
        batch_size: int,
        dry_run: bool,
    ) -> int:
        manager = model._base_manager  # bypasses append-only or filtering managers
        # Cast to plain text so the stored token is read as is, not decrypted.
        raw = Cast(field.attname, output_field=models.TextField())
        changed = 0
        last_pk: Any = None
        while True:
            rows = manager.exclude(**{field.attname: ""}).exclude(
                **{f"{field.attname}__isnull": True}
            )
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(
                rows.order_by("pk").annotate(_raw=raw).values_list("pk", "_raw")[:batch_size]
            )
            if not batch:
                return changed
            last_pk = batch[-1][0]
            updates = []
            for pk, stored in batch:
                if not stored or _under_newest_key(stored, newest):
                    continue
                try:
                    updates.append((pk, crypto.rotate(stored)))
                except InvalidToken:
                    raise CommandError(
                        f"{model._meta.label}.{field.name} row {pk} cannot be decrypted with "
                        "any key in FIELD_ENCRYPTION_KEYS: put the old key back and run again."
                    ) from None
            changed += len(updates)
            if dry_run or not updates:
                continue
            with transaction.atomic():
                for pk, token in updates:
                    manager.filter(pk=pk).update(**{field.attname: token})
