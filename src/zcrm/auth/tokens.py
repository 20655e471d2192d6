"""Token material: generation, hashing and constant-time comparison. Secrets are stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

_ALNUM = string.ascii_uppercase + string.digits


def new_token() -> str:
    """``1000.`` followed by two 32-hex-digit groups joined by a dot (behaviour §7.1)."""
    return f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"


def new_client_id() -> str:
    return "1000." + "".join(secrets.choice(_ALNUM) for _ in range(30))


def new_client_secret() -> str:
    return secrets.token_hex(21)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)
