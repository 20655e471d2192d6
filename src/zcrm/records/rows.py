"""Row-valued fields: subforms, multi-select and multi-user lookups, image and file uploads.

On insert every row is new. On update (behaviour §3.8, §3.9):
- subforms: a non-empty array replaces the rows (rows with ``id`` kept and updated, rows without added, rows not
  mentioned deleted, ``_delete`` rows deleted); ``[]`` and ``null`` delete every row; an array made only of
  ``_delete`` rows deletes exactly those;
- links and uploads are additive: rows without ``id`` add, ``{"id":…, "_delete": null}`` removes, a row with
  ``id`` updates that linking row, ``[]`` changes nothing and ``null`` removes every row.
``plan_rows`` is pure: it reads the record's current rows and returns the operations or the first error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from zcrm.errors import (
    MSG_INVALID_FIELD,
    MSG_INVALID_ID,
    DuplicateLinkingData,
    InvalidData,
    MandatoryNotFound,
    ZohoError,
)
from zcrm.fields.coerce import parse_id
from zcrm.records.model import StoredRecord
from zcrm.schema.model import COMPUTED_TYPES, SYSTEM_FIELDS, Field, Module, OrgSchema

ROW_SKIP = frozenset(
    {
        "Parent_Id",
        "_delete",
        "Created_Time",
        "Modified_Time",
        "Created_By",
        "Modified_By",
        "Sequence_Number__s",  # an upload row's place, shown by GET (records/uploads.py), never stored
    }
)
ORDER_KEY = "$order"  # a subform row's position, kept in its data (never rendered)

# coerce one value of a row field: (field, value, path) -> (ok, stored); errors are reported through the plan
Coercer = Callable[[Field, Any, str], tuple[bool, Any]]


@dataclass(slots=True)
class RowOps:
    field: Field
    module: Module
    adds: list[dict[str, Any]] = dc_field(default_factory=list)
    updates: dict[str, dict[str, Any]] = dc_field(default_factory=dict)
    deletes: list[str] = dc_field(default_factory=list)
    order: list[str | int] | None = None  # subforms: final order, row ids or indexes into ``adds``


def _accepts(sub: Field, new: bool) -> bool:
    """Whether a row's input sets this field: never a computed or read-only one; ``api_create`` for a new row,
    ``api_update`` for an existing one (the record engine's rule, ``validate.Validator._accepts``)."""
    if sub.data_type in COMPUTED_TYPES or sub.read_only:
        return False
    return sub.api_create if new else sub.api_update


class RowError(Exception):
    def __init__(self, error: ZohoError, late: bool = False) -> None:
        super().__init__(error.code)
        self.error = error
        self.late = late  # a mandatory row field: reported after references, like other mandatory checks


def rows_module(schema: OrgSchema, fld: Field) -> Module:
    name = fld.link.linking_module if fld.link else fld.associated_module
    module = schema.module(name or "")
    if module is None:  # pragma: no cover - the org loader guarantees the rows module
        raise RuntimeError(f"no rows module for {fld.api_name}")
    return module


class RowPlanner:
    def __init__(self, schema: OrgSchema, coerce_value: Coercer, operation: str) -> None:
        self.schema = schema
        self.coerce_value = coerce_value
        self.operation = operation

    def plan(self, fld: Field, value: Any, path: str, current: Sequence[StoredRecord]) -> RowOps:
        """The operations for ``fld`` set to ``value`` on a record whose rows are ``current``."""
        module = rows_module(self.schema, fld)
        ops = RowOps(fld, module)
        existing = {row.id: row for row in current}
        additive = fld.data_type != "subform"
        if value is None:
            ops.deletes = list(existing)
            ops.order = [] if not additive else None
            return ops
        if not isinstance(value, list):
            raise RowError(
                InvalidData(
                    details={"expected_data_type": fld.data_type, "api_name": fld.api_name, "json_path": path}
                )
            )
        pure_deletion = bool(value) and all(isinstance(r, dict) and "_delete" in r for r in value)
        order: list[str | int] = []
        mentioned: set[str] = set()
        linked = (
            {row.data.get(fld.link.connectedlookup_apiname): row.id for row in current} if fld.link else {}
        )
        for m, row in enumerate(value):
            row_path = f"{path}[{m}]"
            if not isinstance(row, dict):
                raise RowError(
                    InvalidData(
                        details={
                            "expected_data_type": "jsonobject",
                            "api_name": fld.api_name,
                            "json_path": row_path,
                        }
                    )
                )
            if "_delete" in row or "id" in row:
                row_id = parse_id(row["id"]) if "id" in row else None
                if "id" not in row:
                    raise RowError(
                        MandatoryNotFound(details={"api_name": "id", "json_path": f"{row_path}.id"})
                    )
                if self.operation == "insert" or row_id is None or row_id not in existing:
                    raise RowError(
                        InvalidData(MSG_INVALID_ID, {"api_name": "id", "json_path": f"{row_path}.id"})
                    )
                mentioned.add(row_id)
                if "_delete" in row:
                    ops.deletes.append(row_id)
                    if fld.link is not None:  # the target may be linked again by a later row of this item
                        linked = {target: rid for target, rid in linked.items() if rid != row_id}
                    continue
                changes = self._row_values(fld, module, row, row_path, new=False)
                if changes:
                    ops.updates[row_id] = changes
                order.append(row_id)
                continue
            data = self._row_values(fld, module, row, row_path, new=True)
            if fld.link is not None:
                target = data[fld.link.connectedlookup_apiname]
                if linked.get(target) == "":
                    continue  # the same link twice in one request is one link
                if target in linked:
                    raise RowError(
                        DuplicateLinkingData(
                            details={"api_name": fld.api_name, "json_path": row_path, "id": linked[target]}
                        )
                    )
                linked[target] = ""
            order.append(len(ops.adds))
            ops.adds.append(data)
        if not additive and not pure_deletion and value:
            ops.deletes += [row_id for row_id in existing if row_id not in mentioned]
            ops.order = order
        elif not additive and not value:
            ops.deletes = list(existing)
            ops.order = []
        return ops

    def _row_values(
        self, fld: Field, module: Module, row: dict[str, Any], row_path: str, new: bool
    ) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if fld.link is not None and new:
            key = fld.link.connectedlookup_apiname
            key_path = f"{row_path}.{key}"
            connected = row.get(key)
            if connected in (None, "") or (isinstance(connected, dict) and connected.get("id") in (None, "")):
                raise RowError(MandatoryNotFound(details={"api_name": key, "json_path": key_path}))
        for key, value in row.items():
            if key.startswith("$") or key in ROW_SKIP or key in SYSTEM_FIELDS:
                continue
            sub = module.by_name.get(key)
            key_path = f"{row_path}.{key}"
            if sub is None:
                raise RowError(InvalidData(MSG_INVALID_FIELD, {"api_name": key, "json_path": key_path}))
            if fld.link is not None and key == fld.link.lookup_apiname:
                continue  # the link's own parent is fixed
            if not _accepts(sub, new):
                continue  # computed and read-only fields are ignored in rows as in records (behaviour §3.10)
            if value is None or value == "":
                data[key] = None
                continue
            ok, stored = self.coerce_value(sub, value, key_path)
            if not ok:
                raise RowError(InvalidData())  # the coercer recorded the real error on the plan
            data[key] = stored
        if new:
            for sub in module.fields:
                name = sub.api_name
                if (
                    sub.system_mandatory
                    and name not in ("Parent_Id", "id")
                    and data.get(name) in (None, "", [])
                ):
                    raise RowError(
                        MandatoryNotFound(details={"api_name": name, "json_path": f"{row_path}.{name}"}),
                        late=True,
                    )
            if fld.data_type in ("imageupload", "fileupload") and not data.get("File_Id__s"):
                raise RowError(
                    MandatoryNotFound(
                        details={"api_name": "File_Id__s", "json_path": f"{row_path}.File_Id__s"}
                    )
                )
        return data
