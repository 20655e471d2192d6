"""Convert Lead (zoho-v5-related.md §8)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def convert(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raise InvalidUrlPattern()  # not built yet
