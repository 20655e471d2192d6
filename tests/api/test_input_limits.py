"""Size limits (issue 12, part 2): the request body limit on every route (413), and the control plane's limits on
texts and counts (Zoho's where it has them: docs/control-plane.md, docs/access.md, docs/automation.md). Nothing
of a refused request is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import Api, make_settings, sql
from zcrm.app import create_app
from zcrm.auth.admin import ensure_admin_token

JSON = "application/json;charset=UTF-8"
LIMIT = 2_000


def error(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "details": details or {}, "message": message, "status": "error"}


NO_ROUTE = error("INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one", {})
TOO_LARGE = error("LIMIT_EXCEEDED", "size of the request body exceeds the limit", {"limit": LIMIT})


def check(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON
    assert response.json() == body


def rows(api: Api, table: str) -> list[tuple[Any, ...]]:
    return sql(api, f"SELECT * FROM {table} ORDER BY 1, 2")


# -- the body limit -------------------------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Api]:
    """A server whose bodies may hold at most LIMIT bytes."""
    settings = make_settings(tmp_path / "small", max_body_bytes=LIMIT)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


def admin(api: Api) -> dict[str, str]:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        return {"X-ZCRM-Admin-Token": ensure_admin_token(conn, api.data_dir)}


def lead_body(size: int) -> bytes:
    body = json.dumps({"data": [{"Last_Name": "L", "Company": "C", "Description": ""}]}).encode()
    return body.replace(b'"Description": ""', b'"Description": "' + b"x" * (size - len(body)) + b'"')


# every kind of route, each with a body it would otherwise take (a form for OAuth)
ROUTES = [
    ("POST", "/crm/v5/Leads", "json"),
    ("PUT", "/crm/v5/Leads", "json"),
    ("POST", "/crm/v5/actions/watch", "json"),
    ("GET", "/crm/v5/org", "json"),
    ("POST", "/oauth/v2/token", "form"),
    ("POST", "/oauth/v2/token/revoke", "form"),
    ("POST", "/oauth/v2/auth", "form"),
    ("POST", "/__zcrm/users", "json"),
    ("POST", "/__zcrm/faults", "json"),
    ("PUT", "/__zcrm/modules/Leads/workflow_rules", "json"),
    ("POST", "/__zcrm/orgs", "json"),
    ("POST", "/nowhere", "json"),
]
TABLES = [
    "records",
    "users",
    "fault_rules",
    "oauth_tokens",
    "oauth_clients",
    "orgs",
    "modules",
    "notification_channels",
]


def oversized(kind: str) -> bytes:
    if kind == "form":
        return b"grant_type=client_credentials&client_id=x&client_secret=" + b"s" * LIMIT
    return lead_body(LIMIT + 1)


@pytest.mark.parametrize(("method", "path", "kind"), ROUTES)
def test_a_body_announced_over_the_limit_is_413_on_every_route(
    small: Api, method: str, path: str, kind: str
) -> None:
    before = {table: rows(small, table) for table in TABLES}
    headers = {**small.headers, **admin(small)}
    if kind == "form":
        headers["content-type"] = "application/x-www-form-urlencoded"
    check(small.client.request(method, path, content=oversized(kind), headers=headers), 413, TOO_LARGE)
    assert {table: rows(small, table) for table in TABLES} == before


@pytest.mark.parametrize(("method", "path", "kind"), ROUTES)
def test_a_streamed_body_over_the_limit_is_413_on_every_route(
    small: Api, method: str, path: str, kind: str
) -> None:
    before = {table: rows(small, table) for table in TABLES}
    body = oversized(kind)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it is read
        for start in range(0, len(body), 500):
            yield body[start : start + 500]

    headers = {**small.headers, **admin(small)}
    if kind == "form":
        headers["content-type"] = "application/x-www-form-urlencoded"
    response = small.client.request(method, path, content=chunks(), headers=headers)
    assert "content-length" not in response.request.headers
    if method == "GET":  # a body nobody reads is never counted: the route answers
        assert (response.status_code, response.json()["org"][0]["id"]) == (200, small.creds.org_id)
    elif path == "/nowhere":
        check(response, 404, NO_ROUTE)
    else:
        check(response, 413, TOO_LARGE)
    assert {table: rows(small, table) for table in TABLES} == before


def test_a_body_of_exactly_the_limit_is_read(small: Api) -> None:
    exact = lead_body(LIMIT)
    assert len(exact) == LIMIT
    assert small.post("/crm/v5/Leads", content=exact).status_code == 201
    check(small.post("/crm/v5/Leads", content=lead_body(LIMIT + 1)), 413, TOO_LARGE)
    assert len(sql(small, "SELECT id FROM records")) == 1


def test_the_default_limit_is_ten_mebibytes(api: Api) -> None:
    assert api.client.app.state.zcrm.settings.max_body_bytes == 10 * 1024 * 1024  # type: ignore[attr-defined]
    response = api.post("/crm/v5/Leads", content=lead_body(10 * 1024 * 1024 + 1))
    check(response, 413, {**TOO_LARGE, "details": {"limit": 10 * 1024 * 1024}})
    assert sql(api, "SELECT COUNT(*) FROM records") == [(0,)]


# -- texts of the control plane -------------------------------------------------------------------------------


def too_long(key: str, limit: int) -> dict[str, Any]:
    return error("INVALID_DATA", "invalid data", {"maximum_length": limit, "api_name": key})


# (path, body with the text under test as {}, key, Zoho's or zcrm's limit, the table it would be stored in)
TEXTS = [
    ("/__zcrm/users", {"last_name": "{}", "email": "new@z.test"}, "last_name", 50, "users"),
    (
        "/__zcrm/users",
        {"last_name": "L", "first_name": "{}", "email": "new@z.test"},
        "first_name",
        50,
        "users",
    ),
    ("/__zcrm/users", {"last_name": "L", "email": "{}@z.test"}, "email", 100, "users"),
    ("/__zcrm/users", {"last_name": "L", "email": "new@z.test", "locale": "{}"}, "locale", 255, "users"),
    (
        "/__zcrm/users",
        {"last_name": "L", "email": "new@z.test", "time_zone": "{}"},
        "time_zone",
        255,
        "users",
    ),
    ("/__zcrm/users", {"last_name": "L", "email": "new@z.test", "role": "{}"}, "role", 255, "users"),
    ("/__zcrm/roles", {"name": "{}"}, "name", 50, "roles"),
    ("/__zcrm/profiles", {"name": "{}"}, "name", 50, "profiles"),
    ("/__zcrm/clients", {"name": "{}"}, "name", 255, "oauth_clients"),
    (
        "/__zcrm/clients",
        {"client_type": "server", "redirect_uri": "https://x.test/{}"},
        "redirect_uri",
        2000,
        "oauth_clients",
    ),
    ("/__zcrm/faults", {"match": {"path": "/{}"}, "effect": {"status": 500}}, "path", 2000, "fault_rules"),
    ("/__zcrm/faults", {"match": {"module": "{}"}, "effect": {"status": 500}}, "module", 50, "fault_rules"),
    (
        "/__zcrm/faults",
        {"effect": {"error": "INVALID_DATA", "message": "{}"}},
        "message",
        2000,
        "fault_rules",
    ),
]


def filled(body: Any, text: str) -> Any:
    return json.loads(json.dumps(body).replace("{}", text))


def around(body: Any) -> int:
    """The length of what surrounds ``{}`` in the body's value that holds it."""
    if isinstance(body, dict):
        return max((around(v) for v in body.values()), default=-1)
    return len(body) - 2 if isinstance(body, str) and "{}" in body else -1


