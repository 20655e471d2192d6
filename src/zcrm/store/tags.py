"""Tags (zoho-v5-related.md §10): a module's tags (``tags``) and which records carry them (``record_tags``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, text

from zcrm.records.tags import Tag
from zcrm.store.records import executemany, insert_rows, keyed

_COLUMNS = "id, name, color_code, created_by, modified_by, created_time, modified_time"


def _tag(row: Sequence[Any]) -> Tag:
    return Tag(row[0], row[1], row[2], row[3], row[4], int(row[5]), int(row[6]))


def module_tags(conn: Connection, org_id: str, module_id: str) -> list[Tag]:
    """The module's tags, in no particular order."""
    rows = conn.execute(
        text(f"SELECT {_COLUMNS} FROM tags WHERE org_id = :org AND module_id = :module"),
        {"org": org_id, "module": module_id},
    )
    return [_tag(row) for row in rows]


def insert_tags(conn: Connection, org_id: str, module_id: str, tags: Sequence[Tag]) -> None:
    insert_rows(
        conn,
        "tags",
        f"org_id, module_id, {_COLUMNS}",
        [
            (
                org_id,
                module_id,
                t.id,
                t.name,
                t.color_code,
                t.created_by,
                t.modified_by,
                t.created_time,
                t.modified_time,
            )
            for t in tags
        ],
    )


def tag_ids(conn: Connection, org_id: str, record_ids: Iterable[str]) -> dict[str, list[str]]:
    """Each of the records' tag ids (a record without tags is left out)."""
    rows = keyed(conn, "record_id, tag_id", "record_tags", ("record_id",), org_id, [(i,) for i in record_ids])
    out: dict[str, list[str]] = {}
    for record_id, tag_id in sorted(rows):
        out.setdefault(record_id, []).append(tag_id)
    return out


def of_records(conn: Connection, org_id: str, record_ids: Iterable[str]) -> dict[str, list[Tag]]:
    """Each of the records' tags, in one query (a record without tags is left out)."""
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        return {}
    columns = ", ".join(f"t.{c.strip()}" for c in _COLUMNS.split(","))
    stmt = text(
        f"SELECT rt.record_id, {columns} FROM record_tags rt JOIN tags t"
        " ON t.org_id = rt.org_id AND t.id = rt.tag_id"
        " WHERE rt.org_id = :org AND rt.record_id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    out: dict[str, list[Tag]] = {}
    for row in conn.execute(stmt, {"org": org_id, "ids": ids}):
        out.setdefault(row[0], []).append(_tag(row[1:]))
    return out


def link(conn: Connection, org_id: str, pairs: Sequence[tuple[str, str]]) -> None:
    """Tags records: (record id, tag id) pairs not linked yet."""
    insert_rows(conn, "record_tags", "org_id, record_id, tag_id", [(org_id, r, t) for r, t in pairs])


def unlink(conn: Connection, org_id: str, pairs: Sequence[tuple[str, str]]) -> None:
    executemany(
        conn,
        "DELETE FROM record_tags WHERE org_id = ? AND record_id = ? AND tag_id = ?",
        [(org_id, r, t) for r, t in pairs],
    )


def drop_records(conn: Connection, org_id: str, record_ids: Sequence[str]) -> None:
    """Takes the tags off deleted records (the tags stay in their module's list)."""
    if record_ids:
        stmt = text("DELETE FROM record_tags WHERE org_id = :org AND record_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        conn.execute(stmt, {"org": org_id, "ids": list(record_ids)})
