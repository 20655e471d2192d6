"""zcrm's own endpoints under ``/__zcrm/`` (documented in docs/control-plane.md).

``PUT /__zcrm/records/{module}/{id}/state`` sets a record's approval and lock state, so that tests can reach the
states that block updates and deletes (behaviour §3.11) before the automation that leads there exists. It takes
the org's OAuth token of a user whose profile is an administrator's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.identity import Identity
from zcrm.errors import InvalidData, NoPermission, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.http.envelope import json_response
from zcrm.http.guards import module_for
from zcrm.http.request import json_object, raw_body
from zcrm.http.state import State
from zcrm.store import records as store

APPROVAL_STATES = ["approved", "approval_process_pending"]
LOCK_STATES = [None, "zia_vision_processing", "merge", "record_locking"]


def _require_admin(ident: Identity) -> None:
    profile = ident.schema.profiles_by_id.get(ident.user.profile_id)
    if profile is None or not profile.admin:
        raise NoPermission("Permission denied", {"permissions": ["administrator"]})


async def record_state(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        _require_admin(ident)
        module = module_for(ident, module_name, {"resource_path_index": 2})
        parsed = parse_id(record_id)
        record = (
            store.fetch(conn, ident.org_id, [parsed], module_id=module.id).get(parsed) if parsed else None
        )
        if record is None or record.parent_id is not None:
            raise invalid_id({"resource_path_index": 3})
        body: dict[str, Any] = json_object(raw)
        if "approval_state" in body:
            if body["approval_state"] not in APPROVAL_STATES:
                raise InvalidData(details={"api_name": "approval_state", "supported_values": APPROVAL_STATES})
            record.approval_state = body["approval_state"]
        if "lock_state" in body:
            if body["lock_state"] not in LOCK_STATES:
                raise InvalidData(details={"api_name": "lock_state", "supported_values": LOCK_STATES})
            record.lock_state = body["lock_state"]
        store.set_state(conn, ident.org_id, record.id, record.approval_state, record.lock_state)
        return json_response(
            {"id": record.id, "approval_state": record.approval_state, "lock_state": record.lock_state}
        )

    return await state.authed(request.headers.get("authorization"), work, write=True)
