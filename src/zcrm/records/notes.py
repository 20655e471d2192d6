"""Notes (zoho-v5-related.md §4), pure: which modules have notes, a note's parent as an item names it, and what a
note carries besides its fields. A note is a record of the ``Notes`` module whose ``Parent_Id`` lookup names a record
of any module with notes; the parent's module is kept in the note's data as ``$se_module``."""

from __future__ import annotations

from typing import Any

from zcrm.errors import MSG_RELATED_ID, InvalidData, MandatoryNotFound
from zcrm.schema.model import Module, OrgSchema

NOTES = "Notes"
PARENT = "Parent_Id"  # the note's lookup to its parent record
SE_MODULE = "$se_module"  # the parent's module (API name), in the note's data and reads
MODULE_KEYS = (
    "se_module",
    "$se_module",
)  # where an item may name the parent's module (besides Parent_Id.module)
ORDER = ("Created_Time", "asc")  # notes read oldest first (§4.3): Created_Time, then id, ascending
# modules that have no notes besides Notes itself and the subform and linking modules (§2.3)
WITHOUT_NOTES = frozenset({NOTES, "Appointments_Rescheduled_History__s"})


def is_notes(module: Module) -> bool:
    return module.api_name == NOTES


def parent_field(module: Module) -> str | None:
    """The field naming a note's parent, for the Notes module; None for every other module."""
    return PARENT if is_notes(module) and PARENT in module.by_name else None


def has_notes(schema: OrgSchema, module: Module) -> bool:
    """Whether records of ``module`` have notes (§2.3): every API-supported module of an org with a Notes module,
    except Notes itself, the subform and linking modules and Appointments_Rescheduled_History__s."""
    return (
        module.api_supported
        and module.generated_type in ("default", "custom")
        and module.api_name not in WITHOUT_NOTES
        and schema.module(NOTES) is not None
    )


def named_module(item: dict[str, Any]) -> Any:
    """The parent's module as the item names it: ``Parent_Id.module.api_name``, else ``se_module`` or
    ``$se_module`` (§4.2); None when it names none."""
    parent = item.get(PARENT)
    if isinstance(parent, dict) and isinstance(parent.get("module"), dict):
        name = parent["module"].get("api_name")
        if name not in (None, ""):
            return name
    for key in MODULE_KEYS:
        if item.get(key) not in (None, ""):
            return item[key]
    return None


def parent_error(index: int) -> InvalidData:
    return InvalidData(MSG_RELATED_ID, {"api_name": PARENT, "json_path": f"$.data[{index}].{PARENT}"})


def parent_module(
    schema: OrgSchema, item: dict[str, Any], index: int
) -> Module | MandatoryNotFound | InvalidData:
    """The module of the parent a note item names, or its error: none named (MANDATORY_NOT_FOUND se_module), or a
    name that is not a module with notes (the Parent_Id error: no record of it can be a parent)."""
    name = named_module(item)
    if name is None:
        return MandatoryNotFound(details={"api_name": "se_module", "json_path": f"$.data[{index}].se_module"})
    module = schema.module(name) if isinstance(name, str) else None
    if module is None or not has_notes(schema, module):
        return parent_error(index)
    return module
