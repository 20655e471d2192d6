"""Contract tests of request-level errors and of the HTTP conventions every route shares
(behaviour §1.1, §1.2, §1.6, §1.7, §2.3, §4)."""

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
from zcrm.auth.tokens import digest
from zcrm.records import insert
from zcrm.settings import Settings
from zcrm.store import records as record_store

JSON = "application/json;charset=UTF-8"
BASE = "http://127.0.0.1:8000"
UNKNOWN_TOKEN = "1000." + "0" * 32 + "." + "f" * 32


def error(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "details": details or {}, "message": message, "status": "error"}


URL_PATTERN = error("INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one")
REQUEST_METHOD = error("INVALID_REQUEST_METHOD", "The http request method type is not a valid one")
AUTH_FAILURE = error("AUTHENTICATION_FAILURE", "Authentication failed")
INVALID_TOKEN = error("INVALID_TOKEN", "invalid oauth token")
SCOPE_MISMATCH = error("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL")
INVALID_MODULE = error(
    "INVALID_MODULE", "the module name given seems to be invalid", {"resource_path_index": 0}
)
NOT_SUPPORTED = error(
    "INVALID_MODULE", "The given module is not supported in API", {"resource_path_index": 0}
)
INVALID_BODY = error("INVALID_DATA", "body")
DATA_MISSING = error(
    "MANDATORY_NOT_FOUND", "required field not found", {"api_name": "data", "json_path": "$.data"}
)
DATA_NOT_ARRAY = error(
    "INVALID_DATA",
    "invalid data",
    {"expected_data_type": "jsonarray", "api_name": "data", "json_path": "$.data"},
)
TOO_MANY_RECORDS = {
    "data": [
        error(
            "LIMIT_EXCEEDED",
            "count of records in your request exceeds the limit",
            {"maximum_length": 100, "api_name": "data"},
        )
    ]
}
BAD_TRIGGER = error(
    "INVALID_DATA",
    "invalid data",
    {
        "api_name": "trigger",
        "json_path": "$.trigger",
        "supported_values": ["workflow", "approval", "blueprint", "pathfinder", "orchestration"],
    },
)
INTERNAL = error("INTERNAL_ERROR", "Internal Server Error")
LEAD = {"Last_Name": "Daly", "Company": "Zylker"}


def assert_error(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON
    assert response.json() == body


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def token_with(api: Api, scopes: str) -> str:
    """An access token of the admin that holds only ``scopes``."""
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    c = api.creds
    with state.db.write() as conn:
        now = state.clock.now()
        refresh = state.oauth.issue_refresh_token(conn, c.client_id, c.org_id, c.user_id, scopes, now)
        return str(
            state.oauth.issue_access_token(
                conn, digest(refresh), c.client_id, c.org_id, c.user_id, scopes, now
            )
        )


def stored_lead(api: Api, lead_id: str) -> dict[str, Any]:
    """The lead as read back, and the trigger set its create event was stored with (sorted)."""
    got = api.get(f"/crm/v5/Leads/{lead_id}", params={"fields": "Last_Name,Company"}).json()["data"][0]
    [(triggers,)] = sql(
        api, "SELECT triggers FROM changes WHERE record_id = :id AND operation = 'insert'", {"id": lead_id}
    )
    return {
        "Last_Name": got["Last_Name"],
        "Company": got["Company"],
        "triggers": sorted(json.loads(triggers)),
    }


def lead_count(api: Api) -> int:
    response = api.get("/crm/v5/Leads", params={"fields": "Last_Name", "per_page": "200"})
    if response.status_code == 204:
        return 0
    assert response.status_code == 200, response.text
    return len(response.json()["data"])


# -- 404 INVALID_URL_PATTERN ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/crm/v1/Leads",
        "/crm/v9/Leads",
        "/crm/v2.2/Leads",
        "/crm/V2/Leads",
        "/crm/v5/Leads/1/2/3/4",
        "/nothing",
        "/",
        "/crm/v5",
        "/crm/v5/",
        "/crm/v5/settings",
        "/crm/v5/settings/unknown",
        "/crm/v5/settings/fields/1/2",
        "/crm/v5/org/1",
        "/crm/v5/users/1/2",
        "/crm/v5/Leads//1",
        "/crm/v5/org//",
        "/oauth/v2/token/x",
        "/oauth/v2",
    ],
)
def test_unknown_path_is_invalid_url_pattern(api: Api, path: str) -> None:
    assert_error(api.get(path, follow_redirects=False), 404, URL_PATTERN)
    # the route check comes before the authorization check
    assert_error(api.client.get(path, follow_redirects=False), 404, URL_PATTERN)


