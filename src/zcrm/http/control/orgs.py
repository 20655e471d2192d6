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
from zcrm.auth.admin import current_hash, is_admin_token, presented_token
from zcrm.auth.identity import authenticate
from zcrm.errors import AuthenticationFailure, InvalidToken, NoPermission, ZohoError, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.http.envelope import JSON_TYPE, json_response
from zcrm.http.request import json_object, raw_body
from zcrm.http.state import State
from zcrm.schema.snapshot import parse
from zcrm.service import orgs as org_service

ORG_PATH_INDEX = 2  # /__zcrm/orgs/{org_id}/…


def _authorise(
    conn: Connection,
    state: State,
    request: Request,
    stored: str,
    org_id: str,
    now: int,
    *,
    org_admin: bool,
) -> bool:
    """The server admin token (True), or (``org_admin``) an administrator's token of the org itself (False)."""
    header = request.headers.get("authorization")
    admin = request.headers.get("x-zcrm-admin-token")
    presented = presented_token(header, admin)
    if is_admin_token(presented, stored):
        parsed = parse_id(org_id)
        if parsed is None or parsed != org_id or not org_service.exists(conn, parsed):
            raise invalid_id({"resource_path_index": ORG_PATH_INDEX})
        return True
    if presented is None:
        raise AuthenticationFailure()
    if admin is not None:
        raise InvalidToken()
    try:
        ident = authenticate(conn, state.schemas, header, now)
    except ZohoError:
        raise InvalidToken() from None
    if org_admin and ident.org_id == org_id:
        profile = ident.schema.profiles_by_id.get(ident.user.profile_id)
        if profile is not None and profile.admin:
            return False
        raise NoPermission("Permission denied", {"permissions": ["administrator"]})
    raise NoPermission("Permission denied", {"permissions": ["server_administrator"]})


async def _stored_hash(state: State) -> str:
    # made on first use, in its own committed unit (a rejected call must not roll it back)
    return await state.unit(lambda conn, now: current_hash(conn, state.settings.data_dir), write=True)


async def export(request: Request, state: State, org_id: str) -> Response:
    """``GET /__zcrm/orgs/{org_id}/snapshot``: the org as a ``zcrm-snapshot/1`` document, read in one state."""
    stored = await _stored_hash(state)

    def check(conn: Connection, now: int) -> None:
        _authorise(conn, state, request, stored, org_id, now, org_admin=True)

    return json_response(
        await run_in_threadpool(org_service.export, state.db, org_id, state.clock.now, check)
    )


async def _write(
    request: Request,
    state: State,
    org_id: str,
    work: Callable[[Connection, int, bool], dict[str, Any]],
    *,
    org_admin: bool = True,
) -> Response:
    """Authorises, then runs ``work(conn, now, server_admin)`` in a write unit."""
    stored = await _stored_hash(state)

    def run(conn: Connection, now: int) -> dict[str, Any]:
        server_admin = _authorise(conn, state, request, stored, org_id, now, org_admin=org_admin)
        return work(conn, now, server_admin)

    answer = await state.unit(run, write=True)
    state.schemas.clear()  # this process forgets the old metadata now; other workers see the new schema_version
    return json_response(answer)


async def import_into(request: Request, state: State, org_id: str) -> Response:
    """``POST /__zcrm/orgs/{org_id}/snapshot``: replaces the org's content with the snapshot in the body. With the
    server admin token the snapshot's functions are installed; an org administrator's import keeps the org's own,
    and giving code that is not installed as it is gets 403 (``automation/trust.py``)."""
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        snapshot = parse(json_object(raw))
        return org_service.import_snapshot(conn, org_id, snapshot, keep_functions=not server_admin)

    return await _write(request, state, org_id, work)


async def reset(request: Request, state: State, org_id: str) -> Response:
    """``POST /__zcrm/orgs/{org_id}/reset``: the org back to its seed, in one transaction."""

    def work(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        return org_service.reset(conn, org_id)

    return await _write(request, state, org_id, work)


async def put_seed(request: Request, state: State, org_id: str) -> Response:
    """``PUT /__zcrm/orgs/{org_id}/seed``: the org's current state becomes its seed. The body is ignored."""

    def work(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        return org_service.put_seed(conn, org_id, now)

    return await _write(request, state, org_id, work)


async def get_seed(request: Request, state: State, org_id: str) -> Response:
    """``GET /__zcrm/orgs/{org_id}/seed``: the snapshot the org is reset to."""
    stored = await _stored_hash(state)

    def run(conn: Connection, now: int) -> bytes:
        _authorise(conn, state, request, stored, org_id, now, org_admin=True)
        return org_service.seed_text(conn, org_id, now).encode()

    # a write unit: an org made before seeds were kept gets its current state as its seed on first use
    return Response(await state.unit(run, write=True), media_type=JSON_TYPE)


async def delete(request: Request, state: State, org_id: str) -> Response:
    """``DELETE /__zcrm/orgs/{org_id}``: the org and all its rows, in every table (server admin token only)."""

    def work(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        return org_service.delete(conn, org_id, ORG_PATH_INDEX)

    response = await _write(request, state, org_id, work, org_admin=False)
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
