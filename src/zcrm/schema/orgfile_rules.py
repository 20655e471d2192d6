"""The automation sections of an org file: workflow rules and their actions (field updates, webhooks,
functions), the org's ``functions`` and ``webhooks``; also rules and functions given through the control plane."""

from __future__ import annotations

from typing import Any

from zcrm.automation.functions import FunctionLoadError, check
from zcrm.automation.rules import ACTIONS, WHEN
from zcrm.fields.coerce import FieldValueError, coerce
from zcrm.schema.model import Field, PicklistValue
from zcrm.schema.orgfile_checks import OrgFileError, criteria, req

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
    given = normalise_functions(raw.get("functions"))
    webhooks = normalise_webhooks(raw.get("webhooks"))
    if "workflow_rules" not in raw:
        raise OrgFileError("'workflow_rules' is required")
    functions = {**installed, **given}
    rules = normalise_rules(raw["workflow_rules"], fields, f"modules.{module}", functions, webhooks)
    return rules, {name: f for name, f in functions.items() if installed.get(name) != f}


def org_file_functions(raw: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The functions of an org file (as ``read_org_file`` read it), checked, by name: ``{source, handler}``."""
    return normalise_functions(raw.get("functions"))


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
    return normalise_functions(raw["functions"])


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
        name = str(req(entry, "name", at))
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


def normalise_functions(raw: Any) -> dict[str, dict[str, str]]:
    """The functions by name: ``{name, file | source, handler}``; each source must compile and define its handler
    at its top level (checked with ``ast``: nothing of it runs)."""
    return {
        name: _function(function, name, at)
        for at, name, function in _named_entries(raw, "functions", "function")
    }


def normalise_webhooks(raw: Any) -> dict[str, dict[str, str]]:
    """The org's webhooks by name: ``{name, url, body: json | form, secret}``."""
    webhooks: dict[str, dict[str, str]] = {}
    for at, name, webhook in _named_entries(raw, "webhooks", "webhook"):
        url = str(req(webhook, "url", at))
        if not url.startswith(("http://", "https://")):
            raise OrgFileError(f"{at}: url must be an http:// or https:// URL")
        body = webhook.get("body", "json")
        if body not in ("json", "form"):
            raise OrgFileError(f"{at}: body must be 'json' or 'form'")
        secret = req(webhook, "secret", at)
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


def normalise_rules(
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
        name = str(req(rule, "name", at))
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
