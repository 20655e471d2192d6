"""A record's attachments (zoho-v5-related.md §5): upload a file or attach a link, list, download, delete."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def list_attachments(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def upload(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def delete_many(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def download(
    request: Request, state: State, module_name: str, record_id: str, attachment_id: str
) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def delete_one(
    request: Request, state: State, module_name: str, record_id: str, attachment_id: str
) -> Response:
    raise InvalidUrlPattern()  # not built yet
