"""Related lists (zoho-v5-related.md §2, §3): the metadata of a module's related lists, and a record's related records: read, link, delink."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import relation_module, settings_scope
from zcrm.auth.identity import Identity
from zcrm.errors import invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.http.envelope import json_response, no_content, page_response, write_response
from zcrm.http.records import delete_ids
from zcrm.http.request import modified_since, module_param, query_params, raw_body, record_body
from zcrm.http.state import State
from zcrm.records.body import MAX_RECORDS, data_items
from zcrm.records.model import StoredRecord
from zcrm.schema.related import RelatedList, list_json
from zcrm.schema.related import related_lists as lists_of
from zcrm.service import related as service


async def related_lists(request: Request, state: State, list_id: str | None = None) -> Response:
    """``GET /settings/related_lists[/{id}]?module=`` (§2.1)."""
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        settings_scope(ident, "related_lists")
        module = module_param(ident.schema, params)
        entries = [list_json(item, n) for n, item in enumerate(lists_of(ident.schema.modules, module), 1)]
        if list_id is not None:
            entries = [e for e in entries if e["id"] == parse_id(list_id)]
            if not entries:
                raise invalid_id({"resource_path_index": 2})
        return json_response({"related_lists": entries})

    return await state.authed(request.headers.get("authorization"), work, write=False)


def _opened(
    conn: Connection, ident: Identity, module_name: str, record_id: str, related_list: str, method: str
) -> tuple[RelatedList, StoredRecord]:
    """The list and its parent record, after §1.3's checks for ``method`` (writes: many-to-many lists only)."""
    module = relation_module(ident, module_name, method)
    return service.open_list(conn, ident, module, record_id, related_list, write=method != "GET")


async def get_related(
    request: Request,
    state: State,
    module_name: str,
    record_id: str,
    related_list: str,
    related_id: str | None = None,
) -> Response:
    """``GET /{module}/{id}/{related_list}[/{related_id}]`` (§3.1)."""
    params = query_params(request)
    since_header = request.headers.get("if-modified-since")

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        item, parent = _opened(conn, ident, module_name, record_id, related_list, "GET")
        if related_id is not None:
            entry = service.get_related(conn, ident, item, parent, related_id, params)
            return no_content(204) if entry is None else json_response({"data": [entry]})
        since = modified_since(since_header)
        result = service.list_related(conn, ident, item, parent, params, state.page_tokens, now, since)
        unchanged = (
            result is None
            and since is not None
            and not service.any_related_since(conn, ident, item, parent, since)
        )
        return page_response(result, 304 if unchanged else 204)

    return await state.authed(request.headers.get("authorization"), work, write=False)


async def link(
    request: Request,
    state: State,
    module_name: str,
    record_id: str,
    related_list: str,
    related_id: str | None = None,
) -> Response:
    """``PUT /{module}/{id}/{related_list}[/{related_id}]`` (§3.2): many-to-many lists only."""
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        item, parent = _opened(conn, ident, module_name, record_id, related_list, "PUT")
        payload = record_body(request, raw)
        items = data_items(payload, limit=1 if related_id is not None else MAX_RECORDS)
        return write_response(service.link(conn, ident, item, parent, items, related_id, now))

    return await state.authed(request.headers.get("authorization"), work, write=True)


async def delink(
    request: Request,
    state: State,
    module_name: str,
    record_id: str,
    related_list: str,
    related_id: str | None = None,
) -> Response:
    """``DELETE /{module}/{id}/{related_list}?ids=`` and ``…/{related_id}`` (§3.3): many-to-many lists only."""
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        item, parent = _opened(conn, ident, module_name, record_id, related_list, "DELETE")
        ids = delete_ids(params) if related_id is None else [parse_id(related_id) or related_id]
        return write_response(service.delink(conn, ident, item, parent, ids))

    return await state.authed(request.headers.get("authorization"), work, write=True)
