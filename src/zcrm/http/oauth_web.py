"""The OAuth web flow: ``GET /oauth/v2/auth`` (a login-and-consent page) and its form (being written)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidUrlPattern
from zcrm.http.state import State


async def authorize_page(request: Request, state: State) -> Response:
    raise InvalidUrlPattern()


async def authorize_submit(request: Request, state: State) -> Response:
    raise InvalidUrlPattern()
