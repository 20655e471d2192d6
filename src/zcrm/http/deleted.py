"""``GET /crm/v5/{module}/deleted`` (zoho-v5-related.md §9): the module's deleted records, the recycle bin; the work
is ``service/recycle.py``'s."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import record_module
from zcrm.auth.identity import Identity
from zcrm.http.envelope import page_response
from zcrm.http.request import modified_since, query_params
from zcrm.http.state import State
from zcrm.service import recycle as service


async def list_deleted(request: Request, state: State, module_name: str) -> Response:
    params = query_params(request)
    since_header = request.headers.get("if-modified-since")

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = record_module(ident, module_name, "read")
        since = modified_since(since_header)
        return page_response(service.list_deleted(conn, ident, module, params, now, since))

    return await state.authed(request.headers.get("authorization"), work, write=False)
