"""A record's attachments (zoho-v5-related.md §5; table ``attachments`` of migration 0016): a file (``file_id``, a
row of ``files``) or a link (``link_url``), listed newest first (``created_time`` then ``id``, descending)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, text

from zcrm.records.attachments import Attachment
from zcrm.store.records import executemany

_COLUMNS = (
    "id, record_id, module_id, file_id, link_url, file_name, size, owner_id, created_by, modified_by,"
    " created_time, modified_time"
)


def _from_row(row: Sequence[object]) -> Attachment:
    return Attachment(
        str(row[0]),
        str(row[1]),
        str(row[2]),
        None if row[3] is None else str(row[3]),
        None if row[4] is None else str(row[4]),
        str(row[5]),
        int(row[6]),  # type: ignore[call-overload]
        str(row[7]),
        str(row[8]),
        str(row[9]),
        int(row[10]),  # type: ignore[call-overload]
        int(row[11]),  # type: ignore[call-overload]
    )


def add(conn: Connection, org_id: str, a: Attachment) -> None:
    executemany(
        conn,
        f"INSERT INTO attachments (org_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                org_id,
                a.id,
                a.record_id,
                a.module_id,
                a.file_id,
                a.link_url,
                a.file_name,
                a.size,
                a.owner_id,
                a.created_by,
                a.modified_by,
                a.created_time,
                a.modified_time,
            )
        ],
    )


def of_record(
    conn: Connection,
    org_id: str,
    record_id: str,
    *,
    limit: int,
    offset: int = 0,
    ids: Sequence[str] | None = None,
    after: tuple[int, str] | None = None,
) -> list[Attachment]:
    """The record's attachments, newest first: at most ``limit`` from ``offset``, only ``ids`` when given, only
    those after ``after`` (a ``(created_time, id)`` of the previous page) when given."""
    sql = f"SELECT {_COLUMNS} FROM attachments WHERE org_id = :org AND record_id = :record"
    params: dict[str, object] = {"org": org_id, "record": record_id, "limit": limit, "offset": offset}
    binds: list[BindParameter[Any]] = []
    if ids is not None:
        sql += " AND id IN :ids"
        params["ids"] = list(ids) or [""]
        binds.append(bindparam("ids", expanding=True))
    if after is not None:
        sql += " AND (created_time < :t OR (created_time = :t AND id < :i))"
        params["t"], params["i"] = after
    sql += " ORDER BY created_time DESC, id DESC LIMIT :limit OFFSET :offset"
    stmt = text(sql).bindparams(*binds) if binds else text(sql)
    return [_from_row(tuple(r)) for r in conn.execute(stmt, params)]


def get(conn: Connection, org_id: str, record_id: str, ids: Sequence[str]) -> dict[str, Attachment]:
    """The attachments among ``ids`` that belong to the record."""
    if not ids:
        return {}
    stmt = text(
        f"SELECT {_COLUMNS} FROM attachments WHERE org_id = :org AND record_id = :record AND id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    rows = conn.execute(stmt, {"org": org_id, "record": record_id, "ids": list(ids)})
    return {a.id: a for a in (_from_row(tuple(r)) for r in rows)}


def has_link(conn: Connection, org_id: str, record_id: str, url: str) -> bool:
    row = conn.execute(
        text("SELECT 1 FROM attachments WHERE org_id = :org AND record_id = :record AND link_url = :url"),
        {"org": org_id, "record": record_id, "url": url},
    ).first()
    return row is not None


def of_records(conn: Connection, org_id: str, record_ids: Sequence[str]) -> list[Attachment]:
    """Every attachment of the records ``record_ids``."""
    if not record_ids:
        return []
    stmt = text(f"SELECT {_COLUMNS} FROM attachments WHERE org_id = :org AND record_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    return [_from_row(tuple(r)) for r in conn.execute(stmt, {"org": org_id, "ids": list(record_ids)})]


def remove(conn: Connection, org_id: str, ids: Sequence[str]) -> None:
    """Deletes the attachment rows ``ids`` (their files are the caller's: ``store/files.remove``)."""
    if ids:
        stmt = text("DELETE FROM attachments WHERE org_id = :org AND id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        conn.execute(stmt, {"org": org_id, "ids": list(ids)})


def move(conn: Connection, org_id: str, from_id: str, to_id: str, to_module_id: str) -> None:
    """Every attachment of record ``from_id`` becomes one of ``to_id`` (of module ``to_module_id``): Convert Lead's
    ``move_attachments_to`` (zoho-v5-related.md §8.4)."""
    conn.execute(
        text(
            "UPDATE attachments SET record_id = :to, module_id = :m WHERE org_id = :org AND record_id = :src"
        ),
        {"to": to_id, "m": to_module_id, "org": org_id, "src": from_id},
    )
