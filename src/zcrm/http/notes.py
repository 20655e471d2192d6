"""Notes under a record (zoho-v5-related.md §4): list, create, get, update and delete a record's notes. Checks in
§1.3's order: the module, the scopes and permissions of the parent module and of Notes (§1.6), the parent id, that
the module has notes, the parent record the user can see; then the query, the body and each item."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import notes_modules
from zcrm.auth.identity import Identity
from zcrm.automation.functions import AfterCommit
from zcrm.errors import MSG_RELATED_ID, InvalidData
from zcrm.http.envelope import json_response, no_content, page_response, write_response
from zcrm.http.records import _automated_write
from zcrm.http.request import modified_since, query_params, raw_body, record_body
from zcrm.http.state import State
from zcrm.records.body import MAX_RECORDS, check_features, data_items, trigger_set
from zcrm.records.reads import parse_bool
from zcrm.schema.model import Module
from zcrm.service import notes as service


def _checked(
    conn: Connection, ident: Identity, module_name: str, record_id: str, operation: str
) -> tuple[Module, Module, str]:
    """The parent module, the Notes module and the parent's id, after §1.3 steps 2 to 7."""
    module, notes_module = notes_modules(ident, module_name, operation)
    return module, *service.parent(conn, ident, module, notes_module, record_id)


async def list_notes(
    request: Request, state: State, module_name: str, record_id: str, note_id: str | None = None
) -> Response:
    params = query_params(request)
    since_header = request.headers.get("if-modified-since")

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        _, notes_module, parent_id = _checked(conn, ident, module_name, record_id, "read")
        if note_id is not None:
            note = service.get_note(conn, ident, notes_module, parent_id, note_id, params)
            return no_content(204) if note is None else json_response({"data": [note]})
        since = modified_since(since_header)
        found = service.list_notes(
            conn, ident, notes_module, parent_id, params, state.page_tokens, now, since
        )
        return page_response(found, 304 if since is not None else 204)

    return await state.authed(request.headers.get("authorization"), work, write=False)


async def create_notes(request: Request, state: State, module_name: str, record_id: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Response:
        module, notes_module, parent_id = _checked(conn, ident, module_name, record_id, "create")
        payload = record_body(request, raw)
        items = data_items(payload, MAX_RECORDS)
        triggers = trigger_set(payload)
        check_features(payload)
        results = service.add_notes(conn, ident, module, notes_module, parent_id, items, now, triggers, after)
        return write_response(results, 201)

    return await _automated_write(request, state, work)


async def update_note(
    request: Request, state: State, module_name: str, record_id: str, note_id: str
) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Response:
        module, notes_module, parent_id = _checked(conn, ident, module_name, record_id, "update")
        payload = record_body(request, raw)
        items = data_items(payload, limit=1)
        triggers = trigger_set(payload)
        check_features(payload)
        results = service.update_note(
            conn, ident, module, notes_module, parent_id, note_id, items, now, triggers, after
        )
        if results is None:  # §4.4: not a note of this record
            return write_response([InvalidData(MSG_RELATED_ID, {"resource_path_index": 3})])
        return write_response(results)

    return await _automated_write(request, state, work)


async def delete_note(
    request: Request, state: State, module_name: str, record_id: str, note_id: str
) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Response:
        _, notes_module, parent_id = _checked(conn, ident, module_name, record_id, "delete")
        triggers = frozenset({"workflow"}) if parse_bool(params, "wf_trigger", True) else frozenset()
        results = service.delete_note(conn, ident, notes_module, parent_id, note_id, now, triggers, after)
        return write_response(results)

    return await _automated_write(request, state, work)
