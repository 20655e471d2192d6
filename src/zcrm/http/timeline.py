"""The Timeline API: ``GET /crm/v5/{module}/{id}/__timeline``, a record's change events newest first
(docs/timeline.md)."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import record_module
from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_see
from zcrm.errors import invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.http.envelope import json_response, no_content
from zcrm.http.request import query_params
from zcrm.http.state import State
from zcrm.records import timeline
from zcrm.records.reads import display_names
from zcrm.service import timeline as timeline_service


async def get_timeline(request: Request, state: State, module_name: str, record_id: str) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = record_module(ident, module_name, "read")
        parsed = parse_id(record_id)
        if parsed is None:
            raise invalid_id({"resource_path_index": 1})
        p = timeline.parse_params(params, module)
        record = timeline_service.record(conn, ident.org_id, module.id, parsed)
        if record is None or not can_see(ident.schema, ident.user, module, record.owner_id):
            return no_content(204)  # as GET of the record: unknown, deleted, another module's or a row
        at = timeline.position(p, state.page_tokens, ident.user, module, parsed, now)
        rows, more = timeline_service.changes(conn, ident.org_id, parsed, p, at)
        if not rows:
            return no_content(204)
        names = display_names(conn, ident.schema, ident.org_id, timeline.lookup_ids(module, rows))
        renderer = timeline.TimelineRenderer(Renderer(ident.schema, ident.user, names), module, p)
        token = None
        if more:
            token = timeline.next_token(p, state.page_tokens, ident.user, module, parsed, at, rows[-1], now)
        body = {
            "__timeline": [renderer.entry(row) for row in rows],
            "info": timeline.info(at, len(rows), more, token, p.page_token),
        }
        return json_response(body)

    return await state.authed(request.headers.get("authorization"), work, write=False)
