"""Reading an org definition file (YAML or JSON) into a normalised, validated definition.

The format is documented in ``docs/org-file.md``. Normalising fills in defaults, adds the system fields
every record module has, and generates the linking modules of multi-select and multi-user lookups and the
row modules of image and file uploads, so that the store can persist the result as it is.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from zcrm.auth.passwords import is_hash as is_password_hash
from zcrm.automation.functions import FunctionLoadError, check
from zcrm.automation.rules import ACTIONS, WHEN
from zcrm.fields.coerce import FieldValueError, coerce
from zcrm.schema import processes
from zcrm.schema.model import Field, PicklistValue
from zcrm.schema.orgfile_checks import OrgFileError as OrgFileError
from zcrm.schema.orgfile_checks import criteria
from zcrm.schema.orgfile_checks import req as _req

FORMAT = "zcrm-org/1"
MODULE_TYPES = frozenset({"default", "custom", "subform", "linking"})
SHARING = ("public_read_write", "public_read_only", "private")
PERMISSIONS = frozenset({"view", "create", "edit", "delete"})
USER_STATUSES = frozenset({"active", "inactive", "deleted"})
EDITIONS = frozenset(
    {"Free", "Standard", "Starter", "Professional", "Enterprise", "Zoho One", "Ultimate", "CRM Plus"}
)
LINK_TYPES = frozenset({"multiselectlookup", "multiuserlookup"})
UPLOAD_TYPES = frozenset({"imageupload", "fileupload"})
REFERENCE_TYPES = frozenset({"lookup", "ownerlookup", "userlookup"})

_SYSTEM_FIELDS: tuple[dict[str, Any], ...] = (
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
_UPLOAD_ROW_FIELDS: tuple[dict[str, Any], ...] = (
    {"api_name": "File_Id__s", "field_label": "File Id", "data_type": "text", "length": 255},
    {"api_name": "File_Name__s", "field_label": "File Name", "data_type": "text", "length": 255},
    {"api_name": "Size__s", "field_label": "Size", "data_type": "text", "length": 255},
    {"api_name": "Description__s", "field_label": "Description", "data_type": "textarea", "length": 2000},
    {"api_name": "Preview_Id__s", "field_label": "Preview Id", "data_type": "text", "length": 255},
    {"api_name": "State__s", "field_label": "State", "data_type": "text", "length": 255},
    {"api_name": "id", "field_label": "Record Id", "data_type": "bigint", "length": 18, "read_only": True},
)


def read_org_file(path: Path | None) -> dict[str, Any]:
    """The raw definition in ``path``, or the built-in standard org when ``path`` is None."""
    if path is None:
        text = resources.files("zcrm.schema.standard").joinpath("org.json").read_text("utf-8")
        return dict(json.loads(text))
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise OrgFileError(f"{path}: cannot read the org file ({exc.strerror})") from exc
    try:
        loaded = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise OrgFileError(
            f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}"
        ) from exc
    if not isinstance(loaded, dict):
        raise OrgFileError(f"{path}: the top level must be a mapping")
    functions = loaded.get("functions")
    if isinstance(functions, list):
        for index, function in enumerate(functions):
            if isinstance(function, dict) and "file" in function and "source" not in function:
                source_path = path.parent / str(function["file"])
                try:
                    function["source"] = source_path.read_text("utf-8")
                except OSError as exc:
                    raise OrgFileError(
                        f"functions[{index}]: cannot read {source_path} ({exc.strerror})"
                    ) from exc
    return loaded


def _label(api_name: str) -> str:
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


def _normalise_field(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise OrgFileError(f"{where}: a field must be a mapping")
    api_name = _req(raw, "api_name", where)
    where = f"{where}.{api_name}"
    data_type = _req(raw, "data_type", where)
    unique = raw.get("unique", False)
    if isinstance(unique, dict):
        unique_flag, case_sensitive = True, bool(unique.get("case_sensitive", False))
    else:
        unique_flag, case_sensitive = bool(unique), False
    read_only = bool(raw.get("read_only", False))
    field: dict[str, Any] = {
        "api_name": str(api_name),
        "field_label": str(raw.get("field_label") or _label(str(api_name))),
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
            "linking_module": _req(spec, "linking_module", where),
            "lookup_apiname": _req(spec, "lookup_apiname", where),
            "connectedlookup_apiname": _req(spec, "connectedlookup_apiname", where),
            "connected_module": "Users"
            if data_type == "multiuserlookup"
            else _req(spec, "connected_module", where),
        }
    return field


def _sharing(raw: Any, where: str) -> str:
    """The org-wide default sharing of a module's records (default: public read/write, as in a new Zoho org)."""
    if raw is None:
        return SHARING[0]
    if raw not in SHARING:
        raise OrgFileError(f"{where}: sharing must be one of {list(SHARING)}")
    return str(raw)


