"""``POST /crm/v5/coql`` (zoho-v5-queries.md §3): a COQL ``select_query``; the work is ``service/coql.py``'s."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import coql_scope
from zcrm.auth.identity import Identity
from zcrm.http.envelope import json_response, no_content
from zcrm.http.request import api_version, raw_body, record_body
from zcrm.http.state import State
from zcrm.service import coql as service


async def coql(request: Request, state: State) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)
    version = api_version(request)
    limits = (version.coql_max_limit, version.coql_max_reach)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        coql_scope(ident)
        found = service.run_query(conn, ident, record_body(request, raw), limits)
        if found is None:
            return no_content(204)
        data, info = found
        return json_response({"data": data, "info": info})

    return await state.authed(request.headers.get("authorization"), work, write=False)
