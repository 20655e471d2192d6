"""Linking and delinking the records of a many-to-many related list, pure parts (zoho-v5-related.md §3.2, §3.3): each
item's id, its junction fields, and the answer per item. The reads and writes: ``service/related.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zcrm.errors import MSG_RELATED_ID, InvalidData, MandatoryNotFound, ZohoError
from zcrm.fields.coerce import FieldValueError, coerce, parse_id
from zcrm.records.validate import value_error
from zcrm.schema.related import RelatedList


def success(rid: str, message: str) -> dict[str, Any]:
    return {"code": "SUCCESS", "details": {"id": rid}, "message": message, "status": "success"}


def item_id(item: Any, index: int, path_id: str | None) -> str | ZohoError:
    """An item's related id (§3.2 steps 1 and 2, the shape and form of the id); the path's in the path form."""
    if not isinstance(item, dict):
        path = f"$.data[{index}]"
        return InvalidData(
            details={"expected_data_type": "jsonobject", "api_name": "data", "json_path": path}
        )
    raw = path_id if path_id is not None else item.get("id")
    if path_id is None and "id" not in item:
        return MandatoryNotFound(details={"api_name": "id", "json_path": f"$.data[{index}].id"})
    parsed = parse_id(raw)
    return parsed if parsed is not None else unknown_item(index)


def unknown_item(index: int) -> InvalidData:
    return InvalidData(MSG_RELATED_ID, {"api_name": "id", "json_path": f"$.data[{index}].id"})


@dataclass(slots=True)
class LinkPlan:
    results: list[dict[str, Any] | ZohoError] = field(default_factory=list)
    added: dict[str, dict[str, Any]] = field(default_factory=dict)  # related id -> junction data
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)


def plan_links(
    items: list[Any],
    ids: list[str | ZohoError],
    relation: RelatedList,
    valid: set[str],
    linked: dict[str, dict[str, Any]],
    defaults: dict[str, dict[str, Any]],
) -> LinkPlan:
    """Per item in order: ``ids`` (``item_id``'s answers), ``valid`` (the ids that are records of the list's module
    the user sees), ``linked`` (the existing links' data), ``defaults`` (a new link's junction values when not
    given, §3.2: a product's ``Unit_Price`` as ``list_price``)."""
    plan = LinkPlan()
    for index, (item, rid) in enumerate(zip(items, ids, strict=True)):
        if isinstance(rid, ZohoError):
            plan.results.append(rid)
            continue
        if rid not in valid:
            plan.results.append(unknown_item(index))
            continue
        values: dict[str, Any] = {}
        error: ZohoError | None = None
        for fld in relation.junction:
            if fld.api_name not in item:
                continue
            value = item[fld.api_name]
            try:
                values[fld.api_name] = None if value is None else coerce(fld, value)
            except FieldValueError as exc:
                error = value_error(exc, fld.api_name, f"$.data[{index}].{fld.api_name}")
                break
        if error is not None:
            plan.results.append(error)
            continue
        if rid in plan.added:
            plan.added[rid].update(values)
        elif rid in linked or rid in plan.changed:
            current = plan.changed.get(rid, linked.get(rid, {}))
            plan.changed[rid] = {**current, **values}
        else:
            plan.added[rid] = {**defaults.get(rid, {}), **values}
        plan.results.append(success(rid, "relation added"))
    return plan


def delink_results(ids: list[str], linked: set[str]) -> tuple[list[dict[str, Any] | ZohoError], list[str]]:
    """Per id in order (§3.3): removed when linked (once), else INVALID_DATA; and the ids to remove."""
    results: list[dict[str, Any] | ZohoError] = []
    removed: list[str] = []
    for rid in ids:
        if rid in linked and rid not in removed:
            removed.append(rid)
            results.append(success(rid, "relation removed"))
        else:
            results.append(InvalidData(MSG_RELATED_ID, {"id": rid}))
    return results, removed
