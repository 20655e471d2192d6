"""Update Records (behaviour §3), pure: per-record results in input order, and the plan of what they write.

The service loads the request's records (``item_ids`` names them) and, when the items touch row fields
(``touches_rows``), their child rows; ``plan_update`` validates each item against that state (an item naming a
record that an earlier item already changed is validated against the changed state), checks references and unique
values in batch through ``Stored``, and applies every successful item to the records in memory. Nothing is written
here: the plan's writes are saved together at the end of the request's transaction, so a failed item writes nothing
and a crash writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from zcrm.auth.sharing import can_edit
from zcrm.automation.functions import AfterCommit
from zcrm.errors import (
    AlreadyModified,
    AuthorizationFailed,
    ConvertedRecord,
    InvalidData,
    MandatoryNotFound,
    ZohoError,
    invalid_id,
)
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.records import processes
from zcrm.records.common import (
    UPDATE_BLOCKED,
    apply_row_ops,
    change_row,
    duplicate_error,
    ref_error,
    state_error,
    unique_key,
)
from zcrm.records.model import StoredRecord
from zcrm.records.plan import Plan, Stored, UniqueKey
from zcrm.records.present import audit_details
from zcrm.records.uploads import file_error
from zcrm.records.validate import Prepared, Validator
from zcrm.records.workflow import apply_rules, rules_change, runs_workflows
from zcrm.schema.model import ROW_TYPES, Field, Module, OrgSchema, User

Children = dict[str, dict[str, list[StoredRecord]]]  # record id -> row module id -> its rows, in order


@dataclass(frozen=True, slots=True)
class Target:
    """Where an item's record id comes from: the path (``PUT /{module}/{id}``) or each item (bulk)."""

    path_id: str | None = None  # the raw path segment, in the path form
    path_form: bool = False


def _not_object(index: int) -> InvalidData:
    return InvalidData(
        details={"expected_data_type": "jsonobject", "api_name": "data", "json_path": f"$.data[{index}]"}
    )


def _item_id(item: Any, index: int, target: Target) -> str | ZohoError:
    if not isinstance(item, dict):  # the item's shape is checked before its id (behaviour §3.4)
        return _not_object(index)
    if target.path_form:
        parsed = parse_id(target.path_id)
        return parsed if parsed is not None else invalid_id({"resource_path_index": 1})
    if "id" not in item:
        return MandatoryNotFound(details={"api_name": "id", "json_path": f"$.data[{index}].id"})
    parsed = parse_id(item["id"])
    if parsed is None:
        return invalid_id({"api_name": "id", "json_path": f"$.data[{index}].id"})
    return parsed


def item_ids(items: list[Any], target: Target, first: int = 0) -> list[str | ZohoError]:
    """Each item's record id, or the error its id (or shape) gives; ``first`` is the request index of
    ``items[0]``."""
    return [_item_id(item, index, target) for index, item in enumerate(items, first)]


def touches_rows(module: Module, items: list[Any]) -> bool:
    """Whether any item writes a row field (subform, multi-select lookup, upload): then the records' child rows are
    needed."""
    row_fields = {f.api_name for f in module.fields if f.data_type in ROW_TYPES}
    return bool(row_fields) and any(
        isinstance(item, dict) and not row_fields.isdisjoint(item) for item in items
    )


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


@dataclass(slots=True)
class _Keys:
    """The unique keys of one request: who holds each key known so far, and each changed record's keys."""

    owners: dict[UniqueKey, str]  # held before the request (of the keys looked up)
    looked_up: set[UniqueKey]
    held: dict[UniqueKey, str | None] = field(default_factory=dict)  # claimed (record id) or released (None)
    after: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (record, field) -> key after
    before: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (record, field) -> key before

    def holder(self, stored: Stored, key: UniqueKey) -> str | None:
        if key in self.held:
            return self.held[key]
        if key not in self.looked_up:  # a key first seen when an item was validated again
            self.owners.update(stored.unique_owners([key]))
            self.looked_up.add(key)
        return self.owners.get(key)

    def record(self, record_id: str, new: list[tuple[str, str | None]], old: dict[str, str]) -> None:
        for field_id, key in new:
            previous = old.get(field_id)
            if previous is not None and previous != key:
                self.held[(field_id, previous)] = None
            if key is not None:
                self.held[(field_id, key)] = record_id
            self.before.setdefault((record_id, field_id), previous)
            self.after[(record_id, field_id)] = key

    def changed(self) -> list[tuple[str, str, str | None]]:
        return [(rid, fid, key) for (rid, fid), key in self.after.items() if key != self.before[(rid, fid)]]


def _new_keys(module: Module, plan: Prepared) -> list[tuple[Field, str | None]]:
    return [
        (f, None if plan.values[f.api_name] is None else unique_key(f, plan.values[f.api_name]))
        for f in module.unique_fields
        if f.api_name in plan.values
    ]


