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
from zcrm.fields.coerce import FieldValueError, coerce, parse_id
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


@dataclass(slots=True)
class Ref:
    """A record id that must exist (in ``module``, or anywhere when module is None)."""

    record_id: str
    module: str | None
    error: ZohoError


@dataclass(slots=True)
class NewRow:
    field: Field
    module: Module
    data: dict[str, Any]


@dataclass(slots=True)
class Prepared:
    index: int
    values: dict[str, Any] = field(default_factory=dict)
    owner_id: str | None = None
    layout_id: str | None = None
    rows: list[NewRow] = field(default_factory=list)
    row_fields: list[Field] = field(default_factory=list)  # row-type fields the item sets (replace or clear)
    refs: list[Ref] = field(default_factory=list)
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
    """Prepares insert items for one module of one org, as one user."""

    def __init__(self, schema: OrgSchema, module: Module, operation: str = "insert") -> None:
        self.schema = schema
        self.module = module
        self.operation = operation

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
        plan.refs.append(Ref(stored, None if target in (None, "se_module") else target, error))
        return True

    def _coerce(self, plan: Prepared, module: Module, fld: Field, value: Any, path: str) -> tuple[bool, Any]:
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
    def _row_module(self, fld: Field) -> Module | None:
        name = fld.link.linking_module if fld.link else fld.associated_module
        return self.schema.module(name) if name else None

    def _rows(self, plan: Prepared, fld: Field, value: Any) -> bool:
        index = plan.index
        path = _path(index, fld.api_name)
        plan.row_fields.append(fld)
        if value is None:
            return True
        if not isinstance(value, list):
            plan.error = InvalidData(
                details={"expected_data_type": fld.data_type, "api_name": fld.api_name, "json_path": path}
            )
            return False
        row_module = self._row_module(fld)
        if row_module is None:  # pragma: no cover - the org loader guarantees the rows module
            raise RuntimeError(f"no rows module for {self.module.api_name}.{fld.api_name}")
        seen_links: set[str] = set()
        for m, row in enumerate(value):
            row_path = _path(index, fld.api_name, m)
            if not isinstance(row, dict):
                plan.error = InvalidData(
                    details={
                        "expected_data_type": "jsonobject",
                        "api_name": fld.api_name,
                        "json_path": row_path,
                    }
                )
                return False
            if "id" in row or "_delete" in row:
                # on insert every row is new: an id names nothing of this record
                plan.error = InvalidData(MSG_INVALID_ID, {"api_name": "id", "json_path": f"{row_path}.id"})
                return False
            if fld.link is not None:
                data = self._link_row(plan, fld, row, row_path)
                if data is None:
                    return False
                target = data[fld.link.connectedlookup_apiname]
                if target in seen_links:
                    continue
                seen_links.add(target)
            else:
                data = self._plain_row(plan, fld, row_module, row, row_path)
                if data is None:
                    return False
            plan.rows.append(NewRow(fld, row_module, data))
        return True

    def _link_row(
        self, plan: Prepared, fld: Field, row: dict[str, Any], row_path: str
    ) -> dict[str, Any] | None:
        assert fld.link is not None
        key = fld.link.connectedlookup_apiname
        key_path = f"{row_path}.{key}"
        if key not in row or row[key] is None:
            plan.error = MandatoryNotFound(details={"api_name": key, "json_path": key_path})
            return None
        connected = row[key]
        candidate = connected.get("id") if isinstance(connected, dict) else connected
        if isinstance(connected, dict) and "id" not in connected:
            plan.error = MandatoryNotFound(details={"api_name": key, "json_path": key_path})
            return None
        target = parse_id(candidate)
        error = InvalidData(MSG_INVALID_ID, {"api_name": key, "json_path": key_path})
        if target is None:
            plan.error = error
            return None
        if fld.data_type == "multiuserlookup":
            user = self.schema.users_by_id.get(target)
            if user is None or user.status != "active":
                plan.error = error
                return None
        else:
            plan.refs.append(Ref(target, fld.link.connected_module, error))
        return {key: target}

    def _plain_row(
        self, plan: Prepared, fld: Field, row_module: Module, row: dict[str, Any], row_path: str
    ) -> dict[str, Any] | None:
        data: dict[str, Any] = {}
        for key, value in row.items():
            if key.startswith("$") or key in SYSTEM_FIELDS or key in ("Parent_Id", "_delete"):
                continue
            sub = row_module.by_name.get(key)
            key_path = f"{row_path}.{key}"
            if sub is None:
                plan.error = InvalidData(MSG_INVALID_FIELD, {"api_name": key, "json_path": key_path})
                return None
            if not self._accepts(sub):
                continue
            if value is None:
                data[key] = None
                continue
            ok, stored = self._coerce(plan, row_module, sub, value, key_path)
            if not ok:
                return None
            data[key] = stored
        for sub in row_module.fields:
            if (
                sub.system_mandatory
                and sub.api_name not in ("Parent_Id", "id")
                and is_empty(data.get(sub.api_name))
            ) and plan.late_error is None:
                plan.late_error = MandatoryNotFound(
                    details={"api_name": sub.api_name, "json_path": f"{row_path}.{sub.api_name}"}
                )
        return data

    # -- items -------------------------------------------------------------------------------------
    def prepare(self, index: int, item: Any) -> Prepared:
        plan = Prepared(index)
        if not isinstance(item, dict):
            plan.error = InvalidData(
                details={"expected_data_type": "jsonobject", "api_name": "data", "json_path": _path(index)}
            )
            return plan
        module = self.module
        for key, value in item.items():
            if key.startswith("$") or key in IGNORED_KEYS or key in SYSTEM_FIELDS:
                continue
            fld = module.by_name.get(key)
            if fld is None:
                plan.error = InvalidData(MSG_INVALID_FIELD, {"api_name": key, "json_path": _path(index, key)})
                return plan
            if not self._accepts(fld):
                continue
            if fld.data_type in ROW_TYPES:
                if not self._rows(plan, fld, value):
                    return plan
                continue
            if key == "Owner" and value is None:
                plan.error = MandatoryNotFound(details={"api_name": key, "json_path": _path(index, key)})
                return plan
            if value is None or value == "" or (value == [] and fld.data_type != "multiselectpicklist"):
                plan.values[key] = None  # empty values clear the field (mandatory fields are checked later)
                continue
            ok, stored = self._coerce(plan, module, fld, value, _path(index, key))
            if not ok:
                return plan
            if fld.data_type == "ownerlookup" and key == "Owner":
                plan.owner_id = stored
            elif fld.data_type == "layout" and key == "Layout":
                plan.layout_id = stored
            else:
                plan.values[key] = stored
        self._module_rules(plan, item)
        if plan.late_error is None:
            self._mandatory(plan, item)
        return plan

    def _module_rules(self, plan: Prepared, item: dict[str, Any]) -> None:
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
        if self.module.api_name == "Calls" and item.get("Call_Type") in ("Inbound", "Outbound"):
            duration = item.get("Call_Duration")
            if duration in ("00:00", 0, "0"):
                plan.late_error = DependentMismatch(
                    details={
                        "dependee": {"api_name": "Call_Type", "json_path": _path(plan.index, "Call_Type")},
                        "api_name": "Call_Duration",
                        "json_path": _path(plan.index, "Call_Duration"),
                    }
                )

    def _mandatory(self, plan: Prepared, item: dict[str, Any]) -> None:
        module = self.module
        layout = module.layout(plan.layout_id) if plan.layout_id else module.default_layout
        required = layout.required if layout else frozenset()
        row_counts: dict[str, int] = {}
        for row in plan.rows:
            row_counts[row.field.api_name] = row_counts.get(row.field.api_name, 0) + 1
        for fld in module.fields:
            if not (fld.system_mandatory or fld.api_name in required):
                continue
            name = fld.api_name
            if name in SYSTEM_FIELDS or name in ("Owner", "Layout") or fld.data_type in COMPUTED_TYPES:
                continue
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
