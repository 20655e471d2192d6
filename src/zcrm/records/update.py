"""Update Records (behaviour §3): per-record results, each record's change atomic, in input order.

The request's records and their rows are read once; items are validated against that state (an item naming a
record that an earlier item already changed is validated against the changed state); references and unique
values are checked in batch; the writes of every successful item are applied together at the end of the
request's transaction, so a failed item writes nothing and a crash writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_edit
from zcrm.automation.functions import AfterCommit
from zcrm.errors import (
    AlreadyModified,
    AuthorizationFailed,
    InvalidData,
    MandatoryNotFound,
    ZohoError,
    invalid_id,
)
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.records import notify, processes
from zcrm.records.common import (
    UPDATE_BLOCKED,
    Result,
    RowWrites,
    apply_row_ops,
    change_row,
    duplicate_error,
    ref_error,
    state_error,
    unique_key,
)
from zcrm.records.present import audit_details
from zcrm.records.validate import Prepared, Validator
from zcrm.records.workflow import apply_rules, queue_webhooks, rules_change, runs_workflows
from zcrm.schema.model import ROW_TYPES, Module
from zcrm.store import records as store
from zcrm.store.ids import IdPool
from zcrm.store.orgs import lock as lock_org
from zcrm.store.processes import ProcessRow
from zcrm.store.records import StoredRecord


@dataclass(frozen=True, slots=True)
class Target:
    """Where an item's record id comes from: the path (``PUT /{module}/{id}``) or each item (bulk)."""

    path_id: str | None = None  # the raw path segment, in the path form
    path_form: bool = False


def _item_id(item: Any, index: int, target: Target) -> str | ZohoError:
    if not isinstance(item, dict):  # the item's shape is checked before its id (behaviour §3.4)
        return InvalidData(
            details={"expected_data_type": "jsonobject", "api_name": "data", "json_path": f"$.data[{index}]"}
        )
    if target.path_form:
        parsed = parse_id(target.path_id)
        return parsed if parsed is not None else invalid_id({"resource_path_index": 1})
    if "id" not in item:
        return MandatoryNotFound(details={"api_name": "id", "json_path": f"$.data[{index}].id"})
    parsed = parse_id(item["id"])
    if parsed is None:
        return invalid_id({"api_name": "id", "json_path": f"$.data[{index}].id"})
    return parsed


def _missing(index: int, target: Target) -> ZohoError:
    if target.path_form:
        return invalid_id({"resource_path_index": 1})
    return invalid_id({"api_name": "id", "json_path": f"$.data[{index}].id"})


def _unauthorized(index: int, target: Target) -> ZohoError:
    """The user cannot reach this record through sharing and the role hierarchy (behaviour §3.4 step 3)."""
    if target.path_form:
        return AuthorizationFailed(details={"resource_path_index": 1})
    return AuthorizationFailed(details={"api_name": "id", "json_path": f"$.data[{index}].id"})


def _already_modified(renderer: Renderer, record: StoredRecord) -> AlreadyModified:
    """The record's current audit values, in the order of the behaviour's §3.12 sample."""
    audit = audit_details(renderer, record)
    keys = ("Modified_Time", "Created_Time", "id", "Modified_By", "Created_By")
    return AlreadyModified(details={key: audit[key] for key in keys})


