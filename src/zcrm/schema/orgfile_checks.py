"""What the org file's sections share: the error type, required keys, and criteria (``match`` and
``conditions`` over the module's fields) as workflow rules, approval and review processes have them."""

from __future__ import annotations

from typing import Any

from zcrm.automation.rules import OPERATORS, UNARY


class OrgFileError(ValueError):
    """The org file is malformed; the message says where and why."""


def req(obj: dict[str, Any], key: str, where: str) -> Any:
    if key not in obj or obj[key] in (None, ""):
        raise OrgFileError(f"{where}: '{key}' is required")
    return obj[key]


def criteria(raw: dict[str, Any], at: str, field_names: set[str] | dict[str, Any]) -> dict[str, Any]:
    """``{"match": ..., "conditions": [...]}`` of a rule or process, each condition naming one of the module's
    fields and an operator (with a value unless it is unary)."""
    match = raw.get("match", "all")
    if match not in ("all", "any"):
        raise OrgFileError(f"{at}: match must be 'all' or 'any'")
    conditions = []
    for c_index, condition in enumerate(raw.get("conditions") or []):
        c_at = f"{at}.conditions[{c_index}]"
        if not isinstance(condition, dict) or condition.get("field") not in field_names:
            raise OrgFileError(f"{c_at}: a condition needs 'field', one of the module's fields")
        if condition.get("operator") not in OPERATORS:
            raise OrgFileError(f"{c_at}: operator must be one of {list(OPERATORS)}")
        if condition["operator"] not in UNARY and "value" not in condition:
            raise OrgFileError(f"{c_at}: operator '{condition['operator']}' needs a 'value'")
        conditions.append(
            {"field": condition["field"], "operator": condition["operator"], "value": condition.get("value")}
        )
    return {"match": match, "conditions": conditions}
