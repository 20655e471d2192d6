"""Reading the change log (the ``changes`` table): a record's change events, for the Timeline API.

The write side is ``store/records.py`` (``add_changes``): one row per record write. Rows are never updated or
deleted, so a page position (a change's time and id) stays valid for as long as a page token lives.

The filters of the Timeline API reach SQL as a small tree (``ChangeFilter``): which user made the change, when,
and conditions already decided before the query (``Constant``), combined with AND/OR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.records.changes import ChangeFilter as ChangeFilter
from zcrm.records.changes import Constant as Constant
from zcrm.records.changes import Group as Group
from zcrm.records.changes import StoredChange as StoredChange
from zcrm.records.changes import TimeBetween as TimeBetween
from zcrm.records.changes import UserIn as UserIn


@dataclass(frozen=True, slots=True)
class ChangeQuery:
    record_id: str
    descending: bool
    limit: int
    offset: int = 0
    after: tuple[int, str] | None = None  # keyset: (time, id) of the last change already returned
    where: ChangeFilter | None = None


_COLUMNS = "id, module_id, record_id, operation, user_id, time, triggers, changed, before, after"


def _from_row(row: Any) -> StoredChange:
    return StoredChange(
        id=row[0],
        module_id=row[1],
        record_id=row[2],
        operation=row[3],
        user_id=row[4],
        time=int(row[5]),
        triggers=orjson.loads(row[6]),
        changed=orjson.loads(row[7]),
        before=None if row[8] is None else orjson.loads(row[8]),
        after=None if row[9] is None else orjson.loads(row[9]),
    )


def _compile(node: ChangeFilter, params: dict[str, Any]) -> str:
    """The SQL condition of a filter tree; its values are added to ``params`` under fresh names."""
    if isinstance(node, Constant):
        return "1 = 1" if node.value else "1 = 0"
    if isinstance(node, UserIn):
        names = []
        for user_id in node.user_ids:
            name = f"f{len(params)}"
            params[name] = user_id
            names.append(f":{name}")
        return f"user_id IN ({', '.join(names)})" if names else "1 = 0"
    if isinstance(node, TimeBetween):
        start, end = f"f{len(params)}", f"f{len(params) + 1}"
        params[start], params[end] = node.start, node.end
        return f"time BETWEEN :{start} AND :{end}"
    joiner = " AND " if node.operator == "AND" else " OR "
    parts = [_compile(item, params) for item in node.items]
    return "(" + joiner.join(parts) + ")" if parts else "1 = 1"


def list_for_record(conn: Connection, org_id: str, query: ChangeQuery) -> list[StoredChange]:
    """A record's changes by time (ties by id), newest first unless ``descending`` is false.

    Updates that changed nothing (``changed`` is ``{}``: the write set every value it named to what it was) are
    left out: they are not events of the record's history."""
    where = [
        "org_id = :org",
        "record_id = :record",
        "NOT (operation = 'update' AND changed = '{}')",
    ]
    params: dict[str, Any] = {"org": org_id, "record": query.record_id}
    if query.where is not None:
        where.append(_compile(query.where, params))
    direction = "DESC" if query.descending else "ASC"
    if query.after is not None:
        op = "<" if query.descending else ">"
        where.append(f"(time {op} :after_t OR (time = :after_t AND id {op} :after_id))")
        params["after_t"], params["after_id"] = query.after
    params["limit"], params["offset"] = query.limit, query.offset
    sql = (
        f"SELECT {_COLUMNS} FROM changes WHERE {' AND '.join(where)}"
        f" ORDER BY time {direction}, id {direction} LIMIT :limit OFFSET :offset"
    )
    return [_from_row(row) for row in conn.execute(text(sql), params)]
