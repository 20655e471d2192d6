"""Reading the JSON bodies of the control plane (and the CLI's equivalent dicts), with Zoho errors.

- a missing, null or empty required key: ``MANDATORY_NOT_FOUND`` ``{"api_name": key}``;
- a value of the wrong type: ``INVALID_DATA`` ``{"api_name": key, "expected_data_type": …}``;
- a text longer than its key allows (``MAX_TEXT`` unless the call says): ``INVALID_DATA``
  ``{"maximum_length": n, "api_name": key}``;
- an integer outside its range (int64 unless the call says): ``INVALID_DATA``
  ``{"api_name": key, "minimum": …, "maximum": …}``;
- a value outside a fixed set: ``INVALID_DATA`` ``{"api_name": key, "supported_values": […]}``;
- a key the call does not know: ``INVALID_DATA`` "the field api name given seems to be invalid" ``{"api_name": key}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zcrm.errors import MSG_INVALID_FIELD, InvalidData, MandatoryNotFound

MAX_TEXT = 255  # the longest text a control-plane key takes unless it says otherwise (docs/control-plane.md)
MAX_INT = 2**63 - 1  # what the database stores


def too_long(key: str, limit: int) -> InvalidData:
    return InvalidData(details={"maximum_length": limit, "api_name": key})


def only_keys(body: dict[str, Any], allowed: Iterable[str]) -> None:
    known = set(allowed)
    for key in body:
        if key not in known:
            raise InvalidData(MSG_INVALID_FIELD, {"api_name": key})


def text(body: dict[str, Any], key: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str | None:
    """The key's text, stripped; None when absent, null or blank (``MandatoryNotFound`` when ``required``)."""
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise MandatoryNotFound(details={"api_name": key})
        return None
    if not isinstance(value, str):
        raise InvalidData(details={"api_name": key, "expected_data_type": "string"})
    stripped = value.strip()
    if not stripped:
        if required:
            raise MandatoryNotFound(details={"api_name": key})
        return None
    if len(stripped) > max_length:
        raise too_long(key, max_length)
    return stripped


def required_text(body: dict[str, Any], key: str, *, max_length: int = MAX_TEXT) -> str:
    value = text(body, key, required=True, max_length=max_length)
    assert value is not None  # text() raised otherwise
    return value


def integer(value: Any, key: str, minimum: int, maximum: int = MAX_INT) -> int:
    """A JSON integer (not a boolean) in ``minimum..maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidData(details={"api_name": key, "expected_data_type": "integer"})
    if not minimum <= value <= maximum:
        raise InvalidData(details={"api_name": key, "minimum": minimum, "maximum": maximum})
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
