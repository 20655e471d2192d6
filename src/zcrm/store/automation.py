"""The automation log: one row per function run that a workflow rule started (see automation/functions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.store.ids import allocate


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: str
    time: int
    kind: str
    rule: str
    module: str
    record_id: str
    target: str
    status: str
    detail: Any


def add(
    conn: Connection,
    org_id: str,
    prefix: str,
    now: int,
    kind: str,
    rule: str,
    module: str,
    record_id: str,
    target: str,
    status: str,
    detail: Any,
) -> str:
    entry_id = allocate(conn, org_id, prefix, 1)[0]
    conn.execute(
        text(
            "INSERT INTO automation_log (org_id, id, time, kind, rule, module, record_id, target, status, detail)"
            " VALUES (:org, :id, :time, :kind, :rule, :module, :record, :target, :status, :detail)"
        ),
        {
            "org": org_id,
            "id": entry_id,
            "time": now,
            "kind": kind,
            "rule": rule,
            "module": module,
            "record": record_id,
            "target": target,
            "status": status,
            "detail": orjson.dumps(detail, default=str).decode(),
        },
    )
    return entry_id


def entries(
    conn: Connection, org_id: str, kind: str | None = None, status: str | None = None, limit: int = 200
) -> list[LogEntry]:
    """The newest entries first, optionally of one kind and status."""
    sql = "SELECT id, time, kind, rule, module, record_id, target, status, detail FROM automation_log WHERE org_id = :org"
    params: dict[str, Any] = {"org": org_id, "limit": limit}
    if kind is not None:
        sql += " AND kind = :kind"
        params["kind"] = kind
    if status is not None:
        sql += " AND status = :status"
        params["status"] = status
    rows = conn.execute(text(sql + " ORDER BY id DESC LIMIT :limit"), params)
    return [
        LogEntry(
            id=row[0],
            time=int(row[1]),
            kind=row[2],
            rule=row[3],
            module=row[4],
            record_id=row[5],
            target=row[6],
            status=row[7],
            detail=orjson.loads(row[8]),
        )
        for row in rows
    ]