@pytest.mark.parametrize(("path", "body", "key", "limit", "table"), TEXTS)
def test_a_control_plane_text_has_a_maximum_length(
    api: Api, path: str, body: dict[str, Any], key: str, limit: int, table: str
) -> None:
    fixed = around(body)
    assert fixed >= 0
    before = rows(api, table)
    for length in (limit - fixed + 1, 1_000_000):
        check(api.post(path, filled(body, "a" * length)), 400, too_long(key, limit))
        assert rows(api, table) == before
    exact = api.post(
        path, filled(body, "a" * (limit - fixed))
    )  # at the limit: only the length is not refused
    assert exact.json().get("details", {}).get("maximum_length") is None, exact.text


def test_a_name_at_its_limit_is_stored_whole(api: Api) -> None:
    role = api.post("/__zcrm/roles", {"name": "R" * 50})
    assert role.status_code == 201, role.text
    user = api.post(
        "/__zcrm/users", {"first_name": "F" * 50, "last_name": "L" * 50, "email": "e" * 93 + "@z.test"}
    )
    assert user.status_code == 201, user.text
    assert sql(api, "SELECT email FROM users WHERE id = :id", {"id": user.json()["id"]}) == [
        ("e" * 93 + "@z.test",)
    ]
    listed = api.get(f"/crm/v5/users/{user.json()['id']}").json()["users"][0]
    assert (listed["first_name"], listed["last_name"]) == ("F" * 50, "L" * 50)


def test_a_scope_longer_than_255_is_refused(api: Api) -> None:
    before = rows(api, "oauth_tokens")
    for scope in ("Z" * 256, ["ZohoCRM.modules.ALL", "Z" * 256]):
        check(
            api.post("/__zcrm/tokens", {"user_id": api.creds.user_id, "scope": scope}),
            400,
            too_long("scope", 255),
        )
    assert rows(api, "oauth_tokens") == before


