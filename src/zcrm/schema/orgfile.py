"""Reading an org definition file (YAML or JSON) into a normalised, validated definition.

The format is documented in ``docs/org-file.md``. Normalising fills in defaults, adds the system fields
every record module has, and generates the linking modules of multi-select and multi-user lookups and the
row modules of image and file uploads, so that the store can persist the result as it is. This module reads
the file and normalises the org and its modules; the sections are normalised by ``orgfile_fields`` (fields),
``orgfile_rules`` (workflow rules, functions, webhooks), ``orgfile_access`` (roles, profiles, users) and
``processes`` (approval and review processes).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from zcrm.schema import processes
from zcrm.schema.orgfile_access import normalise_profiles, normalise_roles, normalise_users
from zcrm.schema.orgfile_checks import OrgFileError as OrgFileError
from zcrm.schema.orgfile_checks import req
from zcrm.schema.orgfile_fields import (
    LINK_TYPES,
    SYSTEM_FIELDS,
    UPLOAD_ROW_FIELDS,
    UPLOAD_TYPES,
    label,
    normalise_field,
)
from zcrm.schema.orgfile_keys import LAYOUT_KEYS, MODULE_KEYS, ORG_KEYS, TOP_KEYS, check_field, check_keys
from zcrm.schema.orgfile_rules import normalise_functions, normalise_rules, normalise_webhooks

FORMAT = "zcrm-org/1"
MODULE_TYPES = frozenset({"default", "custom", "subform", "linking"})
SHARING = ("public_read_write", "public_read_only", "private")
EDITIONS = frozenset(
    {"Free", "Standard", "Starter", "Professional", "Enterprise", "Zoho One", "Ultimate", "CRM Plus"}
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
    check_keys(raw, MODULE_KEYS, f"modules[{index}]")
    api_name = str(req(raw, "api_name", f"modules[{index}]"))
    where = f"modules.{api_name}"
    generated_type = raw.get("generated_type", "custom")
    if generated_type not in MODULE_TYPES:
        raise OrgFileError(f"{where}: generated_type must be one of {sorted(MODULE_TYPES)}")
    raw_fields = raw.get("fields") or []
    if not isinstance(raw_fields, list):
        raise OrgFileError(f"{where}: 'fields' must be a list")
    for i, f in enumerate(raw_fields):
        check_field(f, f"modules[{index}].fields[{i}]")
    fields = [normalise_field(f, f"{where}.fields[{i}]") for i, f in enumerate(raw_fields)]
    names = [f["api_name"] for f in fields]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise OrgFileError(f"{where}: duplicate field api_name {duplicates}")
    if generated_type in ("default", "custom"):
        present = set(names)
        fields.extend(normalise_field(dict(f), where) for f in SYSTEM_FIELDS if f["api_name"] not in present)
    elif generated_type == "subform":
        present = set(names)
        parent = raw.get("parent_module")
        if "Parent_Id" not in present and parent:
            fields.append(
                normalise_field(
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
            fields.append(normalise_field(dict(SYSTEM_FIELDS[-1]), where))
    field_names = {f["api_name"] for f in fields}
    layouts_raw = raw.get("layouts") or [{"name": "Standard", "required": []}]
    layouts = []
    for layout_index, layout in enumerate(layouts_raw):
        if not isinstance(layout, dict):
            raise OrgFileError(f"{where}: a layout must be a mapping")
        check_keys(layout, LAYOUT_KEYS, f"modules[{index}].layouts[{layout_index}]")
        required = list(layout.get("required") or [])
        for name in required:
            if name not in field_names:
                raise OrgFileError(f"{where}: layout '{layout.get('name')}' requires unknown field '{name}'")
        layouts.append({"name": str(layout.get("name") or "Standard"), "required": required})
    default_scope = api_name.lower() if generated_type == "default" else "custom"
    return {
        "api_name": api_name,
        "singular_label": str(raw.get("singular_label") or label(api_name)),
        "plural_label": str(raw.get("plural_label") or label(api_name)),
        "generated_type": generated_type,
        "api_supported": bool(raw.get("api_supported", True)),
        "scope_name": str(raw.get("scope_name") or default_scope),
        "sharing": _sharing(raw.get("sharing"), where),
        "display_field": _display_field(raw.get("display_field"), field_names, where),
        "parent_module": raw.get("parent_module"),
        "layouts": layouts,
        "fields": fields,
        "workflow_rules": normalise_rules(
            raw.get("workflow_rules"), fields, where, {} if functions is None else functions, webhooks or {}
        ),
        "approval_processes": processes.approval_processes(raw.get("approval_processes"), fields, where),
        "review_process": processes.review_process(raw.get("review_process"), fields, where),
        "zia_image_validation": processes.zia_image_validation(
            raw.get("zia_image_validation"), fields, where
        ),
    }


def _linking_module(owner: dict[str, Any], field: dict[str, Any]) -> dict[str, Any]:
    link = field["link"]
    connected_type = "userlookup" if field["data_type"] == "multiuserlookup" else "lookup"
    raw = {
        "api_name": link["linking_module"],
        "generated_type": "linking",
        "singular_label": label(link["linking_module"]),
        "plural_label": label(link["linking_module"]),
        "fields": [
            {"api_name": link["lookup_apiname"], "data_type": "lookup", "lookup_module": owner["api_name"]},
            {
                "api_name": link["connectedlookup_apiname"],
                "data_type": connected_type,
                "lookup_module": link["connected_module"],
            },
            *[dict(f) for f in SYSTEM_FIELDS if f["api_name"] not in ("Layout", "Tag")],
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
        "fields": [dict(f) for f in UPLOAD_ROW_FIELDS],
        "display_field": "id",
    }
    return _normalise_module(raw, 0)


def normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate ``raw`` and return the normalised definition the store persists."""
    check_keys(raw, TOP_KEYS, "")
    fmt = raw.get("format", FORMAT)
    if fmt != FORMAT:
        raise OrgFileError(f"format: expected '{FORMAT}', got {fmt!r}")
    org = raw.get("org") or {}
    if not isinstance(org, dict):
        raise OrgFileError("org: must be a mapping")
    check_keys(org, ORG_KEYS, "org")
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
    functions = normalise_functions(raw.get("functions"))
    webhooks = normalise_webhooks(raw.get("webhooks"))
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
    roles = normalise_roles(raw.get("roles"))
    profiles = normalise_profiles(raw.get("profiles"), set(by_name))
    users = normalise_users(raw.get("users"), [r["name"] for r in roles], {p["name"]: p for p in profiles})
    processes.check_users(modules, users)
    return {
        "org": org_info,
        "functions": [{"name": name, **function} for name, function in functions.items()],
        "modules": modules,
        "roles": roles,
        "profiles": profiles,
        "users": users,
    }
