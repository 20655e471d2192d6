"""``/__zcrm/limits``: the caller's org's API limits and credits (docs/limits.md), for an org administrator.

- ``GET /__zcrm/limits``: whether the limits are on, the org's edition and user licences, its credits (limit, used,
  remaining in the rolling 24 hours) and its concurrency limits with the calls in flight on the answering process;
- ``DELETE /__zcrm/limits``: forgets the credits the org used (``{"deleted": N}``: the credits forgotten).
"""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.identity import Identity
from zcrm.http.api_limits import org_limits, overrides
from zcrm.http.envelope import json_response
from zcrm.http.state import State
from zcrm.service import limits as limits_service


async def show(request: Request, state: State) -> Response:
    method = request.method

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        if method == "DELETE":
            return json_response(limits_service.clear(conn, ident.org_id))
        tracker = state.limits
        pending = tracker.pending(ident.org_id) if tracker is not None else 0
        in_flight = tracker.in_flight(ident.org_id) if tracker is not None else []
        found = org_limits(ident.schema, overrides(state.settings))
        enabled = state.settings.api_limits
        return json_response(
            limits_service.describe(conn, ident.org_id, found, enabled, now, pending, in_flight)
        )

    return await state.authed(request.headers.get("authorization"), work, write=method == "DELETE")
