"""Insert Records, pure: per-record results in input order, and the plan of the new records, their rows, the
unique values they claim and their change events. Ids and autonumber values come from ``Stored``."""

from __future__ import annotations

from typing import Any

from zcrm.automation.functions import AfterCommit
from zcrm.fields.render import Renderer
from zcrm.records import processes
from zcrm.records.common import apply_row_ops, change_row, duplicate_error, ref_error, unique_key
from zcrm.records.model import StoredRecord
from zcrm.records.plan import Plan, Stored
from zcrm.records.present import audit_details
from zcrm.records.uploads import file_error
from zcrm.records.validate import Validator
from zcrm.records.workflow import apply_rules, rules_change, runs_workflows
from zcrm.schema.model import Module, OrgSchema, User


def plan_insert(
    schema: OrgSchema,
    user: User,
    module: Module,
    items: list[Any],
    stored: Stored,
    now: int,
    triggers: frozenset[str] = frozenset(),
    after: AfterCommit | None = None,
    first: int = 0,
) -> Plan:
    """The results and writes of inserting ``items`` into ``module`` as ``user``; workflow rules' functions and
    webhooks go to ``after``. ``first`` is the request index of ``items[0]`` (Upsert plans its items one at a time)."""
    user_id = user.id
    validator = Validator(schema, module, "insert")
    plans = [validator.prepare(index, item) for index, item in enumerate(items, first)]
    found = stored.existing([ref.record_id for plan in plans for ref in plan.refs])
    files = stored.files([ref.file_id for plan in plans for ref in plan.files])
    errors = [
        ref_error(plan, schema, found) or file_error(plan.files, files) or plan.error or plan.late_error
        for plan in plans
    ]
    uniques = [
        [
            (f, unique_key(f, plan.values[f.api_name]))
            for f in module.unique_fields
            if plan.values.get(f.api_name) is not None
        ]
        for plan in plans
    ]
    owners = stored.unique_owners(
        [
            (f.id, key)
            for error, unique in zip(errors, uniques, strict=True)
            if error is None
            for f, key in unique
        ]
    )
    # one id block for the whole request: record id, change id and row ids of every item that may succeed
    workflows = runs_workflows(module, triggers)
    needed = sum(
        2 + workflows + sum(len(ops.adds) for ops in plan.row_ops)
        for plan, error in zip(plans, errors, strict=True)
        if error is None
    )
    ids = stored.ids(needed)
    renderer = Renderer(schema, user)
    claimed: dict[tuple[str, str], str] = {}
    out = Plan("insert")
    default_layout = module.default_layout
    has_owner, has_layout = "Owner" in module.by_name, "Layout" in module.by_name
    for plan, error, unique in zip(plans, errors, uniques, strict=True):
        if error is not None:
            out.results.append(error)
            continue
        clashes = [
            (f, claimed.get((f.id, key)) or owners[(f.id, key)])
            for f, key in unique
            if (f.id, key) in owners or (f.id, key) in claimed
        ]
        if clashes:
            pending = {r.id: r for r in out.inserts}
            out.results.append(duplicate_error(stored, schema, module, plan.index, clashes, pending))
            continue
        record_id, change_id = next(ids), next(ids)
        data = dict(plan.values)
        if has_layout:
            data["Layout"] = plan.layout_id or (default_layout.id if default_layout else None)
        for fld in module.fields:
            if fld.data_type == "autonumber":
                spec = fld.auto_number or {}
                number = stored.next_number(fld.id, int(spec.get("start_number", 1)))
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
        out.inserts.append(record)
        changed: dict[str, Any] = {name: [None, value] for name, value in data.items()}
        for ops in plan.row_ops:
            _, summary = apply_row_ops(ops, record_id, [], ids, user_id, now, out.rows)
            changed[ops.field.api_name] = summary
        for f, key in unique:
            claimed[(f.id, key)] = record_id
        out.changes.append(
            change_row(change_id, module, record_id, "insert", user_id, now, triggers, changed, None, data)
        )
        if workflows:
            by_rules = apply_rules(module, "insert", record_id, data, changed, after)
            rules_change_id = next(ids)
            if by_rules:  # the rules' own write: recorded after the insert, triggering nothing further
                out.changes.append(
                    rules_change(rules_change_id, module, record_id, user_id, now, by_rules, data)
                )
                changed = {**changed, **by_rules}
        out.written.append((record_id, changed, data))
        processes.enter(module, "insert", record, changed, triggers, user_id, now, out.processes)
        out.results.append(
            {
                "code": "SUCCESS",
                "details": audit_details(renderer, record),
                "message": "record added",
                "status": "success",
            }
        )
    out.claims = [(field_id, key, rid) for (field_id, key), rid in claimed.items()]
    return out
