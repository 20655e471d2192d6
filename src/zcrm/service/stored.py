"""``records.plan.Stored`` answered from the store, in the request's transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection

from zcrm.fields.images import HEAD_BYTES, image_type
from zcrm.records.model import StoredRecord
from zcrm.records.plan import FileFacts, UniqueKey
from zcrm.store import files as file_store
from zcrm.store import records as store
from zcrm.store.ids import IdPool


class StoreView:
    """What the engine asks of the stored state, as store queries on ``conn`` for ``org_id``."""

    def __init__(self, conn: Connection, org_id: str, prefix: str) -> None:
        self.conn, self.org_id, self.prefix = conn, org_id, prefix

    def existing(self, ids: Sequence[str]) -> dict[str, str]:
        return store.existing(self.conn, self.org_id, ids)

    def unique_owners(self, keys: Sequence[UniqueKey]) -> dict[UniqueKey, str]:
        return store.unique_owners(self.conn, self.org_id, keys)

    def records(self, ids: Sequence[str]) -> dict[str, StoredRecord]:
        return store.fetch(self.conn, self.org_id, ids)

    def ids(self, expected: int) -> Iterator[str]:
        return IdPool(self.conn, self.org_id, self.prefix, expected)

    def next_number(self, field_id: str, start: int) -> int:
        return store.next_sequence(self.conn, self.org_id, field_id, start)

    def files(self, ids: Sequence[str]) -> dict[str, FileFacts]:
        found = file_store.get(self.conn, self.org_id, sorted(set(ids)))
        heads = file_store.heads(self.conn, self.org_id, [f.sha256 for f in found.values()], HEAD_BYTES)
        return {
            i: FileFacts(i, f.name, f.size, image_type(heads.get(f.sha256, b"")) is not None)
            for i, f in found.items()
        }
