"""Encryption of personal data at rest, and keyed hashes to find it again.

Infrastructure with no domain imports: any layer may use it. Values are
encrypted with Fernet (AES-128-CBC + HMAC-SHA256); FIELD_ENCRYPTION_KEYS lists
keys newest first, so rotating means prepending a key, running
`manage.py rotate_encryption_keys`, then dropping the old key.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "fernet:"  # noqa: S105 (a marker on stored values, not a secret)


@lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:  # malformed key
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS holds an invalid key: {exc}") from exc


def fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return TOKEN_PREFIX + fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    """Decrypt a stored value; values written before encryption pass through."""
    if not stored.startswith(TOKEN_PREFIX):
        return stored
    try:
        return fernet().decrypt(stored[len(TOKEN_PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS: was a key dropped "
            "before rotate_encryption_keys ran?"
        ) from exc


def rotate(stored: str) -> str:
    """Re-encrypt a stored value under the newest key."""
    if not stored.startswith(TOKEN_PREFIX):
        return encrypt(stored)
    token = fernet().rotate(stored[len(TOKEN_PREFIX) :].encode("ascii"))
    return TOKEN_PREFIX + token.decode("ascii")


def lookup_hash(namespace: str, normalized_value: str) -> str:
    """A keyed hash for exact-match look-ups of an encrypted value."""
    key = settings.FIELD_LOOKUP_KEY.encode("utf-8")
    message = f"{namespace}:{normalized_value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
