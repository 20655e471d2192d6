"""Control-plane routes for record processes (docs/automation.md):

- ``POST /__zcrm/records/{module}/{id}/review``: a reviewer approves, rejects or resubmits a record in review
  (Zoho has no API for it; the caller's token says who reviews);
- ``POST /__zcrm/records/{module}/{id}/zia_validation``: ends a record's Zia image validation now, approved or
  rejected (administrators);
- ``GET /__zcrm/records/{module}/{id}/processes``: where the record's approval, review and validation stand, with
  their history (administrators).
"""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import module_for, record_module
from zcrm.auth.identity import Identity
from zcrm.automation.zia import OUTCOMES
from zcrm.errors import InvalidData
from zcrm.http.approvals import action_and_comments
from zcrm.http.envelope import json_response
from zcrm.http.request import json_object, raw_body
from zcrm.http.state import State
from zcrm.records import approval_actions
from zcrm.records.approval_actions import REVIEW_ACTIONS
from zcrm.records.approval_actions import Request as ActionRequest
from zcrm.service import processes as process_service


async def review(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = record_module(ident, module_name, "update")
        wanted = ActionRequest(*action_and_comments(json_object(raw), REVIEW_ACTIONS))
        result = approval_actions.act_on_record(conn, ident, module, record_id, "review", wanted, now)
        return json_response(result)

    return await state.authed(request.headers.get("authorization"), work, write=True)


async def zia_validation(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = module_for(ident, module_name, {"resource_path_index": 2})
        record = process_service.record(conn, ident.org_id, module.id, record_id)
        outcome = json_object(raw).get("outcome")
        if outcome not in OUTCOMES:
            raise InvalidData(details={"api_name": "outcome", "supported_values": list(OUTCOMES)})
        process_service.end_validation(conn, ident.org_id, record, outcome, now, ident.user.id)
        return json_response({"id": record.id, "outcome": outcome, "lock_state": record.lock_state})

    return await state.authed(request.headers.get("authorization"), work, write=True)


async def record_processes(request: Request, state: State, module_name: str, record_id: str) -> Response:
    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = module_for(ident, module_name, {"resource_path_index": 2})
        record = process_service.record(conn, ident.org_id, module.id, record_id)
        return json_response(process_service.standing(conn, ident.org_id, record, now))

    return await state.authed(request.headers.get("authorization"), work, write=False)
