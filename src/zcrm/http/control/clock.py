"""``/__zcrm/clock``: the caller's org's clock (docs/control-plane.md#clock), for an org administrator.

- ``GET /__zcrm/clock``: the org's time, whether it is frozen, and its offset from the server's clock;
- ``PUT /__zcrm/clock`` ``{"time": …, "frozen": bool}``: sets it (running from there, or frozen there);
- ``POST /__zcrm/clock/advance`` ``{"seconds": N}``: moves it forward, running or frozen;
- ``POST /__zcrm/clock/freeze`` / ``POST /__zcrm/clock/unfreeze``: stops it / lets it run from where it stands;
- ``DELETE /__zcrm/clock``: back to the server's clock.

Each answers the clock as ``GET`` shows it. The next request of the org (on any worker) reads the new clock with
its token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.identity import Identity
from zcrm.http.envelope import json_response
from zcrm.http.request import json_object, raw_body
from zcrm.http.state import State
from zcrm.service import clock as clock_service

REQUIRES_BODY = frozenset({"set", "advance"})


async def show(request: Request, state: State) -> Response:
    def work(conn: Connection, ident: Identity, now: int) -> Response:
        return json_response(clock_service.show(conn, ident.org_id, state.clock.now()))

    return await state.authed(request.headers.get("authorization"), work, write=False)


def change(name: str) -> Callable[[Request, State], Awaitable[Response]]:
    """The handler of one change of the clock (a key of ``zcrm.clock.CHANGES``)."""

    async def handler(request: Request, state: State) -> Response:
        raw = await raw_body(request, state.settings.max_body_bytes)

        def work(conn: Connection, ident: Identity, now: int) -> Response:
            body = json_object(raw) if name in REQUIRES_BODY or raw is None or raw.strip() else {}
            return json_response(clock_service.change(conn, ident.org_id, name, body, state.clock.now()))

        return await state.authed(request.headers.get("authorization"), work, write=True)

    return handler
