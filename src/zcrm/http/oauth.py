"""OAuth routes: ``POST /oauth/v2/token`` and ``POST /oauth/v2/token/revoke`` (behaviour §7)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import BodyTooLarge
from zcrm.http.envelope import json_response
from zcrm.http.request import no_nul
from zcrm.http.state import State
from zcrm.http.way_in import zoho_host


async def _params(request: Request) -> dict[str, str]:
    params = {no_nul(k): no_nul(v) for k, v in request.query_params.items()}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            async with request.form() as form:
                for key, value in form.items():
                    if isinstance(value, str):
                        params[no_nul(key)] = no_nul(value)
        except BodyTooLarge:
            raise  # answered 413 (http/middleware/body_limit.py)
        except Exception:  # a malformed form body: answer from the query string alone (always 200 JSON)
            return {no_nul(k): no_nul(v) for k, v in request.query_params.items()}
    return params


async def token(request: Request, state: State) -> Response:
    params = await _params(request)
    way_in = zoho_host(request)

    def work(conn: Connection, now: int) -> dict[str, Any]:
        return state.oauth.token(conn, params, now, way_in)

    return json_response(await state.unit(work, write=True))


async def revoke(request: Request, state: State) -> Response:
    params = await _params(request)

    def work(conn: Connection, now: int) -> dict[str, Any]:
        return state.oauth.revoke(conn, params.get("token", ""))

    return json_response(await state.unit(work, write=True))
