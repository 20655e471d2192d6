"""Notes under a record (zoho-v5-related.md §4): list, create, update and delete a record's notes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def list_notes(
    request: Request, state: State, module_name: str, record_id: str, note_id: str | None = None
) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def create_notes(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def update_note(
    request: Request, state: State, module_name: str, record_id: str, note_id: str
) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def delete_note(
    request: Request, state: State, module_name: str, record_id: str, note_id: str
) -> Response:
    raise InvalidUrlPattern()  # not built yet
