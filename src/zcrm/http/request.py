"""Reading what a request carries: query parameters, the JSON body, conditional headers, the API version."""

from __future__ import annotations

import email.utils
from typing import Any

from starlette.requests import Request

from zcrm.errors import InvalidData, InvalidModule, RequiredParamMissing, UnableToParseDataType, invalid_body
from zcrm.fields.coerce import parse_datetime
from zcrm.http.call import call_of
from zcrm.json_input import JsonError, loads, loads_exact
from zcrm.schema.model import Module, OrgSchema
from zcrm.versions import DEFAULT, Version


def api_version(request: Request) -> Version:
    """The API version the request's path names (``/crm/v2/...``), as the route table classified it."""
    call = call_of(request.scope)
    return DEFAULT if call is None else call.kind.version


def query_params(request: Request) -> dict[str, str]:
    """Query parameters; a repeated parameter is joined with commas (behaviour §1.8)."""
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        key, value = no_nul(key), no_nul(value)
        params[key] = f"{params[key]},{value}" if key in params else value
    return params


def no_nul(text: str) -> str:
    """``text`` with each NUL (``%00`` in a query or form) made U+FFFD: no PostgreSQL text column or parameter
    takes it, and no name or value zcrm knows holds it."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def parse_json(raw: bytes, *, exact: bool = False) -> Any:
    """The body's JSON (``zcrm.json_input``: ``exact`` for record writes, whose values are checked field by
    field); unreadable JSON is the body's ``INVALID_DATA`` (behaviour §1.6)."""
    try:
        return loads_exact(raw) if exact else loads(raw)
    except JsonError:
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


def json_object(raw: bytes | None, *, exact: bool = False) -> dict[str, Any]:
    """The body as a JSON object, whatever the Content-Type (behaviour §1.6)."""
    if raw is None or not raw.strip():
        raise invalid_body()
    body = parse_json(raw, exact=exact)
    if not isinstance(body, dict):
        raise invalid_body()
    return body


def record_body(request: Request, raw: bytes | None) -> dict[str, Any]:
    """A record write's body: ``json_object(raw, exact=True)``, decoded once per request. The layers that read it
    first (API limits counting records, fault rules matching ids) decoded it into the request's ``Call``; that
    value is used as it is (the engine never changes its input, so a request run again by the fault layer reads
    the same body)."""
    call = call_of(request.scope)
    if call is not None and raw is not None and raw.strip() and call.body() == raw:
        body = call.json()
        if isinstance(body, dict):
            return body
    return json_object(raw, exact=True)


def http_time(value: str, param: str, *, bad: type[InvalidData] | type[UnableToParseDataType]) -> int:
    """An ISO datetime with offset (or an HTTP-date) to epoch seconds (behaviour §1.5)."""
    parsed = parse_datetime(value.strip())
    if parsed is not None:
        return parsed
    try:
        moment = email.utils.parsedate_to_datetime(value)
        if moment is not None and moment.tzinfo is not None:
            return int(moment.timestamp())
    except (TypeError, ValueError, OverflowError):  # a year past 9999 overflows
        pass
    raise bad(details={"param_name": param})


def modified_since(header: str | None) -> int | None:
    """A list's ``If-Modified-Since`` header as epoch seconds, None when not given (behaviour §5.3)."""
    return http_time(header, "If-Modified-Since", bad=UnableToParseDataType) if header else None


def module_param(schema: OrgSchema, params: dict[str, str]) -> Module:
    """The module the mandatory ``module`` query parameter names (any case)."""
    name = params.get("module")
    if not name:
        raise RequiredParamMissing(details={"param_name": "module"})
    module = schema.module(name)
    if module is None:
        raise InvalidModule(details={"param_name": "module"})
    return module
