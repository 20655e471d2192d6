"""An org's functions and workflow rules, named by org id (docs/control-plane.md, docs/automation.md):

- ``GET`` / ``PUT /__zcrm/orgs/{org_id}/functions``: the org's installed functions, or all of them replaced;
- ``GET`` / ``PUT /__zcrm/orgs/{org_id}/modules/{module}/workflow_rules``: like
  ``/__zcrm/modules/{module}/workflow_rules``, and with the server admin token the body's functions (given with
  their ``source``) are installed.

Python source is the server operator's configuration (``automation/trust.py``): every ``PUT`` that gives code takes
the server admin token. An administrator of the org itself may read both and replace the rules, naming installed
functions; giving code gets 403 ``NO_PERMISSION``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm.auth.guards import schema_module
from zcrm.automation import trust
from zcrm.http.control.access import AdminCall
from zcrm.http.envelope import json_response
from zcrm.http.request import json_object, raw_body
from zcrm.http.state import State
from zcrm.schema.model import OrgSchema
from zcrm.service import orgs as org_service
from zcrm.service import workflow_rules as config

MODULE_PATH_INDEX = 4  # /__zcrm/orgs/{org_id}/modules/{module}/workflow_rules


def _schema(conn: Connection, state: State, org_id: str) -> OrgSchema:
    version = org_service.version(conn, org_id)
    assert version is not None  # the call's authorisation found the org
    return state.schemas.get(conn, org_id, version)


async def functions(request: Request, state: State, call: AdminCall, org_id: str) -> Response:
    """``GET``: the org's functions (name, handler, source); ``PUT`` (server admin token only): replaced by the
    body's ``{"functions": [{name, source, handler?}]}``."""
    write = request.method == "PUT"
    raw = await raw_body(request, state.settings.max_body_bytes) if write else b""

    def run(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        if not write:
            return {"functions": config.functions_of(conn, org_id)}
        if not server_admin:
            raise trust.refused()
        modules = list(_schema(conn, state, org_id).modules)
        return {"functions": config.replace_functions(conn, org_id, json_object(raw), modules)}

    return json_response(await call.unit(state, run))


async def workflow_rules(
    request: Request, state: State, call: AdminCall, org_id: str, module_name: str
) -> Response:
    """``GET`` / ``PUT``: the module's workflow rules, or all of them replaced (``service/workflow_rules.py``)."""
    write = request.method == "PUT"
    raw = await raw_body(request, state.settings.max_body_bytes) if write else b""

    def run(conn: Connection, now: int, server_admin: bool) -> dict[str, Any]:
        module = schema_module(
            _schema(conn, state, org_id), module_name, {"resource_path_index": MODULE_PATH_INDEX}
        )
        if not write:
            return {"workflow_rules": config.rules_of(conn, org_id, module)}
        body = json_object(raw)
        return {"workflow_rules": config.replace_rules(conn, org_id, module, body, server_admin=server_admin)}

    return json_response(await call.unit(state, run))
