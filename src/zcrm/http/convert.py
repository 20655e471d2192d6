"""Convert Lead (zoho-v5-related.md §8): ``POST /crm/v5/Leads/{id}/actions/convert``. The conversion is one write
unit (``service/convert.py``); a per-item error ends it without any of its writes and answers
``{"data":[error]}`` with 400."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import convert_module
from zcrm.auth.identity import Identity
from zcrm.automation.functions import AfterCommit
from zcrm.http.envelope import write_response
from zcrm.http.records import _automated_write
from zcrm.http.request import raw_body, record_body
from zcrm.http.state import State
from zcrm.records.convert import Failed
from zcrm.service.convert import convert_lead


async def convert(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Response:
        module = convert_module(ident, module_name)
        return write_response(
            [convert_lead(conn, ident, module, record_id, lambda: record_body(request, raw), now, after)]
        )

    try:
        return await _automated_write(request, state, work)
    except Failed as failed:  # raised inside the unit: its transaction was rolled back
        return write_response([failed.error])