def update_records(
    conn: Connection,
    ident: Identity,
    module: Module,
    items: list[Any],
    now: int,
    triggers: frozenset[str],
    target: Target,
    unmodified_since: int | None = None,
    after: AfterCommit | None = None,
) -> list[Result]:
    schema, org_id = ident.schema, ident.org_id
    lock_org(conn, org_id)
    ids = [_item_id(item, index, target) for index, item in enumerate(items)]
    wanted = [i for i in ids if isinstance(i, str)]
    records = store.fetch(conn, org_id, wanted, module_id=module.id, for_update=True)
    records = {rid: r for rid, r in records.items() if r.parent_id is None}
    processes.settle(conn, org_id, records.values(), now, persist=True)
    row_fields = {f.api_name for f in module.fields if f.data_type in ROW_TYPES}
    touches_rows = bool(row_fields) and any(
        isinstance(item, dict) and not row_fields.isdisjoint(item) for item in items
    )
    children: dict[str, dict[str, list[StoredRecord]]] = {rid: {} for rid in records}
    if touches_rows:
        for row in store.children(conn, org_id, list(records)):
            children[row.parent_id or ""].setdefault(row.module_id, []).append(row)
    validator = Validator(schema, module, "update")
    renderer = Renderer(schema, ident.user)

    # validate every item against the state before the request; re-validated later if its record changed
    plans: list[Prepared | None] = []
    for index, (item, record_id) in enumerate(zip(items, ids, strict=True)):
        if isinstance(record_id, str) and record_id in records and isinstance(item, dict):
            plans.append(validator.prepare(index, item, children[record_id], records[record_id].data))
        else:
            plans.append(None)
    found = store.existing(conn, org_id, [ref.record_id for p in plans if p is not None for ref in p.refs])
    candidate_keys = [
        (f.id, unique_key(f, p.values[f.api_name]))
        for p in plans
        if p is not None
        for f in module.unique_fields
        if p.values.get(f.api_name) is not None
    ]
    owners = store.unique_owners(conn, org_id, candidate_keys)
    candidates = set(candidate_keys)
    held: dict[tuple[str, str], str | None] = {}  # unique keys claimed (record id) or released (None) so far
    # (record, field) -> its unique key after this request, and before it (only changed keys are written)
    record_keys: dict[tuple[str, str], str | None] = {}
    original_keys: dict[tuple[str, str], str | None] = {}
    dirty: set[str] = set()  # records changed by an earlier item of this request
    expected = len(items) + sum(len(ops.adds) for p in plans if p is not None for ops in p.row_ops)
    id_pool = IdPool(conn, org_id, schema.org.prefix, expected)
    rows = RowWrites()
    changes: list[dict[str, Any]] = []
    written: list[notify.Written] = []
    entered: list[ProcessRow] = []
    results: list[Result] = []
    for index, (item, record_id) in enumerate(zip(items, ids, strict=True)):
        if isinstance(record_id, ZohoError):
            results.append(record_id)
            continue
        record = records.get(record_id)
        if record is None:
            results.append(_missing(index, target))
            continue
        if not isinstance(item, dict):
            results.append(
                InvalidData(
                    details={
                        "expected_data_type": "jsonobject",
                        "api_name": "data",
                        "json_path": f"$.data[{index}]",
                    }
                )
            )
            continue
        if not can_edit(schema, ident.user, module, record.owner_id):
            results.append(_unauthorized(index, target))
            continue
        error = state_error(record, UPDATE_BLOCKED, processes.touches_images(module, item))
        if error is None and unmodified_since is not None and record.modified_time > unmodified_since:
            error = _already_modified(renderer, record)
        if error is not None:
            results.append(error)
            continue
        plan = plans[index]
        if plan is None or record_id in dirty:  # the record changed earlier in this request: validate again
            plan = validator.prepare(index, item, children[record_id], records[record_id].data)
            found.update(store.existing(conn, org_id, [ref.record_id for ref in plan.refs]))
        error = ref_error(plan, schema, found) or plan.error or plan.late_error
        if error is not None:
            results.append(error)
            continue
        clashes = []
        new_keys: list[tuple[str, str | None]] = []
        for fld in module.unique_fields:
            if fld.api_name not in plan.values:
                continue
            value = plan.values[fld.api_name]
            key = None if value is None else unique_key(fld, value)
            new_keys.append((fld.id, key))
            if key is None:
                continue
            if (fld.id, key) in held:
                holder = held[(fld.id, key)]
            elif (fld.id, key) in owners or (fld.id, key) in candidates:
                holder = owners.get((fld.id, key))
            else:  # a key first seen when an item was validated again
                holder = store.unique_owners(conn, org_id, [(fld.id, key)]).get((fld.id, key))
            if holder is not None and holder != record_id:
                clashes.append((fld, holder))
        if clashes:
            results.append(duplicate_error(conn, schema, module, org_id, index, clashes, records))
            continue
        result, old_keys = _apply(
            ident,
            module,
            record,
            plan,
            children[record_id],
            now,
            triggers,
            id_pool,
            rows,
            changes,
            renderer,
            after,
            written,
            entered,
        )
        results.append(result)
        dirty.add(record_id)
        for field_id, key in new_keys:
            old = old_keys.get(field_id)
            if old is not None and old != key:
                held[(field_id, old)] = None
            if key is not None:
                held[(field_id, key)] = record_id
            original_keys.setdefault((record_id, field_id), old)
            record_keys[(record_id, field_id)] = key
    store.update(conn, org_id, [records[rid] for rid in dirty])
    # rows added and removed within this request never reach the database; rows added and then changed are
    # inserted in their final state (the same objects were changed in memory)
    deleted = set(rows.deletes)
    inserted = {row.id: row for row in rows.inserts if row.id not in deleted}
    updated = {row.id: row for row in rows.updates if row.id not in deleted and row.id not in inserted}
    store.delete_children(conn, org_id, [row_id for row_id in dict.fromkeys(rows.deletes)])
    store.insert(conn, org_id, list(inserted.values()))
    store.update(conn, org_id, list(updated.values()))
    store.replace_unique(
        conn,
        org_id,
        [(rid, fid, key) for (rid, fid), key in record_keys.items() if key != original_keys[(rid, fid)]],
    )
    store.add_changes(conn, org_id, changes)
    processes.save(conn, org_id, schema.org.prefix, entered)
    queue_webhooks(conn, org_id, schema.org.prefix, now, after)
    notify.queue(conn, org_id, schema.org.prefix, module, "update", written, now, after)
    return results


