"""Running a module's workflow rules on a record write: their field updates land in the same transaction, as a
change event of their own that triggers nothing further."""

from __future__ import annotations

from typing import Any

from zcrm.automation.rules import Event, field_updates
from zcrm.schema.model import Module


def runs_workflows(module: Module, triggers: frozenset[str]) -> bool:
    """Whether a write with this effective trigger set runs the module's workflow rules."""
    return bool(module.workflow_rules) and "workflow" in triggers


def apply_field_updates(
    module: Module, operation: str, data: dict[str, Any], changed: dict[str, Any]
) -> dict[str, list[Any]]:
    """Applies the field updates of the rules the write fires to ``data`` (in place); returns what they changed,
    ``[old, new]`` per field (empty when nothing changed)."""
    values, _fired = field_updates(module.workflow_rules, Event(operation, data, changed))
    applied: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = data.get(name)
        if old != value:
            applied[name] = [old, value]
            data[name] = value
    return applied
