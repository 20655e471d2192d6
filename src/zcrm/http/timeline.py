"""The Timeline API: ``GET /crm/v5/{module}/{id}/__timeline`` (being written)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def get_timeline(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raise InvalidUrlPattern()
