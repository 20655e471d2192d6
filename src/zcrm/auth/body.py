"""Reading the JSON bodies of the control plane (and the CLI's equivalent dicts), with Zoho errors.

- a missing, null or empty required key: ``MANDATORY_NOT_FOUND`` ``{"api_name": key}``;
- a value of the wrong type: ``INVALID_DATA`` ``{"api_name": key, "expected_data_type": …}``;
- a value outside a fixed set: ``INVALID_DATA`` ``{"api_name": key, "supported_values": […]}``;
- a key the call does not know: ``INVALID_DATA`` "the field api name given seems to be invalid" ``{"api_name": key}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zcrm.errors import MSG_INVALID_FIELD, InvalidData, MandatoryNotFound


def only_keys(body: dict[str, Any], allowed: Iterable[str]) -> None:
    known = set(allowed)
    for key in body:
        if key not in known:
            raise InvalidData(MSG_INVALID_FIELD, {"api_name": key})


def text(body: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise MandatoryNotFound(details={"api_name": key})
        return None
    if not isinstance(value, str):
        raise InvalidData(details={"api_name": key, "expected_data_type": "string"})
    if not value.strip():
        if required:
            raise MandatoryNotFound(details={"api_name": key})
        return None
    return value.strip()


def required_text(body: dict[str, Any], key: str) -> str:
    value = text(body, key, required=True)
    assert value is not None  # text() raised otherwise
    return value


def choice(body: dict[str, Any], key: str, supported: list[str], default: str | None = None) -> str | None:
    value = body.get(key)
    if value is None:
        return default
    if value not in supported:
        raise InvalidData(details={"api_name": key, "supported_values": supported})
    return str(value)


def flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidData(details={"api_name": key, "expected_data_type": "boolean"})
    return value


def json_object(body: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidData(details={"api_name": key, "expected_data_type": "jsonobject"})
    return value
