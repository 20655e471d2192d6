"""Tags (zoho-v5-related.md §10): a module's tags, adding and removing tags on records."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def list_tags(request: Request, state: State) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def add_tags(
    request: Request, state: State, module_name: str, record_id: str | None = None
) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def remove_tags(
    request: Request, state: State, module_name: str, record_id: str | None = None
) -> Response:
    raise InvalidUrlPattern()  # not built yet
