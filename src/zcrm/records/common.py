"""What insert, update and delete share (pure: no store, no SQL): result types, reference and uniqueness outcomes, record states,
turning row operations into stored rows, and change events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from zcrm.errors import (
    DuplicateData,
    MultipleOrMultiErrors,
    NotApproved,
    NotReviewed,
    RecordLocked,
    ZohoError,
)
from zcrm.records.model import StoredRecord, unique_text
from zcrm.records.plan import RowWrites, Stored
from zcrm.records.rows import ORDER_KEY, RowOps
from zcrm.records.validate import Prepared
from zcrm.schema.model import Field, Module, OrgSchema

UPDATE_BLOCKED = "Cannot update record that is not approved yet"
DELETE_BLOCKED = "cannot delete record that is not approved yet"
LOCKED = "You cannot perform this operation as the record is locked."


def unique_key(fld: Field, value: Any) -> str:
    """The key a unique value is stored and checked under (``store.text.unique_text``: a NUL-free key)."""
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return unique_text(text if fld.unique_case_sensitive else text.lower())


def ref_error(plan: Prepared, schema: OrgSchema, found: dict[str, str]) -> ZohoError | None:
    """The first reference of the plan that names no record of the right module."""
    for ref in plan.refs:
        module_id = found.get(ref.record_id)
        if module_id is None:
            return ref.error
        if ref.module is not None:
            target = schema.module(ref.module)
            if target is None or target.id != module_id:
                return ref.error
    return None


def duplicate_error(
    stored: Stored,
    schema: OrgSchema,
    module: Module,
    index: int,
    clashes: list[tuple[Field, str]],
    pending: dict[str, StoredRecord],
) -> ZohoError:
    """DUPLICATE_DATA for one clashing unique field, MULTIPLE_OR_MULTI_ERRORS for several (behaviour §3.5)."""
    holders = stored.records([rid for _, rid in clashes if rid not in pending])
    holders.update({rid: pending[rid] for _, rid in clashes if rid in pending})
    return clash_error(schema, module, [(fld, holders.get(rid), rid) for fld, rid in clashes], index)


def clash_error(
    schema: OrgSchema,
    module: Module,
    clashes: list[tuple[Field, StoredRecord | None, str]],
    index: int | None,
) -> ZohoError:
    """DUPLICATE_DATA naming the record that holds a unique value (field, holder, holder id), with the value's
    ``json_path`` in item ``index`` of the body (None: a request without one); MULTIPLE_OR_MULTI_ERRORS for
    several."""
    errors = []
    for fld, holder, holder_id in clashes:
        owner = schema.users_by_id.get(holder.owner_id or "") if holder else None
        details: dict[str, Any] = {"api_name": fld.api_name}
        if index is not None:
            details["json_path"] = f"$.data[{index}].{fld.api_name}"
        details["id"] = holder_id
        details["duplicate_record"] = {
            "Owner": {"name": owner.full_name, "id": owner.id, "zuid": owner.id} if owner else None,
            "module": {"api_name": module.api_name, "id": module.id},
            "id": holder_id,
        }
        details["more_records"] = False
        errors.append(DuplicateData(details=details))
    if len(errors) == 1:
        return errors[0]
    return MultipleOrMultiErrors(details={"errors": [e.as_dict() for e in errors]})


def state_error(record: StoredRecord, message: str, new_image: bool = False) -> ZohoError | None:
    """The error a record's state gives (behaviour §3.11), checked in the documented order; a rejected Zia
    validation blocks every write but one that brings a new image or deletes the failed one (``new_image``)."""
    if record.lock_state == "zia_vision_processing":
        return RecordLocked(message, {"id": record.id, "action": "zia_vision_processing"})
    if record.lock_state == "merge":
        return RecordLocked(message, {"id": record.id, "action": "merge"})
    if record.approval_state == "approval_process_pending":
        return NotApproved(message, {"id": record.id})
    if record.lock_state == "zia_vision_rejected" and not new_image:
        return NotApproved(message, {"id": record.id})
    if record.approval_state == "review_process_pending":
        return NotReviewed()
    if record.lock_state == "record_locking":
        return RecordLocked(LOCKED, {"id": record.id, "action": "record_locking"})
    return None


def apply_row_ops(
    ops: RowOps,
    parent_id: str,
    current: list[StoredRecord],
    ids: Iterator[str],
    user_id: str,
    now: int,
    writes: RowWrites,
) -> tuple[list[StoredRecord], dict[str, Any]]:
    """Applies ``ops`` to the record's ``current`` rows of that field: returns the rows after the change and a
    summary for the change log."""
    by_id = {row.id: row for row in current}
    deleted = set(ops.deletes)
    added: list[StoredRecord] = []
    for data in ops.adds:
        row_data = dict(data)
        if ops.field.link is not None:
            row_data[ops.field.link.lookup_apiname] = parent_id
        else:
            row_data["Parent_Id"] = parent_id
        added.append(
            StoredRecord(
                id=next(ids),
                module_id=ops.module.id,
                parent_id=parent_id,
                data=row_data,
                owner_id=None,
                created_by=user_id,
                modified_by=user_id,
                created_time=now,
                modified_time=now,
            )
        )
    updated: list[str] = []
    for row_id, changes in ops.updates.items():
        row = by_id[row_id]
        row.data = {**row.data, **changes}
        row.modified_by, row.modified_time = user_id, now
        updated.append(row_id)
    if ops.order is not None:  # subform: the request's order
        final = [by_id[item] if isinstance(item, str) else added[item] for item in ops.order]
        for position, row in enumerate(final):
            if row.data.get(ORDER_KEY) != position:
                row.data[ORDER_KEY] = position
                if row.id in by_id and row.id not in updated:
                    updated.append(row.id)
    else:
        start = 1 + max((row.data.get(ORDER_KEY, 0) for row in current), default=0)
        for offset, row in enumerate(added):
            row.data[ORDER_KEY] = start + offset
        final = [row for row in current if row.id not in deleted] + added
    writes.inserts += added
    writes.updates += [by_id[row_id] for row_id in updated if row_id not in deleted]
    writes.deletes += [row_id for row_id in ops.deletes if row_id in by_id]
    summary = {
        "added": [row.id for row in added],
        "updated": [r for r in updated if r not in deleted],
        "deleted": sorted(deleted),
    }
    return final, summary


def change_row(
    change_id: str,
    module: Module,
    record_id: str,
    operation: str,
    user_id: str,
    now: int,
    triggers: frozenset[str],
    changed: dict[str, Any],
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    """One change event (behaviour: one per record write), in the store's column names."""
    return {
        "id": change_id,
        "module": module.id,
        "record": record_id,
        "op": operation,
        "user": user_id,
        "time": now,
        "triggers": orjson.dumps(sorted(triggers)).decode(),
        "changed": orjson.dumps(changed).decode(),
        "before": None if before is None else orjson.dumps(before).decode(),
        "after": None if after is None else orjson.dumps(after).decode(),
    }
