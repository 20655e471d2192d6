"""Stored records to the record JSON of read and write responses (behaviour §1.9, §3.14, §5.3)."""

from __future__ import annotations

from typing import Any, Protocol

from zcrm.fields.render import Renderer
from zcrm.records import notes
from zcrm.records.model import StoredRecord
from zcrm.records.rows import ORDER_KEY
from zcrm.records.uploads import UPLOAD_TYPES, upload_row
from zcrm.schema.model import ROW_TYPES, Field, Module, OrgSchema


def approval_label(record: StoredRecord) -> str:
    """``$approval_state`` (behaviour §5.3): Zia validation and merges show through the approval or review
    state."""
    if record.lock_state in ("zia_vision_processing", "zia_vision_rejected"):
        return record.lock_state
    if record.lock_state == "merge":
        return "merge_in_progress"
    return record.approval_state


def display_name(module: Module, data: dict[str, Any], record_id: str) -> str:
    parts = []
    for name in module.display_field:
        value = record_id if name == "id" else data.get(name)
        if value not in (None, ""):
            parts.append(value if isinstance(value, str) else str(value))
    return " ".join(parts)


def lookup_ids(module: Module, record: StoredRecord) -> list[str]:
    """Record ids the record's lookups point at (its rows' lookups included)."""
    ids = [
        record.data[f.api_name]
        for f in module.fields
        if f.data_type == "lookup" and isinstance(record.data.get(f.api_name), str)
    ]
    return ids


class Audited(Protocol):
    """What has audit fields: a record, an attachment."""

    @property
    def id(self) -> str: ...
    @property
    def created_by(self) -> str: ...
    @property
    def modified_by(self) -> str: ...
    @property
    def created_time(self) -> int: ...
    @property
    def modified_time(self) -> int: ...


def audit_fields(renderer: Renderer, row: Audited) -> dict[str, Any]:
    """A write's success details without the record's own keys: who wrote it when, and its id."""
    return {
        "Modified_Time": renderer.datetime(row.modified_time),
        "Modified_By": renderer.user_ref(row.modified_by, with_email=False),
        "Created_Time": renderer.datetime(row.created_time),
        "id": row.id,
        "Created_By": renderer.user_ref(row.created_by, with_email=False),
    }


def audit_details(renderer: Renderer, record: StoredRecord) -> dict[str, Any]:
    """The success entry's details: the audit fields after the write (§3.14)."""
    return {**audit_fields(renderer, record), "$approval_state": approval_label(record)}


class Presenter:
    """``tags``: the records' ``Tag`` values (zoho-v5-related.md §10.1), by record id; a record left out has none."""

    def __init__(
        self, schema: OrgSchema, renderer: Renderer, tags: dict[str, list[dict[str, Any]]] | None = None
    ) -> None:
        self.schema = schema
        self.renderer = renderer
        self.tags = tags or {}

    def field_value(self, module: Module, record: StoredRecord, api_name: str) -> Any:
        r = self.renderer
        if api_name == "id":
            return record.id
        if api_name == "Owner":
            return r.user_ref(record.owner_id)
        if api_name == "Created_By":
            return r.user_ref(record.created_by, with_email=False)
        if api_name == "Modified_By":
            return r.user_ref(record.modified_by, with_email=False)
        if api_name == "Created_Time":
            return r.datetime(record.created_time)
        if api_name == "Modified_Time":
            return r.datetime(record.modified_time)
        if api_name == "Tag":
            return self.tags.get(record.id, [])  # input is ignored (behaviour §3.10)
        fld = module.by_name[api_name]
        if api_name == "Layout":
            return r.value(fld, record.data.get("Layout"))
        return r.value(fld, record.data.get(api_name))

    def list_record(self, module: Module, record: StoredRecord, names: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in names:
            fld = module.by_name.get(name)
            if fld is None or fld.data_type in ROW_TYPES:
                continue
            value = self.field_value(module, record, name)
            if fld.textarea_type == "rich_text" and isinstance(value, str):
                value = value[:500]
            out[name] = value
        out["id"] = record.id
        if notes.is_notes(module):  # a note always says its parent's module (zoho-v5-related.md §4.3)
            out[notes.SE_MODULE] = record.data.get(notes.SE_MODULE)
        return out

    def row(
        self, row_module: Module, row: StoredRecord, parent: StoredRecord, parent_module: Module
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for fld in row_module.fields:
            name = fld.api_name
            if name in ("id", "Parent_Id") or name in (
                "Created_By",
                "Modified_By",
                "Created_Time",
                "Modified_Time",
            ):
                continue
            if name in ("Owner", "Tag", "Layout"):
                continue
            if name in row.data:
                out[name] = self.renderer.value(fld, row.data[name])
            elif row_module.generated_type == "subform":
                out[name] = None
        if row_module.generated_type == "subform":
            out["Parent_Id"] = {"name": display_name(parent_module, parent.data, parent.id), "id": parent.id}
        else:
            out["Created_Time"] = self.renderer.datetime(row.created_time)
        out["id"] = row.id
        return out

    def _link_target_exists(self, fld: Field, row: StoredRecord) -> bool:
        """Links to a deleted record or user are gone (behaviour §5.4)."""
        if fld.link is None:
            return True
        target = row.data.get(fld.link.connectedlookup_apiname)
        if fld.data_type == "multiuserlookup":
            return target in self.schema.users_by_id
        return target in self.renderer.names

    def full_record(self, module: Module, record: StoredRecord, names: list[str] | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        rows_by_module: dict[str, list[StoredRecord]] = {}
        for child in sorted(record.children, key=lambda row: (row.data.get(ORDER_KEY, 0), row.id)):
            rows_by_module.setdefault(child.module_id, []).append(child)
        wanted = names if names is not None else [f.api_name for f in module.fields]
        for name in wanted:
            fld = module.by_name.get(name)
            if fld is None:
                continue
            if fld.data_type in ROW_TYPES:
                row_module = self.schema.module(
                    fld.link.linking_module if fld.link else fld.associated_module or ""
                )
                if row_module is None:
                    continue
                children = rows_by_module.get(row_module.id, [])
                if fld.data_type in UPLOAD_TYPES:
                    out[name] = [upload_row(child, n) for n, child in enumerate(children, 1)]
                    continue
                out[name] = [
                    self.row(row_module, child, record, module)
                    for child in children
                    if self._link_target_exists(fld, child)
                ]
                continue
            out[name] = self.field_value(module, record, name)
        out["id"] = record.id
        out.update(self.annotations(module, record))
        return out

    def annotations(self, module: Module, record: StoredRecord) -> dict[str, Any]:
        """The record's ``$`` annotations (behaviour §5.3): a single record's, and a search's without ``fields``."""
        out: dict[str, Any] = {
            "$approval_state": approval_label(record),
            "$editable": True,
            "$locked_for_me": record.lock_state == "record_locking",
            "$in_merge": record.lock_state == "merge",
        }
        if any(f.data_type == "currency" for f in module.fields):
            out["$currency_symbol"] = "$"
        if notes.is_notes(module):
            out[notes.SE_MODULE] = record.data.get(notes.SE_MODULE)
        return out
