"""Changing a module's workflow rules through the control plane (``/__zcrm/modules/{module}/workflow_rules`` with
an org administrator's token, ``/__zcrm/orgs/{org_id}/modules/{module}/workflow_rules`` with the server admin
token), and the org's installed functions (``/__zcrm/orgs/{org_id}/functions``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.automation import trust
from zcrm.automation.functions import Installed
from zcrm.errors import InvalidData, LimitExceeded
from zcrm.schema.model import Module
from zcrm.schema.orgfile_checks import OrgFileError
from zcrm.schema.orgfile_rules import normalise_module_rules, normalise_org_functions
from zcrm.store import admin as store
from zcrm.store import functions as function_store

HIDDEN = ("secret", "source")  # shown as set, never echoed
IN_USE = "a workflow rule names a function the body leaves out"
# the most a control-plane body may hold (docs/automation.md, "Limits"): Zoho's per-module rule and per-rule action
# limits (the getWorkflowRulesCount sample of Zoho's OpenAPI files, crm-oas v8.0/workflow_rules), and zcrm's own
MAX_RULES = 125  # rules per module (Zoho: total_rules_limit_per_module)
MAX_ACTIONS = 50  # actions per rule (Zoho: total_actions_per_rule_limit)
MAX_CONDITIONS = 25  # conditions per rule
MAX_NAMED = 125  # functions, webhooks
MAX_NAME = 255  # a rule's, function's or webhook's name


def present(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored rules as the control plane shows them: webhook secrets left out."""
    return [
        {
            **rule,
            "actions": [{k: v for k, v in a.items() if k not in HIDDEN} for a in rule.get("actions", [])],
        }
        for rule in rules
    ]


def rules_of(conn: Connection, org_id: str, module: Module) -> list[dict[str, Any]]:
    definition, _fields = store.module_definitions(conn, org_id, module.id)
    return present(list(definition.get("workflow_rules", [])))


def replace_rules(
    conn: Connection, org_id: str, module: Module, body: Any, *, server_admin: bool
) -> list[dict[str, Any]]:
    """Replaces the module's rules with those of ``body`` (the org file's format); every worker picks them up with
    the org's next schema version. Rules may name the org's installed functions. Functions given with their code
    (``functions[].source``) are installed with the server admin token; from an org administrator they get 403
    (``automation/trust.py``) unless they are installed already, exactly as given."""
    check_sizes(body)
    installed = function_store.installed(conn, org_id)
    if not server_admin:
        trust.check_rules_body(body, installed)  # before any of the code is even compiled
    definition, fields = store.module_definitions(conn, org_id, module.id)
    known = {name: {"source": f.source, "handler": f.handler} for name, f in installed.items()}
    try:
        rules, new = normalise_module_rules(body, fields, module.api_name, known)
    except OrgFileError as exc:
        raise InvalidData(details={"api_name": "workflow_rules", "reason": str(exc)}) from None
    if new:
        assert server_admin  # trust.check_rules_body refused any other
        function_store.install(
            conn, org_id, {n: Installed(n, f["handler"], f["source"]) for n, f in new.items()}
        )
    definition["workflow_rules"] = [{**rule, "id": store.new_id(conn, org_id)} for rule in rules]
    store.update_module_definition(conn, org_id, module.id, definition)
    return present(definition["workflow_rules"])


def functions_of(conn: Connection, org_id: str) -> list[dict[str, str]]:
    """The org's installed functions, by name."""
    return [
        {"name": f.name, "handler": f.handler, "source": f.source}
        for f in function_store.installed(conn, org_id).values()
    ]


def replace_functions(
    conn: Connection, org_id: str, body: Any, modules: list[Module]
) -> list[dict[str, str]]:
    """The org's installed functions become those of ``body`` (``{"functions": [{name, source, handler?}]}``, the
    org file's format with inline ``source``); a function a workflow rule names must stay. Server admin only."""
    try:
        given = normalise_org_functions(body)
    except OrgFileError as exc:
        raise InvalidData(details={"api_name": "functions", "reason": str(exc)}) from None
    for module in modules:
        for rule in module.workflow_rules:
            for action in rule.actions:
                if action.type == "function" and action.function not in given:
                    reason = f"{IN_USE}: '{action.function}' (modules.{module.api_name}, rule '{rule.name}')"
                    raise InvalidData(details={"api_name": "functions", "reason": reason})
    function_store.replace(
        conn, org_id, {n: Installed(n, f["handler"], f["source"]) for n, f in given.items()}
    )
    return functions_of(conn, org_id)


def check_sizes(body: Any) -> None:
    """Refuses a body with more rules, actions, conditions, functions or webhooks than ``MAX_*``, or a longer
    name, before any of it is checked (100,000 rules took 52 s to check)."""
    if not isinstance(body, dict):
        return  # normalise_module_rules says why
    for key, limit in (("workflow_rules", MAX_RULES), ("functions", MAX_NAMED), ("webhooks", MAX_NAMED)):
        items = body.get(key)
        if not isinstance(items, list):
            continue
        _count(items, key, f"$.{key}", limit)
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            at = f"$.{key}[{index}]"
            name = item.get("name")
            if isinstance(name, str) and len(name) > MAX_NAME:
                raise InvalidData(
                    details={"maximum_length": MAX_NAME, "api_name": "name", "json_path": f"{at}.name"}
                )
            if key != "workflow_rules":
                continue
            for part, most in (("actions", MAX_ACTIONS), ("conditions", MAX_CONDITIONS)):
                if isinstance(item.get(part), list):
                    _count(item[part], part, f"{at}.{part}", most)


def _count(items: list[Any], key: str, path: str, limit: int) -> None:
    if len(items) > limit:
        raise LimitExceeded(details={"api_name": key, "json_path": path, "limit": limit})
