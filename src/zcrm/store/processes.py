"""Record processes: a record's approval, review or Zia image validation, one row per record and kind, its
state and history a JSON document. The record's own ``approval_state`` and ``lock_state`` columns keep what
every write checks; these rows keep the rest (whose turn it is, what was done, when a validation ends)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.records.model import ProcessRow as ProcessRow
from zcrm.store.records import keyed


def _row(row: Any) -> ProcessRow:
    return ProcessRow(row[0], row[1], row[2], row[3], orjson.loads(row[4]), int(row[5]))


_COLUMNS = "record_id, kind, module_id, status, detail, updated_time"


def of_records(conn: Connection, org_id: str, kind: str, record_ids: Sequence[str]) -> dict[str, ProcessRow]:
    """The ``kind`` rows of these records, by record id."""
    rows = keyed(conn, _COLUMNS, "record_processes", ("record_id",), org_id, [(r,) for r in record_ids])
    return {row.record_id: row for row in map(_row, rows) if row.kind == kind}


def put(conn: Connection, org_id: str, rows: Sequence[ProcessRow]) -> None:
    """Writes these rows, replacing the records' earlier rows of the same kind."""
    if not rows:
        return
    conn.execute(
        text("DELETE FROM record_processes WHERE org_id = :org AND record_id = :record AND kind = :kind"),
        [{"org": org_id, "record": r.record_id, "kind": r.kind} for r in rows],
    )
    conn.execute(
        text(
            f"INSERT INTO record_processes (org_id, {_COLUMNS}) VALUES"
            " (:org, :record, :kind, :module, :status, :detail, :time)"
        ),
        [
            {
                "org": org_id,
                "record": r.record_id,
                "kind": r.kind,
                "module": r.module_id,
                "status": r.status,
                "detail": orjson.dumps(r.detail).decode(),
                "time": r.updated_time,
            }
            for r in rows
        ],
    )


def drop(conn: Connection, org_id: str, record_ids: Sequence[str]) -> None:
    """Forgets the processes of deleted records."""
    if record_ids:
        conn.execute(
            text("DELETE FROM record_processes WHERE org_id = :org AND record_id = :record"),
            [{"org": org_id, "record": r} for r in record_ids],
        )


def with_status(
    conn: Connection, org_id: str, kind: str, status: str, module_id: str | None = None
) -> list[ProcessRow]:
    """The ``kind`` rows in ``status`` (optionally of one module), oldest change first."""
    sql = f"SELECT {_COLUMNS} FROM record_processes WHERE org_id = :org AND kind = :kind AND status = :status"
    params: dict[str, Any] = {"org": org_id, "kind": kind, "status": status}
    if module_id is not None:
        sql += " AND module_id = :module"
        params["module"] = module_id
    return [_row(r) for r in conn.execute(text(sql + " ORDER BY updated_time, record_id"), params)]


def of_record(conn: Connection, org_id: str, record_id: str) -> dict[str, ProcessRow]:
    """Every process row of one record, by kind."""
    rows = keyed(conn, _COLUMNS, "record_processes", ("record_id",), org_id, [(record_id,)])
    return {row.kind: row for row in map(_row, rows)}