def test_fault_details_have_a_maximum_size(api: Api) -> None:
    details = {"x": "a" * 10_000}
    check(
        api.post("/__zcrm/faults", {"effect": {"error": "INVALID_DATA", "details": details}}),
        400,
        too_long("details", 10_000),
    )
    details = {"x": "a" * (10_000 - 8)}  # {"x":"…"} is 10,000 bytes
    assert (
        api.post("/__zcrm/faults", {"effect": {"error": "INVALID_DATA", "details": details}}).status_code
        == 201
    )


def test_an_org_holds_at_most_100_fault_rules(api: Api) -> None:
    for index in range(100):
        assert (
            api.post(
                "/__zcrm/faults", {"match": {"path": f"/p{index}"}, "effect": {"status": 500}}
            ).status_code
            == 201
        )
    check(
        api.post("/__zcrm/faults", {"effect": {"status": 500}}),
        400,
        error("LIMIT_EXCEEDED", "limit exceeded", {"api_name": "faults", "limit": 100}),
    )
    assert len(api.get("/__zcrm/faults").json()["faults"]) == 100
    assert api.delete("/__zcrm/faults/1").status_code == 200
    assert api.post("/__zcrm/faults", {"effect": {"status": 500}}).status_code == 201


# -- counts in workflow rules -----------------------------------------------------------------------------------


def rule(index: int, actions: int = 1, conditions: int = 0) -> dict[str, Any]:
    return {
        "name": f"Rule {index}",
        "when": "create",
        "conditions": [{"field": "Last_Name", "operator": "is_not_empty"}] * conditions,
        "actions": [{"type": "field_update", "field": "Designation", "value": "x"}] * actions,
    }


def limit_exceeded(api_name: str, path: str, limit: int) -> dict[str, Any]:
    return error(
        "LIMIT_EXCEEDED", "limit exceeded", {"api_name": api_name, "json_path": path, "limit": limit}
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"workflow_rules": [rule(i) for i in range(126)]},
            limit_exceeded("workflow_rules", "$.workflow_rules", 125),
        ),
        (
            {"workflow_rules": [rule(0), rule(1, actions=51)]},
            limit_exceeded("actions", "$.workflow_rules[1].actions", 50),
        ),
        (
            {"workflow_rules": [rule(0, conditions=26)]},
            limit_exceeded("conditions", "$.workflow_rules[0].conditions", 25),
        ),
        (
            {
                "workflow_rules": [],
                "webhooks": [{"name": f"h{i}", "url": "http://x.test", "secret": "s"} for i in range(126)],
            },
            limit_exceeded("webhooks", "$.webhooks", 125),
        ),
        (
            {"workflow_rules": [{**rule(0), "name": "n" * 256}]},
            error(
                "INVALID_DATA",
                "invalid data",
                {"maximum_length": 255, "api_name": "name", "json_path": "$.workflow_rules[0].name"},
            ),
        ),
    ],
)
def test_workflow_rules_have_zoho_s_limits(api: Api, body: dict[str, Any], expected: dict[str, Any]) -> None:
    before = api.get("/__zcrm/modules/Leads/workflow_rules").json()
    check(api.put("/__zcrm/modules/Leads/workflow_rules", body), 400, expected)
    assert api.get("/__zcrm/modules/Leads/workflow_rules").json() == before


def test_the_most_rules_a_module_takes_are_stored(api: Api) -> None:
    body = {"workflow_rules": [rule(i, actions=50, conditions=25) for i in range(125)]}
    response = api.put("/__zcrm/modules/Leads/workflow_rules", body)
    assert response.status_code == 200, response.text
    stored = api.get("/__zcrm/modules/Leads/workflow_rules").json()["workflow_rules"]
    assert [r["name"] for r in stored] == [f"Rule {i}" for i in range(125)]
    assert {len(r["actions"]) for r in stored} == {50}


def test_100000_rules_are_refused_before_any_is_checked(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """They took 52 s to check (and then to store); the count is now refused before anything else."""

    def never(*args: Any) -> Any:
        raise AssertionError("the rules were checked")

    monkeypatch.setattr("zcrm.service.workflow_rules.normalise_module_rules", never)
    body = json.dumps({"workflow_rules": [{"name": "r", "when": "create"}] * 100_000}).encode()
    assert len(body) < 10 * 1024 * 1024
    check(
        api.put("/__zcrm/modules/Leads/workflow_rules", content=body),
        400,
        limit_exceeded("workflow_rules", "$.workflow_rules", 125),
    )
    assert api.get("/__zcrm/modules/Leads/workflow_rules").json() == {"workflow_rules": []}
