"""``/__zcrm/limits``: the caller's org's API limits and credits (docs/limits.md), for an org administrator.

- ``GET /__zcrm/limits``: whether the limits are on, the org's edition and user licences, its credits (limit, used,
  remaining in the rolling 24 hours) and its concurrency limits with the calls in flight on the answering process;
- ``DELETE /__zcrm/limits``: forgets the credits the org used (``{"deleted": N}``: the credits forgotten).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm import limits
from zcrm.auth.identity import Identity
from zcrm.http.api_limits import org_limits, overrides
from zcrm.http.envelope import json_response
from zcrm.http.state import State
from zcrm.schema.model import OrgSchema
from zcrm.settings import Settings
from zcrm.store import api_usage


def describe(
    conn: Connection,
    settings: Settings,
    schema: OrgSchema,
    now: int,
    pending: int = 0,
    in_flight: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The org's limits and credits at ``now`` (the org's clock), as ``GET /__zcrm/limits`` answers them."""
    found = org_limits(schema, overrides(settings))
    org_id = schema.org.id
    buckets = api_usage.buckets(conn, org_id, now)
    if pending:
        buckets.append((limits.minute(now), pending))
    used = sum(credits for _, credits in buckets)
    return {
        "enabled": settings.api_limits,
        "edition": found.edition,
        "user_licences": found.licences,
        "credits": limits.report(found, used, now, buckets),
        "concurrency": {
            "limit": found.concurrency,
            "sub_concurrency_limit": found.sub_concurrency,
            "in_flight": in_flight,
        },
    }


async def show(request: Request, state: State) -> Response:
    method = request.method

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        if method == "DELETE":
            return json_response({"deleted": api_usage.clear(conn, ident.org_id)})
        tracker = state.limits
        pending = tracker.pending(ident.org_id) if tracker is not None else 0
        in_flight = tracker.in_flight(ident.org_id) if tracker is not None else []
        return json_response(describe(conn, state.settings, ident.schema, now, pending, in_flight))

    return await state.authed(request.headers.get("authorization"), work, write=method == "DELETE")
