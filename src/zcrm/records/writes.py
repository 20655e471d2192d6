"""Insert and delete: per-record results over the engine and the store, one transaction per request."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.errors import (
    DuplicateData,
    InvalidData,
    MultipleOrMultiErrors,
    NotApproved,
    RecordLocked,
    ZohoError,
)
from zcrm.fields.render import Renderer
from zcrm.records.present import audit_details
from zcrm.records.validate import Prepared, Validator
from zcrm.schema.model import Field, Module, OrgSchema
from zcrm.store import records as store
from zcrm.store.ids import allocate
from zcrm.store.records import StoredRecord

Result = dict[str, Any] | ZohoError


def unique_key(fld: Field, value: Any) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if fld.unique_case_sensitive else text.lower()


def _ref_error(plan: Prepared, schema: OrgSchema, found: dict[str, str]) -> ZohoError | None:
    for ref in plan.refs:
        module_id = found.get(ref.record_id)
        if module_id is None:
            return ref.error
        if ref.module is not None:
            target = schema.module(ref.module)
            if target is None or target.id != module_id:
                return ref.error
    return None


def _duplicate_error(
    schema: OrgSchema,
    module: Module,
    index: int,
    clashes: list[tuple[Field, str]],
    conn: Connection,
    org_id: str,
    pending: dict[str, StoredRecord],
) -> ZohoError:
    owners = store.fetch(conn, org_id, [rid for _, rid in clashes if rid not in pending])
    owners.update({rid: pending[rid] for _, rid in clashes if rid in pending})
    errors = []
    for fld, record_id in clashes:
        existing = owners.get(record_id)
        owner = schema.users_by_id.get(existing.owner_id or "") if existing else None
        errors.append(
            DuplicateData(
                details={
                    "api_name": fld.api_name,
                    "json_path": f"$.data[{index}].{fld.api_name}",
                    "id": record_id,
                    "duplicate_record": {
                        "Owner": {"name": owner.full_name, "id": owner.id, "zuid": owner.id}
                        if owner
                        else None,
                        "module": {"api_name": module.api_name, "id": module.id},
                        "id": record_id,
                    },
                    "more_records": False,
                }
            )
        )
    if len(errors) == 1:
        return errors[0]
    return MultipleOrMultiErrors(details={"errors": [e.as_dict() for e in errors]})


def insert_records(
    conn: Connection, ident: Identity, module: Module, items: list[Any], now: int
) -> list[Result]:
    schema = ident.schema
    org_id = ident.org_id
    validator = Validator(schema, module, "insert")
    plans = [validator.prepare(index, item) for index, item in enumerate(items)]
    found = store.existing(conn, org_id, [ref.record_id for plan in plans for ref in plan.refs])
    renderer = Renderer(schema, ident.user)
    claimed: dict[tuple[str, str], str] = {}
    results: list[Result] = []
    new_records: list[StoredRecord] = []
    changes: list[dict[str, Any]] = []
    default_layout = module.default_layout
    has_owner = "Owner" in module.by_name
    has_layout = "Layout" in module.by_name
    errors = [_ref_error(plan, schema, found) or plan.error or plan.late_error for plan in plans]
    uniques = [
        [
            (f, unique_key(f, plan.values[f.api_name]))
            for f in module.unique_fields
            if plan.values.get(f.api_name) is not None
        ]
        for plan in plans
    ]
    owners = store.unique_owners(
        conn,
        org_id,
        [
            (f.id, key)
            for error, unique in zip(errors, uniques, strict=True)
            if error is None
            for f, key in unique
        ],
    )
    # one id block for the whole request: record id, change id and row ids of every item that may succeed
    id_pool = iter(
        allocate(
            conn,
            org_id,
            schema.org.prefix,
            sum(2 + len(plan.rows) for plan, error in zip(plans, errors, strict=True) if error is None),
        )
    )
    for plan, error, unique in zip(plans, errors, uniques, strict=True):
        if error is not None:
            results.append(error)
            continue
        clashes = [
            (f, claimed.get((f.id, key)) or owners[(f.id, key)])
            for f, key in unique
            if (f.id, key) in owners or (f.id, key) in claimed
        ]
        if clashes:
            pending = {r.id: r for r in new_records if r.parent_id is None}
            results.append(_duplicate_error(schema, module, plan.index, clashes, conn, org_id, pending))
            continue
        record_id, change_id = next(id_pool), next(id_pool)
        row_ids = [next(id_pool) for _ in plan.rows]
        data = dict(plan.values)
        if has_layout:
            data["Layout"] = plan.layout_id or (default_layout.id if default_layout else None)
        for fld in module.fields:
            if fld.data_type == "autonumber":
                spec = fld.auto_number or {}
                number = store.next_sequence(conn, org_id, fld.id, int(spec.get("start_number", 1)))
                data[fld.api_name] = f"{spec.get('prefix', '')}{number}{spec.get('suffix', '')}"
        record = StoredRecord(
            id=record_id,
            module_id=module.id,
            parent_id=None,
            data=data,
            owner_id=(plan.owner_id or ident.user.id) if has_owner else None,
            created_by=ident.user.id,
            modified_by=ident.user.id,
            created_time=now,
            modified_time=now,
        )
        new_records.append(record)
        for row, row_id in zip(plan.rows, row_ids, strict=True):
            row_data = dict(row.data)
            if row.field.link is not None:
                row_data[row.field.link.lookup_apiname] = record_id
            else:
                row_data["Parent_Id"] = record_id
            new_records.append(
                StoredRecord(
                    id=row_id,
                    module_id=row.module.id,
                    parent_id=record_id,
                    data=row_data,
                    owner_id=None,
                    created_by=ident.user.id,
                    modified_by=ident.user.id,
                    created_time=now,
                    modified_time=now,
                )
            )
        for f, key in unique:
            claimed[(f.id, key)] = record_id
        changes.append(
            {
                "id": change_id,
                "module": module.id,
                "record": record_id,
                "op": "insert",
                "user": ident.user.id,
                "time": now,
                "before": None,
                "after": orjson.dumps(data).decode(),
            }
        )
        results.append(
            {
                "code": "SUCCESS",
                "details": audit_details(renderer, record),
                "message": "record added",
                "status": "success",
            }
        )
    store.insert(conn, org_id, new_records)
    store.insert_unique(conn, org_id, [(field_id, key, rid) for (field_id, key), rid in claimed.items()])
    store.add_changes(conn, org_id, changes)
    return results


STATE_ERRORS = {
    "zia_vision_processing": lambda rid, msg: RecordLocked(
        msg, {"id": rid, "action": "zia_vision_processing"}
    ),
    "merge": lambda rid, msg: RecordLocked(msg, {"id": rid, "action": "merge"}),
}
DELETE_BLOCKED = "cannot delete record that is not approved yet"


def state_error(record: StoredRecord, message: str) -> ZohoError | None:
    """The error a record's state gives (behaviour §3.11), in the documented order."""
    if record.lock_state in STATE_ERRORS:
        return STATE_ERRORS[record.lock_state](record.id, message)
    if record.approval_state == "approval_process_pending":
        return NotApproved(message, {"id": record.id})
    if record.lock_state == "record_locking":
        return RecordLocked(
            "You cannot perform this operation as the record is locked.",
            {"id": record.id, "action": "record_locking"},
        )
    return None


