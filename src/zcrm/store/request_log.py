"""The request log: the last N requests of each org (``http/request_log.py`` buffers and writes them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.store.faults import next_id

COLUMNS = (
    "org_id, time, method, path, query, module, operation, user_id, status, duration_ms, request_body,"
    " response_body, fault"
)


@dataclass(frozen=True, slots=True)
class Entry:
    org_id: str
    time: int
    method: str
    path: str
    query: str
    module: str | None
    operation: str | None
    user_id: str | None
    status: int | None
    duration_ms: float
    request_body: bytes | None  # already cut to size; decoded when written, off the request's path
    response_body: bytes | None
    fault: dict[str, Any] | None


def _text(body: bytes | None) -> str | None:
    return _clean(body.decode("utf-8", "replace")) if body else None


def _clean(text: str) -> str:
    """No NUL (``/crm/v5/%00``, a body's ``\\x00``): a PostgreSQL text column refuses the whole batch."""
    return text.replace("\x00", "\ufffd")


def insert(conn: Connection, entries: Sequence[Entry]) -> None:
    """Writes the entries in order, numbered 1, 2, … per org."""
    ids: dict[str, int] = {}
    numbered = []
    for e in entries:
        if e.org_id not in ids:
            ids[e.org_id] = next_id(conn, "request_log", e.org_id)
        numbered.append((ids[e.org_id], e))
        ids[e.org_id] += 1
    conn.execute(
        text(
            f"INSERT INTO request_log (id, {COLUMNS}) VALUES (:id, :org_id, :time, :method, :path, :query, :module,"
            " :operation, :user_id, :status, :duration_ms, :request_body, :response_body, :fault)"
        ),
        [
            {
                "id": entry_id,
                "org_id": e.org_id,
                "time": e.time,
                "method": e.method,
                "path": _clean(e.path),
                "query": _clean(e.query),
                "module": None if e.module is None else _clean(e.module),
                "operation": e.operation,
                "user_id": e.user_id,
                "status": e.status,
                "duration_ms": e.duration_ms,
                "request_body": _text(e.request_body),
                "response_body": _text(e.response_body),
                "fault": None if e.fault is None else orjson.dumps(e.fault).decode(),
            }
            for entry_id, e in numbered
        ],
    )


def trim(conn: Connection, org_id: str, keep: int) -> None:
    """Keeps the org's newest ``keep`` entries."""
    conn.execute(
        text(
            "DELETE FROM request_log WHERE org_id = :org AND id <= (SELECT id FROM request_log WHERE org_id = :org"
            " ORDER BY id DESC LIMIT 1 OFFSET :keep)"
        ),
        {"org": org_id, "keep": keep},
    )


def entries(
    conn: Connection,
    org_id: str,
    *,
    module: str | None = None,
    method: str | None = None,
    status: int | None = None,
    operation: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The org's entries, newest first, as JSON."""
    sql = f"SELECT id, {COLUMNS} FROM request_log WHERE org_id = :org"
    params: dict[str, Any] = {"org": org_id, "limit": limit}
    if module is not None:
        sql += " AND LOWER(module) = :module"
        params["module"] = module.lower()
    if method is not None:
        sql += " AND method = :method"
        params["method"] = method
    if status is not None:
        if status:
            sql += " AND status = :status"
            params["status"] = status
        else:  # 0: dropped connections
            sql += " AND status IS NULL"
    if operation is not None:
        sql += " AND operation = :operation"
        params["operation"] = operation
    out = []
    for row in conn.execute(text(sql + " ORDER BY id DESC LIMIT :limit"), params):
        out.append(
            {
                "id": str(row[0]),
                "time": int(row[2]),
                "method": row[3],
                "path": row[4],
                "query": row[5],
                "module": row[6],
                "operation": row[7],
                "user_id": row[8],
                "status": row[9],
                "duration_ms": float(row[10]),
                "request_body": row[11],
                "response_body": row[12],
                "fault": None if row[13] is None else orjson.loads(row[13]),
            }
        )
    return out


def clear(conn: Connection, org_id: str) -> int:
    return int(conn.execute(text("DELETE FROM request_log WHERE org_id = :org"), {"org": org_id}).rowcount)
