"""Changing a module's workflow rules through the control plane (``/__zcrm/modules/{module}/workflow_rules``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.errors import InvalidData
from zcrm.schema.model import Module
from zcrm.schema.orgfile import OrgFileError, normalise_module_rules
from zcrm.store import admin as store

HIDDEN = ("secret", "source")  # shown as set, never echoed


def present(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored rules as the control plane shows them: webhook secrets and function sources left out."""
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


def replace_rules(conn: Connection, org_id: str, module: Module, body: Any) -> list[dict[str, Any]]:
    """Replaces the module's rules with those of ``body`` (the org file's format, functions with inline
    ``source``); every worker picks them up with the org's next schema version."""
    definition, fields = store.module_definitions(conn, org_id, module.id)
    try:
        rules = normalise_module_rules(body, fields, module.api_name)
    except OrgFileError as exc:
        raise InvalidData(details={"api_name": "workflow_rules", "reason": str(exc)}) from None
    definition["workflow_rules"] = [{**rule, "id": store.new_id(conn, org_id)} for rule in rules]
    store.update_module_definition(conn, org_id, module.id, definition)
    return present(definition["workflow_rules"])