def delete_records(
    conn: Connection, ident: Identity, module: Module, ids: list[str], now: int
) -> list[Result]:
    org_id = ident.org_id
    found = store.fetch(conn, org_id, ids, module_id=module.id)
    results: list[Result] = []
    deleted: set[str] = set()
    to_delete: list[str] = []
    changes_needed: list[StoredRecord] = []
    for record_id in ids:
        record = found.get(record_id)
        if record is None or record.parent_id is not None or record_id in deleted:
            results.append(InvalidData("record not deleted", {"id": record_id}))
            continue
        error = state_error(record, DELETE_BLOCKED)
        if error is not None:
            results.append(error)
            continue
        deleted.add(record_id)
        to_delete.append(record_id)
        changes_needed.append(record)
        results.append(
            {
                "code": "SUCCESS",
                "details": {"id": record_id},
                "message": "record deleted",
                "status": "success",
            }
        )
    store.delete(conn, org_id, to_delete)
    change_ids = allocate(conn, org_id, ident.schema.org.prefix, len(changes_needed))
    store.add_changes(
        conn,
        org_id,
        [
            {
                "id": cid,
                "module": module.id,
                "record": r.id,
                "op": "delete",
                "user": ident.user.id,
                "time": now,
                "before": orjson.dumps(r.data).decode(),
                "after": None,
            }
            for cid, r in zip(change_ids, changes_needed, strict=True)
        ],
    )
    return results
