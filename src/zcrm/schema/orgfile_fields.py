"""The fields of an org file's modules: one field normalised (labels, picklists, lookups, multi-select and
multi-user links), and the system fields every record module, linking module and upload row module gets."""

from __future__ import annotations

from typing import Any

from zcrm.schema.orgfile_checks import OrgFileError, req

LINK_TYPES = frozenset({"multiselectlookup", "multiuserlookup"})
UPLOAD_TYPES = frozenset({"imageupload", "fileupload"})
REFERENCE_TYPES = frozenset({"lookup", "ownerlookup", "userlookup"})

SYSTEM_FIELDS: tuple[dict[str, Any], ...] = (
    {
        "api_name": "Owner",
        "field_label": "Owner",
        "data_type": "ownerlookup",
        "length": 120,
        "lookup_module": "Users",
    },
    {
        "api_name": "Created_By",
        "field_label": "Created By",
        "data_type": "ownerlookup",
        "length": 120,
        "lookup_module": "Users",
        "read_only": True,
    },
    {
        "api_name": "Modified_By",
        "field_label": "Modified By",
        "data_type": "ownerlookup",
        "length": 120,
        "lookup_module": "Users",
        "read_only": True,
    },
    {
        "api_name": "Created_Time",
        "field_label": "Created Time",
        "data_type": "datetime",
        "length": 120,
        "read_only": True,
    },
    {
        "api_name": "Modified_Time",
        "field_label": "Modified Time",
        "data_type": "datetime",
        "length": 120,
        "read_only": True,
    },
    {"api_name": "Tag", "field_label": "Tag", "data_type": "text", "length": 2000},
    {"api_name": "Layout", "field_label": "Layout", "data_type": "layout", "length": 50},
    {"api_name": "id", "field_label": "Record Id", "data_type": "bigint", "length": 18, "read_only": True},
)
UPLOAD_ROW_FIELDS: tuple[dict[str, Any], ...] = (
    {"api_name": "File_Id__s", "field_label": "File Id", "data_type": "text", "length": 255},
    {"api_name": "File_Name__s", "field_label": "File Name", "data_type": "text", "length": 255},
    {"api_name": "Size__s", "field_label": "Size", "data_type": "text", "length": 255},
    {"api_name": "Description__s", "field_label": "Description", "data_type": "textarea", "length": 2000},
    {"api_name": "Preview_Id__s", "field_label": "Preview Id", "data_type": "text", "length": 255},
    {"api_name": "State__s", "field_label": "State", "data_type": "text", "length": 255},
    {"api_name": "id", "field_label": "Record Id", "data_type": "bigint", "length": 18, "read_only": True},
)


def label(api_name: str) -> str:
    return api_name.replace("__s", "").replace("_", " ").strip()


def _normalise_picklist(values: Any, where: str) -> list[dict[str, Any]]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise OrgFileError(f"{where}: 'pick_list_values' must be a list")
    out = []
    for index, value in enumerate(values):
        if isinstance(value, str):
            out.append({"display_value": value, "actual_value": value})
        elif isinstance(value, dict) and isinstance(value.get("display_value"), str):
            item = {
                "display_value": value["display_value"],
                "actual_value": value.get("actual_value", value["display_value"]),
            }
            for extra in ("probability", "forecast_category"):
                if extra in value:
                    item[extra] = value[extra]
            out.append(item)
        else:
            raise OrgFileError(f"{where}: pick_list_values[{index}] must be a string or have display_value")
    return out


def normalise_field(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise OrgFileError(f"{where}: a field must be a mapping")
    api_name = req(raw, "api_name", where)
    where = f"{where}.{api_name}"
    data_type = req(raw, "data_type", where)
    unique = raw.get("unique", False)
    if isinstance(unique, dict):
        unique_flag, case_sensitive = True, bool(unique.get("case_sensitive", False))
    else:
        unique_flag, case_sensitive = bool(unique), False
    read_only = bool(raw.get("read_only", False))
    field: dict[str, Any] = {
        "api_name": str(api_name),
        "field_label": str(raw.get("field_label") or label(str(api_name))),
        "data_type": str(data_type),
        "length": raw.get("length"),
        "decimal_place": raw.get("decimal_place"),
        "system_mandatory": bool(raw.get("system_mandatory", False)),
        "read_only": read_only,
        "custom_field": bool(raw.get("custom_field", False)),
        "visible": bool(raw.get("visible", True)),
        "unique": unique_flag,
        "unique_case_sensitive": case_sensitive,
        "pick_list_values": _normalise_picklist(raw.get("pick_list_values"), where),
        "lookup_module": raw.get("lookup_module"),
        "associated_module": raw.get("subform_module"),
        "link": None,
        "currency": raw.get("currency"),
        "textarea_type": raw.get("textarea_type"),
        "formula": raw.get("formula"),
        "auto_number": raw.get("auto_number"),
        "api_create": bool(raw.get("api_create", not read_only)),
        "api_update": bool(raw.get("api_update", not read_only)),
    }
    for key in ("length", "decimal_place"):
        if field[key] is not None and (not isinstance(field[key], int) or isinstance(field[key], bool)):
            raise OrgFileError(f"{where}: '{key}' must be an integer")
    if data_type in REFERENCE_TYPES and not field["lookup_module"]:
        if data_type == "lookup":
            raise OrgFileError(f"{where}: a lookup needs 'lookup_module'")
        field["lookup_module"] = "Users"
    if data_type == "subform" and not field["associated_module"]:
        raise OrgFileError(f"{where}: a subform needs 'subform_module'")
    if data_type in LINK_TYPES:
        spec = raw.get(data_type)
        if not isinstance(spec, dict):
            raise OrgFileError(f"{where}: a {data_type} field needs a '{data_type}' mapping")
        field["link"] = {
            "linking_module": req(spec, "linking_module", where),
            "lookup_apiname": req(spec, "lookup_apiname", where),
            "connectedlookup_apiname": req(spec, "connectedlookup_apiname", where),
            "connected_module": "Users"
            if data_type == "multiuserlookup"
            else req(spec, "connected_module", where),
        }
    return field
