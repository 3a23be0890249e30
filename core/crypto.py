"""Encryption of personal data at rest, and keyed hashes to find it again.

Infrastructure with no domain imports: any layer may use it. Values are
encrypted with Fernet (AES-128-CBC + HMAC-SHA256); FIELD_ENCRYPTION_KEYS lists
keys newest first, so rotating means prepending a key, running
`manage.py rotate_encryption_keys`, then dropping the old key.

Telling a stored token from text a person typed: a value is ours only when it
carries TOKEN_PREFIX *and* its Fernet HMAC verifies under one of our keys, so
nobody can forge one by typing "fernet:...". On the write side, whatever the
application hands a field is encrypted; only a StoredToken (a str subclass
built here, never produced by forms, JSON or the database driver) is written
as is, which is how key rotation writes re-encrypted tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "fernet:"  # noqa: S105 (a marker on stored values, not a secret)

# A Fernet token: version byte 0x80, 8-byte timestamp, 16-byte IV, AES-CBC
# blocks of 16 bytes, 32-byte HMAC (https://github.com/fernet/spec).
_FERNET_VERSION = 0x80
_FERNET_OVERHEAD = 1 + 8 + 16 + 32


class StoredToken(str):
    """A value already in its stored (encrypted) form: fields write it unchanged."""

    __slots__ = ()


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


def encrypt(plaintext: str) -> StoredToken:
    token = fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")
    return StoredToken(TOKEN_PREFIX + token)


def is_well_formed_token(body: str) -> bool:
    """Whether `body` has the shape of a Fernet token (not whether it verifies)."""
    try:
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return (
        len(raw) >= _FERNET_OVERHEAD + 16
        and (len(raw) - _FERNET_OVERHEAD) % 16 == 0
        and raw[0] == _FERNET_VERSION
    )


def decrypt(stored: str) -> str:
    """Decrypt a stored value.

    Plain text passes through: values written before encryption was switched
    on, and text that began with "fernet:" which older releases stored
    unencrypted (it is not a well-formed token). A well-formed token that no
    key verifies means a key was dropped too early: that is a configuration
    error, never shown as if it were the client's text.
    """
    if not stored.startswith(TOKEN_PREFIX):
        return stored
    body = stored[len(TOKEN_PREFIX) :]
    try:
        return fernet().decrypt(body.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        if not is_well_formed_token(body):
            return stored  # legacy plain text that happened to begin with the prefix
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS: was a key dropped "
            "before rotate_encryption_keys ran?"
        ) from exc


def rotate(stored: str) -> StoredToken:
    """Re-encrypt a stored value under the newest key (plain text is encrypted)."""
    if not stored.startswith(TOKEN_PREFIX) or not is_well_formed_token(stored[len(TOKEN_PREFIX) :]):
        return encrypt(stored)
    token = fernet().rotate(stored[len(TOKEN_PREFIX) :].encode("ascii"))
    return StoredToken(TOKEN_PREFIX + token.decode("ascii"))


def lookup_hash(namespace: str, normalized_value: str) -> str:
    """A keyed hash for exact-match look-ups of an encrypted value."""
    key = settings.FIELD_LOOKUP_KEY.encode("utf-8")
    message = f"{namespace}:{normalized_value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
