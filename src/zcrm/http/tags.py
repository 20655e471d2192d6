"""Tags (zoho-v5-related.md §10): a module's tags, adding and removing tags on records (docs/tags.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import schema_module, settings_scope, tags_module
from zcrm.auth.identity import Identity
from zcrm.errors import RequiredParamMissing, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.http.envelope import json_response, write_status
from zcrm.http.request import json_object, query_params, raw_body
from zcrm.http.state import State
from zcrm.records.reads import parse_bool
from zcrm.records.tags import PER_MODULE, Tag, parse_request
from zcrm.service import tags as service


def _listed(renderer: Renderer, tag: Tag) -> dict[str, Any]:
    """One tag of ``GET /settings/tags``, its keys in the order of Zoho's sample."""
    return {
        "created_time": renderer.datetime(tag.created_time),
        "modified_time": renderer.datetime(tag.modified_time),
        "name": tag.name,
        "modified_by": renderer.user_ref(tag.modified_by, with_email=False),
        "id": tag.id,
        "created_by": renderer.user_ref(tag.created_by, with_email=False),
        "color_code": tag.color_code,
    }


async def list_tags(request: Request, state: State) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        settings_scope(ident, "tags")
        name = params.get("module")
        if not name:
            raise RequiredParamMissing(details={"param_name": "module"})
        module = schema_module(ident.schema, name, {"param_name": "module"})
        mine = parse_bool(params, "my_tags", False)
        renderer = Renderer(ident.schema, ident.user)
        tags = [_listed(renderer, t) for t in service.module_tags(conn, ident, module, mine)]
        return json_response({"tags": tags, "info": {"count": len(tags), "allowed_count": PER_MODULE}})

    return await state.authed(request.headers.get("authorization"), work, write=False)


async def _change(
    request: Request, state: State, module_name: str, record_id: str | None, adding: bool
) -> Response:
    params = query_params(request)
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = tags_module(ident, module_name, "add_tags" if adding else "remove_tags")
        path_id = None
        if record_id is not None:
            path_id = parse_id(record_id)
            if path_id is None:
                raise invalid_id({"resource_path_index": 1})
            service.check_parent(conn, ident, module, path_id)
        wanted = parse_request(json_object(raw), path_id, params, adding)
        plan = service.change_tags(conn, ident, module, wanted, adding, now)
        data = [r if isinstance(r, dict) else r.as_dict() for r in plan.results]
        body: dict[str, Any] = {"data": data}
        if record_id is None:
            body["success_count"] = str(plan.success_count)
            body["locked_count"] = str(plan.locked_count)
        return json_response(body, write_status(plan.results, 200))

    return await state.authed(request.headers.get("authorization"), work, write=True)


async def add_tags(
    request: Request, state: State, module_name: str, record_id: str | None = None
) -> Response:
    return await _change(request, state, module_name, record_id, adding=True)


async def remove_tags(
    request: Request, state: State, module_name: str, record_id: str | None = None
) -> Response:
    return await _change(request, state, module_name, record_id, adding=False)