# -- 400 INVALID_REQUEST_METHOD ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/crm/v5/Leads"),
        ("OPTIONS", "/crm/v5/Leads"),
        ("PATCH", "/crm/v5/Leads/1234567000000000001"),
        ("POST", "/crm/v5/Leads/1234567000000000001"),
        ("PUT", "/crm/v5/settings/fields"),
        ("POST", "/crm/v5/settings/modules"),
        ("DELETE", "/crm/v5/settings/layouts"),
        ("POST", "/crm/v5/org"),
        ("DELETE", "/crm/v5/users"),
        ("PUT", "/crm/v5/users/1234567000000000001"),
        ("GET", "/oauth/v2/token"),
        ("PUT", "/oauth/v2/token/revoke"),
    ],
)
def test_method_not_allowed_is_invalid_request_method(api: Api, method: str, path: str) -> None:
    assert_error(api.client.request(method, path, headers=api.headers), 400, REQUEST_METHOD)
    # the method check comes before the authorization check
    assert_error(api.client.request(method, path), 400, REQUEST_METHOD)


def test_head_is_invalid_request_method(api: Api) -> None:
    response = api.client.request("HEAD", "/crm/v5/Leads", headers=api.headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    if response.content:  # a HEAD answer may drop the body
        assert response.json() == REQUEST_METHOD


# -- 401 AUTHENTICATION_FAILURE / INVALID_TOKEN --------------------------------------------------------

ROUTES = [
    ("GET", "/crm/v5/Leads?fields=Last_Name"),
    ("POST", "/crm/v5/Leads"),
    ("DELETE", "/crm/v5/Leads?ids=1234567000000000001"),
    ("GET", "/crm/v5/Leads/1234567000000000001"),
    ("GET", "/crm/v5/settings/modules"),
    ("GET", "/crm/v5/settings/fields?module=Leads"),
    ("GET", "/crm/v5/settings/layouts?module=Leads"),
    ("GET", "/crm/v5/users"),
    ("GET", "/crm/v5/org"),
]


def bad_headers(api: Api) -> list[dict[str, str]]:
    token = api.creds.access_token
    return [
        {},
        {"Authorization": f"Bearer {token}"},
        {"Authorization": "Bearer x"},
        {"Authorization": "Zoho-oauthtoken "},
        {"Authorization": "Zoho-oauthtoken"},
        {"Authorization": token},
        {"Authorization": f"zoho-oauthtoken {token}"},
        {"Authorization": f"Zoho-oauthtoken  {token}"},
        {"Authorization": f"Zoho-oauthtoken {token} extra"},
    ]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_malformed_authorization_is_authentication_failure(api: Api, method: str, path: str) -> None:
    for headers in bad_headers(api):
        response = api.client.request(method, path, headers=headers, content=json.dumps({"data": [LEAD]}))
        assert_error(response, 401, AUTH_FAILURE)
    assert lead_count(api) == 0


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_unknown_token_is_invalid_token(api: Api, method: str, path: str) -> None:
    for token in (UNKNOWN_TOKEN, "garbage", api.creds.refresh_token):
        response = api.client.request(method, path, headers=auth(token), content=json.dumps({"data": [LEAD]}))
        assert_error(response, 401, INVALID_TOKEN)
    assert lead_count(api) == 0


def test_authorization_is_checked_before_the_module(api: Api) -> None:
    assert_error(api.client.get("/crm/v5/Nope?fields=x"), 401, AUTH_FAILURE)
    assert_error(
        api.client.get("/crm/v5/Documents?fields=x", headers=auth(UNKNOWN_TOKEN)), 401, INVALID_TOKEN
    )


# -- 400 INVALID_MODULE --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/crm/v5/Nope?fields=Last_Name"),
        ("GET", "/crm/v5/Nope"),
        ("POST", "/crm/v5/Nope"),
        ("DELETE", "/crm/v5/Nope?ids=1234567000000000001"),
        ("DELETE", "/crm/v5/Nope"),
        ("GET", "/crm/v5/Nope/1234567000000000001"),
        ("DELETE", "/crm/v5/Nope/abc"),
    ],
)
def test_unknown_module(api: Api, method: str, path: str) -> None:
    response = api.client.request(method, path, headers=api.headers, content=b"{broken")
    assert_error(response, 400, INVALID_MODULE)


