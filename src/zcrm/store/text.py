"""Text that every database can hold: PostgreSQL's ``text`` cannot hold NUL (U+0000), SQLite's can. Record values
are stored as JSON, where NUL is escaped; the other text columns go through these.

- ``storable``: whether a string can be a SQL parameter as it is. A look-up by a key holding NUL finds nothing
  (nothing stored holds one), so the look-ups answer "unknown" without asking the database.
- ``unique_text``: a unique value's key, NUL-free and one-to-one: a key that holds NUL (or starts with the marker
  U+0001) is escaped behind the marker; every other key is itself.
- ``log_text``: text for the request log, where NUL becomes U+FFFD (the log shows what came, not byte for byte).
"""

from __future__ import annotations

from zcrm.records.model import MARK as MARK
from zcrm.records.model import NUL as NUL
from zcrm.records.model import unique_text as unique_text


def storable(value: str) -> bool:
    return NUL not in value


def log_text(value: str | None) -> str | None:
    return value.replace(NUL, "\ufffd") if value is not None and NUL in value else value
