"""Workflow rules in the org file: normalised with their values in stored form, and every mistake named."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.test_orgfile import base_org, error_of, module
from zcrm.schema.orgfile import normalise


def with_rule(**rule: Any) -> dict[str, Any]:
    raw = base_org()
    things = module(raw, "Things")
    things["fields"] += [
        {"api_name": "Stage", "data_type": "picklist", "pick_list_values": ["New", "Won"]},
        {"api_name": "Score", "data_type": "integer"},
        {"api_name": "Code", "data_type": "text", "unique": True},
    ]
    things["workflow_rules"] = [{"name": "R", "when": "create", **rule}]
    return raw


def test_a_rule_is_normalised() -> None:
    raw = with_rule(
        when="field_update",
        field="Stage",
        match="any",
        conditions=[
            {"field": "Stage", "operator": "changed_to", "value": "Won"},
            {"field": "Score", "operator": "is_empty"},
        ],
        actions=[{"type": "field_update", "field": "Score", "value": "42"}],
    )
    rules = module(normalise(raw), "Things")["workflow_rules"]
    assert rules == [
        {
            "name": "R",
            "when": "field_update",
            "field": "Stage",
            "match": "any",
            "conditions": [
                {"field": "Stage", "operator": "changed_to", "value": "Won"},
                {"field": "Score", "operator": "is_empty", "value": None},
            ],
            "actions": [
                {"type": "field_update", "field": "Score", "value": 42}
            ],  # coerced to the stored form
            "active": True,
        }
    ]
    assert module(normalise(base_org()), "Things")["workflow_rules"] == []


ACTION = [{"type": "field_update", "field": "Score", "value": 1}]
AT = "modules.Things.workflow_rules[0]"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"when": "sometimes", "actions": ACTION}, f"{AT}: when must be one of"),
        ({"when": "field_update", "actions": ACTION}, f"{AT}: a field_update rule needs 'field'"),
        ({"match": "most", "actions": ACTION}, f"{AT}: match must be 'all' or 'any'"),
        (
            {"conditions": [{"field": "Nope", "operator": "equals", "value": 1}], "actions": ACTION},
            f"{AT}.conditions[0]: a condition needs 'field'",
        ),
        (
            {"conditions": [{"field": "Score", "operator": "near", "value": 1}], "actions": ACTION},
            f"{AT}.conditions[0]: operator must be one of",
        ),
        (
            {"conditions": [{"field": "Score", "operator": "equals"}], "actions": ACTION},
            f"{AT}.conditions[0]: operator 'equals' needs a 'value'",
        ),
        ({"actions": []}, f"{AT}: a rule needs at least one action"),
        (
            {"actions": [{"type": "email", "field": "Score", "value": 1}]},
            f"{AT}.actions[0]: type must be one of",
        ),
        (
            {"actions": [{"type": "field_update", "field": "Other", "value": "1"}]},
            f"{AT}.actions[0]: a field update sets one of the module's plain fields",
        ),
        (
            {"actions": [{"type": "field_update", "field": "Code", "value": "x"}]},
            f"{AT}.actions[0]: a field update cannot set the unique field 'Code'",
        ),
        (
            {"actions": [{"type": "field_update", "field": "Score"}]},
            f"{AT}.actions[0]: a field update needs a 'value'",
        ),
        (
            {"actions": [{"type": "field_update", "field": "Score", "value": "many"}]},
            f"{AT}.actions[0]: invalid value for 'Score' (expected integer)",
        ),
    ],
)
def test_rule_errors(rule: dict[str, Any], message: str) -> None:
    raw = with_rule(**rule)
    assert error_of(raw).startswith(message)
