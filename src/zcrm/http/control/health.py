"""``GET /__zcrm/health`` (no token): whether this server can serve, for load balancers, containers and tests.

``200 {"status": "ok"}`` when the database answers and is at this zcrm's newest Alembic revision; otherwise
``503 {"status": "unavailable", "reason": ..., "revision": ..., "head": ...}``. One query per call; never charged
as an API call and never in the request log (it is a control-plane path)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zcrm.http.envelope import json_response
from zcrm.http.state import State


async def health(request: Request, state: State) -> Response:
    problem = await run_in_threadpool(state.db.health)
    if problem is None:
        return json_response({"status": "ok"})
    return json_response({"status": "unavailable", **problem}, 503)
