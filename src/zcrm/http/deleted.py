"""``GET /crm/v5/{module}/deleted`` (zoho-v5-related.md §9): the module's deleted records, the recycle bin; the work
is ``service/recycle.py``'s."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import record_module
from zcrm.auth.identity import Identity
from zcrm.errors import UnableToParseDataType
from zcrm.http.envelope import json_response, no_content
from zcrm.http.request import http_time, query_params
from zcrm.http.state import State
from zcrm.service import recycle as service


async def list_deleted(request: Request, state: State, module_name: str) -> Response:
    params = query_params(request)
    since_header = request.headers.get("if-modified-since")

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = record_module(ident, module_name, "read")
        since = None
        if since_header:
            since = http_time(since_header, "If-Modified-Since", bad=UnableToParseDataType)
        found = service.list_deleted(conn, ident, module, params, now, since)
        if found is None:
            return no_content(204)
        data, info = found
        return json_response({"data": data, "info": info})

    return await state.authed(request.headers.get("authorization"), work, write=False)
