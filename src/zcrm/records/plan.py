"""What a write's engine run takes from the store and what it gives back.

``Stored`` is what the engine may ask of the stored state while it plans: which referenced records exist, who holds
a unique value, a few records by id (the holders of clashing unique values), fresh ids and autonumber values, and
which uploaded files exist (upload fields). The service answers it from the store in the request's transaction
(``service/stored.py``); ``Snapshot`` answers it from plain values, for tests and for callers that have the state
at hand.

``Plan`` is the engine's answer: a result per item in input order, and the writes of the successful ones (records
to insert, update and delete, child rows, unique values to claim and release, change events, process rows, the
notifications' view of what was written). ``service/save.py`` turns it into store calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Protocol

from zcrm.errors import ZohoError
from zcrm.records.model import ProcessRow, StoredRecord

Result = dict[str, Any] | ZohoError
UniqueKey = tuple[str, str]  # (field id, the value's key: ``common.unique_key``)
# (record id, the fields the write changed as {api_name: [old, new]}, the record's field values after the write
# or None for a delete)
Written = tuple[str, dict[str, Any], dict[str, Any] | None]


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the engine knows of an uploaded file (zoho-v5-related.md §6.3): its name, byte count and whether its
    first bytes are an image's (``fields.images``)."""

    id: str
    name: str
    size: int
    image: bool


class Stored(Protocol):
    """The stored state, as the engine asks for it."""

    def existing(self, ids: Sequence[str]) -> dict[str, str]:
        """Record id -> module id, for the ids that name a record."""
        ...

    def unique_owners(self, keys: Sequence[UniqueKey]) -> dict[UniqueKey, str]:
        """Unique key -> the id of the record holding it, for the keys held."""
        ...

    def records(self, ids: Sequence[str]) -> dict[str, StoredRecord]:
        """The records among ``ids``."""
        ...

    def ids(self, expected: int) -> Iterator[str]:
        """Fresh record, row and change ids, ``expected`` of them likely needed (more are handed out on demand)."""
        ...

    def next_number(self, field_id: str, start: int) -> int:
        """The next value of an autonumber field's sequence (``start`` for its first)."""
        ...

    def files(self, ids: Sequence[str]) -> dict[str, FileFacts]:
        """The org's uploaded files among ``ids`` (upload fields' ``File_Id__s``)."""
        ...


@dataclass(slots=True)
class Snapshot:
    """``Stored`` over plain values: the records by id, the unique values held, and a counter for ids."""

    known: dict[str, StoredRecord] = field(default_factory=dict)
    unique: dict[UniqueKey, str] = field(default_factory=dict)
    id_prefix: str = "9000001"
    sequences: dict[str, int] = field(default_factory=dict)
    uploads: dict[str, FileFacts] = field(default_factory=dict)
    _counter: Iterator[int] = field(default_factory=lambda: count(1))

    def existing(self, ids: Sequence[str]) -> dict[str, str]:
        return {i: self.known[i].module_id for i in ids if i in self.known}

    def unique_owners(self, keys: Sequence[UniqueKey]) -> dict[UniqueKey, str]:
        return {key: self.unique[key] for key in keys if key in self.unique}

    def records(self, ids: Sequence[str]) -> dict[str, StoredRecord]:
        return {i: self.known[i] for i in ids if i in self.known}

    def ids(self, expected: int) -> Iterator[str]:
        while True:
            yield f"{self.id_prefix}{next(self._counter):012d}"

    def next_number(self, field_id: str, start: int) -> int:
        number = self.sequences.get(field_id, start)
        self.sequences[field_id] = number + 1
        return number

    def files(self, ids: Sequence[str]) -> dict[str, FileFacts]:
        return {i: self.uploads[i] for i in ids if i in self.uploads}


@dataclass(slots=True)
class RowWrites:
    """Stored-row changes for one or more records: inserts, updates and deletes, applied in batch."""

    inserts: list[StoredRecord] = field(default_factory=list)
    updates: list[StoredRecord] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """One write request's outcome: ``results`` in input order, and what the successful items write."""

    operation: str  # insert | update | delete
    results: list[Result] = field(default_factory=list)
    inserts: list[StoredRecord] = field(default_factory=list)  # new records, then new child rows
    updates: list[StoredRecord] = field(default_factory=list)  # changed records
    deletes: list[str] = field(
        default_factory=list
    )  # deleted records (their rows and processes go with them)
    rows: RowWrites = field(default_factory=RowWrites)  # child rows an update adds, changes and removes
    claims: list[tuple[str, str, str]] = field(default_factory=list)  # (field id, key, record id): new keys
    unique_changes: list[tuple[str, str, str | None]] = field(
        default_factory=list
    )  # (record, field, key|None)
    changes: list[dict[str, Any]] = field(default_factory=list)  # change events, in the store's column names
    processes: list[ProcessRow] = field(default_factory=list)  # process rows the writes entered
    written: list[Written] = field(default_factory=list)  # what the notifications tell, in order
    actor: str | None = None  # the user whose request this is (a delete's ``deleted_by``)
