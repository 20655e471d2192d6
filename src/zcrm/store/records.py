"""Records, their child rows (subform, linking and upload rows), unique values and the change log.

A record's field values are one JSON document (``data``); owner, audit columns and states are columns,
so that lists can be filtered and sorted in SQL. Child rows are records of their own module with
``parent_id`` set to the record they belong to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, text

_COLUMNS = (
    "id, module_id, parent_id, data, owner_id, created_by, modified_by, created_time, modified_time,"
    " approval_state, lock_state, converted"
)


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


def executemany(conn: Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Runs a statement written with ``?`` placeholders for many rows straight on the DBAPI cursor of the
    connection's transaction: the hot write paths skip SQLAlchemy's per-row parameter processing."""
    if not rows:
        return
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def query(conn: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Runs a ``?``-placeholder query straight on the DBAPI cursor of the connection's transaction (hot reads)."""
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _from_row(row: Any) -> StoredRecord:
    return StoredRecord(
        id=row[0],
        module_id=row[1],
        parent_id=row[2],
        data=orjson.loads(row[3]),
        owner_id=row[4],
        created_by=row[5],
        modified_by=row[6],
        created_time=int(row[7]),
        modified_time=int(row[8]),
        approval_state=row[9],
        lock_state=row[10],
        converted=bool(row[11]),
    )


_INSERT = f"INSERT INTO records (org_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_UPDATE = (
    "UPDATE records SET data = ?, owner_id = ?, modified_by = ?, modified_time = ?, approval_state = ?,"
    " lock_state = ?, converted = ? WHERE org_id = ? AND id = ?"
)


def insert(conn: Connection, org_id: str, records: Sequence[StoredRecord]) -> None:
    dumps = orjson.dumps
    executemany(
        conn,
        _INSERT,
        [
            (
                org_id,
                r.id,
                r.module_id,
                r.parent_id,
                dumps(r.data).decode(),
                r.owner_id,
                r.created_by,
                r.modified_by,
                r.created_time,
                r.modified_time,
                r.approval_state,
                r.lock_state,
                r.converted,
            )
            for r in records
        ],
    )


def update(conn: Connection, org_id: str, records: Sequence[StoredRecord]) -> None:
    dumps = orjson.dumps
    executemany(
        conn,
        _UPDATE,
        [
            (
                dumps(r.data).decode(),
                r.owner_id,
                r.modified_by,
                r.modified_time,
                r.approval_state,
                r.lock_state,
                r.converted,
                org_id,
                r.id,
            )
            for r in records
        ],
    )


def fetch(
    conn: Connection, org_id: str, ids: Iterable[str], module_id: str | None = None, for_update: bool = False
) -> dict[str, StoredRecord]:
    """The records among ``ids``; ``for_update`` locks their rows until the transaction ends (PostgreSQL; SQLite
    write transactions hold the database lock already)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    sql = f"SELECT {_COLUMNS} FROM records WHERE org_id = ? AND id IN ({', '.join('?' * len(ids))})"
    params: list[Any] = [org_id, *ids]
    if module_id is not None:
        sql += " AND module_id = ?"
        params.append(module_id)
    if for_update and conn.dialect.name == "postgresql":
        sql += " FOR UPDATE"
    return {r.id: r for r in map(_from_row, query(conn, sql, params))}


def existing(conn: Connection, org_id: str, ids: Iterable[str]) -> dict[str, str]:
    """id -> module_id for those of ``ids`` that exist as top-level records."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    stmt = text(
        "SELECT id, module_id FROM records WHERE org_id = :org AND id IN :ids AND parent_id IS NULL"
    ).bindparams(bindparam("ids", expanding=True))
    return {row[0]: row[1] for row in conn.execute(stmt, {"org": org_id, "ids": ids})}


