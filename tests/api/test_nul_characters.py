"""NUL characters (U+0000) in input, found by the fuzzer (tests/fuzz/) on PostgreSQL, whose text cannot hold them:
look-ups by such a key find nothing, record values and control-plane bodies holding one are refused (the store
still escapes unique keys one-to-one), and the request log keeps U+FFFD instead. And an error raised
around the handler is answered in JSON, not in Starlette's plain text. These run on SQLite and, with
ZCRM_TEST_DATABASE_URL, on PostgreSQL, where they failed."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.admin.test_org_snapshots import admin
from tests.conftest import Api, sql
from zcrm.store.text import log_text, unique_text


def error(code: str, details: dict[str, Any], message: str = "invalid data") -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def test_an_oauth_client_id_holding_nul_is_an_unknown_client(api: Api) -> None:
    query = {
        "grant_type": "refresh_token",
        "client_id": "1000.\x00",
        "refresh_token": "x",
        "client_secret": "y",
    }
    response = api.client.post("/oauth/v2/token", params=query)
    assert (response.status_code, response.json()) == (200, {"error": "invalid_client"})
    form = api.client.post("/oauth/v2/token", data=query)
    assert (form.status_code, form.json()) == (200, {"error": "invalid_client"})


def test_the_consent_page_with_a_client_id_holding_nul(api: Api) -> None:
    params = {"client_id": "a\x00b", "response_type": "code", "scope": "ZohoCRM.modules.ALL"}
    response = api.client.get("/oauth/v2/auth", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "is not registered with this server" in response.text


def test_a_unique_value_holding_nul_is_refused_and_nothing_is_stored(api: Api) -> None:
    """A record value holding NUL is refused like a lone surrogate (tests/api/test_bad_input.py), so no unique
    value ever holds one; the store's one-to-one escape of unique keys (below) stays its safety net."""
    before = sql(api, "SELECT COUNT(*) FROM unique_values")
    response = api.post(
        "/crm/v5/Leads", {"data": [{"Last_Name": "A", "Company": "C", "Lead_Code": "a\x00B"}]}
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "data": [
                {
                    "code": "INVALID_DATA",
                    "details": {
                        "expected_data_type": "text",
                        "api_name": "Lead_Code",
                        "json_path": "$.data[0].Lead_Code",
                    },
                    "message": "invalid data",
                    "status": "error",
                }
            ]
        },
    )
    assert sql(api, "SELECT COUNT(*) FROM unique_values") == before
    assert api.get("/crm/v5/Leads?fields=Last_Name").status_code == 204
    [kept] = api.insert(
        "Leads", {"Last_Name": "D", "Company": "C", "Lead_Code": "\x01a\\0b"}
    )  # the escape's text
    assert api.get(f"/crm/v5/Leads/{kept}").json()["data"][0]["Lead_Code"] == "\x01a\\0b"


def test_the_unique_key_escape_is_one_to_one() -> None:
    keys = ["a", "a\x00b", "a\\0b", "\x01a\\0b", "\x01a\x00b", "\x01", "\x00", "\\", "\\\x00"]
    stored = [unique_text(k) for k in keys]
    assert len(set(stored)) == len(keys) and all("\x00" not in s for s in stored)
    assert unique_text("plain text") == "plain text"
    assert log_text("a\x00b") == "a\ufffdb" and log_text(None) is None


def test_the_control_plane_refuses_nul_in_any_text_and_stores_nothing(api: Api) -> None:
    """A control-plane body holding NUL anywhere is refused whole (its text would become a column or a JSON
    definition), so no user, client or role is created."""
    users = sql(api, "SELECT COUNT(*) FROM users")
    user = api.post("/__zcrm/users", {"email": "a\x00@b.test", "last_name": "X"})
    assert (user.status_code, user.json()) == (400, error("INVALID_DATA", {}, "body"))
    clients = sql(api, "SELECT COUNT(*) FROM oauth_clients")
    for key in ("name", "redirect_uri"):
        body = {"client_type": "server", "redirect_uri": "https://a.test/cb", key: "x\x00"}
        client = api.post("/__zcrm/clients", body)
        assert (client.status_code, client.json()) == (400, error("INVALID_DATA", {}, "body"))
    roles = sql(api, "SELECT COUNT(*) FROM roles")
    role = api.post("/__zcrm/roles", {"name": "R\x00le"})
    assert (role.status_code, role.json()) == (400, error("INVALID_DATA", {}, "body"))
    assert sql(api, "SELECT COUNT(*) FROM users") == users
    assert sql(api, "SELECT COUNT(*) FROM oauth_clients") == clients
    assert sql(api, "SELECT COUNT(*) FROM roles") == roles


def test_a_request_body_holding_a_nul_byte_is_logged(api: Api) -> None:
    response = api.post("/crm/v5/Leads", content=b'{"data":[\x00]}')
    assert (response.status_code, response.json()) == (400, error("INVALID_DATA", {}, "body"))
    [entry] = api.get("/__zcrm/requests").json()["requests"]
    assert (entry["path"], entry["status"], entry["request_body"]) == (
        "/crm/v5/Leads",
        400,
        '{"data":[\ufffd]}',
    )


def test_a_snapshot_text_holding_nul_is_refused(api: Api) -> None:
    headers = admin(api)
    snapshot = api.client.get(f"/__zcrm/orgs/{api.creds.org_id}/snapshot", headers=headers).json()
    bad = copy.deepcopy(snapshot)
    bad["users"][0]["email"] = "a\x00@b.test"
    orgs = sql(api, "SELECT COUNT(*) FROM orgs")
    response = api.client.post("/__zcrm/orgs", content=json.dumps({"snapshot": bad}), headers=headers)
    assert (response.status_code, response.json()) == (400, error("INVALID_DATA", {}, "body"))
    assert sql(api, "SELECT COUNT(*) FROM orgs") == orgs


def test_an_org_file_time_zone_must_be_a_name(api: Api) -> None:
    org_file = {
        "format": "zcrm-org/1",
        "profiles": [{"name": "Administrator", "admin": True}],
        "roles": [{"name": "CEO"}],
        "users": [{"last_name": "A", "email": "a@b.test", "time_zone": 7}],
        "modules": [{"api_name": "Things", "fields": [{"api_name": "Name", "data_type": "text"}]}],
    }
    response = api.client.post("/__zcrm/orgs", content=json.dumps({"org_file": org_file}), headers=admin(api))
    assert (response.status_code, response.json()) == (
        400,
        error("INVALID_DATA", {"api_name": "org_file"}, "users[0]: time_zone must be a string"),
    )


def test_an_error_around_the_handler_is_answered_in_json(api: Api) -> None:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]

    def broken(entry: Any) -> None:
        raise RuntimeError("the request log is broken")

    state.request_log.add = broken
    response = api.get("/crm/v5/org")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    assert response.json() == error("INTERNAL_ERROR", {}, "Internal Server Error")
