"""A COQL WHERE clause checked against the schema (zoho-v5-queries.md §3.4): each comparison's column exists and can
be compared, its comparator is allowed for the column's type, its values are of that type. The result holds typed
values for ``store/coql.py`` to bind.

Comparisons are checked left to right, each for column, type, comparator, list size, then values; the first failure
answers 400 (``INVALID_QUERY`` or ``LIMIT_EXCEEDED``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from zcrm.coql.parse import Comparison, Condition, Connected, Literal, comparisons
from zcrm.coql.refs import Ref, resolve, unsupported
from zcrm.errors import MSG_INVALID_QUERY, InvalidQuery, LimitExceeded
from zcrm.schema.model import Module, OrgSchema
from zcrm.search.checks import typed_value

MAX_CRITERIA = 25
MAX_IN = 50
NULLS = ("is null", "is not null")
TEXT = ("=", "!=", "like", "not like", "in", "not in", *NULLS)
ORDERED = ("=", "!=", ">", ">=", "<", "<=", "between", "not between", "in", "not in", *NULLS)
COMPARATORS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("text", "email", "phone", "website", "picklist", "autonumber", "multiselectpicklist"), TEXT
    ),
    **dict.fromkeys(
        ("integer", "bigint", "double", "currency", "decimal", "percent", "date", "datetime", "id"), ORDERED
    ),
    "boolean": ("=", *NULLS),
    **dict.fromkeys(("lookup", "ownerlookup", "userlookup"), ("=", "!=", "in", "not in", *NULLS)),
}
TEXTS = frozenset({"text", "email", "phone", "website", "picklist", "autonumber", "multiselectpicklist"})
_CONTAINS = re.compile(r"%[^%]+%")
_ID = re.compile(r"[0-9]{1,19}")
MSG_BAD_VALUE = "value given seems to be invalid for the column"

Value = str | int | Decimal | bool | dt.date


@dataclass(frozen=True, slots=True)
class Test:
    """A checked comparison: ``values`` as the column's type holds them (text; int or Decimal; a date; epoch seconds
    for a datetime; a bool; an id as 19 digits). ``like`` carries its pattern as text."""

    ref: Ref
    operator: str
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Both:
    connector: str  # "and" | "or"
    left: Test | Both
    right: Test | Both


def _value(ref: Ref, literal: Literal, zone: ZoneInfo) -> Value | None:
    if ref.kind == "id":
        return literal.text.zfill(19) if _ID.fullmatch(literal.text) else None
    if ref.kind in ("lookup", "ownerlookup", "userlookup"):
        return literal.text if _ID.fullmatch(literal.text) else None
    if ref.kind in TEXTS:
        return literal.text
    value = typed_value(ref.kind, literal.text, zone)
    return None if isinstance(value, tuple) else value


def _test(schema: OrgSchema, module: Module, comparison: Comparison, zone: ZoneInfo) -> Test:
    ref = resolve(schema, module, comparison.path)
    allowed = COMPARATORS.get(ref.kind)
    if allowed is None:
        raise unsupported(ref.text, ref.kind)
    operator = comparison.operator
    pattern = comparison.values[0].text if operator in ("like", "not like") else ""
    if operator not in allowed or (operator == "not like" and not _CONTAINS.fullmatch(pattern)):
        details = {"reason": "invalid operator found", "column_name": ref.text, "operator": operator}
        raise InvalidQuery(MSG_INVALID_QUERY, details)
    if len(comparison.values) > MAX_IN:
        raise LimitExceeded(details={"limit": MAX_IN, "param_name": "in"})
    values = tuple(_value(ref, literal, zone) for literal in comparison.values)
    if any(v is None for v in values):
        expected = "id" if ref.field is None else ref.field.data_type
        raise InvalidQuery(MSG_BAD_VALUE, {"column_name": ref.text, "expected_data_type": expected})
    return Test(ref, operator, tuple(v for v in values if v is not None))


def check_where(schema: OrgSchema, module: Module, where: Condition, time_zone: str) -> Test | Both:
    """The WHERE clause typed (``time_zone``: the user's, for a date given to a datetime column)."""
    if len(comparisons(where)) > MAX_CRITERIA:
        raise LimitExceeded(details={"limit": MAX_CRITERIA, "param_name": "criteria"})
    zone = ZoneInfo(time_zone)

    def walk(node: Condition) -> Test | Both:
        if isinstance(node, Connected):
            return Both(node.connector, walk(node.left), walk(node.right))
        return _test(schema, module, node, zone)

    return walk(where)


def tests(node: Test | Both) -> list[Test]:
    if isinstance(node, Test):
        return [node]
    return [*tests(node.left), *tests(node.right)]
