"""``GET /crm/v5/{module}/search`` (zoho-v5-queries.md §2): Search Records by ``criteria``, ``email``, ``phone`` or
``word``; the work is ``service/search.py``'s."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import search_module
from zcrm.auth.identity import Identity
from zcrm.http.envelope import json_response, leave_out, no_content
from zcrm.http.request import api_version, query_params
from zcrm.http.state import State
from zcrm.service import search as service


async def search(request: Request, state: State, module_name: str) -> Response:
    params = query_params(request)
    version = api_version(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = search_module(ident, module_name)
        found = service.search_records(conn, ident, module, params)
        if found is None:
            return no_content(204)
        data, info = found
        return json_response({"data": leave_out(data, version.omitted_fields(module.api_name)), "info": info})

    return await state.authed(request.headers.get("authorization"), work, write=False)
