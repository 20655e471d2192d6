"""The recycle bin's rows (``deleted_records``, migration 0016; zoho-v5-related.md §9): one statement writes a
delete request's entries, one clears a module's expired ones (and earlier ones of the same records), one reads a
page; one reads a record's entry and one removes it (a restore)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import Connection, bindparam, text

from zcrm.records.recycle import Entry
from zcrm.store.records import insert_rows

_LISTED = "id, module_id, display_name, deleted_by, deleted_time, created_by"
_COLUMNS = f"{_LISTED}, record"


def add(conn: Connection, org_id: str, entries: Sequence[Entry]) -> None:
    dumps = orjson.dumps
    insert_rows(
        conn,
        "deleted_records",
        f"org_id, {_COLUMNS}",
        [
            (
                org_id,
                e.id,
                e.module_id,
                e.display_name,
                e.deleted_by,
                e.deleted_time,
                e.created_by,
                dumps(e.record or {}).decode(),
            )
            for e in entries
        ],
    )


def clear(conn: Connection, org_id: str, module_id: str, until: int, ids: Sequence[str]) -> None:
    """Deletes the module's entries deleted at or before ``until`` (their listing time is over) and any entry of
    the records ``ids`` (a record back from a snapshot that also held its entry: deleted again, it has a new one)."""
    stmt = text(
        "DELETE FROM deleted_records WHERE org_id = :org AND (module_id = :m AND deleted_time <= :t OR id IN :ids)"
    ).bindparams(bindparam("ids", expanding=True))
    conn.execute(stmt, {"org": org_id, "m": module_id, "t": until, "ids": list(ids)})


@dataclass(frozen=True, slots=True)
class PageQuery:
    module_id: str
    after: int  # deleted after this time…
    until: int | None  # …and at or before this one (None: no bound)
    limit: int
    offset: int


def page(conn: Connection, org_id: str, q: PageQuery) -> list[Entry]:
    """The module's entries deleted in (``after``, ``until``], most recently deleted first, ties by id descending
    (without their ``record``, which a listing does not show)."""
    where = "org_id = :org AND module_id = :m AND deleted_time > :after"
    params: dict[str, object] = {
        "org": org_id,
        "m": q.module_id,
        "after": q.after,
        "n": q.limit,
        "o": q.offset,
    }
    if q.until is not None:
        where += " AND deleted_time <= :until"
        params["until"] = q.until
    rows = conn.execute(
        text(
            f"SELECT {_LISTED} FROM deleted_records WHERE {where}"
            " ORDER BY deleted_time DESC, id DESC LIMIT :n OFFSET :o"
        ),
        params,
    )
    return [
        Entry(
            id=row[0],
            module_id=row[1],
            display_name=row[2],
            deleted_by=row[3],
            deleted_time=int(row[4]),
            created_by=row[5],
            record=None,
        )
        for row in rows
    ]


def get(conn: Connection, org_id: str, record_id: str) -> Entry | None:
    """The entry of the record ``record_id``, with its ``record``; None when the bin has none."""
    row = conn.execute(
        text(f"SELECT {_COLUMNS} FROM deleted_records WHERE org_id = :org AND id = :id"),
        {"org": org_id, "id": record_id},
    ).first()
    if row is None:
        return None
    return Entry(
        id=row[0],
        module_id=row[1],
        display_name=row[2],
        deleted_by=row[3],
        deleted_time=int(row[4]),
        created_by=row[5],
        record=orjson.loads(row[6]),
    )


def remove(conn: Connection, org_id: str, record_id: str) -> None:
    conn.execute(
        text("DELETE FROM deleted_records WHERE org_id = :org AND id = :id"), {"org": org_id, "id": record_id}
    )