@pytest.mark.parametrize("module", ["Documents", "Projects", "documents"])
@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", "?fields=Name"),
        ("POST", ""),
        ("DELETE", "?ids=1234567000000000001"),
        ("GET", "/1234567000000000001"),
    ],
)
def test_module_not_supported_in_api(api: Api, module: str, method: str, suffix: str) -> None:
    response = api.client.request(
        method,
        f"/crm/v5/{module}{suffix}",
        headers=api.headers,
        content=json.dumps({"data": [{"Name": "x"}]}),
    )
    assert_error(response, 400, NOT_SUPPORTED)


def test_module_is_checked_before_the_scope(api: Api) -> None:
    token = token_with(api, "ZohoCRM.org.READ")
    assert_error(api.client.get("/crm/v5/Nope?fields=x", headers=auth(token)), 400, INVALID_MODULE)
    assert_error(api.client.get("/crm/v5/Documents?fields=x", headers=auth(token)), 400, NOT_SUPPORTED)


# -- 401 OAUTH_SCOPE_MISMATCH --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/crm/v5/Leads?fields=Last_Name"),
        ("GET", "/crm/v5/Leads"),
        ("GET", "/crm/v5/Leads/1234567000000000001"),
        ("POST", "/crm/v5/Leads"),
        ("DELETE", "/crm/v5/Leads?ids=1234567000000000001"),
        ("DELETE", "/crm/v5/Leads/abc"),
        ("GET", "/crm/v5/users"),
        ("GET", "/crm/v5/org"),
    ],
)
def test_token_without_the_scope_is_oauth_scope_mismatch(api: Api, method: str, path: str) -> None:
    token = token_with(api, "ZohoCRM.settings.ALL")
    response = api.client.request(method, path, headers=auth(token), content=b"{broken")
    assert_error(response, 401, SCOPE_MISMATCH)


def test_settings_scope_reaches_the_settings_routes(api: Api) -> None:
    headers = auth(token_with(api, "ZohoCRM.settings.ALL"))
    for path in (
        "/crm/v5/settings/modules",
        "/crm/v5/settings/fields?module=Leads",
        "/crm/v5/settings/layouts?module=Leads",
    ):
        assert api.client.get(path, headers=headers).status_code == 200, path


