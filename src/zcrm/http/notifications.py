"""The Notifications API: ``GET`` (list), ``POST`` (enable), ``PUT`` (replace), ``PATCH`` (update, or remove events
with ``_delete_events``) and ``DELETE`` (disable) on ``/crm/v5/actions/watch`` (docs/notifications.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.identity import Identity
from zcrm.automation import notifications as watch
from zcrm.automation.notifications import Channel
from zcrm.errors import (
    MSG_INVALID_DATA,
    AlreadyUsed,
    InvalidData,
    InvalidModule,
    LimitExceeded,
    MandatoryNotFound,
    NotSubscribed,
    RequiredParamMissing,
    ZohoError,
)
from zcrm.fields.coerce import parse_id
from zcrm.http.envelope import json_response, no_content, write_status
from zcrm.http.guards import notifications_scope
from zcrm.http.request import json_object, query_params, raw_body
from zcrm.http.state import State
from zcrm.records.reads import positive_param
from zcrm.store import notifications as store
from zcrm.store.orgs import lock as lock_org

MAX_PER_PAGE = 200
MAX_DISABLE = 100
SCOPE_OF = {"enable": "create", "replace": "update", "update": "update"}
MESSAGE_OF = {
    "enable": watch.MSG_SUBSCRIBED,
    "replace": watch.MSG_SUBSCRIBED,
    "update": watch.MSG_UPDATED,
    "remove": watch.MSG_REMOVED,
}
Result = dict[str, Any] | ZohoError


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


def apply(
    conn: Connection, ident: Identity, items: list[Any], action: str, now: int
) -> tuple[list[Result], dict[str, Channel | None]]:
    """Checks and applies the items in order against the org's live channels; returns the per-item results and
    the channels changed (None: disabled)."""
    current: dict[str, Channel | None] = {c.channel_id: c for c in store.live(conn, ident.org_id, now)}
    changed: dict[str, Channel | None] = {}
    results: list[Result] = []
    for index, raw in enumerate(items):
        item = watch.parse_item(ident.schema, index, raw, action)
        if item.error is not None:
            results.append(item.error)
            continue
        channel_id = item.channel_id
        where = {"api_name": "channel_id", "json_path": f"$.watch[{index}].channel_id"}
        existing = current.get(channel_id)
        if item.action == "enable" and existing is not None:
            results.append(AlreadyUsed(details=where))
            continue
        if item.action != "enable" and existing is None:
            results.append(NotSubscribed(details=where))
            continue
        channel = watch.build(item, now, ident.user.id, existing)
        if item.action == "remove":
            details = watch.event_details(
                ident.schema, channel, list(item.values["events"]), with_expiry=False
            )
        else:
            details = watch.event_details(ident.schema, channel, list(channel.events))
        current[channel_id] = changed[channel_id] = channel if channel.events else None
        results.append(watch.success(MESSAGE_OF[item.action], {"events": details}))
    return results, changed


def _save(conn: Connection, org_id: str, changed: dict[str, Channel | None]) -> None:
    store.remove(conn, org_id, [cid for cid, channel in changed.items() if channel is None])
    store.put(conn, org_id, [channel for channel in changed.values() if channel is not None])


async def _write(request: Request, state: State, action: str, all_success: int) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        notifications_scope(ident, SCOPE_OF[action])
        items = watch_items(json_object(raw))
        lock_org(conn, ident.org_id)
        results, changed = apply(conn, ident, items, action, now)
        _save(conn, ident.org_id, changed)
        return _answer(results, all_success)

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
            for channel in store.live(conn, ident.org_id, now)
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
        ids = _channel_ids(params)
        lock_org(conn, ident.org_id)
        live = {c.channel_id: c for c in store.live(conn, ident.org_id, now)}
        results: list[Result] = []
        for channel_id in ids:
            channel = live.pop(channel_id, None)
            if channel is None:
                results.append(NotSubscribed(details={"channel_id": channel_id}))
                continue
            results.extend(watch.unsubscribed(ident.schema, channel))
            store.remove(conn, ident.org_id, [channel_id])
        return _answer(results, 200)

    return await state.authed(request.headers.get("authorization"), work, write=True)
