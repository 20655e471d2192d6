"""Zoho's response envelopes and status rules (behaviour §1.3, §1.7, §2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from starlette.responses import Response

from zcrm.errors import ZohoError

JSON_TYPE = "application/json;charset=UTF-8"


class JSONResponse(Response):
    media_type = JSON_TYPE

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


def error_response(error: ZohoError) -> Response:
    return json_response(error.as_dict(), error.status)


def no_content(status: int = 204) -> Response:
    return Response(status_code=status)


def write_status(results: Sequence[dict[str, Any] | ZohoError], all_success: int) -> int:
    """200/201 when every item succeeded, 207 mixed, 400 all failed (412 if all ALREADY_MODIFIED)."""
    errors = [r for r in results if isinstance(r, ZohoError)]
    if not errors:
        return all_success
    if len(errors) < len(results):
        return 207
    if all(e.code == "ALREADY_MODIFIED" for e in errors):
        return 412
    return 400


def write_response(results: Sequence[dict[str, Any] | ZohoError], all_success: int = 200) -> Response:
    data = [r.as_dict() if isinstance(r, ZohoError) else r for r in results]
    return json_response({"data": data}, write_status(results, all_success))


def page_response(found: tuple[list[dict[str, Any]], dict[str, Any]] | None, empty: int = 204) -> Response:
    """A list's page as ``{"data", "info"}``; ``empty`` (no content) when there is none."""
    if found is None:
        return no_content(empty)
    data, info = found
    return json_response({"data": data, "info": info})


def leave_out(records: list[dict[str, Any]], names: frozenset[str]) -> list[dict[str, Any]]:
    """``records`` without the keys ``names`` (the fields an API version does not have: zcrm/versions.py)."""
    if not names:
        return records
    return [{key: value for key, value in record.items() if key not in names} for record in records]
