"""The workflow-rule engine on its own: when a rule runs, each criteria operator, all/any, and field updates."""

from __future__ import annotations

import pytest

from zcrm.automation.rules import (
    Action,
    Condition,
    Event,
    WorkflowRule,
    condition_holds,
    field_updates,
    fires,
)

RECORD = {
    "Last_Name": "Smith",
    "Company": "Zylker Corp",
    "Annual_Revenue": 1500.5,
    "Employees": 12,
    "Languages": ["English", "French"],
    "Owner": {"id": "111", "name": "Ann"},
    "Closing_Date": "2026-11-30",
    "Email": None,
    "Lead_Status": "Contacted",
}


def holds(op: str, field: str, value: object = None, changed: dict[str, object] | None = None) -> bool:
    return condition_holds(Condition(field, op, value), Event("update", RECORD, changed or {}))


@pytest.mark.parametrize(
    ("op", "field", "value", "expected"),
    [
        ("equals", "Last_Name", "smith", True),  # text: case-insensitive
        ("equals", "Last_Name", "Smit", False),
        ("equals", "Employees", 12, True),
        ("equals", "Employees", "12", True),
        ("equals", "Annual_Revenue", 1500.50, True),
        ("equals", "Owner", "111", True),  # lookups and users by id
        ("equals", "Languages", ["French", "English"], True),  # multi-select: the same set
        ("equals", "Languages", ["French"], False),
        ("not_equals", "Last_Name", "Jones", True),
        ("not_equals", "Last_Name", "SMITH", False),
        ("contains", "Company", "lker", True),
        ("contains", "Company", "acme", False),
        ("contains", "Languages", "french", True),  # multi-select: one of its values
        ("contains", "Languages", "German", False),
        ("contains", "Employees", "1", False),  # not text
        ("starts_with", "Company", "zyl", True),
        ("starts_with", "Company", "Corp", False),
        ("greater_than", "Annual_Revenue", 1500, True),
        ("greater_than", "Employees", 12, False),
        ("less_than", "Employees", 13, True),
        ("less_than", "Employees", "x", False),
        ("greater_than", "Closing_Date", "2026-11-01", True),  # dates compare as ISO text
        ("less_than", "Closing_Date", "2026-11-01", False),
        ("is_empty", "Email", None, True),
        ("is_empty", "Missing_Field", None, True),
        ("is_empty", "Company", None, False),
        ("is_not_empty", "Company", None, True),
        ("is_not_empty", "Email", None, False),
    ],
)
def test_operators(op: str, field: str, value: object, expected: bool) -> None:
    assert holds(op, field, value) is expected


def test_changed_to_needs_the_write_to_change_the_field() -> None:
    assert holds("changed_to", "Lead_Status", "Contacted", {"Lead_Status": ["New", "Contacted"]}) is True
    assert holds("changed_to", "Lead_Status", "Contacted", {"Company": ["a", "b"]}) is False
    assert holds("changed_to", "Lead_Status", "Lost", {"Lead_Status": ["New", "Contacted"]}) is False


def rule(when: str, **kw: object) -> WorkflowRule:
    return WorkflowRule(id="1", name="r", when=when, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("when", "operation", "changed", "expected"),
    [
        ("create", "insert", {}, True),
        ("create", "update", {"Company": [1, 2]}, False),
        ("edit", "update", {"Company": [1, 2]}, True),
        ("edit", "insert", {}, False),
        ("create_or_edit", "insert", {}, True),
        ("create_or_edit", "update", {}, True),
        ("create_or_edit", "delete", {}, False),
        ("delete", "delete", {}, True),
        ("delete", "update", {}, False),
        ("field_update", "update", {"Company": [1, 2]}, True),
        ("field_update", "update", {"Last_Name": [1, 2]}, False),
        ("field_update", "insert", {}, False),
    ],
)
def test_when_a_rule_runs(when: str, operation: str, changed: dict[str, object], expected: bool) -> None:
    r = rule(when, field="Company" if when == "field_update" else None)
    assert fires(r, Event(operation, RECORD, changed)) is expected


def test_all_or_any_of_the_criteria_and_inactive_rules() -> None:
    yes, no = Condition("Last_Name", "equals", "Smith"), Condition("Employees", "greater_than", 100)
    event = Event("insert", RECORD)
    assert fires(rule("create", conditions=(yes, no)), event) is False
    assert fires(rule("create", conditions=(yes, no), match="any"), event) is True
    assert fires(rule("create", conditions=(no,), match="any"), event) is False
    assert fires(rule("create", conditions=(yes,), active=False), event) is False


def test_field_updates_in_rule_and_action_order() -> None:
    first = WorkflowRule(
        id="1",
        name="first",
        when="create",
        actions=(Action("field_update", "Lead_Status", "Qualified"), Action("field_update", "Rating", "Hot")),
    )
    skipped = WorkflowRule(
        id="2",
        name="skipped",
        when="create",
        conditions=(Condition("Employees", "greater_than", 100),),
        actions=(Action("field_update", "Rating", "Cold"),),
    )
    last = WorkflowRule(
        id="3", name="last", when="create", actions=(Action("field_update", "Rating", "Warm"),)
    )
    values, fired = field_updates((first, skipped, last), Event("insert", RECORD))
    assert values == {"Lead_Status": "Qualified", "Rating": "Warm"}
    assert [r.name for r in fired] == ["first", "last"]
