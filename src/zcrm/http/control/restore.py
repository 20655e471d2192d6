"""``POST /__zcrm/records/{module}/{id}/restore``: puts a record of the recycle bin back (docs/deleted-records.md
"Restoring a record"; Zoho does this in its UI only). An org administrator's token; the work is
``service/restore.py``'s."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import module_for
from zcrm.auth.identity import Identity
from zcrm.http.envelope import json_response
from zcrm.http.state import State
from zcrm.service import restore as service


async def restore(request: Request, state: State, module_name: str, record_id: str) -> Response:
    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = module_for(ident, module_name, {"resource_path_index": 2})
        return json_response(service.restore(conn, ident, module, record_id, now))

    return await state.authed(request.headers.get("authorization"), work, write=True)
