"""The org lifecycle under ``/__zcrm/orgs/{org_id}`` (docs/snapshots.md): snapshots (export and import), reset to
the seed, the seed itself, and deleting an org. ``POST /__zcrm/orgs`` with ``{"snapshot": …}`` (a new org from a
snapshot) is ``create_from_snapshot``, called by ``control.create_org``.

The server admin token may do everything. An administrator's own org token may export, import, reset and re-seed
its own org (so that a test can isolate itself without the server's token); deleting an org takes the server admin
token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zcrm import control_input as b
from zcrm.auth import provision
from zcrm.http.control.access import ORG_PATH_INDEX, AdminCall
from zcrm.http.envelope import JSON_TYPE, json_response
from zcrm.http.request import json_object, raw_body
from zcrm.http.state import State
from zcrm.schema.snapshot import parse
from zcrm.service import orgs as org_service


async def export(request: Request, state: State, call: AdminCall, org_id: str) -> Response:
    """``GET /__zcrm/orgs/{org_id}/snapshot``: the org as a ``zcrm-snapshot/1`` document, read in one state."""
    stored = await call.stored_hash(state)

    def check(conn: Connection, now: int) -> None:
        call.authorise(conn, state, stored, now)

    return json_response(
        await run_in_threadpool(org_service.export, state.db, org_id, state.clock.now, check)
    )


async def _write(
    state: State, call: AdminCall, work: Callable[[Connection, int, bool], dict[str, Any]]
) -> Response:
    """Runs ``work(conn, now, server_admin)`` in the call's write unit."""
    answer = await call.unit(state, work)
    state.schemas.clear()  # this process forgets the old metadata now; other workers see the new schema_version
    return json_response(answer)


async def import_into(request: Request, state: State, call: AdminCall, org_id: str) -> Response:
    """``POST /__zcrm/orgs/{org_id}/snapshot``: replaces the org's content with the snapshot in the body. With the
    server admin token the snapshot's functions are installed; an org administrator's import keeps the org's own,
    and giving code that is not installed as it is gets 403 (``automation/trust.py``)."""
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        snapshot = parse(json_object(raw))
        return org_service.import_snapshot(conn, org_id, snapshot, keep_functions=not server_admin)

    return await _write(state, call, work)


async def reset(request: Request, state: State, call: AdminCall, org_id: str) -> Response:
    """``POST /__zcrm/orgs/{org_id}/reset``: the org back to its seed, in one transaction."""

    def work(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        return org_service.reset(conn, org_id)

    return await _write(state, call, work)


async def put_seed(request: Request, state: State, call: AdminCall, org_id: str) -> Response:
    """``PUT /__zcrm/orgs/{org_id}/seed``: the org's current state becomes its seed. The body is ignored."""

    def work(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        return org_service.put_seed(conn, org_id, now)

    return await _write(state, call, work)


async def get_seed(request: Request, state: State, call: AdminCall, org_id: str) -> Response:
    """``GET /__zcrm/orgs/{org_id}/seed``: the snapshot the org is reset to."""

    def run(conn: Connection, now: int, server_admin: bool) -> bytes:
        return org_service.seed_text(conn, org_id, now).encode()

    # a write unit: an org made before seeds were kept gets its current state as its seed on first use
    return Response(await call.unit(state, run), media_type=JSON_TYPE)


async def delete(request: Request, state: State, call: AdminCall, org_id: str) -> Response:
    """``DELETE /__zcrm/orgs/{org_id}``: the org and all its rows, in every table (server admin token only)."""

    def work(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        return org_service.delete(conn, org_id, ORG_PATH_INDEX)

    response = await _write(state, call, work)
    if state.request_log is not None:  # the org's requests still waiting in this process are not written
        await run_in_threadpool(state.request_log.discard, org_id)
    return response


def create_from_snapshot(conn: Connection, state: State, body: dict[str, Any], now: int) -> dict[str, str]:
    """``POST /__zcrm/orgs`` with ``{"snapshot": {…}}``: a new org holding the snapshot; credentials for its first
    active administrator (a new self client, refresh and access tokens with every scope)."""
    b.only_keys(body, ("snapshot",))
    snapshot = parse(body["snapshot"], "$.snapshot")
    org_id = org_service.create_from_snapshot(conn, snapshot, now, body["snapshot"], state.settings.seed)
    state.schemas.clear()
    return provision.admin_credentials(conn, state.oauth, org_id, state.settings.base_url, now)