def plan_update(
    schema: OrgSchema,
    user: User,
    module: Module,
    items: list[Any],
    records: dict[str, StoredRecord],
    children: Children,
    stored: Stored,
    now: int,
    triggers: frozenset[str],
    target: Target,
    unmodified_since: int | None = None,
    after: AfterCommit | None = None,
    first: int = 0,
) -> Plan:
    """The results and writes of updating ``records`` (the request's records of ``module``, top-level, as stored;
    changed in place) with ``items``; ``children`` holds their child rows when ``touches_rows`` says so. Workflow
    rules' functions and webhooks go to ``after``. ``first`` is the request index of ``items[0]`` (Upsert plans
    its items one at a time)."""
    run = _Run(schema, user, module, now, triggers, target, unmodified_since, after, Renderer(schema, user))
    ids = item_ids(items, target, first)
    children = {rid: children.get(rid, {}) for rid in records}
    validator = Validator(schema, module, "update")
    # validate every item against the state before the request; validated again later if its record changed
    prepared: list[Prepared | None] = [
        validator.prepare(index, item, children[rid], records[rid].data)
        if isinstance(rid, str) and rid in records and isinstance(item, dict)
        else None
        for index, (item, rid) in enumerate(zip(items, ids, strict=True), first)
    ]
    found = stored.existing([ref.record_id for p in prepared if p is not None for ref in p.refs])
    files = stored.files([ref.file_id for p in prepared if p is not None for ref in p.files])
    candidates = [
        (f.id, key) for p in prepared if p is not None for f, key in _new_keys(module, p) if key is not None
    ]
    keys = _Keys(stored.unique_owners(candidates), set(candidates))
    expected = len(items) + sum(len(ops.adds) for p in prepared if p is not None for ops in p.row_ops)
    id_pool = stored.ids(expected)
    out = Plan("update")
    dirty: dict[str, None] = {}  # records changed by an earlier item of this request, in order
    for index, (item, record_id) in enumerate(zip(items, ids, strict=True), first):
        result = run.check(item, index, record_id, records)
        if not isinstance(result, StoredRecord):
            out.results.append(result)
            continue
        record = result
        plan = prepared[index - first]
        if plan is None or record.id in dirty:  # the record changed earlier in this request: validate again
            plan = validator.prepare(index, item, children[record.id], record.data)
            found.update(stored.existing([ref.record_id for ref in plan.refs]))
            files.update(stored.files([ref.file_id for ref in plan.files]))
        error = (
            ref_error(plan, schema, found) or file_error(plan.files, files) or plan.error or plan.late_error
        )
        if error is not None:
            out.results.append(error)
            continue
        new_keys = _new_keys(module, plan)
        clashes = [
            (fld, holder)
            for fld, key in new_keys
            if key is not None
            and (holder := keys.holder(stored, (fld.id, key))) is not None
            and holder != record.id
        ]
        if clashes:
            out.results.append(duplicate_error(stored, schema, module, index, clashes, records))
            continue
        old_keys = run.apply(out, record, plan, children[record.id], id_pool)
        out.results.append(
            {
                "code": "SUCCESS",
                "details": audit_details(run.renderer, record),
                "message": "record updated",
                "status": "success",
            }
        )
        dirty[record.id] = None
        keys.record(record.id, [(f.id, key) for f, key in new_keys], old_keys)
    out.updates = [records[rid] for rid in dirty]
    out.unique_changes = keys.changed()
    return out


@dataclass(frozen=True, slots=True)
class _Run:
    """One update request's constants: who, where, when, with which triggers."""

    schema: OrgSchema
    user: User
    module: Module
    now: int
    triggers: frozenset[str]
    target: Target
    unmodified_since: int | None
    after: AfterCommit | None
    renderer: Renderer

    def check(
        self, item: Any, index: int, record_id: str | ZohoError, records: dict[str, StoredRecord]
    ) -> StoredRecord | ZohoError:
        """The record an item may change, or why it may not: its id, whether it exists, the item's shape, the
        user's reach, the record's state (behaviour §3.11) and ``If-Unmodified-Since``, in that order."""
        if isinstance(record_id, ZohoError):
            return record_id
        record = records.get(record_id)
        if record is None:
            return _missing(index, self.target)
        if not isinstance(item, dict):
            return _not_object(index)
        if not can_edit(self.schema, self.user, self.module, record.owner_id):
            return _unauthorized(index, self.target)
        error = state_error(record, UPDATE_BLOCKED, processes.touches_images(self.module, item))
        if error is None and record.converted:  # a converted lead (zoho-v5-related.md §8.2 step 6)
            error = ConvertedRecord(details={"id": record.id})
        if (
            error is None
            and self.unmodified_since is not None
            and record.modified_time > self.unmodified_since
        ):
            error = _already_modified(self.renderer, record)
        return record if error is None else error

    def apply(
        self,
        out: Plan,
        record: StoredRecord,
        plan: Prepared,
        current: dict[str, list[StoredRecord]],
        id_pool: Iterator[str],
    ) -> dict[str, str]:
        """Applies a validated item to the in-memory record and adds its writes to ``out``; returns the record's
        unique keys before the change (of the unique fields the item sets)."""
        module, user_id, now, triggers = self.module, self.user.id, self.now, self.triggers
        data = record.data  # changed in place; the change event keeps the old values of what changed
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
            final, summary = apply_row_ops(ops, record.id, mine, id_pool, user_id, now, out.rows)
            current[ops.module.id] = final
            if summary["added"] or summary["updated"] or summary["deleted"]:
                changed[ops.field.api_name] = summary
        record.modified_by, record.modified_time = user_id, now
        # an update's old values are in ``changed``
        out.changes.append(
            change_row(
                next(id_pool), module, record.id, "update", user_id, now, triggers, changed, None, data
            )
        )
        if runs_workflows(module, triggers):
            by_rules = apply_rules(module, "update", record.id, data, changed, self.after)
            if by_rules:  # the rules' own write: recorded after the user's, triggering nothing further
                out.changes.append(
                    rules_change(next(id_pool), module, record.id, user_id, now, by_rules, data)
                )
                changed = {**changed, **by_rules}
        out.written.append((record.id, changed, data))
        processes.enter(module, "update", record, changed, triggers, user_id, now, out.processes)
        return old_unique