def children(conn: Connection, org_id: str, parent_ids: Iterable[str]) -> list[StoredRecord]:
    parent_ids = list(parent_ids)
    if not parent_ids:
        return []
    stmt = text(
        f"SELECT {_COLUMNS} FROM records WHERE org_id = :org AND parent_id IN :ids ORDER BY id"
    ).bindparams(bindparam("ids", expanding=True))
    return [_from_row(row) for row in conn.execute(stmt, {"org": org_id, "ids": parent_ids})]


def delete(conn: Connection, org_id: str, ids: Sequence[str]) -> None:
    """Deletes records with their child rows and unique values."""
    if not ids:
        return
    params = {"org": org_id, "ids": list(ids)}
    for sql in (
        "DELETE FROM unique_values WHERE org_id = :org AND record_id IN"
        " (SELECT id FROM records WHERE org_id = :org AND parent_id IN :ids)",
        "DELETE FROM records WHERE org_id = :org AND parent_id IN :ids",
        "DELETE FROM unique_values WHERE org_id = :org AND record_id IN :ids",
        "DELETE FROM records WHERE org_id = :org AND id IN :ids",
    ):
        conn.execute(text(sql).bindparams(bindparam("ids", expanding=True)), params)


def delete_children(conn: Connection, org_id: str, ids: Sequence[str]) -> None:
    if ids:
        stmt = text("DELETE FROM records WHERE org_id = :org AND id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        conn.execute(stmt, {"org": org_id, "ids": list(ids)})


@dataclass(frozen=True, slots=True)
class ListQuery:
    module_id: str
    sort_column: str  # id | created_time | modified_time
    descending: bool
    limit: int
    offset: int = 0
    after: tuple[int, str] | None = None  # keyset: (sort value, id) of the last row already returned
    ids: tuple[str, ...] | None = None
    approved: bool | None = True  # True: approved only; False: not approved only; None: both
    converted: bool | None = None
    modified_since: int | None = None
    owners: frozenset[str] | None = None  # only records of these owners (record sharing); None: all


def list_records(conn: Connection, org_id: str, query: ListQuery) -> list[StoredRecord]:
    where = ["org_id = :org", "module_id = :module", "parent_id IS NULL"]
    params: dict[str, Any] = {"org": org_id, "module": query.module_id}
    expanding = False
    if query.ids is not None:
        where.append("id IN :ids")
        params["ids"] = list(query.ids)
        expanding = True
    if query.approved is True:
        where.append("approval_state = 'approved'")
    elif query.approved is False:
        where.append("approval_state <> 'approved'")
    if query.converted is not None:
        where.append("converted = :converted")
        params["converted"] = query.converted
    if query.modified_since is not None:
        where.append("modified_time > :since")
        params["since"] = query.modified_since
    if query.owners is not None:
        where.append("owner_id IN :owners")
        params["owners"] = sorted(query.owners)
    column = query.sort_column
    direction = "DESC" if query.descending else "ASC"
    if query.after is not None:
        op = "<" if query.descending else ">"
        if column == "id":
            where.append(f"id {op} :after_id")
        else:
            where.append(f"({column} {op} :after_v OR ({column} = :after_v AND id {op} :after_id))")
            params["after_v"] = query.after[0]
        params["after_id"] = query.after[1]
    order = f"id {direction}" if column == "id" else f"{column} {direction}, id {direction}"
    sql = (
        f"SELECT {_COLUMNS} FROM records WHERE {' AND '.join(where)} ORDER BY {order}"
        " LIMIT :limit OFFSET :offset"
    )
    params["limit"] = query.limit
    params["offset"] = query.offset
    stmt = text(sql)
    if expanding:
        stmt = stmt.bindparams(bindparam("ids", expanding=True))
    if query.owners is not None:
        stmt = stmt.bindparams(bindparam("owners", expanding=True))
    return [_from_row(row) for row in conn.execute(stmt, params)]


def any_modified_since(
    conn: Connection, org_id: str, module_id: str, since: int, owners: frozenset[str] | None = None
) -> bool:
    """Whether a top-level record of the module (of ``owners`` only, when given) changed after ``since``."""
    sql = "SELECT 1 FROM records WHERE org_id = :org AND module_id = :m AND parent_id IS NULL AND modified_time > :s"
    params: dict[str, Any] = {"org": org_id, "m": module_id, "s": since}
    stmt = text(sql + " LIMIT 1")
    if owners is not None:
        stmt = text(sql + " AND owner_id IN :owners LIMIT 1").bindparams(bindparam("owners", expanding=True))
        params["owners"] = sorted(owners)
    return conn.execute(stmt, params).first() is not None


# -- unique values ---------------------------------------------------------------------------------


def unique_owners(
    conn: Connection, org_id: str, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """(field_id, normalised value) -> the record id holding it, in one query."""
    if not keys:
        return {}
    wanted = set(keys)
    rows = conn.execute(
        _UNIQUE_OWNERS,
        {"org": org_id, "fields": sorted({f for f, _ in keys}), "values": sorted({v for _, v in keys})},
    )
    return {(row[0], row[1]): row[2] for row in rows if (row[0], row[1]) in wanted}


_UNIQUE_OWNERS = text(
    "SELECT field_id, value, record_id FROM unique_values WHERE org_id = :org AND field_id IN :fields"
    " AND value IN :values"
).bindparams(bindparam("fields", expanding=True), bindparam("values", expanding=True))
_INSERT_UNIQUE = "INSERT INTO unique_values (org_id, field_id, value, record_id) VALUES (?, ?, ?, ?)"


def replace_unique(conn: Connection, org_id: str, keys: Sequence[tuple[str, str, str | None]]) -> None:
    """Sets each (record, field)'s unique key to the given one (None: no value): all removals first, then all
    claims, so that values moving between records within one request end where they belong."""
    if not keys:
        return
    executemany(conn, _DELETE_UNIQUE, [(org_id, f, r) for r, f, _ in keys])
    claims = [(f, k, r) for r, f, k in keys if k is not None]
    insert_unique(conn, org_id, claims)


_DELETE_UNIQUE = "DELETE FROM unique_values WHERE org_id = ? AND field_id = ? AND record_id = ?"


def insert_unique(conn: Connection, org_id: str, values: Sequence[tuple[str, str, str]]) -> None:
    """Claims (field_id, normalised value) for records; the primary key refuses a value held twice."""
    if values:
        executemany(conn, _INSERT_UNIQUE, [(org_id, f, v, r) for f, v, r in values])


# -- sequences and changes -------------------------------------------------------------------------


def next_sequence(conn: Connection, org_id: str, field_id: str, start: int) -> int:
    row = conn.execute(
        text(
            "UPDATE sequences SET next_value = next_value + 1 WHERE org_id = :org AND field_id = :f"
            " RETURNING next_value"
        ),
        {"org": org_id, "f": field_id},
    ).first()
    if row is not None:
        return int(row[0]) - 1
    conn.execute(
        text("INSERT INTO sequences (org_id, field_id, next_value) VALUES (:org, :f, :n)"),
        {"org": org_id, "f": field_id, "n": start + 1},
    )
    return start


_INSERT_CHANGE = (
    "INSERT INTO changes (org_id, id, module_id, record_id, operation, user_id, time, triggers, changed, before,"
    " after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def add_changes(conn: Connection, org_id: str, changes: Sequence[dict[str, Any]]) -> None:
    executemany(
        conn,
        _INSERT_CHANGE,
        [
            (
                org_id,
                c["id"],
                c["module"],
                c["record"],
                c["op"],
                c["user"],
                c["time"],
                c["triggers"],
                c["changed"],
                c["before"],
                c["after"],
            )
            for c in changes
        ],
    )


def set_state(
    conn: Connection, org_id: str, record_id: str, approval_state: str, lock_state: str | None
) -> None:
    conn.execute(
        text("UPDATE records SET approval_state = :a, lock_state = :l WHERE org_id = :org AND id = :id"),
        {"a": approval_state, "l": lock_state, "org": org_id, "id": record_id},
    )
