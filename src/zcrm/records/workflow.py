"""Running a module's workflow rules on a record write: their field updates land in the same transaction, as a
change event of their own that triggers nothing further; their functions are left to run after the commit. Pure: the service writes the webhooks to the outbox
(``service/save.py``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import orjson

from zcrm.automation.functions import AfterCommit, FunctionCall, WebhookCall
from zcrm.automation.rules import Event, field_updates, function_actions, webhook_actions
from zcrm.records.common import change_row
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
    """Applies the field updates of the rules the write fires to ``data`` (in place) and queues their webhooks and
    functions on ``after``; returns what the field updates changed, ``[old, new]`` per field (empty when nothing
    changed)."""
    values, fired = field_updates(module.workflow_rules, Event(operation, data, changed))
    if after is not None:
        for rule, action in function_actions(fired):
            after.calls.append(
                FunctionCall(
                    rule=rule.name,
                    function=action.function or "",
                    module=module.api_name,
                    record_id=record_id,
                    depth=after.depth,
                    snapshot={"id": record_id, **data} if operation == "delete" else None,
                )
            )
    applied: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = data.get(name)
        if old != value:
            applied[name] = [old, value]
            data[name] = value
    if after is not None:
        event = EVENTS.get(operation, operation)
        for rule, action in webhook_actions(fired):
            after.webhooks.append(
                WebhookCall(
                    rule=rule.name,
                    webhook=action.webhook or "",
                    url=action.url or "",
                    body_type=action.body_type or "json",
                    secret=action.secret or "",
                    module=module.api_name,
                    record_id=record_id,
                    body=webhook_body(action.body_type or "json", module, rule.name, event, record_id, data),
                )
            )
    return applied


def rules_change(
    change_id: str,
    module: Module,
    record_id: str,
    user_id: str,
    now: int,
    changed: dict[str, Any],
    data: dict[str, Any],
) -> dict[str, Any]:
    """The change row of the rules' field updates: an update by the same user with an empty trigger set."""
    return change_row(change_id, module, record_id, "update", user_id, now, frozenset(), changed, None, data)


EVENTS = {"insert": "create", "update": "edit", "delete": "delete"}


def webhook_body(
    body_type: str, module: Module, rule: str, event: str, record_id: str, data: dict[str, Any]
) -> str:
    """What a webhook sends: the module, rule, event and record id, and the record's field values after the write
    and the rules' field updates; JSON, or a form with one key per field (lists joined with commas)."""
    if body_type == "form":
        pairs = [("module", module.api_name), ("rule", rule), ("event", event), ("id", record_id)]
        for name, value in data.items():
            if isinstance(value, list):
                value = ",".join(str(v) for v in value)
            elif isinstance(value, dict):
                value = str(value.get("id", ""))
            elif isinstance(value, bool):
                value = "true" if value else "false"
            pairs.append((name, "" if value is None else str(value)))
        return urlencode(pairs)
    record = {"id": record_id, **data}
    body = {"module": module.api_name, "rule": rule, "event": event, "ids": [record_id], "record": record}
    return orjson.dumps(body).decode()
