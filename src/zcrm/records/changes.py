"""A record's change events as plain values, and the Timeline API's filter tree over them (``ChangeFilter``):
which user made the change, when, and conditions already decided before the query (``Constant``), combined with
AND/OR. ``store/changes.py`` reads them and turns the tree into SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class StoredChange:
    id: str
    module_id: str
    record_id: str
    operation: str  # insert | update | delete
    user_id: str
    time: int
    triggers: list[str]
    changed: dict[str, Any]  # {field: [old, new]}, or {"added"|"updated"|"deleted": [row ids]} for row fields
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class UserIn:
    """The change was made by one of these users."""

    user_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimeBetween:
    """The change was made between these instants (epoch seconds, both included)."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Constant:
    """A condition already decided without looking at the row (for example a ``source`` every change has)."""

    value: bool


@dataclass(frozen=True, slots=True)
class Group:
    operator: str  # AND | OR
    items: tuple[ChangeFilter, ...]


ChangeFilter = UserIn | TimeBetween | Constant | Group
