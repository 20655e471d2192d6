"""The record a sub-resource route names (zoho-v5-related.md §1.3 step 7): its notes, related lists, attachments,
photo and tags are reached only through a top-level record of the module that the user can see."""

from __future__ import annotations

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_see
from zcrm.errors import MSG_RELATED_ID, InvalidData
from zcrm.records.model import StoredRecord
from zcrm.schema.model import Module
from zcrm.store import records as record_store


def visible_parent(
    conn: Connection, ident: Identity, module: Module, record_id: str, *, lock: bool = False
) -> StoredRecord:
    """The record ``record_id`` of ``module`` if the user sees it (§1.3 step 7), else INVALID_DATA; ``lock`` locks
    its row until the transaction ends."""
    fetched = record_store.fetch(conn, ident.org_id, [record_id], module_id=module.id, for_update=lock)
    record = fetched.get(record_id)
    if (
        record is None
        or record.parent_id is not None
        or not can_see(ident.schema, ident.user, module, record.owner_id)
    ):
        raise InvalidData(MSG_RELATED_ID, {"resource_path_index": 1})
    return record
