"""Deleted records, the recycle bin (zoho-v5-related.md §9)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def list_deleted(request: Request, state: State, module_name: str) -> Response:
    raise InvalidUrlPattern()  # not built yet
