"""A record's processes (docs/automation.md) as the control plane and ``zcrm`` drive them: its approval and lock
state set directly, its Zia validation ended, and where its processes stand."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.errors import invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.records.model import StoredRecord
from zcrm.service import processes
from zcrm.store import processes as process_store
from zcrm.store import records as record_store


def fetch(conn: Connection, org_id: str, module_id: str, record_id: str) -> StoredRecord | None:
    """The module's record or row ``record_id`` (None: not a well-formed id, or no such record)."""
    parsed = parse_id(record_id)
    return record_store.fetch(conn, org_id, [parsed], module_id=module_id).get(parsed) if parsed else None


def record(
    conn: Connection, org_id: str, module_id: str, record_id: str, path_index: int = 3
) -> StoredRecord:
    """The module's record (not a subform row) ``record_id``, else ``INVALID_DATA`` at ``path_index``."""
    found = fetch(conn, org_id, module_id, record_id)
    if found is None or found.parent_id is not None:
        raise invalid_id({"resource_path_index": path_index})
    return found


def set_state(conn: Connection, org_id: str, found: StoredRecord) -> dict[str, Any]:
    """Saves the record's approval and lock state as they are set on ``found``."""
    record_store.set_state(conn, org_id, found.id, found.approval_state, found.lock_state)
    return {"id": found.id, "approval_state": found.approval_state, "lock_state": found.lock_state}


def end_validation(
    conn: Connection, org_id: str, found: StoredRecord, outcome: str, now: int, user_id: str | None
) -> dict[str, Any]:
    """Ends the record's running Zia validation with ``outcome`` now (``service.processes.end_validation``)."""
    return processes.end_validation(conn, org_id, found, outcome, now, user_id)


def standing(conn: Connection, org_id: str, found: StoredRecord, now: int) -> dict[str, Any]:
    """Where the record's approval, review and validation stand, with their history (read only)."""
    processes.settle(conn, org_id, [found], now, persist=False)
    rows = process_store.of_record(conn, org_id, found.id)
    shown: dict[str, Any] = {kind: {"status": row.status, **row.detail} for kind, row in sorted(rows.items())}
    return {
        "id": found.id,
        "approval_state": found.approval_state,
        "lock_state": found.lock_state,
        "processes": shown,
    }
