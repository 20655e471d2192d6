"""Running a module's workflow rules on a record write: their field updates land in the same transaction, as a
change event of their own that triggers nothing further; their functions are left to run after the commit."""

from __future__ import annotations

from typing import Any

from zcrm.automation.functions import AfterCommit, FunctionCall
from zcrm.automation.rules import Event, field_updates, function_actions
from zcrm.schema.model import Module


def runs_workflows(module: Module, triggers: frozenset[str]) -> bool:
    """Whether a write with this effective trigger set runs the module's workflow rules."""
    return bool(module.workflow_rules) and "workflow" in triggers


def apply_rules(
    module: Module,
    operation: str,
    record_id: str,
    data: dict[str, Any],
    changed: dict[str, Any],
    after: AfterCommit | None,
) -> dict[str, list[Any]]:
    """Applies the field updates of the rules the write fires to ``data`` (in place) and queues their functions on
    ``after``; returns what the field updates changed, ``[old, new]`` per field (empty when nothing changed)."""
    values, fired = field_updates(module.workflow_rules, Event(operation, data, changed))
    if after is not None:
        for rule, action in function_actions(fired):
            after.calls.append(
                FunctionCall(
                    rule=rule.name,
                    function=action.function or "",
                    source=action.source or "",
                    handler=action.handler or "",
                    module=module.api_name,
                    record_id=record_id,
                    depth=after.depth,
                )
            )
    applied: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = data.get(name)
        if old != value:
            applied[name] = [old, value]
            data[name] = value
    return applied