def test_module_scopes_by_operation(api: Api) -> None:
    read = auth(token_with(api, "ZohoCRM.modules.leads.READ"))
    assert api.client.get("/crm/v5/Leads?fields=Last_Name", headers=read).status_code == 204
    assert_error(
        api.client.post("/crm/v5/Leads", headers=read, content=json.dumps({"data": [LEAD]})),
        401,
        SCOPE_MISMATCH,
    )
    assert_error(api.client.get("/crm/v5/Contacts?fields=Last_Name", headers=read), 401, SCOPE_MISMATCH)
    write = auth(token_with(api, "ZohoCRM.modules.leads.WRITE"))
    assert_error(api.client.get("/crm/v5/Leads?fields=Last_Name", headers=write), 401, SCOPE_MISMATCH)
    create = auth(token_with(api, "zohocrm.modules.LEADS.create"))  # compared ignoring case
    assert (
        api.client.post("/crm/v5/Leads", headers=create, content=json.dumps({"data": [LEAD]})).status_code
        == 201
    )
    fields_only = auth(token_with(api, "ZohoCRM.settings.fields.READ"))
    assert api.client.get("/crm/v5/settings/fields?module=Leads", headers=fields_only).status_code == 200
    assert_error(api.client.get("/crm/v5/settings/modules", headers=fields_only), 401, SCOPE_MISMATCH)


# -- 400 REQUIRED_PARAM_MISSING ------------------------------------------------------------------------


def test_list_without_fields_is_required_param_missing(api: Api) -> None:
    assert_error(
        api.get("/crm/v5/Leads"),
        400,
        error("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {"param_name": "fields"}),
    )


def test_delete_without_ids_is_required_param_missing(api: Api) -> None:
    [lead_id] = api.insert("Leads", LEAD)
    assert_error(
        api.delete("/crm/v5/Leads"),
        400,
        error("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {"param_name": "ids"}),
    )
    assert api.get(f"/crm/v5/Leads/{lead_id}").status_code == 200


# -- malformed ids and parameter limits ----------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["abc", "-1", "0", "12.5", "9223372036854775808", "12345678901234567890"])
def test_malformed_path_id_on_get_and_delete(api: Api, bad_id: str) -> None:
    expected = error("INVALID_DATA", "the id given seems to be invalid", {"resource_path_index": 1})
    assert_error(api.get(f"/crm/v5/Leads/{bad_id}"), 400, expected)
    assert_error(api.delete(f"/crm/v5/Leads/{bad_id}"), 400, expected)


def test_malformed_ids_on_delete_is_unable_to_parse(api: Api) -> None:
    assert_error(
        api.delete("/crm/v5/Leads?ids=1234567000000000001,abc"),
        400,
        error(
            "UNABLE_TO_PARSE_DATA_TYPE",
            "either the request body or parameters is in wrong format",
            {"param_name": "ids"},
        ),
    )


def test_more_than_100_ids_on_delete_is_limit_exceeded(api: Api) -> None:
    ids = ",".join(str(1234567000000000001 + i) for i in range(101))
    assert_error(
        api.delete(f"/crm/v5/Leads?ids={ids}"),
        400,
        error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 100, "param_name": "ids"}),
    )


def test_more_than_50_fields_is_limit_exceeded(api: Api) -> None:
    fields = ",".join(f"Field_{i}" for i in range(51))
    assert_error(
        api.get(f"/crm/v5/Leads?fields={fields}"),
        400,
        error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 50, "param_name": "fields"}),
    )


# -- body errors on POST /crm/v5/Leads -----------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n",
        b"{",
        b"not json",
        b"[]",
        b'[{"data":[{"Last_Name":"x"}]}]',
        b'"data"',
        b"42",
        b"null",
        b"\xff\xfe{}",
    ],
)
def test_body_that_is_not_a_json_object_is_invalid_data_body(api: Api, content: bytes) -> None:
    assert_error(api.post("/crm/v5/Leads", content=content), 400, INVALID_BODY)
    assert lead_count(api) == 0


@pytest.mark.parametrize("body", [{}, {"data": []}, {"data": None}, {"trigger": []}, {"Data": [LEAD]}])
def test_data_missing_or_empty_is_mandatory_not_found(api: Api, body: dict[str, Any]) -> None:
    assert_error(api.post("/crm/v5/Leads", body), 400, DATA_MISSING)


