"""Insert and delete: per-record results over the engine and the store, one transaction per request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_edit
from zcrm.automation.functions import AfterCommit
from zcrm.errors import AuthorizationFailed, InvalidData
from zcrm.fields.render import Renderer
from zcrm.records import notify, processes
from zcrm.records.common import (
    DELETE_BLOCKED,
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
from zcrm.records.validate import Validator
from zcrm.records.workflow import apply_rules, queue_webhooks, rules_change, runs_workflows
from zcrm.schema.model import Module
from zcrm.store import processes as process_store
from zcrm.store import records as store
from zcrm.store.ids import allocate
from zcrm.store.orgs import lock as lock_org
from zcrm.store.processes import ProcessRow
from zcrm.store.records import StoredRecord


def insert_records(
    conn: Connection,
    ident: Identity,
    module: Module,
    items: list[Any],
    now: int,
    triggers: frozenset[str] = frozenset(),
    after: AfterCommit | None = None,
) -> list[Result]:
    schema, org_id, user_id = ident.schema, ident.org_id, ident.user.id
    lock_org(conn, org_id)
    validator = Validator(schema, module, "insert")
    plans = [validator.prepare(index, item) for index, item in enumerate(items)]
    found = store.existing(conn, org_id, [ref.record_id for plan in plans for ref in plan.refs])
    errors = [ref_error(plan, schema, found) or plan.error or plan.late_error for plan in plans]
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
    workflows = runs_workflows(module, triggers)
    needed = sum(
        2 + workflows + sum(len(ops.adds) for ops in plan.row_ops)
        for plan, error in zip(plans, errors, strict=True)
        if error is None
    )
    ids = iter(allocate(conn, org_id, schema.org.prefix, needed))
    renderer = Renderer(schema, ident.user)
    claimed: dict[tuple[str, str], str] = {}
    results: list[Result] = []
    records: list[StoredRecord] = []
    rows = RowWrites()
    changes: list[dict[str, Any]] = []
    written: list[notify.Written] = []
    entered: list[ProcessRow] = []
    default_layout = module.default_layout
    has_owner, has_layout = "Owner" in module.by_name, "Layout" in module.by_name
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
            pending = {r.id: r for r in records}
            results.append(duplicate_error(conn, schema, module, org_id, plan.index, clashes, pending))
            continue
        record_id, change_id = next(ids), next(ids)
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
            owner_id=(plan.owner_id or user_id) if has_owner else None,
            created_by=user_id,
            modified_by=user_id,
            created_time=now,
            modified_time=now,
        )
        records.append(record)
        changed: dict[str, Any] = {name: [None, value] for name, value in data.items()}
        for ops in plan.row_ops:
            _, summary = apply_row_ops(ops, record_id, [], ids, user_id, now, rows)
            changed[ops.field.api_name] = summary
        for f, key in unique:
            claimed[(f.id, key)] = record_id
        changes.append(
            change_row(change_id, module, record_id, "insert", user_id, now, triggers, changed, None, data)
        )
        if workflows:
            by_rules = apply_rules(module, "insert", record_id, data, changed, after)
            rules_change_id = next(ids)
            if by_rules:  # the rules' own write: recorded after the insert, triggering nothing further
                changes.append(rules_change(rules_change_id, module, record_id, user_id, now, by_rules, data))
                changed = {**changed, **by_rules}
        written.append((record_id, changed, data))
        processes.enter(module, "insert", record, changed, triggers, user_id, now, entered)
        results.append(
            {
                "code": "SUCCESS",
                "details": audit_details(renderer, record),
                "message": "record added",
                "status": "success",
            }
        )
    store.insert(conn, org_id, records + rows.inserts)
    store.insert_unique(conn, org_id, [(field_id, key, rid) for (field_id, key), rid in claimed.items()])
    store.add_changes(conn, org_id, changes)
    processes.save(conn, org_id, schema.org.prefix, entered)
    queue_webhooks(conn, org_id, schema.org.prefix, now, after)
    notify.queue(conn, org_id, schema.org.prefix, module, "insert", written, now, after)
    return results


DELETE_UNAUTHORIZED = "User does not have sufficient privilege to delete records"


def delete_records(
    conn: Connection,
    ident: Identity,
    module: Module,
    ids: list[str],
    now: int,
    triggers: frozenset[str] = frozenset(),
    after: AfterCommit | None = None,
) -> list[Result]:
    org_id, user_id = ident.org_id, ident.user.id
    lock_org(conn, org_id)
    found = store.fetch(conn, org_id, ids, module_id=module.id)
    processes.settle(conn, org_id, found.values(), now, persist=True)
    results: list[Result] = []
    deleted: list[StoredRecord] = []
    for record_id in ids:
        record = found.get(record_id)
        if record is None or record.parent_id is not None or any(r.id == record_id for r in deleted):
            results.append(InvalidData("record not deleted", {"id": record_id}))
            continue
        if not can_edit(ident.schema, ident.user, module, record.owner_id):
            results.append(AuthorizationFailed(DELETE_UNAUTHORIZED, {"id": record_id}))
            continue
        error = state_error(record, DELETE_BLOCKED)
        if error is not None:
            results.append(error)
            continue
        deleted.append(record)
        results.append(
            {
                "code": "SUCCESS",
                "details": {"id": record_id},
                "message": "record deleted",
                "status": "success",
            }
        )
    store.delete(conn, org_id, [r.id for r in deleted])
    process_store.drop(conn, org_id, [r.id for r in deleted])
    change_ids = allocate(conn, org_id, ident.schema.org.prefix, len(deleted))
    store.add_changes(
        conn,
        org_id,
        [
            change_row(cid, module, r.id, "delete", user_id, now, triggers, {}, r.data, None)
            for cid, r in zip(change_ids, deleted, strict=True)
        ],
    )
    if runs_workflows(module, triggers):  # delete rules: webhooks and functions, with the record as it was
        for record in deleted:
            apply_rules(module, "delete", record.id, dict(record.data), {}, after)
    queue_webhooks(conn, org_id, ident.schema.org.prefix, now, after)
    written: list[notify.Written] = [(record.id, {}, None) for record in deleted]
    notify.queue(conn, org_id, ident.schema.org.prefix, module, "delete", written, now, after)
    return results
