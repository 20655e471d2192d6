"""The approval routes: ``GET /crm/v5/Approvals`` (the approvals waiting on the user, or on others) and
``POST /crm/v5/{module}/{id}/actions/approvals`` (approve, reject, delegate, resubmit), as Zoho's own clients
call them (docs/automation.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import record_module
from zcrm.auth.identity import Identity
from zcrm.auth.scopes import module_scope_allows
from zcrm.errors import InvalidData, OAuthScopeMismatch, RequiredParamMissing
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.http.envelope import json_response, no_content
from zcrm.http.request import parse_json, query_params, raw_body
from zcrm.http.state import State
from zcrm.records import approval_actions
from zcrm.records.approval_actions import APPROVAL_ACTIONS
from zcrm.records.approval_actions import Request as ActionRequest
from zcrm.records.reads import positive_param

TYPES = ["awaiting", "others_awaiting"]
MAX_PER_PAGE = 200


async def list_approvals(request: Request, state: State) -> Response:
    params = query_params(request)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        if not module_scope_allows(ident.scopes, "read", "approvals", "Approvals", False):
            raise OAuthScopeMismatch()
        kind = params.get("type", "awaiting")
        if kind not in TYPES:
            raise InvalidData(details={"param_name": "type", "supported_values": TYPES})
        page = positive_param(params, "page", 1)
        per_page = min(positive_param(params, "per_page", MAX_PER_PAGE), MAX_PER_PAGE)
        others = kind == "others_awaiting"
        profile = ident.schema.profiles_by_id.get(ident.user.profile_id)
        if others and (profile is None or not profile.admin):
            return no_content(204)  # only administrators see what waits on others
        found = approval_actions.waiting(conn, ident, "approval", others)
        chosen = found[(page - 1) * per_page : page * per_page]
        if not chosen:
            return no_content(204)
        renderer = Renderer(ident.schema, ident.user)
        data = [
            approval_actions.list_item(renderer, approval, module, info, ident.user.id)
            for approval, module, info in chosen
        ]
        info = {
            "per_page": per_page,
            "count": len(data),
            "page": page,
            "more_records": len(found) > page * per_page,
        }
        return json_response({"data": data, "info": info})

    return await state.authed(request.headers.get("authorization"), work, write=False)


def action_and_comments(given: dict[str, Any], supported: list[str]) -> tuple[str, str | None]:
    """The ``action`` (one of ``supported``) and optional ``comments`` of an approval or review action."""
    action = given.get("action")
    if action is None or action == "":
        raise RequiredParamMissing(details={"param_name": "action"})
    if action not in supported:
        raise InvalidData(details={"param_name": "action", "supported_values": supported})
    comments = given.get("comments")
    if comments is not None and not isinstance(comments, str):
        raise InvalidData(details={"param_name": "comments"})
    return str(action), comments


def action_request(params: dict[str, str], raw: bytes | None) -> ActionRequest:
    """The action, comments and delegate from the query (``?action=approve&comments=…&user=…``) or from a
    JSON body ``{"data":[{"action": …, "comments": …, "user": {"id": …}}]}``."""
    given: dict[str, Any] = dict(params)
    if raw is not None and raw.strip():
        body = parse_json(raw)
        items = body.get("data") if isinstance(body, dict) else None
        if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
            raise InvalidData(details={"api_name": "data", "json_path": "$.data"})
        given.update(items[0])
    action, comments = action_and_comments(given, APPROVAL_ACTIONS)
    user = given.get("user")
    if isinstance(user, dict):
        user = user.get("id")
    to_user = None
    if action == "delegate":
        if user is None or user == "":
            raise RequiredParamMissing(details={"param_name": "user"})
        to_user = parse_id(user)
        if to_user is None:
            raise InvalidData(details={"param_name": "user"})
    return ActionRequest(action, comments, to_user)


async def record_action(request: Request, state: State, module_name: str, record_id: str) -> Response:
    params = query_params(request)
    raw = await raw_body(request, state.settings.max_body_bytes)

    def work(conn: Connection, ident: Identity, now: int) -> Response:
        module = record_module(ident, module_name, "update")
        wanted = action_request(params, raw)
        result = approval_actions.act_on_record(conn, ident, module, record_id, "approval", wanted, now)
        return json_response(result)

    return await state.authed(request.headers.get("authorization"), work, write=True)