@pytest.mark.parametrize("data", [{}, LEAD, "x", 1, True])
def test_data_not_an_array_is_invalid_data(api: Api, data: Any) -> None:
    assert_error(api.post("/crm/v5/Leads", {"data": data}), 400, DATA_NOT_ARRAY)
    assert lead_count(api) == 0


def test_more_than_100_records_is_limit_exceeded_and_writes_nothing(api: Api) -> None:
    records = [{"Last_Name": f"L{i}", "Company": "Zylker"} for i in range(101)]
    response = api.post("/crm/v5/Leads", {"data": records})
    assert_error(response, 400, TOO_MANY_RECORDS)
    assert lead_count(api) == 0
    response = api.post("/crm/v5/Leads", {"data": records[:100]})
    assert response.status_code == 201
    assert len(response.json()["data"]) == 100
    assert lead_count(api) == 100


@pytest.mark.parametrize(
    "trigger", ["workflow", ["Workflow"], [1], ["workflow", "nope"], {"workflow": True}, None, [None]]
)
def test_malformed_trigger_is_invalid_data(api: Api, trigger: Any) -> None:
    assert_error(api.post("/crm/v5/Leads", {"data": [LEAD], "trigger": trigger}), 400, BAD_TRIGGER)
    assert lead_count(api) == 0


@pytest.mark.parametrize(
    "trigger", [[], ["workflow", "workflow"], ["approval", "blueprint", "pathfinder", "orchestration"]]
)
def test_well_formed_trigger_is_accepted(api: Api, trigger: list[str]) -> None:
    response = api.post("/crm/v5/Leads", {"data": [LEAD], "trigger": trigger})
    assert response.status_code == 201, response.text
    [entry] = response.json()["data"]
    assert (entry["code"], entry["message"], entry["status"]) == ("SUCCESS", "record added", "success")
    stored = stored_lead(api, entry["details"]["id"])
    assert stored == {"Last_Name": "Daly", "Company": "Zylker", "triggers": sorted(set(trigger))}


def test_body_checks_come_in_order(api: Api) -> None:
    assert_error(api.post("/crm/v5/Leads", {"data": [], "trigger": "bad"}), 400, DATA_MISSING)
    assert_error(api.post("/crm/v5/Leads", {"data": "x", "trigger": "bad"}), 400, DATA_NOT_ARRAY)
    many = [LEAD] * 101
    assert_error(api.post("/crm/v5/Leads", {"data": many, "trigger": "bad"}), 400, TOO_MANY_RECORDS)


def test_unknown_top_level_keys_are_ignored(api: Api) -> None:
    response = api.post("/crm/v5/Leads", {"data": [LEAD], "whatever": {"x": 1}})
    assert response.status_code == 201, response.text
    [entry] = response.json()["data"]
    assert (entry["code"], entry["message"], entry["status"]) == ("SUCCESS", "record added", "success")
    # stored as without the key, with the default trigger set: all five kinds (behaviour §3.6)
    stored = stored_lead(api, entry["details"]["id"])
    every = ["approval", "blueprint", "orchestration", "pathfinder", "workflow"]
    assert stored == {"Last_Name": "Daly", "Company": "Zylker", "triggers": every}


class TestBodyLimit:
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return make_settings(tmp_path / "data", max_body_bytes=300)

    def test_oversized_body_is_413_limit_exceeded(self, api: Api) -> None:
        small = json.dumps({"data": [LEAD]}).encode()
        assert len(small) < 300
        big = json.dumps({"data": [{**LEAD, "Description": "x" * 400}]}).encode()
        too_large = error("LIMIT_EXCEEDED", "size of the request body exceeds the limit", {"limit": 300})
        assert_error(api.post("/crm/v5/Leads", content=big), 413, too_large)
        assert lead_count(api) == 0
        assert api.post("/crm/v5/Leads", content=small).status_code == 201


