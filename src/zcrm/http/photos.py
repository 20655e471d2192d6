"""A record's photo (zoho-v5-related.md §7): upload, download, delete."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def upload(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def download(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def delete(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raise InvalidUrlPattern()  # not built yet
