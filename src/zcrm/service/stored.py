"""``records.plan.Stored`` answered from the store, in the request's transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_see
from zcrm.fields.images import HEAD_BYTES, image_type
from zcrm.records import notes
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


class SeenView(StoreView):
    """A ``StoreView`` whose ``existing`` leaves out the records the user cannot see: a note's parent must be one
    (zoho-v5-related.md §4; the Notes module's only record reference is its parent)."""

    def __init__(self, conn: Connection, ident: Identity, prefix: str) -> None:
        super().__init__(conn, ident.org_id, prefix)
        self.ident = ident

    def existing(self, ids: Sequence[str]) -> dict[str, str]:
        schema, user = self.ident.schema, self.ident.user
        found = store.fetch(self.conn, self.org_id, ids)
        return {
            rid: r.module_id
            for rid, r in found.items()
            if r.parent_id is None
            and (module := schema.by_module_id.get(r.module_id)) is not None
            and can_see(schema, user, module, r.owner_id)
        }


def view(conn: Connection, ident: Identity, module_api_name: str, prefix: str) -> StoreView:
    """What a write of ``module_api_name`` may see of the stored state: a note's writer only the records they see."""
    if module_api_name == notes.NOTES:
        return SeenView(conn, ident, prefix)
    return StoreView(conn, ident.org_id, prefix)
