"""Record routes: insert, update, upsert, list, get one, delete. Writes run the functions their workflow rules started once
their transaction has committed, before answering (docs/automation.md)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import record_module, upsert_module
from zcrm.auth.identity import Identity
from zcrm.automation.functions import AfterCommit
from zcrm.errors import LimitExceeded, RequiredParamMissing, UnableToParseDataType, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.http.envelope import json_response, leave_out, no_content, page_response, write_response
from zcrm.http.request import api_version, http_time, modified_since, query_params, raw_body, record_body
from zcrm.http.state import State
from zcrm.records.body import MAX_RECORDS, check_features, data_items, trigger_set
from zcrm.records.reads import parse_bool
from zcrm.records.update import Target
from zcrm.records.upsert import check_sequence
from zcrm.service import reads
from zcrm.service import records as service
from zcrm.service.after import run_functions
from zcrm.service.upsert import upsert_records

MAX_DELETE = 100


async def insert(request: Request, state: State, module_name: str) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Response:
        module = record_module(ident, module_name, "create")
        payload = record_body(request, raw)
        items = data_items(payload)
        triggers = trigger_set(payload)
        check_features(payload)
        return write_response(service.insert_records(conn, ident, module, items, now, triggers, after), 201)

    return await _automated_write(request, state, work)


AutomatedWork = Callable[[Connection, Identity, int, AfterCommit], Response]


async def _automated_write(request: Request, state: State, work: AutomatedWork) -> Response:
    """Runs ``work(conn, identity, now, after)`` in a write unit; once it has committed, runs the functions its
    workflow rules started and wakes the webhook deliverer when they queued webhooks."""
    after = AfterCommit()
    who: list[Identity] = []

    def run(conn: Connection, ident: Identity, now: int) -> Response:
        who.append(ident)
        return work(conn, ident, now, after)

    response = await state.authed(request.headers.get("authorization"), run, write=True)
    if after.queued and state.deliverer is not None:
        state.deliverer.wake()
    if after.calls:
        pool = state.function_pool()
        ident = who[0]
        await run_in_threadpool(
            run_functions,
            state.db,
            state.schemas,
            state.clock,
            state.limits,
            lambda: pool,
            ident.org_id,
            ident.user.id,
            after,
        )
    return response


async def update(request: Request, state: State, module_name: str, record_id: str | None = None) -> Response:
    raw = await raw_body(request, state.settings.max_body_bytes)
    unmodified_header = request.headers.get("if-unmodified-since")

    def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Response:
        module = record_module(ident, module_name, "update")
        since = None
        if unmodified_header is not None:
            since = http_time(unmodified_header, "If-Unmodified-Since", bad=UnableToParseDataType)
        payload = record_body(request, raw)
        items = data_items(payload, limit=1 if record_id is not None else MAX_RECORDS)
        triggers = trigger_set(payload)
        check_features(payload)
        target = Target(path_id=record_id, path_form=record_id is not None)
        results = service.update_records(conn, ident, module, items, now, triggers, target, since, after)
        return write_response(results)

    return await _automated_write(request, state, work)


async def upsert(request: Request, state: State, module_name: str) -> Response:
    """Upsert Records (zoho-v5-queries.md §4): 200 when every item succeeded, inserts included."""
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Response:
        module = upsert_module(ident, module_name)
        payload = record_body(request, raw)
        items = data_items(payload)
        triggers = trigger_set(payload)
        check_features(payload)
        sequence = check_sequence(module, payload)
        return write_response(upsert_records(conn, ident, module, items, sequence, now, triggers, after))

    return await _automated_write(request, state, work)


async def list_records(request: Request, state: State, module_name: str) -> Response:
    params = query_params(request)
    since_header = request.headers.get("if-modified-since")
    version = api_version(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = record_module(ident, module_name, "read")
        since = modified_since(since_header)
        result = reads.list_records(
            conn,
            ident,
            module,
            params,
            state.page_tokens,
            now,
            since,
            fields_required=version.list_fields_required,
        )
        if result is not None:
            result = (leave_out(result[0], version.omitted_fields(module.api_name)), result[1])
        unchanged = (
            result is None and since is not None and not reads.any_modified_since(conn, ident, module, since)
        )
        return page_response(result, 304 if unchanged else 204)

    return await state.authed(request.headers.get("authorization"), work, write=False)


async def get_one(request: Request, state: State, module_name: str, record_id: str) -> Response:
    params = query_params(request)
    version = api_version(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = record_module(ident, module_name, "read")
        record = reads.get_record(conn, ident, module, record_id, params, now)
        if record is None:
            return no_content(204)
        return json_response({"data": leave_out([record], version.omitted_fields(module.api_name))})

    return await state.authed(request.headers.get("authorization"), work, write=False)


def delete_ids(params: dict[str, str]) -> list[str]:
    raw = params.get("ids")
    if raw is None or not raw.strip():
        raise RequiredParamMissing(details={"param_name": "ids"})
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) > MAX_DELETE:
        raise LimitExceeded(details={"limit": MAX_DELETE, "param_name": "ids"})
    ids = [parse_id(p) for p in parts]
    if any(i is None for i in ids):
        raise UnableToParseDataType(details={"param_name": "ids"})
    return [i for i in ids if i is not None]


def _delete_triggers(params: dict[str, str]) -> frozenset[str]:
    """``wf_trigger`` (default true) decides whether delete-triggered workflows may run (behaviour §5.4)."""
    return frozenset({"workflow"}) if parse_bool(params, "wf_trigger", True) else frozenset()


async def delete_many(request: Request, state: State, module_name: str) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Response:
        module = record_module(ident, module_name, "delete")
        ids = delete_ids(params)
        triggers = _delete_triggers(params)
        return write_response(service.delete_records(conn, ident, module, ids, now, triggers, after))

    return await _automated_write(request, state, work)


async def delete_one(request: Request, state: State, module_name: str, record_id: str) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int, after: AfterCommit) -> Response:
        module = record_module(ident, module_name, "delete")
        parsed = parse_id(record_id)
        if parsed is None:
            raise invalid_id({"resource_path_index": 1})
        triggers = _delete_triggers(params)
        return write_response(service.delete_records(conn, ident, module, [parsed], now, triggers, after))

    return await _automated_write(request, state, work)
