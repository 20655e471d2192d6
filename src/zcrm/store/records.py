"""Records, their child rows (subform, linking and upload rows), unique values and the change log.

A record's field values are one JSON document (``data``); owner, audit columns and states are columns,
so that lists can be filtered and sorted in SQL. Child rows are records of their own module with
``parent_id`` set to the record they belong to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, text

from zcrm.records.model import StoredRecord as StoredRecord

_COLUMNS = (
    "id, module_id, parent_id, data, owner_id, created_by, modified_by, created_time, modified_time,"
    " approval_state, lock_state, converted"
)


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


def insert_rows(conn: Connection, table: str, columns: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Inserts many rows into ``table`` (``columns``: a comma-separated list): with ``COPY`` on PostgreSQL, which
    costs a third of ``executemany``'s time per row there, and with ``executemany`` on SQLite. A row that breaks a
    constraint fails the statement either way."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    marks = ", ".join("?" * (columns.count(",") + 1))
    executemany(conn, f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


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


_UPDATE = (
    "UPDATE records SET data = ?, owner_id = ?, modified_by = ?, modified_time = ?, approval_state = ?,"
    " lock_state = ?, converted = ? WHERE org_id = ? AND id = ?"
)


def insert(conn: Connection, org_id: str, records: Sequence[StoredRecord]) -> None:
    dumps = orjson.dumps
    insert_rows(
        conn,
        "records",
        f"org_id, {_COLUMNS}",
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


def keyed(
    conn: Connection,
    columns: str,
    table: str,
    key_columns: Sequence[str],
    org_id: str,
    keys: Sequence[Sequence[str]],
    extra: str = "",
    extra_params: Sequence[Any] = (),
    lock: bool = False,
) -> list[tuple[Any, ...]]:
    """The rows of ``table`` in ``org_id`` whose ``key_columns`` equal one of ``keys`` (plus the ``extra``
    condition, ``?`` placeholders), in one query whose plan does not depend on table statistics.

    SQLite answers an ``IN`` list from the best index by itself. PostgreSQL plans from statistics that a table
    filled a moment ago does not have yet (autovacuum analyses it up to a minute later); without them it may
    scan every row of the org for a list of ids, which made bulk updates slower the larger the module. There,
    the keys are unnested and each is looked up by equality in a lateral subquery (kept from being flattened
    into a join by ``OFFSET 0`` or ``FOR UPDATE``): one index probe per key, whatever the statistics say.

    With several key columns SQLite may also return rows that match each column but no key as a whole: callers
    filter. ``lock`` locks the rows found until the transaction ends (PostgreSQL only; SQLite write transactions
    hold the database lock already)."""
    keys = list(dict.fromkeys(tuple(k) for k in keys))
    if not keys:
        return []
    if conn.dialect.name != "postgresql":
        if len(key_columns) == 1:
            match = f"{key_columns[0]} IN ({', '.join('?' * len(keys))})"
            params: list[Any] = [org_id, *(k[0] for k in keys)]
        else:  # one IN list per column (a row-value IN list would not use the primary key); callers filter
            lists = [list(dict.fromkeys(k[i] for k in keys)) for i in range(len(key_columns))]
            match = " AND ".join(
                f"{c} IN ({', '.join('?' * len(v))})" for c, v in zip(key_columns, lists, strict=True)
            )
            params = [org_id, *(v for values in lists for v in values)]
        return query(
            conn,
            f"SELECT {columns} FROM {table} WHERE org_id = ? AND {match}{extra}",
            [*params, *extra_params],
        )
    names = [f"k{i}" for i in range(len(key_columns))]
    match = " AND ".join(f"{c} = k.{n}" for c, n in zip(key_columns, names, strict=True))
    sql = (
        f"SELECT r.* FROM unnest({', '.join('?::text[]' for _ in key_columns)}) AS k({', '.join(names)})"
        f" CROSS JOIN LATERAL (SELECT {columns} FROM {table} WHERE org_id = ? AND {match}{extra}"
        f"{' FOR UPDATE' if lock else ' OFFSET 0'}) AS r"
    )
    arrays = [[k[i] for k in keys] for i in range(len(key_columns))]
    return query(conn, sql, [*arrays, org_id, *extra_params])


def fetch(
    conn: Connection, org_id: str, ids: Iterable[str], module_id: str | None = None, for_update: bool = False
) -> dict[str, StoredRecord]:
    """The records among ``ids``; ``for_update`` locks their rows until the transaction ends (PostgreSQL; SQLite
    write transactions hold the database lock already)."""
    keys = [(i,) for i in ids]
    extra, params = ("", []) if module_id is None else (" AND module_id = ?", [module_id])
    rows = keyed(conn, _COLUMNS, "records", ("id",), org_id, keys, extra, params, lock=for_update)
    return {r.id: r for r in map(_from_row, rows)}


def existing(conn: Connection, org_id: str, ids: Iterable[str]) -> dict[str, str]:
    """id -> module_id for those of ``ids`` that exist as top-level records."""
    keys = [(i,) for i in ids]
    rows = keyed(conn, "id, module_id", "records", ("id",), org_id, keys, " AND parent_id IS NULL")
    return {row[0]: row[1] for row in rows}


def children(conn: Connection, org_id: str, parent_ids: Iterable[str]) -> list[StoredRecord]:
    keys = [(i,) for i in parent_ids]
    rows = keyed(conn, _COLUMNS, "records", ("parent_id",), org_id, keys)
    return sorted(map(_from_row, rows), key=lambda r: r.id)


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
    modules: tuple[str, ...] = ()  # the records of these modules instead of ``module_id``'s (related lists)
    condition: tuple[str, dict[str, Any]] | None = (
        None  # search criteria: SQL and its bound values (store/search.py)
    )


def list_records(conn: Connection, org_id: str, query: ListQuery) -> list[StoredRecord]:
    where = ["org_id = :org", "module_id IN :modules" if query.modules else "module_id = :module"]
    where.append("parent_id IS NULL")
    params: dict[str, Any] = {"org": org_id}
    if query.modules:
        params["modules"] = list(query.modules)
    else:
        params["module"] = query.module_id
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
    if query.condition is not None:
        where.append(query.condition[0])
        params.update(query.condition[1])
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
    if query.modules:
        stmt = stmt.bindparams(bindparam("modules", expanding=True))
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
    wanted = dict.fromkeys(keys)
    rows = keyed(
        conn, "field_id, value, record_id", "unique_values", ("field_id", "value"), org_id, list(wanted)
    )
    return {(row[0], row[1]): row[2] for row in rows if (row[0], row[1]) in wanted}


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
        insert_rows(
            conn,
            "unique_values",
            "org_id, field_id, value, record_id",
            [(org_id, f, v, r) for f, v, r in values],
        )


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


_CHANGE_COLUMNS = (
    "org_id, id, module_id, record_id, operation, user_id, time, triggers, changed, before, after"
)


def add_changes(conn: Connection, org_id: str, changes: Sequence[dict[str, Any]]) -> None:
    insert_rows(
        conn,
        "changes",
        _CHANGE_COLUMNS,
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
