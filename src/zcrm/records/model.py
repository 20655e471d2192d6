"""The plain values the engine works on: a stored record (or subform row) and a record's process row. The store
reads and writes them (``store/records.py``, ``store/processes.py`` re-export them); the engine only sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class StoredRecord:
    id: str
    module_id: str
    parent_id: str | None
    data: dict[str, Any]
    owner_id: str | None
    created_by: str
    modified_by: str
    created_time: int
    modified_time: int
    approval_state: str = "approved"
    lock_state: str | None = None
    converted: bool = False
    children: list[StoredRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProcessRow:
    record_id: str
    kind: str  # approval | review | zia
    module_id: str
    status: str  # pending | approved | rejected
    detail: dict[str, Any]
    updated_time: int


NUL = "\x00"
MARK = "\x01"


def unique_text(key: str) -> str:
    """A unique value's key, NUL-free and one-to-one: a key that holds NUL (or starts with the marker U+0001) is
    escaped behind the marker; every other key is itself (PostgreSQL's ``text`` cannot hold NUL)."""
    if NUL not in key and not key.startswith(MARK):
        return key
    return MARK + key.replace("\\", "\\\\").replace(NUL, "\\0")
