"""The Files API (zoho-v5-related.md §6): upload files, download one by id."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def upload(request: Request, state: State) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def download(request: Request, state: State) -> Response:
    raise InvalidUrlPattern()  # not built yet
