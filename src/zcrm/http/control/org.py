"""zcrm's own endpoints under ``/__zcrm/`` (documented in docs/control-plane.md and docs/access.md).

- ``PUT /__zcrm/records/{module}/{id}/state`` sets a record's approval and lock state, so that tests can reach the
  states that block updates and deletes (behaviour §3.11) before the automation that leads there exists.
- ``POST /__zcrm/users``, ``PUT /__zcrm/users/{id}``, ``POST /__zcrm/roles``, ``POST /__zcrm/profiles``,
  ``POST /__zcrm/clients`` and ``POST /__zcrm/tokens`` manage the caller's org.
- ``GET`` and ``PUT /__zcrm/modules/{module}/workflow_rules`` read and replace a module's workflow rules;
  ``GET /__zcrm/automation/log`` lists the runs of the functions workflow rules started;
  ``GET /__zcrm/webhooks/deliveries`` the webhooks they fired, with every delivery attempt.

These take the org's OAuth token of a user whose profile is an administrator's. ``POST /__zcrm/orgs`` creates an
org and takes the server admin token (``auth/admin.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import EllipsisType
from typing import Any

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth import access, passwords, provision
from zcrm.auth.guards import module_for, org_administrator
from zcrm.auth.identity import Identity, authenticate_at, bearer
from zcrm.errors import InvalidData, ZohoError, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.http.control import orgs as control_orgs
from zcrm.http.control.access import AdminCall
from zcrm.http.envelope import json_response
from zcrm.http.request import json_object, query_params, raw_body
from zcrm.http.state import State
from zcrm.http.way_in import zoho_host
from zcrm.records.reads import positive_param
from zcrm.service import automation as automation_service
from zcrm.service import oauth as oauth_service
from zcrm.service import process_control as process_service
from zcrm.service import workflow_rules as config

APPROVAL_STATES = [
    "approved",
    "approval_process_pending",
    "approval_process_rejected",
    "review_process_pending",
    "review_process_rejected",
]
LOCK_STATES = [None, "zia_vision_processing", "zia_vision_rejected", "merge", "record_locking"]


async def record_state(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = module_for(ident, module_name, {"resource_path_index": 2})
        record = process_service.record(conn, ident.org_id, module.id, record_id)
        body: dict[str, Any] = json_object(raw)
        if "approval_state" in body:
            if body["approval_state"] not in APPROVAL_STATES:
                raise InvalidData(details={"api_name": "approval_state", "supported_values": APPROVAL_STATES})
            record.approval_state = body["approval_state"]
        if "lock_state" in body:
            if body["lock_state"] not in LOCK_STATES:
                raise InvalidData(details={"api_name": "lock_state", "supported_values": LOCK_STATES})
            record.lock_state = body["lock_state"]
        return json_response(process_service.set_state(conn, ident.org_id, record))

    return await state.authed(request.headers.get("authorization"), work, write=True)


LOG_KINDS = ["function"]
LOG_STATUSES = ["success", "error", "skipped", "timeout"]


async def automation_log(request: Request, state: State) -> Response:
    """``GET /__zcrm/automation/log[?kind=function][&status=success|error|skipped|timeout][&limit=N]``: the newest runs of
    the functions workflow rules started, first (docs/automation.md)."""
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        kind, status = params.get("kind"), params.get("status")
        if kind is not None and kind not in LOG_KINDS:
            raise InvalidData(details={"param_name": "kind", "supported_values": LOG_KINDS})
        if status is not None and status not in LOG_STATUSES:
            raise InvalidData(details={"param_name": "status", "supported_values": LOG_STATUSES})
        limit = min(positive_param(params, "limit", 200), 1000)
        return json_response(automation_service.log(conn, ident.org_id, kind, status, limit))

    return await state.authed(request.headers.get("authorization"), work, write=False)


async def workflow_rules(request: Request, state: State, module_name: str) -> Response:
    """``GET`` / ``PUT /__zcrm/modules/{module}/workflow_rules``: the module's workflow rules, or all of them
    replaced (docs/automation.md)."""
    write = request.method == "PUT"
    raw = await raw_body(request, state.settings.max_body_bytes) if write else b""

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = module_for(ident, module_name, {"resource_path_index": 2})
        if write:
            return json_response(
                {
                    "workflow_rules": config.replace_rules(
                        conn, ident.org_id, module, json_object(raw), server_admin=False
                    )
                }
            )
        return json_response({"workflow_rules": config.rules_of(conn, ident.org_id, module)})

    return await state.authed(request.headers.get("authorization"), work, write=write)


DELIVERY_STATUSES = ["pending", "delivered", "failed"]


async def webhook_deliveries(request: Request, state: State) -> Response:
    """``GET /__zcrm/webhooks/deliveries[?status=pending|delivered|failed][&limit=N]``: the webhooks workflow rules
    fired, newest first, with every attempt (docs/automation.md). Secrets are not shown."""
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        status = params.get("status")
        if status is not None and status not in DELIVERY_STATUSES:
            raise InvalidData(details={"param_name": "status", "supported_values": DELIVERY_STATUSES})
        limit = min(positive_param(params, "limit", 200), 1000)
        return json_response(automation_service.deliveries(conn, ident.org_id, status, limit))

    return await state.authed(request.headers.get("authorization"), work, write=False)


# -- the caller's org: users, roles, profiles, clients, tokens ------------------------------------------------
Work = Callable[[Connection, Identity, dict[str, Any], int], dict[str, Any]]


async def _admin_write(
    request: Request, state: State, work: Work, status: int = 201, raw: bytes | EllipsisType | None = ...
) -> Response:
    """Authenticates an org administrator, then runs ``work(conn, identity, body, now)`` in a write unit (on the
    body ``raw`` when the handler has already read it)."""
    body = await raw_body(request, state.settings.max_body_bytes) if isinstance(raw, EllipsisType) else raw
    header = request.headers.get("authorization")

    def run(conn: Connection, ident: Identity, now: int) -> Response:
        return json_response(work(conn, ident, json_object(body), now), status)

    return await state.authed(header, run, write=True)


async def _password_hashes(request: Request, state: State, raw: bytes | None) -> dict[str, str]:
    """The hash of the password a user body sets, made once the caller is known to be an org administrator and
    outside the write unit (argon2 takes about 0.1 s, which must not hold the write lock). Any error is left to
    the write unit, which reports it in its order."""
    try:
        body = json_object(raw)
    except ZohoError:
        return {}
    if body.get("password") is None:
        return {}
    header = request.headers.get("authorization")

    def caller(conn: Connection, now: int) -> None:
        ident, _ = authenticate_at(conn, state.schemas, header, now)
        org_administrator(ident)  # before the unit of work, so the route's own check comes too late

    try:
        await state.unit(caller, write=False)
    except ZohoError:
        return {}
    return await run_in_threadpool(passwords.hashed, body)


async def create_user(request: Request, state: State) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)
    hashes = await _password_hashes(request, state, raw)
    return await _admin_write(
        request,
        state,
        lambda conn, ident, body, now: access.create_user(conn, ident.schema, body, now, hashes),
        raw=raw,
    )


async def update_user(request: Request, state: State, user_id: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)
    hashes = await _password_hashes(request, state, raw)

    def work(conn: Connection, ident: Identity, body: dict[str, Any], now: int) -> dict[str, Any]:
        parsed = parse_id(user_id)
        if parsed is None:
            raise invalid_id({"resource_path_index": 2})
        return access.update_user(conn, ident.schema, parsed, body, now, path_index=2, hashes=hashes)

    return await _admin_write(request, state, work, 200, raw=raw)


async def create_role(request: Request, state: State) -> Response:
    return await _admin_write(
        request, state, lambda conn, ident, body, now: access.create_role(conn, ident.schema, body)
    )


async def create_profile(request: Request, state: State) -> Response:
    return await _admin_write(
        request, state, lambda conn, ident, body, now: access.create_profile(conn, ident.schema, body)
    )


async def create_client(request: Request, state: State) -> Response:
    def work(conn: Connection, ident: Identity, body: dict[str, Any], now: int) -> dict[str, Any]:
        return provision.create_client(conn, state.oauth, ident.org_id, ident.user.id, body, now)

    return await _admin_write(request, state, work)


async def issue_tokens(request: Request, state: State) -> Response:
    header = request.headers.get("authorization")
    way_in = zoho_host(request)

    def work(conn: Connection, ident: Identity, body: dict[str, Any], now: int) -> dict[str, Any]:
        default_client = oauth_service.token_client(conn, bearer(header))
        return provision.issue_tokens(conn, state.oauth, ident.schema, body, default_client, now, way_in)

    return await _admin_write(request, state, work)


# -- server level: orgs ---------------------------------------------------------------------------------------
async def create_org(request: Request, state: State, call: AdminCall) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, now: int, server_admin: bool) -> Response:
        body = json_object(raw) if raw is None or raw.strip() else {}
        if "snapshot" in body:  # a new org from a snapshot (control/orgs.py)
            return json_response(control_orgs.create_from_snapshot(conn, state, body, now), 201)
        definition = provision.org_from_body(body)
        credentials = provision.create_org(conn, state.oauth, definition, state.settings.base_url, now)
        return json_response(credentials, 201)

    return await call.unit(state, work)
