"""Validating one input item against a module's schema (behaviour §3.4, §3.5, §3.8, §3.9, §5.1).

``prepare`` walks an item's keys in input order and returns a ``Prepared`` plan: the stored values, the
child rows to add, the record references that the caller must check exist, the unique values to check, and
the first error found. It does no I/O: references to records and unique values are checked by the caller
(in batch) and their failures take precedence as the check order says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zcrm.errors import (
    MSG_INVALID_FIELD,
    MSG_INVALID_ID,
    DependentMismatch,
    InvalidData,
    LimitExceeded,
    MandatoryNotFound,
    ZohoError,
)
from zcrm.fields.coerce import FieldValueError, coerce, compile_coercer
from zcrm.records import notes
from zcrm.records.model import StoredRecord
from zcrm.records.rows import RowError, RowOps, RowPlanner, rows_module
from zcrm.records.uploads import FileRef, file_refs
from zcrm.schema.model import (
    COMPUTED_TYPES,
    IGNORED_KEYS,
    ROW_TYPES,
    SYSTEM_FIELDS,
    Field,
    Module,
    OrgSchema,
)

PARTICIPANT_LIMIT = 50
REFERENCE_TYPES = frozenset({"lookup", "ownerlookup", "userlookup", "layout"})


@dataclass(slots=True)
class Ref:
    """A record id that must exist (in ``module``, or anywhere when module is None)."""

    record_id: str
    module: str | None
    error: ZohoError


@dataclass(slots=True)
class Prepared:
    index: int
    values: dict[str, Any] = field(default_factory=dict)
    owner_id: str | None = None
    layout_id: str | None = None
    row_ops: list[RowOps] = field(default_factory=list)
    append: set[str] = field(default_factory=set)  # multi-select picklists whose values are appended
    refs: list[Ref] = field(default_factory=list)
    files: list[FileRef] = field(default_factory=list)  # new upload rows: their file ids must exist
    error: ZohoError | None = None  # the first key error (type, length, unknown field, bad shape)
    late_error: ZohoError | None = None  # module rules and mandatory fields, after the references


def _path(index: int, *parts: str | int) -> str:
    text = f"$.data[{index}]"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def value_error(exc: FieldValueError, api_name: str, path: str) -> ZohoError:
    if exc.kind == "length":
        return InvalidData(
            details={"maximum_length": exc.maximum_length, "api_name": api_name, "json_path": path}
        )
    if exc.kind == "invalid_id":
        return InvalidData(MSG_INVALID_ID, {"api_name": api_name, "json_path": path})
    return InvalidData(details={"expected_data_type": exc.expected, "api_name": api_name, "json_path": path})


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class Validator:
    """Prepares insert or update items for one module of one org."""

    def __init__(self, schema: OrgSchema, module: Module, operation: str = "insert") -> None:
        self.schema = schema
        self.module = module
        self.operation = operation
        self._required: dict[str | None, list[Field]] = {}
        self._parent = notes.parent_field(module)  # a note's parent: checked with the module it names (§4.2)
        # fields whose values need nothing but coercion: the fast path of ``prepare``
        self._plain = {
            f.api_name: (f, compile_coercer(f))
            for f in module.fields
            if self._accepts(f)
            and f.data_type not in ROW_TYPES
            and f.data_type not in REFERENCE_TYPES
            and f.api_name not in IGNORED_KEYS
            and f.api_name not in SYSTEM_FIELDS
        }

    # -- values ------------------------------------------------------------------------------------
    def _accepts(self, fld: Field) -> bool:
        if fld.data_type in COMPUTED_TYPES or fld.read_only:
            return False
        return fld.api_create if self.operation == "insert" else fld.api_update

    def _reference(self, plan: Prepared, fld: Field, stored: str, api_name: str, path: str) -> bool:
        """Checks or queues the target of a lookup-like value; False when it is known to be invalid."""
        error = InvalidData(MSG_INVALID_ID, {"api_name": api_name, "json_path": path})
        if fld.data_type in ("ownerlookup", "userlookup"):
            user = self.schema.users_by_id.get(stored)
            if user is None or user.status != "active":
                plan.error = error
                return False
            return True
        if fld.data_type == "layout":
            if self.module.layout(stored) is None:
                plan.error = error
                return False
            return True
        target = fld.lookup_module
        if api_name == self._parent:
            return True  # a note's parent: checked once its module is known (``_note_parent``)
        plan.refs.append(Ref(stored, None if target in (None, "se_module") else target, error))
        return True

    def _coerce(self, plan: Prepared, fld: Field, value: Any, path: str) -> tuple[bool, Any]:
        try:
            stored = coerce(fld, value)
        except FieldValueError as exc:
            plan.error = value_error(exc, fld.api_name, path)
            return False, None
        if fld.data_type in ("lookup", "ownerlookup", "userlookup", "layout") and not self._reference(
            plan, fld, stored, fld.api_name, path
        ):
            return False, None
        return True, stored

    # -- rows --------------------------------------------------------------------------------------
    def _rows(self, plan: Prepared, fld: Field, value: Any, children: dict[str, list[StoredRecord]]) -> bool:
        def coerce_row_value(sub: Field, raw: Any, path: str) -> tuple[bool, Any]:
            return self._coerce(plan, sub, raw, path)

        planner = RowPlanner(self.schema, coerce_row_value, self.operation)
        current = children.get(rows_module(self.schema, fld).id, [])
        path = _path(plan.index, fld.api_name)
        try:
            ops = planner.plan(fld, value, path, current)
        except RowError as exc:
            if plan.error is not None:  # the value coercer recorded the real error
                return False
            if exc.late:
                if plan.late_error is None:
                    plan.late_error = exc.error
                return True
            plan.error = exc.error
            return False
        plan.row_ops.append(ops)
        plan.files += file_refs(fld.data_type, value, ops.adds, ops.updates, path)
        return True

    def _append_values(self, plan: Prepared, value: Any) -> bool:
        path = _path(plan.index, "$append_values")
        if not isinstance(value, dict):
            plan.error = InvalidData(
                details={"expected_data_type": "jsonobject", "api_name": "$append_values", "json_path": path}
            )
            return False
        for key, flag in value.items():
            details = {"api_name": key, "json_path": f"{path}.{key}"}
            fld = self.module.by_name.get(key)
            if fld is None:
                plan.error = InvalidData(MSG_INVALID_FIELD, details)
                return False
            if fld.data_type != "multiselectpicklist" or not isinstance(flag, bool):
                plan.error = InvalidData(details=details)
                return False
            if flag:
                plan.append.add(key)
        return True

    # -- items -------------------------------------------------------------------------------------
    def prepare(
        self,
        index: int,
        item: Any,
        children: dict[str, list[StoredRecord]] | None = None,
        existing: dict[str, Any] | None = None,
    ) -> Prepared:
        """The plan for one item; on update, ``children`` are the record's current rows by rows-module id and
        ``existing`` its current values."""
        plan = Prepared(index)
        if not isinstance(item, dict):
            plan.error = InvalidData(
                details={"expected_data_type": "jsonobject", "api_name": "data", "json_path": _path(index)}
            )
            return plan
        module = self.module
        plain = self._plain
        values = plan.values
        for key, value in item.items():
            fast = plain.get(key)
            if fast is not None:  # fast path: a plain field
                plain_field, coercer = fast
                if (
                    value is None
                    or value == ""
                    or (value == [] and plain_field.data_type != "multiselectpicklist")
                ):
                    values[key] = None
                    continue
                try:
                    values[key] = coercer(value)
                except FieldValueError as exc:
                    plan.error = value_error(exc, key, _path(index, key))
                    return plan
                continue
            if key == "$append_values":
                if not self._append_values(plan, value):
                    return plan
                continue
            if key.startswith("$") or key in IGNORED_KEYS or key in SYSTEM_FIELDS:
                continue
            if self._parent is not None and key in notes.MODULE_KEYS:
                continue
            found = module.by_name.get(key)
            if found is None:
                plan.error = InvalidData(MSG_INVALID_FIELD, {"api_name": key, "json_path": _path(index, key)})
                return plan
            fld = found
            if not self._accepts(fld):
                continue
            if fld.data_type in ROW_TYPES:
                if not self._rows(plan, fld, value, children or {}):
                    return plan
                continue
            if key == "Owner" and (value is None or value == "" or value == []):
                plan.error = MandatoryNotFound(details={"api_name": key, "json_path": _path(index, key)})
                return plan
            if value is None or value == "" or (value == [] and fld.data_type != "multiselectpicklist"):
                plan.values[key] = None  # empty values clear the field (mandatory fields are checked later)
                continue
            ok, stored = self._coerce(plan, fld, value, _path(index, key))
            if not ok:
                return plan
            if fld.data_type == "ownerlookup" and key == "Owner":
                plan.owner_id = stored
            elif fld.data_type == "layout" and key == "Layout":
                plan.layout_id = stored
            else:
                plan.values[key] = stored
        self._module_rules(plan, item, existing or {})
        if plan.late_error is None:
            self._mandatory(plan, item, (existing or {}).get("Layout"))
        if self._parent is not None and plan.values.get(self._parent) is not None:
            self._note_parent(plan, item)
        return plan

    def _note_parent(self, plan: Prepared, item: dict[str, Any]) -> None:
        """A note's parent must be a record of the module the item names, kept as ``$se_module`` (§4.2)."""
        found = notes.parent_module(self.schema, item, plan.index)
        if isinstance(found, MandatoryNotFound):
            plan.late_error = plan.late_error or found
        elif isinstance(found, ZohoError):
            plan.error = plan.error or found
        else:
            plan.refs.append(Ref(plan.values[notes.PARENT], found.api_name, notes.parent_error(plan.index)))
            plan.values[notes.SE_MODULE] = found.api_name

    def _module_rules(self, plan: Prepared, item: dict[str, Any], existing: dict[str, Any]) -> None:
        if plan.late_error is not None:
            return
        participants = item.get("Participants")
        if (
            isinstance(participants, list)
            and len(participants) > PARTICIPANT_LIMIT
            and "Participants" in (self.module.by_name)
        ):
            plan.late_error = LimitExceeded(
                LimitExceeded.PARTICIPANTS,
                {"api_name": "Participants", "json_path": _path(plan.index, "Participants"), "limit": 50},
            )
            return
        if self.module.api_name == "Calls" and ("Call_Type" in item or "Call_Duration" in item):
            # the record's current values count for the key the item leaves out (update)
            call_type = item["Call_Type"] if "Call_Type" in item else existing.get("Call_Type")
            duration = item["Call_Duration"] if "Call_Duration" in item else existing.get("Call_Duration")
            if call_type in ("Inbound", "Outbound") and duration in ("00:00", 0, "0"):
                plan.late_error = DependentMismatch(
                    details={
                        "dependee": {"api_name": "Call_Type", "json_path": _path(plan.index, "Call_Type")},
                        "api_name": "Call_Duration",
                        "json_path": _path(plan.index, "Call_Duration"),
                    }
                )

    def _mandatory_fields(self, layout_id: str | None) -> list[Field]:
        """The fields a record of the layout must have (system mandatory or required by the layout), cached."""
        cached = self._required.get(layout_id)
        if cached is None:
            module = self.module
            layout = module.layout(layout_id) if layout_id else module.default_layout
            required = layout.required if layout else frozenset()
            cached = self._required[layout_id] = [
                f
                for f in module.fields
                if (f.system_mandatory or f.api_name in required)
                and f.api_name not in SYSTEM_FIELDS
                and f.api_name not in ("Owner", "Layout")
                and f.data_type not in COMPUTED_TYPES
            ]
        return cached

    def _mandatory(self, plan: Prepared, item: dict[str, Any], record_layout: str | None) -> None:
        row_counts = {ops.field.api_name: len(ops.adds) for ops in plan.row_ops}
        # the layout the record will have: the item's, else the record's own (update), else the default
        for fld in self._mandatory_fields(plan.layout_id or record_layout):
            name = fld.api_name
            if self.operation == "insert":
                missing = (
                    (row_counts.get(name, 0) == 0)
                    if fld.data_type in ROW_TYPES
                    else is_empty(plan.values.get(name))
                )
            else:  # update: only fields the item mentions
                missing = name in item and is_empty(item[name])
            if missing:
                plan.late_error = MandatoryNotFound(
                    details={"api_name": name, "json_path": _path(plan.index, name)}
                )
                return
