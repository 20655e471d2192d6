"""A record's change events (docs/timeline.md): the record, and one page of its changes, for
``GET /crm/v5/{module}/{id}/__timeline``."""

from __future__ import annotations

from sqlalchemy import Connection

from zcrm.records.timeline import Position, TimelineParams
from zcrm.store import changes as change_store
from zcrm.store import records as record_store
from zcrm.store.changes import StoredChange
from zcrm.store.records import StoredRecord


def record(conn: Connection, org_id: str, module_id: str, record_id: str) -> StoredRecord | None:
    """The module's record ``record_id`` (None: unknown, deleted, another module's, or a subform row)."""
    found = record_store.fetch(conn, org_id, [record_id], module_id=module_id).get(record_id)
    return None if found is None or found.parent_id is not None else found


def changes(
    conn: Connection, org_id: str, record_id: str, p: TimelineParams, at: Position
) -> tuple[list[StoredChange], bool]:
    """The page of the record's changes at ``at``, and whether more follow."""
    query = change_store.ChangeQuery(
        record_id=record_id,
        descending=p.descending,
        limit=at.per_page + 1,
        offset=at.offset,
        after=at.after,
        where=p.where,
    )
    rows = change_store.list_for_record(conn, org_id, query)
    return rows[: at.per_page], len(rows) > at.per_page
