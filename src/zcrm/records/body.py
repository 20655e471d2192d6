"""Top-level checks of a write body (behaviour §3.2, §3.3, §3.6): ``data``, its size, ``trigger``."""

from __future__ import annotations

from typing import Any

from zcrm.errors import MSG_INVALID_DATA, InvalidData, LimitExceeded, MandatoryNotFound

TRIGGERS = ["workflow", "approval", "blueprint", "pathfinder", "orchestration"]
SKIP_FEATURES = ["cadences"]
APPLY_FEATURES = [
    "layout_rules",
    "range_validation",
    "assignment_rules",
    "function_validation_rule",
    "criteria_validation_rule",
    "global_map_dependency",
    "territory_subordinates",
]
MAX_RECORDS = 100


class TooManyRecords(LimitExceeded):
    """More items than allowed: answered as a one-entry ``data[]`` (behaviour §3.3)."""


def data_items(body: dict[str, Any], limit: int = MAX_RECORDS) -> list[Any]:
    data = body.get("data")
    if data is None or data == []:
        raise MandatoryNotFound(details={"api_name": "data", "json_path": "$.data"})
    if not isinstance(data, list):
        raise InvalidData(
            MSG_INVALID_DATA, {"expected_data_type": "jsonarray", "api_name": "data", "json_path": "$.data"}
        )
    if len(data) > limit:
        raise TooManyRecords(LimitExceeded.TOO_MANY_RECORDS, {"maximum_length": limit, "api_name": "data"})
    return data


def trigger_set(body: dict[str, Any]) -> frozenset[str]:
    """The effective trigger set: all five when absent, none for ``[]``, else those listed."""
    if "trigger" not in body:
        return frozenset(TRIGGERS)
    value = body["trigger"]
    if not isinstance(value, list) or not all(isinstance(v, str) and v in TRIGGERS for v in value):
        raise InvalidData(
            details={"api_name": "trigger", "json_path": "$.trigger", "supported_values": TRIGGERS}
        )
    return frozenset(value)


def check_features(body: dict[str, Any]) -> None:
    for key, allowed in (
        ("skip_feature_execution", SKIP_FEATURES),
        ("apply_feature_execution", APPLY_FEATURES),
    ):
        if key not in body:
            continue
        value = body[key]
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(value, list) or name not in allowed:
                raise InvalidData(
                    details={
                        "api_name": "name",
                        "json_path": f"$.{key}[{index}].name",
                        "supported_values": allowed,
                    }
                )
