"""``/__zcrm/requests`` (the request log) and ``/__zcrm/faults`` (fault rules), for the caller's org; they take an
org administrator's token (docs/control-plane.md, "Request log" and "Fault rules")."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.identity import Identity
from zcrm.errors import InvalidData, invalid_id
from zcrm.faults import METHODS, OPERATIONS
from zcrm.http.envelope import json_response
from zcrm.http.request import json_object, query_params, raw_body
from zcrm.http.state import State
from zcrm.records.reads import positive_param
from zcrm.service import faults as fault_service

MAX_LIMIT = 10_000
_STATUS = re.compile(r"[0-9]{1,3}")


def log_filters(params: dict[str, str]) -> dict[str, Any]:
    """The filters of ``GET /__zcrm/requests`` (and ``zcrm requests list``), checked."""
    method = params.get("method")
    if method is not None and method.upper() not in METHODS:
        raise InvalidData(details={"param_name": "method", "supported_values": METHODS})
    operation = params.get("operation")
    if operation is not None and operation not in OPERATIONS:
        raise InvalidData(details={"param_name": "operation", "supported_values": OPERATIONS})
    status = params.get("status")
    if status is not None and not (
        _STATUS.fullmatch(status) and (status == "0" or 100 <= int(status) <= 599)
    ):
        raise InvalidData(details={"param_name": "status"})
    return {
        "module": params.get("module") or None,
        "method": method.upper() if method else None,
        "status": int(status) if status is not None else None,
        "operation": operation,
        "limit": min(positive_param(params, "limit", 200), MAX_LIMIT),
    }


async def _flushed(state: State) -> None:
    """This process's buffered entries, written before the log is read or cleared."""
    if state.request_log is not None:
        await run_in_threadpool(state.request_log.flush)


async def requests(request: Request, state: State) -> Response:
    """``GET /__zcrm/requests[?module=&method=&status=&operation=&limit=]``, newest first;
    ``DELETE /__zcrm/requests`` empties the org's log."""
    params = query_params(request)
    clear = request.method == "DELETE"
    await _flushed(state)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        if clear:
            return json_response(fault_service.clear_requests(conn, ident.org_id))
        return json_response(fault_service.requests(conn, ident.org_id, log_filters(params)))

    return await state.authed(request.headers.get("authorization"), work, write=clear)


async def faults(request: Request, state: State) -> Response:
    """``GET /__zcrm/faults`` lists the org's rules; ``POST`` adds one (201 with its id); ``DELETE`` removes all."""
    method = request.method
    raw = await raw_body(request, state.settings.max_body_bytes) if method == "POST" else b""

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        if method == "POST":
            return json_response(fault_service.add(conn, ident.org_id, json_object(raw), now), 201)
        if method == "DELETE":
            return json_response(fault_service.clear(conn, ident.org_id))
        return json_response(fault_service.rules(conn, ident.org_id))

    return await state.authed(request.headers.get("authorization"), work, write=method != "GET")


async def remove_fault(request: Request, state: State, rule_id: str) -> Response:
    """``DELETE /__zcrm/faults/{id}``."""

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        if not fault_service.remove(conn, ident.org_id, rule_id):
            raise invalid_id({"resource_path_index": 2})
        return json_response({"id": rule_id})

    return await state.authed(request.headers.get("authorization"), work, write=True)