# -- request and response conventions ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/json", "application/x-www-form-urlencoded"]
)
def test_json_body_is_read_whatever_the_content_type(api: Api, content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = api.post("/crm/v5/Leads", content=json.dumps({"data": [LEAD]}).encode(), headers=headers)
    assert response.status_code == 201, response.text
    if content_type is None:
        assert "content-type" not in response.request.headers
    else:
        assert response.request.headers["content-type"] == content_type


def test_every_json_response_has_the_json_content_type(api: Api) -> None:
    [lead_id] = api.insert("Leads", LEAD)
    responses = [
        api.get("/crm/v5/org"),
        api.get(f"/crm/v5/Leads/{lead_id}"),
        api.get("/crm/v5/Leads?fields=Last_Name"),
        api.post("/crm/v5/Leads", {"data": [LEAD]}),
        api.post("/crm/v5/Leads", {"data": [{"Company": "no last name"}]}),
        api.post("/crm/v5/Leads", {"data": [LEAD, {"Company": "no last name"}]}),
        api.delete(f"/crm/v5/Leads?ids={lead_id}"),
        api.get("/crm/v5/settings/modules"),
        api.get("/crm/v5/users"),
        api.get("/crm/v5/Leads"),
        api.client.get("/crm/v5/org"),
        api.get("/crm/v9/Leads"),
        api.client.patch("/crm/v5/Leads"),
        api.client.post("/oauth/v2/token", data={"grant_type": "nope"}),
        api.client.post("/oauth/v2/token/revoke", params={"token": "x"}),
    ]
    statuses = set()
    for response in responses:
        statuses.add(response.status_code)
        assert response.headers["content-type"] == JSON, (response.request.url, response.status_code)
        assert int(response.headers["content-length"]) == len(response.content)
        json.loads(response.content)
    assert statuses >= {200, 201, 207, 400, 401, 404}


def test_204_has_no_body_and_no_content_type(api: Api) -> None:
    for response in (
        api.get("/crm/v5/Leads?fields=Last_Name"),
        api.get("/crm/v5/Leads/1234567000000000001"),
    ):
        assert response.status_code == 204
        assert response.content == b""
        assert "content-type" not in response.headers


def test_module_names_in_paths_are_case_insensitive(api: Api) -> None:
    response = api.post("/crm/v5/leads", {"data": [{**LEAD, "Lead_Code": "LC-1"}]})
    assert response.status_code == 201, response.text
    lead_id = response.json()["data"][0]["details"]["id"]
    got = api.get(f"/crm/v5/LEADS/{lead_id}")
    assert got.status_code == 200
    assert got.json()["data"][0]["Last_Name"] == "Daly"
    listed = api.get("/crm/v5/lEaDs?fields=Last_Name")
    assert [r["id"] for r in listed.json()["data"]] == [lead_id]
    # responses name the module canonically
    duplicate = api.post("/crm/v5/leads", {"data": [{**LEAD, "Lead_Code": "lc-1"}]})
    assert duplicate.status_code == 400
    [entry] = duplicate.json()["data"]
    module = api.get("/crm/v5/settings/modules/Leads").json()["modules"][0]
    owner = {"name": "Priya Raman", "id": api.creds.user_id, "zuid": api.creds.user_id}
    assert entry == {
        "code": "DUPLICATE_DATA",
        "details": {
            "api_name": "Lead_Code",
            "json_path": "$.data[0].Lead_Code",
            "id": lead_id,
            "duplicate_record": {
                "Owner": owner,
                "module": {"api_name": "Leads", "id": module["id"]},
                "id": lead_id,
            },
            "more_records": False,
        },
        "message": "duplicate data",
        "status": "error",
    }
    deleted = api.delete(f"/crm/v5/LeAdS/{lead_id}")
    assert deleted.status_code == 200
    assert deleted.json()["data"][0]["code"] == "SUCCESS"


def test_trailing_slash_is_ignored_and_no_redirect_is_sent(api: Api) -> None:
    created = api.post("/crm/v5/Leads/", {"data": [LEAD]}, follow_redirects=False)
    assert created.status_code == 201, created.text
    lead_id = created.json()["data"][0]["details"]["id"]
    checks = [
        (api.get("/crm/v5/org/", follow_redirects=False), 200),
        (api.get(f"/crm/v5/Leads/{lead_id}/", follow_redirects=False), 200),
        (api.get("/crm/v5/Leads/?fields=Last_Name", follow_redirects=False), 200),
        (api.get("/crm/v5/settings/modules/", follow_redirects=False), 200),
        (api.get("/crm/v5/settings/modules/Leads/", follow_redirects=False), 200),
        (api.get("/crm/v5/settings/fields/?module=Leads", follow_redirects=False), 200),
        (api.get("/crm/v5/users/", follow_redirects=False), 200),
        (api.client.post("/oauth/v2/token/", data={"grant_type": "x"}, follow_redirects=False), 200),
        (api.get("/crm/v5/org//", follow_redirects=False), 404),
        (api.get("/crm/v5//org", follow_redirects=False), 404),
    ]
    for response, status in checks:
        assert response.status_code == status, (response.request.url, response.status_code, response.text)
        assert "location" not in response.headers
    assert api.client.post("/oauth/v2/token/", data={"grant_type": "x"}).json() == {
        "error": "unsupported_grant_type"
    }
    deleted = api.delete(f"/crm/v5/Leads/{lead_id}/", follow_redirects=False)
    assert (deleted.status_code, deleted.json()) == (
        200,
        {
            "data": [
                {
                    "code": "SUCCESS",
                    "details": {"id": lead_id},
                    "message": "record deleted",
                    "status": "success",
                }
            ]
        },
    )
    assert lead_count(api) == 0


def test_request_body_of_get_and_delete_is_ignored(api: Api) -> None:
    [lead_id] = api.insert("Leads", LEAD)
    response = api.client.request(
        "GET", f"/crm/v5/Leads/{lead_id}", headers=api.headers, content=b"{not json"
    )
    assert response.status_code == 200
    response = api.client.request(
        "DELETE", f"/crm/v5/Leads?ids={lead_id}", headers=api.headers, content=b"{not json"
    )
    assert response.status_code == 200


# -- 500 INTERNAL_ERROR --------------------------------------------------------------------------------


def test_unexpected_exception_is_internal_error_and_rolls_back(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "kaboom-/srv/zcrm/secret.py-line-42"

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(secret)

    # insert_records calls it after the records were inserted
    monkeypatch.setattr(record_store, "add_changes", boom)
    response = api.post("/crm/v5/Leads", {"data": [LEAD]})
    assert_error(response, 500, INTERNAL)
    assert secret not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    assert int(response.headers["content-length"]) == len(response.content)
    monkeypatch.undo()
    assert lead_count(api) == 0
    assert api.post("/crm/v5/Leads", {"data": [LEAD]}).status_code == 201
    assert lead_count(api) == 1


@pytest.fixture
def strict_client(settings: Settings) -> Iterator[tuple[TestClient, Api]]:
    """A client that would re-raise server exceptions: proves the 500 is an answer, not a crash."""
    app = create_app(settings)
    with TestClient(app, base_url=BASE, raise_server_exceptions=True) as client:
        yield client, Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


def test_internal_error_is_answered_by_the_app(
    strict_client: tuple[TestClient, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, api = strict_client

    def boom(*args: Any, **kwargs: Any) -> None:
        raise ValueError("unexpected")

    monkeypatch.setattr(insert, "Validator", boom)
    assert_error(api.post("/crm/v5/Leads", {"data": [LEAD]}), 500, INTERNAL)
