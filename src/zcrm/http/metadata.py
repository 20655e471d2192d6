"""Metadata routes: settings/modules, settings/fields, settings/layouts, users, org."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import settings_scope
from zcrm.auth.identity import Identity
from zcrm.errors import (
    InvalidData,
    InvalidModule,
    LimitExceeded,
    UnableToParseDataType,
    invalid_id,
)
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.http.envelope import json_response, no_content
from zcrm.http.request import api_version, http_time, module_param, query_params
from zcrm.http.state import State
from zcrm.records.reads import positive_param
from zcrm.schema.model import User
from zcrm.schema.present import field_json, layout_json, listed_fields, module_json, org_json, user_json

USER_TYPES = (
    "AllUsers",
    "ActiveUsers",
    "DeactiveUsers",
    "ConfirmedUsers",
    "NotConfirmedUsers",
    "DeletedUsers",
    "ActiveConfirmedUsers",
    "AdminUsers",
    "ActiveConfirmedAdmins",
    "CurrentUser",
)


def _not_modified(header: str | None, changed: int) -> bool:
    """True when ``If-Modified-Since`` is at or after ``changed`` (behaviour §1.2, §6.1)."""
    if not header:
        return False
    return http_time(header, "If-Modified-Since", bad=UnableToParseDataType) >= changed


async def modules(request: Request, state: State, api_name: str | None) -> Response:
    since = request.headers.get("if-modified-since")
    omit = api_version(request).omitted_module_keys

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        settings_scope(ident, "modules")
        if _not_modified(since, ident.schema.org.created_time):  # metadata does not change after creation yet
            return no_content(304)
        renderer = Renderer(ident.schema, ident.user)
        if api_name is not None:
            module = ident.schema.module(api_name)
            if module is None:
                raise InvalidModule(details={"resource_path_index": 2})
            return json_response({"modules": [module_json(ident.schema, module, renderer, omit)]})
        return json_response(
            {"modules": [module_json(ident.schema, m, renderer, omit) for m in ident.schema.modules]}
        )

    return await state.authed(request.headers.get("authorization"), work, write=False)


async def fields(request: Request, state: State, field_id: str | None) -> Response:
    params = query_params(request)
    version = api_version(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        settings_scope(ident, "fields")
        module = module_param(ident.schema, params)
        field_type = params.get("type", "used")
        if field_type not in ("used", "unused", "all"):
            raise InvalidData(details={"param_name": "type", "supported_values": ["used", "unused", "all"]})
        if field_id is not None:
            fld = module.by_id.get(parse_id(field_id) or "")
            if fld is None or fld not in listed_fields(module, version):
                raise invalid_id({"resource_path_index": 2})
            return json_response({"fields": [field_json(ident.schema, module, fld, version)]})
        if field_type == "unused":
            return no_content(204)
        return json_response(
            {"fields": [field_json(ident.schema, module, f, version) for f in listed_fields(module, version)]}
        )

    return await state.authed(request.headers.get("authorization"), work, write=False)


async def layouts(request: Request, state: State, layout_id: str | None) -> Response:
    params = query_params(request)
    version = api_version(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        settings_scope(ident, "layouts")
        module = module_param(ident.schema, params)
        renderer = Renderer(ident.schema, ident.user)
        chosen = module.layouts
        if layout_id is not None:
            chosen = tuple(layout for layout in module.layouts if layout.id == parse_id(layout_id))
            if not chosen:
                raise invalid_id({"resource_path_index": 2})
        return json_response(
            {"layouts": [layout_json(ident.schema, module, layout, renderer, version) for layout in chosen]}
        )

    return await state.authed(request.headers.get("authorization"), work, write=False)


def _user_matches(ident: Identity, user: User, user_type: str) -> bool:
    admin = ident.schema.profiles_by_id[user.profile_id].admin
    return {
        "AllUsers": user.status != "deleted",
        "ActiveUsers": user.status == "active",
        "DeactiveUsers": user.status in ("inactive", "disabled"),
        "ConfirmedUsers": user.confirm and user.status != "deleted",
        "NotConfirmedUsers": not user.confirm and user.status != "deleted",
        "DeletedUsers": user.status == "deleted",
        "ActiveConfirmedUsers": user.status == "active" and user.confirm,
        "AdminUsers": admin and user.status != "deleted",
        "ActiveConfirmedAdmins": admin and user.status == "active" and user.confirm,
        "CurrentUser": user.id == ident.user.id,
    }[user_type]


async def users(request: Request, state: State, user_id: str | None) -> Response:
    params = query_params(request)
    since = request.headers.get("if-modified-since")

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        settings_scope(ident, "users")
        if _not_modified(since, max(u.modified_time for u in ident.schema.users)):
            return no_content(304)
        renderer = Renderer(ident.schema, ident.user)
        if user_id is not None:
            parsed = parse_id(user_id)
            if parsed is None:
                raise invalid_id({"resource_path_index": 1})
            user = ident.schema.users_by_id.get(parsed)
            if user is None:
                return no_content(204)
            return json_response({"users": [user_json(ident.schema, user, renderer)]})
        user_type = params.get("type", "AllUsers")
        if user_type not in USER_TYPES:
            raise InvalidData(details={"param_name": "type", "supported_values": list(USER_TYPES)})
        page = positive_param(params, "page", 1)
        per_page = min(positive_param(params, "per_page", 200), 200)
        chosen = [u for u in ident.schema.users if _user_matches(ident, u, user_type)]
        if "ids" in params:
            wanted = [parse_id(p.strip()) for p in params["ids"].split(",")]
            if any(w is None for w in wanted):
                raise InvalidData("the id given seems to be invalid", {"param_name": "ids"})
            if len(wanted) > 100:
                raise LimitExceeded(details={"limit": 100, "param_name": "ids"})
            chosen = [u for u in chosen if u.id in wanted]
        window = chosen[(page - 1) * per_page : page * per_page]
        if not window:
            return no_content(204)
        more = len(chosen) > page * per_page
        return json_response(
            {
                "users": [user_json(ident.schema, u, renderer) for u in window],
                "info": {"per_page": per_page, "count": len(window), "page": page, "more_records": more},
            }
        )

    return await state.authed(request.headers.get("authorization"), work, write=False)


async def org(request: Request, state: State) -> Response:
    def work(conn: Connection, ident: Identity, now: int) -> Response:
        settings_scope(ident, "org")
        renderer = Renderer(ident.schema, ident.user)
        count = sum(1 for u in ident.schema.users if u.status == "active")
        return json_response({"org": [org_json(ident.schema, renderer, count)]})

    return await state.authed(request.headers.get("authorization"), work, write=False)
