"""Control-plane routes for record processes (docs/automation.md):

- ``POST /__zcrm/records/{module}/{id}/review``: a reviewer approves, rejects or resubmits a record in review
  (Zoho has no API for it; the caller's token says who reviews);
- ``POST /__zcrm/records/{module}/{id}/zia_validation``: ends a record's Zia image validation now, approved or
  rejected (administrators);
- ``GET /__zcrm/records/{module}/{id}/processes``: where the record's approval, review and validation stand, with
  their history (administrators).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.identity import Identity
from zcrm.automation.zia import OUTCOMES
from zcrm.errors import InvalidData, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.http.approvals import action_and_comments
from zcrm.http.control import require_admin
from zcrm.http.envelope import json_response
from zcrm.http.guards import module_for, record_module
from zcrm.http.request import json_object, raw_body
from zcrm.http.state import State
from zcrm.records.approval_actions import REVIEW_ACTIONS
from zcrm.records.approval_actions import Request as ActionRequest
from zcrm.schema.model import Module
from zcrm.service import approval_actions as approval_service
from zcrm.service import processes
from zcrm.store import processes as process_store
from zcrm.store import records as store
from zcrm.store.records import StoredRecord


def _record(conn: Connection, ident: Identity, module: Module, record_id: str) -> StoredRecord:
    parsed = parse_id(record_id)
    record = store.fetch(conn, ident.org_id, [parsed], module_id=module.id).get(parsed) if parsed else None
    if record is None or record.parent_id is not None:
        raise invalid_id({"resource_path_index": 3})
    return record


async def review(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = record_module(ident, module_name, "update")
        wanted = ActionRequest(*action_and_comments(json_object(raw), REVIEW_ACTIONS))
        result = approval_service.act_on_record(conn, ident, module, record_id, "review", wanted, now)
        return json_response(result)

    return await state.authed(request.headers.get("authorization"), work, write=True)


async def zia_validation(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        require_admin(ident)
        module = module_for(ident, module_name, {"resource_path_index": 2})
        record = _record(conn, ident, module, record_id)
        outcome = json_object(raw).get("outcome")
        if outcome not in OUTCOMES:
            raise InvalidData(details={"api_name": "outcome", "supported_values": list(OUTCOMES)})
        processes.end_validation(conn, ident.org_id, record, outcome, now, ident.user.id)
        return json_response({"id": record.id, "outcome": outcome, "lock_state": record.lock_state})

    return await state.authed(request.headers.get("authorization"), work, write=True)


async def record_processes(request: Request, state: State, module_name: str, record_id: str) -> Response:
    def work(conn: Connection, ident: Identity, now: int) -> Response:
        require_admin(ident)
        module = module_for(ident, module_name, {"resource_path_index": 2})
        record = _record(conn, ident, module, record_id)
        processes.settle(conn, ident.org_id, [record], now, persist=False)
        rows = process_store.of_record(conn, ident.org_id, record.id)
        shown: dict[str, Any] = {
            kind: {"status": row.status, **row.detail} for kind, row in sorted(rows.items())
        }
        return json_response(
            {
                "id": record.id,
                "approval_state": record.approval_state,
                "lock_state": record.lock_state,
                "processes": shown,
            }
        )

    return await state.authed(request.headers.get("authorization"), work, write=False)
