"""The criteria of Deluge's ``zoho.crm.searchRecords``: ``(Field:operator:value)`` groups joined by ``and`` / ``or``,
e.g. ``((Last_Name:equals:Burns)and(Lead_Source:in:Web,Ads))``. Parsed into a tree and matched against a record's
field values with the workflow engine's comparisons. ``\\(``, ``\\)``, ``\\,`` and ``\\\\`` escape those characters
in values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zcrm.automation.rules import Condition, Event, as_number, condition_holds, same_value

OPERATORS = (
    "equals",
    "not_equal",
    "starts_with",
    "in",
    "greater_than",
    "greater_equal",
    "less_than",
    "less_equal",
    "between",
)


class CriteriaError(ValueError):
    """The criteria cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Clause:
    field: str
    operator: str
    values: tuple[str, ...]  # split on unescaped commas for in / between


@dataclass(frozen=True, slots=True)
class Group:
    joiner: str  # and | or
    parts: tuple[Clause | Group, ...]


def _split(text: str, separator: str) -> list[str]:
    """``text`` split on unescaped ``separator``, escapes removed."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.at = text.strip(), 0

    def group(self) -> Clause | Group:
        self._expect("(")
        if self._peek() == "(":
            parts = [self.group()]
            joiners = set()
            while self._peek() != ")":
                joiners.add(self._word())
                parts.append(self.group())
            self._expect(")")
            if not joiners <= {"and", "or"} or len(joiners) > 1:
                raise CriteriaError("groups are joined by one of 'and' or 'or'")
            return Group(joiners.pop() if joiners else "and", tuple(parts))
        start, escaped = self.at, False
        while self.at < len(self.text) and (escaped or self.text[self.at] != ")"):
            escaped = not escaped and self.text[self.at] == "\\"
            self.at += 1
        raw = self.text[start : self.at]
        self._expect(")")
        pieces = raw.split(":", 2)
        if len(pieces) != 3 or not pieces[0]:
            raise CriteriaError(f"'({raw})' is not (field:operator:value)")
        field, operator, value = pieces
        if operator not in OPERATORS:
            raise CriteriaError(f"unknown operator '{operator}'")
        values = (
            tuple(_split(value, ",")) if operator in ("in", "between") else ("".join(_split(value, ",")),)
        )
        if operator == "between" and len(values) != 2:
            raise CriteriaError("between takes two values")
        return Clause(field, operator, values)

    def _peek(self) -> str:
        while self.at < len(self.text) and self.text[self.at] == " ":
            self.at += 1
        if self.at >= len(self.text):
            raise CriteriaError("unbalanced parentheses")
        return self.text[self.at]

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise CriteriaError(f"expected '{char}' at {self.at}")
        self.at += 1

    def _word(self) -> str:
        self._peek()
        start = self.at
        while self.at < len(self.text) and self.text[self.at].isalpha():
            self.at += 1
        return self.text[start : self.at].lower()

    def done(self) -> None:
        if self.text[self.at :].strip():
            raise CriteriaError("text after the criteria")


def parse(criteria: str) -> Clause | Group:
    parser = _Parser(criteria)
    tree = parser.group()
    parser.done()
    return tree


def _compare(actual: Any, value: str) -> int | None:
    left, right = as_number(actual), as_number(value)
    if left is not None and right is not None:
        return (left > right) - (left < right)
    if isinstance(actual, str):
        return (actual > value) - (actual < value)
    return None


def matches(tree: Clause | Group, record: dict[str, Any]) -> bool:
    if isinstance(tree, Group):
        results = (matches(part, record) for part in tree.parts)
        return all(results) if tree.joiner == "and" else any(results)
    actual = record.get(tree.field)
    op, values = tree.operator, tree.values
    if op == "equals":
        return same_value(actual, values[0]) if actual is not None else values[0] in ("", "null")
    if op == "not_equal":
        return not matches(Clause(tree.field, "equals", values), record)
    if op == "in":
        return any(same_value(actual, v) for v in values)
    if op == "starts_with":
        return condition_holds(Condition(tree.field, "starts_with", values[0]), Event("search", record))
    if op == "between":
        low, high = _compare(actual, values[0]), _compare(actual, values[1])
        return low is not None and high is not None and low >= 0 and high <= 0
    order = _compare(actual, values[0])
    if order is None:
        return False
    return {
        "greater_than": order > 0,
        "greater_equal": order >= 0,
        "less_than": order < 0,
        "less_equal": order <= 0,
    }[op]
