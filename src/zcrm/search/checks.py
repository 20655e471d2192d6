"""A criteria tree checked against a module's fields (zoho-v5-queries.md §2.5 to §2.7): each condition's field exists
and can be searched, its operator is allowed for the field's data type, its values are of that type. The result
holds typed values (``Typed``) ready for a store to compile into SQL with bound parameters.

Conditions are checked left to right, each for field, then operator, then value; the first failure answers, 400
``INVALID_QUERY`` with the details of §2.7 (the names as the request wrote them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from zcrm.errors import InvalidQuery
from zcrm.fields.coerce import parse_datetime
from zcrm.schema.model import Field, Module
from zcrm.search.criteria import Condition, Group, Node

MAX_IN = 100
TEXT = ("equals", "not_equal", "starts_with", "in")
ORDERED = ("equals", "not_equal", "greater_than", "greater_equal", "less_than", "less_equal", "between", "in")
OPERATORS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("text", "email", "phone", "website"), TEXT),
    "textarea": ("equals", "not_equal", "starts_with"),
    **dict.fromkeys(("picklist", "autonumber"), ("equals", "not_equal", "in")),
    "multiselectpicklist": ("equals", "not_equal", "in", "starts_with"),
    **dict.fromkeys(
        ("integer", "bigint", "double", "currency", "decimal", "percent", "date", "datetime"), ORDERED
    ),
    "boolean": ("equals", "not_equal"),
    **dict.fromkeys(("lookup", "ownerlookup", "userlookup"), ("equals", "not_equal", "in")),
}
INTEGERS = frozenset({"integer", "bigint"})
NUMBERS = frozenset({"integer", "bigint", "double", "currency", "decimal", "percent"})
LOOKUPS = frozenset({"lookup", "ownerlookup", "userlookup"})
_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID = re.compile(r"[0-9]{1,19}")

Value = str | int | Decimal | bool | dt.date | tuple[str, str]  # a lookup value: ("id" | "name", text)


@dataclass(frozen=True, slots=True)
class Typed:
    """A checked condition: the field, the operator, and the values as the field's type holds them (text; int or
    Decimal; a date; epoch seconds for a datetime, a ``yyyy-MM-dd`` value standing for the start of that day in the
    user's zone; a bool; ``("id", digits)`` or ``("name", text)`` for a lookup)."""

    field: Field
    data_type: str  # the type compared (a formula's return type)
    operator: str
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class TypedGroup:
    connector: str
    operands: tuple[Typed | TypedGroup, ...]


def data_type(field: Field) -> str:
    """The type a field is searched as: a formula's return type, else its own."""
    if field.data_type == "formula":
        return str((field.formula or {}).get("return_type", "text"))
    return field.data_type


def _error(reason: str, condition: Condition, **more: str) -> InvalidQuery:
    details = {"reason": reason, "api_name": condition.field, "operator": condition.operator, **more}
    return InvalidQuery(details=details)


def typed_value(kind: str, text: str, zone: ZoneInfo) -> Value | None:
    """``text`` as a value of type ``kind``, None when it is not one."""
    if kind in INTEGERS:
        return int(text) if _INTEGER.fullmatch(text) else None
    if kind in NUMBERS:
        return Decimal(text) if _DECIMAL.fullmatch(text) else None
    if kind in ("date", "datetime") and _DATE.fullmatch(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        if kind == "date":
            return day
        return int(dt.datetime.combine(day, dt.time(), tzinfo=zone).timestamp())
    if kind == "datetime":
        return parse_datetime(text)
    if kind == "date":
        return None
    if kind == "boolean":
        lowered = text.lower()
        return lowered == "true" if lowered in ("true", "false") else None
    if kind in LOOKUPS:
        return ("id", text) if _ID.fullmatch(text) else ("name", text)
    return text


def _check(condition: Condition, module: Module, zone: ZoneInfo) -> Typed:
    field = module.by_name.get(condition.field)
    kind = None if field is None else data_type(field)
    if field is None or kind not in OPERATORS:
        raise _error("the field is not available for search", condition)
    if condition.operator not in OPERATORS[kind]:
        raise _error("invalid operator found", condition)
    values = condition.values
    if condition.operator == "in" and len(values) > MAX_IN:
        raise _error('Only 100 values are allowed in "IN" criteria', condition)
    typed = tuple(typed_value(kind, text, zone) for text in values)
    wrong = any(v is None for v in typed) or (condition.operator == "between" and len(values) != 2)
    if wrong:
        raise _error("invalid value for search", condition, expected_data_type=field.data_type)
    return Typed(field, kind, condition.operator, tuple(v for v in typed if v is not None))


def check(tree: Node, module: Module, time_zone: str) -> Typed | TypedGroup:
    """The tree with every condition checked against ``module`` (``time_zone``: the user's, for dates given to
    datetime fields), left to right."""
    zone = ZoneInfo(time_zone)
    if isinstance(tree, Condition):
        return _check(tree, module, zone)
    return TypedGroup(tree.connector, tuple(check(operand, module, time_zone) for operand in tree.operands))


__all__ = ["Group", "Typed", "TypedGroup", "check", "data_type", "typed_value"]
