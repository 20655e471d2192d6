"""Restoring a record from the recycle bin (``POST /__zcrm/records/{module}/{id}/restore``, docs/deleted-records.md),
pure: which entry may be restored, the record and child rows its JSON holds, the unique values it claims again,
the errors, the change event and the answer. The unit of work is ``service/restore.py``'s."""

from __future__ import annotations

from typing import Any

from zcrm.errors import InvalidData, ZohoError, invalid_id
from zcrm.records.common import change_row, clash_error, unique_key
from zcrm.records.model import StoredRecord
from zcrm.records.recycle import KEPT_SECONDS, Entry, is_recycle
from zcrm.schema.model import Field, Module, OrgSchema

PATH_INDEX = 3  # /__zcrm/records/{module}/{id}/restore: the id's segment
PERMANENT = "the record is permanently deleted and can no longer be restored"
RESTORED = "record restored"


def entry_error(entry: Entry | None, module: Module, exists: bool, now: int) -> ZohoError | None:
    """Why ``entry`` (the bin's entry of the id asked for, None: none) cannot be restored into ``module`` at
    ``now``; ``exists``: a record with that id is stored (a hand-made snapshot may hold both). An unknown id, an
    entry of another module or one past its 120 days: ``INVALID_DATA`` as for any unknown id; a permanent one (60
    days or more): ``INVALID_DATA`` saying so."""
    if entry is None or entry.module_id != module.id or exists or entry.deleted_time <= now - KEPT_SECONDS:
        return invalid_id({"resource_path_index": PATH_INDEX})
    if not is_recycle(entry.deleted_time, now):
        return InvalidData(PERMANENT, {"resource_path_index": PATH_INDEX, "type": "permanent"})
    return None


def stored_of(row: dict[str, Any]) -> StoredRecord:
    """The record (with its child rows) a ``deleted_records.record`` JSON holds (``recycle.row_json``)."""
    return StoredRecord(
        id=row["id"],
        module_id=row["module_id"],
        parent_id=row["parent_id"],
        data=row["data"],
        owner_id=row["owner_id"],
        created_by=row["created_by"],
        modified_by=row["modified_by"],
        created_time=int(row["created_time"]),
        modified_time=int(row["modified_time"]),
        approval_state=row["approval_state"],
        lock_state=row["lock_state"],
        converted=bool(row["converted"]),
        children=[stored_of(child) for child in row.get("children", [])],
    )


def unique_claims(module: Module, record: StoredRecord) -> list[tuple[Field, str]]:
    """(field, key) of the record's values of the module's unique fields."""
    return [
        (f, unique_key(f, record.data[f.api_name]))
        for f in module.unique_fields
        if record.data.get(f.api_name) is not None
    ]


def duplicate_error(
    schema: OrgSchema, module: Module, clashes: list[tuple[Field, StoredRecord | None, str]]
) -> ZohoError:
    """``DUPLICATE_DATA`` naming the record that now holds a unique value (field, holder, holder id), as a write's
    (behaviour §3.5) without its ``json_path`` (the request has no body); ``MULTIPLE_OR_MULTI_ERRORS`` for
    several."""
    return clash_error(schema, module, clashes, None)


def change(change_id: str, module: Module, record: StoredRecord, actor: str, now: int) -> dict[str, Any]:
    """The ``restore`` change event (the timeline's ``restored``): every value, as an insert's."""
    changed = {name: [None, value] for name, value in record.data.items()}
    return change_row(
        change_id, module, record.id, "restore", actor, now, frozenset(), changed, None, record.data
    )


def answer(module: Module, record: StoredRecord) -> dict[str, Any]:
    return {
        "code": "SUCCESS",
        "details": {"id": record.id, "module": {"api_name": module.api_name, "id": module.id}},
        "message": RESTORED,
        "status": "success",
    }
