"""Workflow rules as data, and the small engine that decides which rules a record write fires.

A rule belongs to a module and says *when* it runs (on create, on edit, on either, when a given field is updated,
on delete), *which records* it applies to (criteria over field values, all or any of them), and *what it does*
(actions in order: field updates, which land with the write; webhooks, queued with the write and delivered in
the background; functions, which run once it has committed). Nothing here
knows about HTTP or SQL: the record engine hands each write over as an :class:`Event` and applies what
:func:`field_updates` returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

WHEN = ("create", "edit", "create_or_edit", "field_update", "delete")
OPERATORS = (
    "equals",
    "not_equals",
    "contains",
    "starts_with",
    "greater_than",
    "less_than",
    "is_empty",
    "is_not_empty",
    "changed_to",
)
UNARY = frozenset({"is_empty", "is_not_empty"})
ACTIONS = ("field_update", "webhook", "function")


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    operator: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class Action:
    type: str  # field_update | webhook | function
    field: str = ""  # field_update: the field it sets
    value: Any = None  # field_update: the value, already coerced to the field's stored form
    function: str | None = None  # function: the name of one of the org's installed functions
    webhook: str | None = None  # webhook: its name in the org file
    url: str | None = None  # webhook: where it POSTs
    body_type: str | None = None  # webhook: json | form
    secret: str | None = None  # webhook: the HMAC-SHA256 key of its signature header


@dataclass(frozen=True, slots=True)
class WorkflowRule:
    id: str
    name: str
    when: str
    conditions: tuple[Condition, ...] = ()
    match: str = "all"  # all | any
    actions: tuple[Action, ...] = ()
    field: str | None = None  # the field whose update fires a ``field_update`` rule
    active: bool = True


@dataclass(frozen=True, slots=True)
class Event:
    """A record write as the rules see it: ``operation`` insert | update | delete; ``record`` the field values
    after the write (before it, for a delete); ``changed`` the fields the write changed, ``[old, new]`` each."""

    operation: str
    record: dict[str, Any]
    changed: dict[str, Any] = field(default_factory=dict)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _comparable(value: Any) -> Any:
    """Lookups and users compare by id; text case-insensitively; numbers as decimals."""
    if isinstance(value, dict) and "id" in value:
        return str(value["id"])
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        return value.casefold()
    return value


def as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def same_value(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list):  # multi-select: the same set of values
        wanted = expected if isinstance(expected, list) else [expected]
        return sorted(map(str, map(_comparable, actual))) == sorted(map(str, map(_comparable, wanted)))
    if isinstance(actual, int | float | Decimal) and not isinstance(actual, bool):
        number = as_number(expected)  # "12" equals 12
        return number is not None and Decimal(str(actual)) == number
    return bool(_comparable(actual) == _comparable(expected))


def condition_holds(condition: Condition, event: Event) -> bool:
    actual = event.record.get(condition.field)
    op, expected = condition.operator, condition.value
    if op == "is_empty":
        return _empty(actual)
    if op == "is_not_empty":
        return not _empty(actual)
    if op == "equals":
        return same_value(actual, expected)
    if op == "not_equals":
        return not same_value(actual, expected)
    if op == "changed_to":
        return condition.field in event.changed and same_value(actual, expected)
    if op in ("contains", "starts_with"):
        if isinstance(actual, list):  # multi-select: one of its values
            return op == "contains" and any(same_value(v, expected) for v in actual)
        if not isinstance(actual, str) or not isinstance(expected, str):
            return False
        text, part = actual.casefold(), expected.casefold()
        return part in text if op == "contains" else text.startswith(part)
    left, right = as_number(actual), as_number(expected)
    if left is None or right is None:  # dates and datetimes compare as their ISO text
        if isinstance(actual, str) and isinstance(expected, str):
            return actual > expected if op == "greater_than" else actual < expected
        return False
    return left > right if op == "greater_than" else left < right


class Triggered(Protocol):
    """What :func:`fires` needs of a rule: workflow rules and approval processes both have it."""

    @property
    def when(self) -> str: ...
    @property
    def field(self) -> str | None: ...
    @property
    def conditions(self) -> tuple[Condition, ...]: ...
    @property
    def match(self) -> str: ...
    @property
    def active(self) -> bool: ...


def fires(rule: Triggered, event: Event) -> bool:
    """Whether ``rule`` runs for ``event``: its moment matches and its criteria hold."""
    if not rule.active:
        return False
    op = event.operation
    if rule.when == "create" and op != "insert":
        return False
    if rule.when == "edit" and op != "update":
        return False
    if rule.when == "create_or_edit" and op not in ("insert", "update"):
        return False
    if rule.when == "delete" and op != "delete":
        return False
    if rule.when == "field_update" and (op != "update" or rule.field not in event.changed):
        return False
    if not rule.conditions:
        return True
    results = (condition_holds(c, event) for c in rule.conditions)
    return all(results) if rule.match == "all" else any(results)


def field_updates(rules: tuple[WorkflowRule, ...], event: Event) -> tuple[dict[str, Any], list[WorkflowRule]]:
    """The field values the rules that ``event`` fires set, in rule and action order (a later action on the same
    field wins), and the rules that fired."""
    values: dict[str, Any] = {}
    fired = []
    for rule in rules:
        if fires(rule, event):
            fired.append(rule)
            for action in rule.actions:
                if action.type == "field_update":
                    values[action.field] = action.value
    return values, fired


def function_actions(fired: list[WorkflowRule]) -> list[tuple[WorkflowRule, Action]]:
    """The function actions of the rules that fired, in order."""
    return [(rule, action) for rule in fired for action in rule.actions if action.type == "function"]


def webhook_actions(fired: list[WorkflowRule]) -> list[tuple[WorkflowRule, Action]]:
    """The webhook actions of the rules that fired, in order."""
    return [(rule, action) for rule in fired for action in rule.actions if action.type == "webhook"]
