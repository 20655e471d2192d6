"""Record processes in the store: the process rows a write's plan entered (saved with the write), Zia validations
whose delay has run out (ended when their records are next read or written) and ending one from the control plane."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

from zcrm.automation import zia
from zcrm.errors import InvalidData
from zcrm.records.model import ProcessRow, StoredRecord
from zcrm.store import processes as process_store
from zcrm.store import records as store
from zcrm.store.ids import allocate


def save(conn: Connection, org_id: str, prefix: str, rows: Sequence[ProcessRow]) -> None:
    """Writes the process rows of a write request: a record's earlier row of the same kind is replaced, its
    history kept in front of the new one's (also when one request enters a record twice); new approvals and
    reviews get their ids."""
    if not rows:
        return
    new = [r for r in rows if r.kind in ("approval", "review") and not r.detail.get("id")]
    for row, approval_id in zip(new, allocate(conn, org_id, prefix, len(new)), strict=True):
        row.detail["id"] = approval_id
    merged: dict[tuple[str, str], ProcessRow] = {}
    for kind in dict.fromkeys(r.kind for r in rows):
        ids = [r.record_id for r in rows if r.kind == kind]
        for record_id, row in process_store.of_records(conn, org_id, kind, ids).items():
            merged[(record_id, kind)] = row
    for row in rows:
        earlier = merged.get((row.record_id, row.kind))
        if earlier is not None:
            history = [*earlier.detail.get("history", []), *row.detail.get("history", [])]
            row = ProcessRow(
                row.record_id,
                row.kind,
                row.module_id,
                row.status,
                {**earlier.detail, **row.detail, "history": history},
                row.updated_time,
            )
        merged[(row.record_id, row.kind)] = row
    written = dict.fromkeys((r.record_id, r.kind) for r in rows)
    process_store.put(conn, org_id, [merged[key] for key in written])


def settle(conn: Connection, org_id: str, records: Iterable[StoredRecord], now: int, persist: bool) -> None:
    """Ends the Zia validations of ``records`` whose delay has run out by ``now``: their lock state changes in
    place, and with ``persist`` (inside a write) in the database too."""
    running = [r for r in records if r.lock_state == zia.PROCESSING]
    if not running:
        return
    rows = process_store.of_records(conn, org_id, "zia", [r.id for r in running])
    ended: list[ProcessRow] = []
    for record in running:
        row = rows.get(record.id)
        outcome = None if row is None else zia.due(row.detail, now)
        if row is None or outcome is None:
            continue
        record.lock_state = zia.lock_after(outcome)
        ended.append(
            ProcessRow(record.id, "zia", row.module_id, outcome, zia.end(row.detail, outcome, now), now)
        )
        if persist:
            store.set_state(conn, org_id, record.id, record.approval_state, record.lock_state)
    if persist:
        process_store.put(conn, org_id, ended)


def end_validation(
    conn: Connection, org_id: str, record: StoredRecord, outcome: str, now: int, user_id: str | None
) -> dict[str, Any]:
    """Ends the record's running Zia validation with ``outcome`` now (the control plane's call); returns the
    validation's detail. A record not in validation gives INVALID_DATA."""
    settle(conn, org_id, [record], now, persist=True)
    row = process_store.of_records(conn, org_id, "zia", [record.id]).get(record.id)
    if record.lock_state != zia.PROCESSING or row is None:
        raise InvalidData("the record is not in Zia image validation", {"id": record.id})
    record.lock_state = zia.lock_after(outcome)
    store.set_state(conn, org_id, record.id, record.approval_state, record.lock_state)
    detail = zia.end(row.detail, outcome, now, user_id)
    process_store.put(conn, org_id, [ProcessRow(record.id, "zia", row.module_id, outcome, detail, now)])
    return detail
