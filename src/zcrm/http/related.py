"""Related lists (zoho-v5-related.md §2, §3): the metadata of a module's related lists, and a record's related records: read, link, delink."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def related_lists(request: Request, state: State, list_id: str | None = None) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def get_related(
    request: Request,
    state: State,
    module_name: str,
    record_id: str,
    related_list: str,
    related_id: str | None = None,
) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def link(
    request: Request,
    state: State,
    module_name: str,
    record_id: str,
    related_list: str,
    related_id: str | None = None,
) -> Response:
    raise InvalidUrlPattern()  # not built yet


async def delink(
    request: Request,
    state: State,
    module_name: str,
    record_id: str,
    related_list: str,
    related_id: str | None = None,
) -> Response:
    raise InvalidUrlPattern()  # not built yet
