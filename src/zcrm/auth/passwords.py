"""Users' optional passwords (docs/oauth.md#passwords), for the OAuth consent page.

A password is kept only as an argon2id hash (``argon2-cffi``, its default parameters: RFC 9106's low-memory
profile), in the user's stored definition under ``password_hash``. The hash is never shown: not by the users API,
not by the control plane or the CLI. Verifying runs argon2's own comparison; an unknown user is verified against a
dummy hash, so that the answer takes as long whether or not the email exists.

``SignInGuard`` counts failed sign-ins per org and email in the server process: past ``MAX_FAILURES`` within
``WINDOW`` seconds, that email's sign-ins are refused until the window has passed.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Mapping
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.exceptions import VerifyMismatchError as _Mismatch

from zcrm.errors import InvalidData

KEY = "password_hash"  # the key of the user's definition (and of a user in an org file)
MIN_LENGTH = 8
MAX_LENGTH = 1024  # characters; a longer password only costs the server time
HASH_PREFIXES = ("$argon2id$", "$argon2i$", "$argon2d$")
MAX_FAILURES = 10
WINDOW = 600  # seconds
_hasher = PasswordHasher()


def check_password(password: Any, api_name: str = "password") -> str:
    """A new password: a string of ``MIN_LENGTH`` to ``MAX_LENGTH`` characters, else ``INVALID_DATA``."""
    if not isinstance(password, str):
        raise InvalidData(details={"api_name": api_name, "expected_data_type": "string"})
    if len(password) < MIN_LENGTH:
        raise InvalidData(details={"api_name": api_name, "minimum_length": MIN_LENGTH})
    if len(password) > MAX_LENGTH:
        raise InvalidData(details={"api_name": api_name, "maximum_length": MAX_LENGTH})
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") is not text
        raise InvalidData(details={"api_name": api_name, "expected_data_type": "string"}) from None
    return password


def hash_password(password: str) -> str:
    """The argon2id hash of a password checked by ``check_password`` (about 0.1 s of CPU)."""
    return _hasher.hash(check_password(password))


def is_hash(value: Any) -> bool:
    """Whether ``value`` is an argon2 hash in its encoded form (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``)."""
    if not isinstance(value, str) or not value.startswith(HASH_PREFIXES):
        return False
    try:
        from argon2 import extract_parameters

        extract_parameters(value)
    except (InvalidHashError, ValueError):
        return False
    return True


@cache
def _dummy_hash() -> str:
    return _hasher.hash("zcrm: no such user")


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash. No hash (an unknown user, or one without a password): False,
    after as much work as a real check. A hash argon2 cannot read counts as a mismatch."""
    password = password.encode("utf-8", "replace").decode("utf-8")  # no lone surrogate reaches argon2
    if not stored or len(password) > MAX_LENGTH:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_dummy_hash(), password[:MAX_LENGTH])
        return False
    try:
        return _hasher.verify(stored, password)
    except (_Mismatch, VerificationError, InvalidHashError):
        return False


def hashed(body: Mapping[str, Any]) -> dict[str, str]:
    """``{password: hash}`` for the valid password a control-plane body sets, if any: computed before the unit of
    work, so that hashing never holds the database's write lock (``access`` uses it, or hashes itself)."""
    password = body.get("password")
    try:
        return {password: hash_password(password)} if password is not None else {}
    except InvalidData:
        return {}  # reported by access, in its order of checks


class SignInGuard:
    """Failed sign-ins per (org, email) in this process, within a sliding window of ``WINDOW`` seconds."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: int = WINDOW) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[tuple[str, str], deque[int]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: int) -> deque[int]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, org_id: str, email: str, now: int) -> int:
        """Seconds until this email may try again (0: it may now)."""
        with self._lock:
            times = self._recent((org_id, email.strip().lower()), now)
            if len(times) < self.max_failures:
                return 0
            return max(1, times[-self.max_failures] + self.window - now)

    def failed(self, org_id: str, email: str, now: int) -> None:
        with self._lock:
            key = (org_id, email.strip().lower())
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times
            if len(self._failures) > 10_000:  # forget emails whose failures are all past the window
                for old in [k for k, v in self._failures.items() if not v or v[-1] <= now - self.window]:
                    del self._failures[old]

    def succeeded(self, org_id: str, email: str) -> None:
        with self._lock:
            self._failures.pop((org_id, email.strip().lower()), None)
