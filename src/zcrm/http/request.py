"""Reading what a request carries: query parameters, the JSON body, conditional headers."""

from __future__ import annotations

import email.utils
import json
from typing import Any

import orjson
from starlette.requests import Request

from zcrm.errors import InvalidData, UnableToParseDataType, invalid_body
from zcrm.fields.coerce import parse_datetime


def query_params(request: Request) -> dict[str, str]:
    """Query parameters; a repeated parameter is joined with commas (behaviour §1.8)."""
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        params[key] = f"{params[key]},{value}" if key in params else value
    return params


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:  # integers beyond 64 bits, which orjson refuses
        return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError):
        raise invalid_body() from None


async def raw_body(request: Request, max_bytes: int) -> bytes | None:
    """The body's bytes, or None when it is larger than ``max_bytes`` (the rest is not read)."""
    size = 0
    chunks = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def json_object(raw: bytes | None) -> dict[str, Any]:
    """The body as a JSON object, whatever the Content-Type (behaviour §1.6)."""
    if raw is None or not raw.strip():
        raise invalid_body()
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise invalid_body()
    return body


def http_time(value: str, param: str, *, bad: type[InvalidData] | type[UnableToParseDataType]) -> int:
    """An ISO datetime with offset (or an HTTP-date) to epoch seconds (behaviour §1.5)."""
    parsed = parse_datetime(value.strip())
    if parsed is not None:
        return parsed
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise bad(details={"param_name": param})
    return int(moment.timestamp())