def _apply(
    ident: Identity,
    module: Module,
    record: StoredRecord,
    plan: Prepared,
    current: dict[str, list[StoredRecord]],
    now: int,
    triggers: frozenset[str],
    id_pool: Iterator[str],
    rows: RowWrites,
    changes: list[dict[str, Any]],
    renderer: Renderer,
    after: AfterCommit | None,
    written: list[notify.Written],
    entered: list[ProcessRow],
) -> tuple[Result, dict[str, str]]:
    """Applies a validated plan to the in-memory record (written in batch by the caller); returns the result
    and the record's unique keys before the change."""
    user_id = ident.user.id
    data = record.data  # changed in place; the change row keeps the old values of what changed
    changed: dict[str, Any] = {}
    old_unique = {
        f.id: unique_key(f, data[f.api_name])
        for f in module.unique_fields
        if f.api_name in plan.values and data.get(f.api_name) is not None
    }
    append = plan.append
    for name, value in plan.values.items():
        old = data.get(name)
        if append and name in append and isinstance(value, list):
            existing = old or []
            value = list(existing) + [v for v in value if v not in existing]
        if old != value:
            changed[name] = [old, value]
            data[name] = value
    if plan.layout_id is not None and data.get("Layout") != plan.layout_id:
        changed["Layout"] = [data.get("Layout"), plan.layout_id]
        data["Layout"] = plan.layout_id
    if plan.owner_id is not None and plan.owner_id != record.owner_id:
        changed["Owner"] = [record.owner_id, plan.owner_id]
        record.owner_id = plan.owner_id
    for ops in plan.row_ops:
        mine = current.setdefault(ops.module.id, [])
        final, summary = apply_row_ops(ops, record.id, mine, id_pool, user_id, now, rows)
        current[ops.module.id] = final
        if summary["added"] or summary["updated"] or summary["deleted"]:
            changed[ops.field.api_name] = summary
    record.modified_by, record.modified_time = user_id, now
    changes.append(
        change_row(
            next(id_pool),
            module,
            record.id,
            "update",
            user_id,
            now,
            triggers,
            changed,
            None,  # an update's old values are in ``changed``
            data,
        )
    )
    if runs_workflows(module, triggers):
        by_rules = apply_rules(module, "update", record.id, data, changed, after)
        if by_rules:  # the rules' own write: recorded after the user's, triggering nothing further
            changes.append(rules_change(next(id_pool), module, record.id, user_id, now, by_rules, data))
            changed = {**changed, **by_rules}
    written.append((record.id, changed, data))
    processes.enter(module, "update", record, changed, triggers, user_id, now, entered)
    result = {
        "code": "SUCCESS",
        "details": audit_details(renderer, record),
        "message": "record updated",
        "status": "success",
    }
    return result, old_unique
