"""The recycle bin, pure (zoho-v5-related.md §9): the entry a deleted record leaves (its lookup name, who deleted it
and when, and its stored row with its child rows, complete enough to restore it), the entry's kind by age on the
org's clock, the list's parameters and an entry's JSON. The SQL is ``store/recycle.py``'s, the units of work
``service/recycle.py``'s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zcrm.errors import PatternNotMatched
from zcrm.fields.render import Renderer
from zcrm.records.model import StoredRecord
from zcrm.records.present import display_name
from zcrm.records.reads import positive_param
from zcrm.schema.model import Module

DAY = 86400
RECYCLE_SECONDS = 60 * DAY  # a recycle-bin entry becomes a permanent one 60 days after the deletion…
KEPT_SECONDS = 120 * DAY  # …and is gone 120 days after it
TYPES = ("all", "recycle", "permanent")
MAX_PER_PAGE = 200


@dataclass(frozen=True, slots=True)
class Entry:
    """A ``deleted_records`` row."""

    id: str
    module_id: str
    display_name: str | None
    deleted_by: str | None
    deleted_time: int
    created_by: str | None
    record: dict[str, Any] | None  # the stored row as JSON (``row_json``); None when not read (a listing)


def row_json(record: StoredRecord) -> dict[str, Any]:
    """A stored record's row (every column of ``records`` but ``org_id``) and its child rows, as JSON."""
    out: dict[str, Any] = {
        "id": record.id,
        "module_id": record.module_id,
        "parent_id": record.parent_id,
        "data": record.data,
        "owner_id": record.owner_id,
        "created_by": record.created_by,
        "modified_by": record.modified_by,
        "created_time": record.created_time,
        "modified_time": record.modified_time,
        "approval_state": record.approval_state,
        "lock_state": record.lock_state,
        "converted": record.converted,
    }
    if record.parent_id is None:
        out["children"] = [row_json(child) for child in record.children]
    return out


def entry_of(module: Module, record: StoredRecord, actor: str | None, now: int) -> Entry:
    """The entry of ``record`` (a top-level record of ``module``, its ``children`` filled) deleted by ``actor`` at
    ``now``: its display name is its lookup name at deletion (behaviour §1.9)."""
    return Entry(
        id=record.id,
        module_id=module.id,
        display_name=display_name(module, record.data, record.id),
        deleted_by=actor,
        deleted_time=now,
        created_by=record.created_by,
        record=row_json(record),
    )


@dataclass(frozen=True, slots=True)
class ListParams:
    type: str  # all | recycle | permanent
    page: int
    per_page: int


def parse_list_params(params: dict[str, str]) -> ListParams:
    """``type`` (default ``all``; another value: ``PATTERN_NOT_MATCHED``), ``page`` and ``per_page`` (at most
    200: a larger one is clamped)."""
    kind = params.get("type", "all")
    if kind not in TYPES:
        raise PatternNotMatched(details={"param_name": "type"})
    page = positive_param(params, "page", 1)
    per_page = min(positive_param(params, "per_page", MAX_PER_PAGE), MAX_PER_PAGE)
    return ListParams(kind, page, per_page)


def window(kind: str, now: int) -> tuple[int, int | None]:
    """The deletion times an entry of ``kind`` has at ``now``: after the first bound, and at or before the second
    (None: no upper bound). An entry is ``recycle`` until 60 days after its deletion, then ``permanent`` until 120
    days after it, then gone."""
    if kind == "recycle":
        return now - RECYCLE_SECONDS, None
    if kind == "permanent":
        return now - KEPT_SECONDS, now - RECYCLE_SECONDS
    return now - KEPT_SECONDS, None


def is_recycle(deleted_time: int, now: int) -> bool:
    return deleted_time > now - RECYCLE_SECONDS


def present(renderer: Renderer, entry: Entry, now: int) -> dict[str, Any]:
    """An entry's JSON, keys in §9's order; a permanent entry names neither its record nor its users."""
    if is_recycle(entry.deleted_time, now):
        return {
            "deleted_by": renderer.user_ref(entry.deleted_by, with_email=False),
            "id": entry.id,
            "display_name": entry.display_name,
            "type": "recycle",
            "created_by": renderer.user_ref(entry.created_by, with_email=False),
            "deleted_time": renderer.datetime(entry.deleted_time),
        }
    return {
        "deleted_by": None,
        "id": entry.id,
        "display_name": None,
        "type": "permanent",
        "created_by": None,
        "deleted_time": renderer.datetime(entry.deleted_time),
    }
