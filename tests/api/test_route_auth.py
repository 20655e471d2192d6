"""Auth is the route table's: every server-level route (``auth`` ``admin`` or ``server_admin`` in ``http/routes.py``)
is checked by what it declares, before its work, whichever handler serves it (``http/control/access.py``). The
routes are read from the table, so a route added later is covered without a change here."""

from __future__ import annotations

from typing import Any

import pytest

from tests.admin.test_org_snapshots import admin, as_user, error, new_org
from tests.conftest import Api, sql
from zcrm.http.routes import ROUTES

SERVER_LEVEL = [
    (route.template, method, route.auth)
    for route in ROUTES
    for method in route.operations
    if route.auth in ("admin", "server_admin")
]
SERVER_ADMINISTRATOR = error("NO_PERMISSION", "Permission denied", {"permissions": ["server_administrator"]})
UNKNOWN_ORG = error("INVALID_DATA", "the id given seems to be invalid", {"resource_path_index": 2})
ADMINISTRATOR = error("NO_PERMISSION", "Permission denied", {"permissions": ["administrator"]})


def test_the_table_declares_the_server_level_routes() -> None:
    declared = {(template, method): auth for template, method, auth in SERVER_LEVEL}
    assert declared[("/__zcrm/orgs", "POST")] == "server_admin"
    assert declared[("/__zcrm/orgs/{id}", "DELETE")] == "server_admin"
    assert declared[("/__zcrm/orgs/{id}/reset", "POST")] == "admin"
    assert all(template.startswith("/__zcrm/orgs") for template, _method, _auth in SERVER_LEVEL)
    assert len(SERVER_LEVEL) == 11


def _path(template: str, org_id: str) -> str:
    return template.replace("{id}", org_id).replace("{module}", "Leads")


def _answer(api: Api, method: str, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    response = api.client.request(method, path, content=b"{}", headers=headers)
    return response.status_code, response.json()


@pytest.mark.parametrize(("template", "method", "auth"), SERVER_LEVEL)
def test_each_server_level_route_refuses_whom_its_declaration_refuses(
    api: Api, template: str, method: str, auth: str
) -> None:
    org = new_org(api)
    org_id, org_admin = org["org_id"], as_user(org["access_token"])
    user = api.client.post(
        "/__zcrm/users",
        json={"last_name": "Rep", "email": "rep@zylker.test", "profile": "Standard"},
        headers=org_admin,
    ).json()
    issued = api.client.post(
        "/__zcrm/tokens", json={"user_id": user["id"], "scope": "ZohoCRM.modules.ALL"}, headers=org_admin
    ).json()
    before = sql(api, "SELECT next_id, schema_version FROM orgs WHERE id = :org", {"org": org_id})
    path = _path(template, org_id)
    assert _answer(api, method, path, {}) == (
        401,
        error("AUTHENTICATION_FAILURE", "Authentication failed", {}),
    )
    assert _answer(api, method, path, {"X-ZCRM-Admin-Token": "wrong"}) == (
        401,
        error("INVALID_TOKEN", "invalid oauth token", {}),
    )
    # an administrator of another org (the default one), then a user of this org who is not an administrator
    assert _answer(api, method, path, as_user(api.creds.access_token)) == (403, SERVER_ADMINISTRATOR)
    refused = SERVER_ADMINISTRATOR if auth == "server_admin" else ADMINISTRATOR
    assert _answer(api, method, path, as_user(issued["access_token"])) == (403, refused)
    if auth == "server_admin":  # the org's own administrator too
        assert _answer(api, method, path, org_admin) == (403, SERVER_ADMINISTRATOR)
    # nothing was done: the org is as it was (not deleted, reset, imported or re-seeded)
    assert sql(api, "SELECT next_id, schema_version FROM orgs WHERE id = :org", {"org": org_id}) == before
    # the server admin token is let in: a new org, or for an org id no org has, the 400 of an unknown org
    status, body = _answer(api, method, _path(template, "1234567000000000000"), admin(api))
    if template == "/__zcrm/orgs":
        assert status == 201 and sorted(body) == sorted(org)
    else:
        assert (status, body) == (400, UNKNOWN_ORG)
