"""The request log: GET/DELETE /__zcrm/requests, what an entry holds, filters, limits, trimming, secrets, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.admin.test_admin_cli import Cli
from tests.conftest import Api, make_settings, sql
from zcrm.app import create_app

LEAD = {"Last_Name": "Log", "Company": "Zylker"}


def entries(api: Api, query: str = "") -> list[dict[str, Any]]:
    response = api.get(f"/__zcrm/requests{query}")
    assert response.status_code == 200, response.text
    return list(response.json()["requests"])


def test_an_entry_holds_the_request_and_its_answer(api: Api) -> None:
    body = json.dumps({"data": [LEAD]})
    inserted = api.post("/crm/v5/Leads?trigger=workflow", content=body)
    assert inserted.status_code == 201
    [entry] = entries(api)
    assert entry["method"] == "POST"
    assert entry["path"] == "/crm/v5/Leads"
    assert entry["query"] == "trigger=workflow"
    assert entry["module"] == "Leads"
    assert entry["operation"] == "insert"
    assert entry["user_id"] == api.creds.user_id
    assert entry["status"] == 201
    assert entry["request_body"] == body
    assert entry["response_body"] == inserted.text
    assert entry["fault"] is None
    assert entry["duration_ms"] > 0
    assert isinstance(entry["time"], int)
    assert set(entry) == {
        "id", "time", "method", "path", "query", "module", "operation", "user_id", "status", "duration_ms",
        "request_body", "response_body", "fault",
    }  # fmt: skip
    assert "Authorization" not in json.dumps(entry) and api.creds.access_token not in json.dumps(entry)


def test_newest_first_filters_and_limit(api: Api) -> None:
    [lead] = api.insert("Leads", LEAD)
    api.get(f"/crm/v5/Leads/{lead}")
    api.put(f"/crm/v5/Leads/{lead}", {"data": [{"Last_Name": "B"}]})
    api.get("/crm/v5/Contacts?fields=Last_Name")
    api.get("/crm/v5/org")
    all_ = entries(api)
    assert [(e["method"], e["path"]) for e in all_] == [
        ("GET", "/crm/v5/org"),
        ("GET", "/crm/v5/Contacts"),
        ("PUT", f"/crm/v5/Leads/{lead}"),
        ("GET", f"/crm/v5/Leads/{lead}"),
        ("POST", "/crm/v5/Leads"),
    ]
    assert [e["status"] for e in all_] == [200, 204, 200, 200, 201]
    assert [e["operation"] for e in entries(api, "?module=leads")] == ["update", "read", "insert"]
    assert [e["path"] for e in entries(api, "?method=get&module=Leads")] == [f"/crm/v5/Leads/{lead}"]
    assert [e["path"] for e in entries(api, "?status=204")] == ["/crm/v5/Contacts"]
    assert [e["path"] for e in entries(api, "?operation=metadata")] == ["/crm/v5/org"]
    assert [e["path"] for e in entries(api, "?limit=2")] == ["/crm/v5/org", "/crm/v5/Contacts"]


@pytest.mark.parametrize(
    ("query", "details"),
    [
        ("?method=FETCH", {"param_name": "method", "supported_values": ["GET", "POST", "PUT", "DELETE", "PATCH",
                                                                         "HEAD", "OPTIONS"]}),
        ("?status=abc", {"param_name": "status"}),
        ("?status=99", {"param_name": "status"}),
        ("?limit=0", {"param_name": "limit"}),
        ("?operation=x", {"param_name": "operation", "supported_values": ["insert", "update", "delete", "read",
                                                                          "metadata", "oauth", "action", "other"]}),
    ],
)  # fmt: skip
def test_bad_filters(api: Api, query: str, details: dict[str, Any]) -> None:
    response = api.get(f"/__zcrm/requests{query}")
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_DATA",
        "details": details,
        "message": "invalid data",
        "status": "error",
    }


def test_clear(api: Api) -> None:
    api.get("/crm/v5/org")
    api.get("/crm/v5/org")
    response = api.delete("/__zcrm/requests")
    assert (response.status_code, response.json()) == (200, {"deleted": 2})
    assert entries(api) == []
    assert sql(api, "SELECT COUNT(*) FROM request_log") == [(0,)]


def test_control_plane_calls_are_not_logged_and_need_an_administrator(api: Api) -> None:
    api.get("/__zcrm/faults")
    assert entries(api) == []
    assert api.client.get("/__zcrm/requests").json() == {
        "code": "AUTHENTICATION_FAILURE",
        "details": {},
        "message": "Authentication failed",
        "status": "error",
    }
    assert api.client.delete("/__zcrm/requests").status_code == 401
    assert api.put("/__zcrm/requests").json() == {
        "code": "INVALID_REQUEST_METHOD",
        "details": {},
        "message": "The http request method type is not a valid one",
        "status": "error",
    }
    user = api.post("/__zcrm/users", {"last_name": "Rep", "email": "rep@zylker.test"}).json()
    token = api.post("/__zcrm/tokens", {"user_id": user["id"], "scope": "ZohoCRM.modules.ALL"}).json()
    denied = api.client.get(
        "/__zcrm/requests", headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"}
    )
    assert denied.status_code == 403
    assert denied.json()["details"] == {"permissions": ["administrator"]}


def test_unknown_paths_are_logged_for_the_org_of_a_valid_token(api: Api) -> None:
    assert api.get("/crm/v5/files/1").status_code == 404
    assert api.client.patch("/crm/v5/Leads", headers=api.headers).status_code == 400
    assert api.client.get("/crm/v5/org").status_code == 401  # no token: no org, not logged
    assert (
        api.client.get(
            "/crm/v5/nowhere/a/b/c/d/e", headers={"Authorization": "Zoho-oauthtoken 1000.x.y"}
        ).status_code
        == 404
    )
    logged = entries(api)
    assert [(e["method"], e["path"], e["status"], e["user_id"]) for e in logged] == [
        ("PATCH", "/crm/v5/Leads", 400, api.creds.user_id),
        ("GET", "/crm/v5/files/1", 404, api.creds.user_id),
    ]
    assert json.loads(logged[1]["response_body"]) == {
        "code": "INVALID_URL_PATTERN",
        "details": {},
        "message": "Please check if the URL trying to access is a correct one",
        "status": "error",
    }


def test_oauth_calls_are_logged_without_secrets(api: Api) -> None:
    creds = api.creds
    query = f"grant_type=refresh_token&client_id={creds.client_id}&client_secret={creds.client_secret}&refresh_token={creds.refresh_token}"
    answer = api.client.post(f"/oauth/v2/token?{query}")
    assert "access_token" in answer.json()
    [entry] = entries(api)
    assert entry["operation"] == "oauth" and entry["status"] == 200 and entry["user_id"] == creds.user_id
    assert (
        entry["query"]
        == f"grant_type=refresh_token&client_id={creds.client_id}&client_secret=***&refresh_token=***"
    )
    assert entry["request_body"] is None and entry["response_body"] is None
    assert creds.client_secret not in json.dumps(entry) and creds.refresh_token not in json.dumps(entry)


def _app(tmp_path: Path, **changes: Any) -> tuple[TestClient, dict[str, str]]:
    app = create_app(make_settings(tmp_path / "data", **changes))
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    return client, {"Authorization": f"Zoho-oauthtoken {app.state.credentials.access_token}"}


def test_trimmed_to_the_last_n_and_bodies_capped(tmp_path: Path) -> None:
    client, headers = _app(tmp_path, request_log_size=3, request_log_body_bytes=10)
    with client:
        for i in range(5):
            client.get(f"/crm/v5/org?n={i}", headers=headers)
            client.get("/__zcrm/requests", headers=headers)  # writes the buffer each time: trims as it goes
        logged = client.get("/__zcrm/requests", headers=headers).json()["requests"]
        assert [e["query"] for e in logged] == ["n=4", "n=3", "n=2"]
        assert logged[0]["response_body"] == '{"org":[{"'
        assert sql(client, "SELECT COUNT(*) FROM request_log") == [(3,)]


def test_size_zero_turns_the_log_off(tmp_path: Path) -> None:
    client, headers = _app(tmp_path, request_log_size=0)
    with client:
        client.get("/crm/v5/org", headers=headers)
        assert client.get("/__zcrm/requests", headers=headers).json() == {"requests": []}
        assert client.app.state.zcrm.request_log is None  # type: ignore[attr-defined]


def test_orgs_have_their_own_logs(api: Api) -> None:
    other = api.client.post(
        "/__zcrm/orgs", headers={"X-ZCRM-Admin-Token": _admin_token(api)}, content="{}"
    ).json()
    other_headers = {"Authorization": f"Zoho-oauthtoken {other['access_token']}"}
    api.client.get("/crm/v5/users", headers=other_headers)
    api.get("/crm/v5/org")
    assert [e["path"] for e in entries(api)] == ["/crm/v5/org"]
    theirs = api.client.get("/__zcrm/requests", headers=other_headers).json()["requests"]
    assert [(e["path"], e["user_id"]) for e in theirs] == [("/crm/v5/users", other["user_id"])]


def _admin_token(api: Api) -> str:
    return (api.data_dir / "admin-token").read_text().strip()


def test_cli_list_and_clear(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "d")
    app = create_app(make_settings(cli.data_dir))
    headers = {"Authorization": f"Zoho-oauthtoken {app.state.credentials.access_token}"}
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        client.get("/crm/v5/org", headers=headers)
        client.get("/crm/v5/Leads?fields=Last_Name", headers=headers)
    app.state.zcrm.db.dispose()  # the lifespan's end wrote the buffer
    listed = cli.ok("requests", "list")["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in listed] == [
        ("GET", "/crm/v5/Leads", 204),
        ("GET", "/crm/v5/org", 200),
    ]
    assert [e["path"] for e in cli.ok("requests", "list", "--module", "LEADS")["requests"]] == [
        "/crm/v5/Leads"
    ]
    assert [e["path"] for e in cli.ok("requests", "list", "--status", "200", "--limit", "5")["requests"]] == [
        "/crm/v5/org"
    ]
    assert "INVALID_DATA" in cli.fails("requests", "list", "--method", "FETCH")
    assert cli.ok("requests", "clear") == {"deleted": 2}
    assert cli.ok("requests", "list") == {"requests": []}
    assert "no org 123" in cli.fails("requests", "list", "--org-id", "123")