def _display_field(raw: Any, field_names: set[str], where: str) -> list[str]:
    if raw is None:
        return ["Name"] if "Name" in field_names else ["id"]
    names = [raw] if isinstance(raw, str) else list(raw)
    for name in names:
        if name not in field_names:
            raise OrgFileError(f"{where}: display_field '{name}' is not a field of the module")
    return names


def _normalise_module(
    raw: Any,
    index: int,
    functions: dict[str, dict[str, str]] | None = None,
    webhooks: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise OrgFileError(f"modules[{index}]: a module must be a mapping")
    api_name = str(_req(raw, "api_name", f"modules[{index}]"))
    where = f"modules.{api_name}"
    generated_type = raw.get("generated_type", "custom")
    if generated_type not in MODULE_TYPES:
        raise OrgFileError(f"{where}: generated_type must be one of {sorted(MODULE_TYPES)}")
    raw_fields = raw.get("fields") or []
    if not isinstance(raw_fields, list):
        raise OrgFileError(f"{where}: 'fields' must be a list")
    fields = [_normalise_field(f, f"{where}.fields[{i}]") for i, f in enumerate(raw_fields)]
    names = [f["api_name"] for f in fields]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise OrgFileError(f"{where}: duplicate field api_name {duplicates}")
    if generated_type in ("default", "custom"):
        present = set(names)
        fields.extend(
            _normalise_field(dict(f), where) for f in _SYSTEM_FIELDS if f["api_name"] not in present
        )
    elif generated_type == "subform":
        present = set(names)
        parent = raw.get("parent_module")
        if "Parent_Id" not in present and parent:
            fields.append(
                _normalise_field(
                    {
                        "api_name": "Parent_Id",
                        "field_label": "Parent Id",
                        "data_type": "lookup",
                        "lookup_module": parent,
                    },
                    where,
                )
            )
        if "id" not in present:
            fields.append(_normalise_field(dict(_SYSTEM_FIELDS[-1]), where))
    field_names = {f["api_name"] for f in fields}
    layouts_raw = raw.get("layouts") or [{"name": "Standard", "required": []}]
    layouts = []
    for layout in layouts_raw:
        if not isinstance(layout, dict):
            raise OrgFileError(f"{where}: a layout must be a mapping")
        required = list(layout.get("required") or [])
        for name in required:
            if name not in field_names:
                raise OrgFileError(f"{where}: layout '{layout.get('name')}' requires unknown field '{name}'")
        layouts.append({"name": str(layout.get("name") or "Standard"), "required": required})
    default_scope = api_name.lower() if generated_type == "default" else "custom"
    return {
        "api_name": api_name,
        "singular_label": str(raw.get("singular_label") or _label(api_name)),
        "plural_label": str(raw.get("plural_label") or _label(api_name)),
        "generated_type": generated_type,
        "api_supported": bool(raw.get("api_supported", True)),
        "scope_name": str(raw.get("scope_name") or default_scope),
        "sharing": _sharing(raw.get("sharing"), where),
        "display_field": _display_field(raw.get("display_field"), field_names, where),
        "parent_module": raw.get("parent_module"),
        "layouts": layouts,
        "fields": fields,
        "workflow_rules": _normalise_rules(
            raw.get("workflow_rules"), fields, where, {} if functions is None else functions, webhooks or {}
        ),
        "approval_processes": processes.approval_processes(raw.get("approval_processes"), fields, where),
        "review_process": processes.review_process(raw.get("review_process"), fields, where),
        "zia_image_validation": processes.zia_image_validation(
            raw.get("zia_image_validation"), fields, where
        ),
    }


# the data types a workflow field update may set: values held in the record document, not in rows of their own
RULE_FIELD_TYPES = frozenset(
    {
        "text",
        "textarea",
        "email",
        "phone",
        "website",
        "picklist",
        "multiselectpicklist",
        "integer",
        "bigint",
        "double",
        "currency",
        "percent",
        "decimal",
        "boolean",
        "date",
        "datetime",
    }
)


def _rule_field(field: dict[str, Any]) -> Field:
    """The model of a normalised field, enough to coerce a value for it (ids are not assigned yet)."""
    return Field(
        id="",
        api_name=field["api_name"],
        field_label=field["field_label"],
        data_type=field["data_type"],
        length=field.get("length"),
        decimal_place=field.get("decimal_place"),
        pick_list_values=tuple(
            PicklistValue(
                display_value=v["display_value"], actual_value=v["actual_value"], id="", sequence_number=i
            )
            for i, v in enumerate(field.get("pick_list_values") or [], 1)
        ),
    )


def normalise_module_rules(
    raw: Any, fields: list[dict[str, Any]], module: str, installed: dict[str, dict[str, str]]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """One module's ``workflow_rules`` given through the control plane, with the ``functions`` (inline ``source``)
    and ``webhooks`` they name, checked like those of an org file; rules may also name the org's ``installed``
    functions. Returns the rules and the functions the body gives that are not installed as they are (whether the
    caller may install them is ``service/workflow_rules.py``'s to decide)."""
    if not isinstance(raw, dict):
        raise OrgFileError("the body must be an object")
    given = _normalise_functions(raw.get("functions"))
    webhooks = _normalise_webhooks(raw.get("webhooks"))
    if "workflow_rules" not in raw:
        raise OrgFileError("'workflow_rules' is required")
    functions = {**installed, **given}
    rules = _normalise_rules(raw["workflow_rules"], fields, f"modules.{module}", functions, webhooks)
    return rules, {name: f for name, f in functions.items() if installed.get(name) != f}


def org_file_functions(raw: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The functions of an org file (as ``read_org_file`` read it), checked, by name: ``{source, handler}``."""
    return _normalise_functions(raw.get("functions"))


def normalise_org_functions(raw: Any) -> dict[str, dict[str, str]]:
    """An org's functions given through the control plane: ``{"functions": [{name, source, handler?}]}``."""
    if not isinstance(raw, dict):
        raise OrgFileError("the body must be an object")
    if "functions" not in raw:
        raise OrgFileError("'functions' is required")
    unknown = sorted(set(raw) - {"functions"})
    if unknown:
        raise OrgFileError(f"unknown key '{unknown[0]}'")
    for index, function in enumerate(raw["functions"] if isinstance(raw["functions"], list) else []):
        if isinstance(function, dict) and "file" in function:
            raise OrgFileError(f"functions[{index}]: give the code as 'source' ('file' is for org files)")
    return _normalise_functions(raw["functions"])


def _named_entries(raw: Any, key: str, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(where, name, entry) for each entry of a top-level list of named mappings (``functions``, ``webhooks``);
    names must be unique."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise OrgFileError(f"{key}: must be a list")
    entries: list[tuple[str, str, dict[str, Any]]] = []
    for index, entry in enumerate(raw):
        at = f"{key}[{index}]"
        if not isinstance(entry, dict):
            raise OrgFileError(f"{at}: a {kind} must be a mapping")
        name = str(_req(entry, "name", at))
        if any(name == seen for _, seen, _ in entries):
            raise OrgFileError(f"{at}: duplicate {kind} name '{name}'")
        entries.append((at, name, entry))
    return entries


def _function(function: dict[str, Any], name: str, at: str) -> dict[str, str]:
    """``{source, handler}`` of a function given with its code: compiled and checked, never run."""
    source = function.get("source")
    if not isinstance(source, str):
        raise OrgFileError(f"{at}: 'file' (a Python file beside the org file) or 'source' is required")
    handler = function.get("handler") or name
    if not isinstance(handler, str):
        raise OrgFileError(f"{at}: 'handler' must be a string")
    file = function.get("file")
    try:
        check(source, handler, str(file) if isinstance(file, str) else f"<zcrm function {name}>")
    except FunctionLoadError as exc:
        raise OrgFileError(f"{at}: {exc}") from None
    return {"source": source, "handler": handler}


def _normalise_functions(raw: Any) -> dict[str, dict[str, str]]:
    """The functions by name: ``{name, file | source, handler}``; each source must compile and define its handler
    at its top level (checked with ``ast``: nothing of it runs)."""
    return {
        name: _function(function, name, at)
        for at, name, function in _named_entries(raw, "functions", "function")
    }


def _normalise_webhooks(raw: Any) -> dict[str, dict[str, str]]:
    """The org's webhooks by name: ``{name, url, body: json | form, secret}``."""
    webhooks: dict[str, dict[str, str]] = {}
    for at, name, webhook in _named_entries(raw, "webhooks", "webhook"):
        url = str(_req(webhook, "url", at))
        if not url.startswith(("http://", "https://")):
            raise OrgFileError(f"{at}: url must be an http:// or https:// URL")
        body = webhook.get("body", "json")
        if body not in ("json", "form"):
            raise OrgFileError(f"{at}: body must be 'json' or 'form'")
        secret = _req(webhook, "secret", at)
        webhooks[name] = {"webhook": name, "url": url, "body_type": body, "secret": str(secret)}
    return webhooks


def _normalise_action(
    action: Any,
    at: str,
    by_name: dict[str, dict[str, Any]],
    functions: dict[str, dict[str, str]],
    webhooks: dict[str, dict[str, str]],
) -> dict[str, Any]:
    if not isinstance(action, dict) or action.get("type") not in ACTIONS:
        raise OrgFileError(f"{at}: type must be one of {list(ACTIONS)}")
    if action["type"] == "webhook":
        if all(isinstance(action.get(k), str) for k in ("webhook", "url", "body_type", "secret")):
            return {
                k: action[k] for k in ("type", "webhook", "url", "body_type", "secret")
            }  # already normalised
        name = action.get("webhook")
        if name not in webhooks:
            raise OrgFileError(f"{at}: 'webhook' must name one of the org's webhooks {sorted(webhooks)}")
        return {"type": "webhook", **webhooks[name]}
    if action["type"] == "function":
        name = action.get("function")
        if isinstance(name, str) and ("source" in action or "handler" in action):
            # the code inline, as actions held it before functions were installed by name: the org gets it
            inline = _function(action, name, at)
            if functions.get(name, inline) != inline:
                raise OrgFileError(
                    f"{at}: the code given for '{name}' differs from the function of that name"
                )
            functions[name] = inline
        if name not in functions:
            raise OrgFileError(f"{at}: 'function' must name one of the org's functions {sorted(functions)}")
        return {"type": "function", "function": name}
    target = by_name.get(str(action.get("field")))
    if target is None or target["data_type"] not in RULE_FIELD_TYPES or target.get("read_only"):
        raise OrgFileError(
            f"{at}: a field update sets one of the module's plain fields ({sorted(RULE_FIELD_TYPES)})"
        )
    if target.get("unique"):
        raise OrgFileError(f"{at}: a field update cannot set the unique field '{target['api_name']}'")
    if action.get("value") is None:
        raise OrgFileError(f"{at}: a field update needs a 'value'")
    try:
        value = coerce(_rule_field(target), action["value"])
    except FieldValueError as exc:
        problem = f"expected {exc.expected}" if exc.kind == "type" else f"at most {exc.maximum_length} long"
        raise OrgFileError(f"{at}: invalid value for '{target['api_name']}' ({problem})") from None
    return {"type": "field_update", "field": target["api_name"], "value": value}


def _normalise_rules(
    raw: Any,
    fields: list[dict[str, Any]],
    where: str,
    functions: dict[str, dict[str, str]],
    webhooks: dict[str, dict[str, str]],
) -> list[dict[str, Any]]:
    """A module's workflow rules (see docs/automation.md): checked against its fields, field-update values coerced
    to their stored form."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise OrgFileError(f"{where}: 'workflow_rules' must be a list")
    by_name = {f["api_name"]: f for f in fields}
    rules = []
    for index, rule in enumerate(raw):
        at = f"{where}.workflow_rules[{index}]"
        if not isinstance(rule, dict):
            raise OrgFileError(f"{at}: a rule must be a mapping")
        name = str(_req(rule, "name", at))
        when = rule.get("when")
        if when not in WHEN:
            raise OrgFileError(f"{at}: when must be one of {list(WHEN)}")
        trigger_field = rule.get("field")
        if when == "field_update" and trigger_field not in by_name:
            raise OrgFileError(f"{at}: a field_update rule needs 'field', one of the module's fields")
        checked = criteria(rule, at, by_name)
        actions = [
            _normalise_action(action, f"{at}.actions[{a_index}]", by_name, functions, webhooks)
            for a_index, action in enumerate(rule.get("actions") or [])
        ]
        if not actions:
            raise OrgFileError(f"{at}: a rule needs at least one action")
        rules.append(
            {
                "name": name,
                "when": when,
                "field": trigger_field if when == "field_update" else None,
                **checked,
                "actions": actions,
                "active": bool(rule.get("active", True)),
            }
        )
    return rules


def _linking_module(owner: dict[str, Any], field: dict[str, Any]) -> dict[str, Any]:
    link = field["link"]
    connected_type = "userlookup" if field["data_type"] == "multiuserlookup" else "lookup"
    raw = {
        "api_name": link["linking_module"],
        "generated_type": "linking",
        "singular_label": _label(link["linking_module"]),
        "plural_label": _label(link["linking_module"]),
        "fields": [
            {"api_name": link["lookup_apiname"], "data_type": "lookup", "lookup_module": owner["api_name"]},
            {
                "api_name": link["connectedlookup_apiname"],
                "data_type": connected_type,
                "lookup_module": link["connected_module"],
            },
            *[dict(f) for f in _SYSTEM_FIELDS if f["api_name"] not in ("Layout", "Tag")],
        ],
        "display_field": "id",
    }
    return _normalise_module(raw, 0)


def _upload_module(owner: dict[str, Any], field: dict[str, Any]) -> dict[str, Any]:
    name = f"{owner['api_name']}_{field['api_name']}"
    raw = {
        "api_name": name,
        "generated_type": "subform",
        "api_supported": False,
        "parent_module": owner["api_name"],
        "fields": [dict(f) for f in _UPLOAD_ROW_FIELDS],
        "display_field": "id",
    }
    return _normalise_module(raw, 0)


def normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate ``raw`` and return the normalised definition the store persists."""
    fmt = raw.get("format", FORMAT)
    if fmt != FORMAT:
        raise OrgFileError(f"format: expected '{FORMAT}', got {fmt!r}")
    org = raw.get("org") or {}
    if not isinstance(org, dict):
        raise OrgFileError("org: must be a mapping")
    edition = org.get("edition", "Enterprise")
    if edition not in EDITIONS:
        raise OrgFileError(f"org.edition: must be one of {sorted(EDITIONS)}")
    org_info = {
        "company_name": str(org.get("company_name") or "zcrm"),
        "time_zone": str(org.get("time_zone") or "UTC"),
        "currency": str(org.get("currency") or "USD"),
        "country_code": str(org.get("country_code") or "US"),
        "edition": edition,
        "primary_email": str(org.get("primary_email") or ""),
    }
    raw_modules = raw.get("modules")
    if not isinstance(raw_modules, list) or not raw_modules:
        raise OrgFileError("modules: a non-empty list is required")
    functions = _normalise_functions(raw.get("functions"))
    webhooks = _normalise_webhooks(raw.get("webhooks"))
    modules = [_normalise_module(m, i, functions, webhooks) for i, m in enumerate(raw_modules)]
    names: set[str] = set()
    for module in modules:
        if module["api_name"].lower() in names:
            raise OrgFileError(f"modules: duplicate module api_name '{module['api_name']}'")
        names.add(module["api_name"].lower())
    generated: list[dict[str, Any]] = []
    for module in modules:
        for field in module["fields"]:
            if field["data_type"] in LINK_TYPES:
                if field["link"]["linking_module"].lower() not in names:
                    generated.append(_linking_module(module, field))
                    names.add(field["link"]["linking_module"].lower())
            elif field["data_type"] in UPLOAD_TYPES:
                rows = _upload_module(module, field)
                field["associated_module"] = rows["api_name"]
                if rows["api_name"].lower() not in names:
                    generated.append(rows)
                    names.add(rows["api_name"].lower())
    modules.extend(generated)
    by_name = {m["api_name"]: m for m in modules}
    for module in modules:
        for field in module["fields"]:
            where = f"modules.{module['api_name']}.{field['api_name']}"
            target = field["lookup_module"]
            if target and target not in ("Users", "se_module") and target not in by_name:
                raise OrgFileError(f"{where}: lookup_module '{target}' is not a module of this org")
            if field["data_type"] == "subform":
                sub = by_name.get(field["associated_module"])
                if sub is None or sub["generated_type"] != "subform":
                    raise OrgFileError(
                        f"{where}: subform_module '{field['associated_module']}' is not a subform module"
                    )
            if field["link"] and field["link"]["connected_module"] not in ("Users", *by_name):
                raise OrgFileError(
                    f"{where}: connected_module '{field['link']['connected_module']}' is unknown"
                )
    roles = _normalise_roles(raw.get("roles"))
    profiles = _normalise_profiles(raw.get("profiles"), set(by_name))
    users = _normalise_users(raw.get("users"), [r["name"] for r in roles], {p["name"]: p for p in profiles})
    processes.check_users(modules, users)
    return {
        "org": org_info,
        "functions": [{"name": name, **function} for name, function in functions.items()],
        "modules": modules,
        "roles": roles,
        "profiles": profiles,
        "users": users,
    }


def _normalise_roles(raw: Any) -> list[dict[str, Any]]:
    raw = raw or [{"name": "CEO"}]
    if not isinstance(raw, list):
        raise OrgFileError("roles: must be a list")
    roles = []
    for index, role in enumerate(raw):
        if not isinstance(role, dict):
            raise OrgFileError(f"roles[{index}]: must be a mapping")
        roles.append(
            {"name": str(_req(role, "name", f"roles[{index}]")), "reports_to": role.get("reports_to")}
        )
    names = {r["name"] for r in roles}
    for role in roles:
        if role["reports_to"] is not None and role["reports_to"] not in names:
            raise OrgFileError(f"roles.{role['name']}: reports_to '{role['reports_to']}' is not a role")
    return roles


def _normalise_profiles(raw: Any, modules: set[str]) -> list[dict[str, Any]]:
    raw = raw or [{"name": "Administrator", "admin": True}]
    if not isinstance(raw, list):
        raise OrgFileError("profiles: must be a list")
    profiles: list[dict[str, Any]] = []
    for index, profile in enumerate(raw):
        if not isinstance(profile, dict):
            raise OrgFileError(f"profiles[{index}]: must be a mapping")
        name = str(_req(profile, "name", f"profiles[{index}]"))
        if any(p["name"] == name for p in profiles):
            raise OrgFileError(f"profiles.{name}: duplicate profile name")
        permissions = profile.get("permissions") or {}
        if not isinstance(permissions, dict):
            raise OrgFileError(f"profiles.{name}: permissions must be a mapping")
        for module, granted in permissions.items():
            if module != "*" and module not in modules:
                raise OrgFileError(f"profiles.{name}: unknown module '{module}'")
            if not isinstance(granted, list) or not set(granted) <= PERMISSIONS:
                raise OrgFileError(
                    f"profiles.{name}.{module}: permissions are a list of {sorted(PERMISSIONS)}"
                )
        profiles.append(
            {
                "name": name,
                "admin": bool(profile.get("admin", False)),
                "permissions": {k: list(v) for k, v in permissions.items()},
            }
        )
    return profiles


def _normalise_users(raw: Any, roles: list[str], profiles: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    raw = raw or [{"first_name": "Admin", "last_name": "User", "email": "admin@zcrm.test"}]
    if not isinstance(raw, list):
        raise OrgFileError("users: must be a list")
    users: list[dict[str, Any]] = []
    first_role = roles[0]
    admin_profile = next((p["name"] for p in profiles.values() if p["admin"]), next(iter(profiles)))
    for index, user in enumerate(raw):
        where = f"users[{index}]"
        if not isinstance(user, dict):
            raise OrgFileError(f"{where}: must be a mapping")
        item = {
            "first_name": str(user.get("first_name") or ""),
            "last_name": str(_req(user, "last_name", where)),
            "email": str(_req(user, "email", where)),
            "role": str(user.get("role") or first_role),
            "profile": str(user.get("profile") or admin_profile),
            "time_zone": user.get("time_zone"),
            "status": str(user.get("status") or "active"),
            "locale": str(user.get("locale") or "en_US"),
        }
        if item["role"] not in roles:
            raise OrgFileError(f"{where}: role '{item['role']}' is not defined")
        if item["profile"] not in profiles:
            raise OrgFileError(f"{where}: profile '{item['profile']}' is not defined")
        if item["status"] not in USER_STATUSES:
            raise OrgFileError(f"{where}: status must be one of {sorted(USER_STATUSES)}")
        if "password" in user:
            raise OrgFileError(
                f"{where}: an org file holds no password, only its hash: password_hash (zcrm user hash-password)"
            )
        if user.get("password_hash") is not None:
            if not is_password_hash(user["password_hash"]):
                raise OrgFileError(
                    f"{where}.password_hash: not an argon2 hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash;"
                    " zcrm user hash-password makes one)"
                )
            item["password_hash"] = user["password_hash"]
        if "\x00" in str(item["email"]):
            raise OrgFileError(f"{where}: email must not hold a NUL character")
        if item["time_zone"] is not None and not isinstance(item["time_zone"], str):
            raise OrgFileError(f"{where}: time_zone must be a string")
        users.append(item)
    emails = [u["email"].lower() for u in users]
    if len(set(emails)) != len(emails):
        raise OrgFileError("users: duplicate email")
    if not any(u["status"] == "active" and profiles[u["profile"]]["admin"] for u in users):
        raise OrgFileError("users: at least one active user with an admin profile is required")
    return users
