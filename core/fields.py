"""Model fields shared by the apps: text encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from core import crypto


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; decrypted when read from the database.

    Encrypted values cannot be searched or ordered in SQL: pair the field with
    a lookup hash (see core.crypto.lookup_hash) where exact look-ups
    are needed.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, crypto.StoredToken):
            return str(value)  # already encrypted (key rotation); user text never is one
        # Everything else is what a person or a service handed the model: encrypt
        # it, even when it happens to begin with "fernet:".
        return crypto.encrypt(str(value))
