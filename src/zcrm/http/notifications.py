"""The Notifications API: ``GET`` (list), ``POST`` (enable), ``PUT`` (replace), ``PATCH`` (update, or remove events
with ``_delete_events``) and ``DELETE`` (disable) on ``/crm/v5/actions/watch`` (docs/notifications.md): the
request read and the answer rendered here, the units of work in ``service/notifications.py``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import notifications_scope
from zcrm.auth.identity import Identity
from zcrm.automation import notifications as watch
from zcrm.errors import (
    MSG_INVALID_DATA,
    InvalidData,
    InvalidModule,
    LimitExceeded,
    MandatoryNotFound,
    RequiredParamMissing,
    ZohoError,
)
from zcrm.fields.coerce import parse_id
from zcrm.http.envelope import json_response, no_content, write_status
from zcrm.http.request import json_object, query_params, raw_body
from zcrm.http.state import State
from zcrm.records.reads import positive_param
from zcrm.service import notifications as service
from zcrm.service.notifications import Result

MAX_PER_PAGE = 200
MAX_DISABLE = 100
SCOPE_OF = {"enable": "create", "replace": "update", "update": "update"}


def watch_items(body: dict[str, Any]) -> list[Any]:
    items = body.get("watch")
    if items is None or items == []:
        raise MandatoryNotFound(details={"api_name": "watch", "json_path": "$.watch"})
    if not isinstance(items, list):
        raise InvalidData(
            MSG_INVALID_DATA, {"api_name": "watch", "expected_data_type": "jsonarray", "json_path": "$.watch"}
        )
    if len(items) > watch.MAX_ITEMS:
        raise LimitExceeded(
            details={"api_name": "watch", "json_path": "$.watch", "maximum_length": watch.MAX_ITEMS}
        )
    return items


def _answer(results: list[Result], all_success: int) -> Response:
    body = [r.as_dict() if isinstance(r, ZohoError) else r for r in results]
    return json_response({"watch": body}, write_status(results, all_success))


async def _write(request: Request, state: State, action: str, all_success: int) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        notifications_scope(ident, SCOPE_OF[action])
        items = watch_items(json_object(raw))
        return _answer(service.change(conn, ident, items, action, now), all_success)

    return await state.authed(request.headers.get("authorization"), work, write=True)


async def enable(request: Request, state: State) -> Response:
    return await _write(request, state, "enable", 201)


async def replace(request: Request, state: State) -> Response:
    return await _write(request, state, "replace", 200)


async def update(request: Request, state: State) -> Response:
    return await _write(request, state, "update", 200)


async def list_channels(request: Request, state: State) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        notifications_scope(ident, "read")
        page = positive_param(params, "page", 1)
        per_page = min(positive_param(params, "per_page", MAX_PER_PAGE), MAX_PER_PAGE)
        channel_id = None
        if "channel_id" in params:
            channel_id = parse_id(params["channel_id"].strip())
            if channel_id is None:
                raise InvalidData(details={"param_name": "channel_id"})
        module = None
        if "module" in params:
            found = watch.event_module(ident.schema, params["module"].strip())
            if found is None:
                raise InvalidModule(details={"param_name": "module"})
            module = found.api_name
        entries = [
            entry
            for channel in service.live(conn, ident.org_id, now)
            if channel_id is None or channel.channel_id == channel_id
            for entry in watch.list_entries(ident.schema, channel, module)
        ]
        start = (page - 1) * per_page
        shown = entries[start : start + per_page]
        if not shown:
            return no_content(204)
        info = {
            "per_page": per_page,
            "count": len(shown),
            "page": page,
            "more_records": len(entries) > start + per_page,
        }
        return json_response({"watch": shown, "info": info})

    return await state.authed(request.headers.get("authorization"), work, write=False)


def _channel_ids(params: dict[str, str]) -> list[str]:
    raw = params.get("channel_ids")
    if raw is None or not raw.strip():
        raise RequiredParamMissing(details={"param_name": "channel_ids"})
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) > MAX_DISABLE:
        raise LimitExceeded(details={"param_name": "channel_ids", "maximum_length": MAX_DISABLE})
    ids = [parse_id(p) for p in parts]
    if any(i is None for i in ids):
        raise InvalidData(details={"param_name": "channel_ids"})
    return [i for i in ids if i is not None]


async def disable(request: Request, state: State) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        notifications_scope(ident, "delete")
        return _answer(service.disable(conn, ident, _channel_ids(params), now), 200)

    return await state.authed(request.headers.get("authorization"), work, write=True)
