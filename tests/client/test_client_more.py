"""zcrm.client: paging (iter_records), delete by id, the rest of the metadata reads, the control-plane calls
(create_user, issue_tokens) and ServerAdmin; against the in-process app (zcrm.testing.ZcrmApp) and on the wire."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import make_settings, sql
from zcrm.client import (
    AsyncClient,
    AsyncServerAdmin,
    Client,
    Credentials,
    Response,
    ResponseError,
    ServerAdmin,
)
from zcrm.client._base import next_page
from zcrm.testing import ZcrmApp

BASE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[ZcrmApp]:
    with ZcrmApp(make_settings(tmp_path / "data")) as zcrm:
        yield zcrm


def insert(client: Client, count: int) -> list[str]:
    response = client.insert_records(
        "Leads", [{"Last_Name": f"L{n:02}", "Company": "Z"} for n in range(count)]
    )
    assert response.status_code == 201, response
    return [entry["details"]["id"] for entry in response.body["data"]]


# -- paging ---------------------------------------------------------------------------------------------------


def test_iter_records_follows_page_tokens(app: ZcrmApp) -> None:
    ids = insert(app.client, 7)
    sent: list[httpx.Request] = []
    app.http.event_hooks["request"].append(sent.append)
    records = list(
        app.client.iter_records("Leads", ["Last_Name"], per_page=3, sort_by="id", sort_order="asc")
    )
    assert [r["id"] for r in records] == sorted(ids, key=int)
    assert [r["Last_Name"] for r in records] == [f"L{n:02}" for n in range(7)]
    queries = [dict(request.url.params) for request in sent]
    assert [sorted(q) for q in queries] == [
        ["fields", "per_page", "sort_by", "sort_order"],
        ["fields", "page_token", "per_page", "sort_by", "sort_order"],
        ["fields", "page_token", "per_page", "sort_by", "sort_order"],
    ]
    assert {q["per_page"] for q in queries} == {"3"}


def test_iter_records_of_an_empty_module_and_errors(app: ZcrmApp) -> None:
    assert list(app.client.iter_records("Leads", "Last_Name")) == []
    with pytest.raises(ResponseError, match=r"^HTTP 400 INVALID_MODULE$") as caught:
        list(app.client.iter_records("Nope", "Name"))
    assert caught.value.response.body == {
        "code": "INVALID_MODULE",
        "details": {"resource_path_index": 0},
        "message": "the module name given seems to be invalid",
        "status": "error",
    }


def page(status: int, body: Any = None) -> Response:
    return Response(status, body)


def test_next_page_rules() -> None:
    params = {"fields": "Last_Name", "per_page": 2}
    token = page(200, {"data": [{}], "info": {"more_records": True, "next_page_token": "t1", "page": 1}})
    assert next_page(token, params) == {"fields": "Last_Name", "per_page": 2, "page_token": "t1"}
    numbered = page(200, {"data": [{}], "info": {"more_records": True, "page": 4}})
    assert next_page(numbered, {**params, "page": 4}) == {**params, "page": 5}
    assert next_page(page(200, {"data": [], "info": {"more_records": False}}), params) is None
    assert next_page(page(200, {"data": []}), params) is None
    assert next_page(page(204), params) is None
    with pytest.raises(ResponseError, match=r"^HTTP 401 INVALID_TOKEN$"):
        next_page(page(401, {"code": "INVALID_TOKEN"}), params)
    with pytest.raises(ResponseError, match=r"^HTTP 502$"):
        next_page(page(502), params)


# -- records and metadata ---------------------------------------------------------------------------------


def test_delete_record_by_id(app: ZcrmApp) -> None:
    first, second = insert(app.client, 2)
    deleted = app.client.delete_record("Leads", first, wf_trigger=False)
    assert deleted.status_code == 200
    assert deleted.body == {
        "data": [
            {"code": "SUCCESS", "details": {"id": first}, "message": "record deleted", "status": "success"}
        ]
    }
    assert app.client.get_record("Leads", first).status_code == 204
    assert [r["id"] for r in app.client.iter_records("Leads", "Last_Name")] == [second]
    again = app.client.delete_record("Leads", first)
    assert again.status_code == 400


def test_metadata_by_id(app: ZcrmApp) -> None:
    one_module = app.client.modules("Leads")
    assert one_module.status_code == 200
    assert [m["api_name"] for m in one_module.body["modules"]] == ["Leads"]

    fields = app.client.fields("Leads").body["fields"]
    last_name = next(f for f in fields if f["api_name"] == "Last_Name")
    one_field = app.client.fields("Leads", last_name["id"])
    assert [f["api_name"] for f in one_field.body["fields"]] == ["Last_Name"]

    layouts = app.client.layouts("Leads")
    assert layouts.status_code == 200
    layout_id = layouts.body["layouts"][0]["id"]
    one_layout = app.client.layouts("Leads", layout_id)
    assert [item["id"] for item in one_layout.body["layouts"]] == [layout_id]

    me = app.client.user(app.credentials.user_id)
    assert [u["id"] for u in me.body["users"]] == [app.credentials.user_id]
    paged = app.client.users(type="AllUsers", per_page=1, page=1)
    assert paged.status_code == 200
    assert len(paged.body["users"]) == 1


# -- the control plane --------------------------------------------------------------------------------------


def test_create_user_and_issue_tokens_with_exact_scopes(app: ZcrmApp) -> None:
    created = app.client.create_user("Hardy", "tom@zylker.test", first_name="Tom")
    assert created.status_code == 201
    assert (created.body["full_name"], created.body["status"]) == ("Tom Hardy", "active")

    tokens = app.client.issue_tokens(["ZohoCRM.users.READ"], email="TOM@zylker.test")
    assert tokens.status_code == 201
    assert (tokens.body["user_id"], tokens.body["scope"]) == (created.body["id"], "ZohoCRM.users.READ")
    tom = Client(BASE_URL, tokens.body["access_token"], http=app.http)
    assert tom.users(type="CurrentUser").body["users"][0]["id"] == created.body["id"]
    denied = tom.get_records("Leads", "Last_Name")
    assert (denied.status_code, denied.body) == (
        401,
        {
            "code": "OAUTH_SCOPE_MISMATCH",
            "details": {},
            "message": "invalid oauth scope to access this URL",
            "status": "error",
        },
    )

    by_id = app.client.issue_tokens("ZohoCRM.org.READ ZohoCRM.users.READ", user_id=created.body["id"])
    assert by_id.body["scope"] == "ZohoCRM.org.READ ZohoCRM.users.READ"
    unknown = app.client.issue_tokens("ZohoCRM.org.READ", user_id="1")
    assert (unknown.status_code, unknown.body["details"]) == (400, {"api_name": "user_id"})


def test_server_admin_creates_and_deletes_orgs(app: ZcrmApp) -> None:
    admin = app.admin()
    created = admin.create_org()
    assert created.status_code == 201
    creds = Credentials.from_dict(created.body)
    assert creds.base_url == BASE_URL
    assert creds.org_id != app.credentials.org_id
    other = Client(creds.base_url, creds.access_token, http=app.http)
    assert other.org().body["org"][0]["id"] == creds.org_id

    custom = admin.new_org(
        {"modules": [{"api_name": "Boats", "fields": [{"api_name": "Name", "data_type": "text"}]}]}
    )
    assert "Boats" in [
        m["api_name"] for m in Client(BASE_URL, custom.access_token, http=app.http).modules().body["modules"]
    ]

    deleted = admin.delete_org(creds.org_id)
    assert deleted.status_code == 200
    assert sql(app.app, "SELECT count(*) FROM orgs WHERE id = :o", {"o": creds.org_id}) == [(0,)]
    assert other.org().status_code == 401

    with pytest.raises(ResponseError, match=r"^HTTP 400 INVALID_DATA$") as caught:
        admin.new_org({"modules": []})
    assert caught.value.response.body["details"] == {"api_name": "org_file"}

    stranger = ServerAdmin(BASE_URL, "0" * 64, http=app.http)
    refused = stranger.create_org()
    assert (refused.status_code, refused.body) == (
        401,
        {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"},
    )


def test_credentials_from_dict_errors() -> None:
    with pytest.raises(ValueError, match=r"^answer: expected a JSON object$"):
        Credentials.from_dict([], source="answer")
    with pytest.raises(ValueError, match=r"^credentials: access_token is missing$"):
        Credentials.from_dict({"base_url": BASE_URL})
    with pytest.raises(ValueError, match=r"^credentials: org_id must be a string$"):
        Credentials.from_dict({"base_url": BASE_URL, "access_token": "t", "org_id": 5})


# -- wire form --------------------------------------------------------------------------------------------


def test_wire_form_of_the_new_calls() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    client = Client(BASE_URL, "1000.abc", transport=httpx.MockTransport(answer))
    client.delete_record("Leads", 12, wf_trigger=True)
    client.fields("Leads", 34, type="all")
    client.layouts("Leads")
    client.layouts("Leads", "56")
    client.modules("Price_Books")
    client.users(type="AdminUsers", page=2)
    client.user(78)
    client.create_user("Hardy", "tom@zylker.test", role="Manager")
    client.issue_tokens(["ZohoCRM.users.READ", "ZohoCRM.org.READ"], user_id=78, client_id="1000.C")
    admin = ServerAdmin(BASE_URL + "/", "secret", transport=httpx.MockTransport(answer))
    admin.create_org()
    admin.create_org({"modules": []})
    admin.delete_org("90")

    assert [(r.method, str(r.url)) for r in sent] == [
        ("DELETE", f"{BASE_URL}/crm/v5/Leads/12?wf_trigger=true"),
        ("GET", f"{BASE_URL}/crm/v5/settings/fields/34?module=Leads&type=all"),
        ("GET", f"{BASE_URL}/crm/v5/settings/layouts?module=Leads"),
        ("GET", f"{BASE_URL}/crm/v5/settings/layouts/56?module=Leads"),
        ("GET", f"{BASE_URL}/crm/v5/settings/modules/Price_Books"),
        ("GET", f"{BASE_URL}/crm/v5/users?type=AdminUsers&page=2"),
        ("GET", f"{BASE_URL}/crm/v5/users/78"),
        ("POST", f"{BASE_URL}/__zcrm/users"),
        ("POST", f"{BASE_URL}/__zcrm/tokens"),
        ("POST", f"{BASE_URL}/__zcrm/orgs"),
        ("POST", f"{BASE_URL}/__zcrm/orgs"),
        ("DELETE", f"{BASE_URL}/__zcrm/orgs/90"),
    ]
    assert [json.loads(r.content) for r in sent[7:11]] == [
        {"last_name": "Hardy", "email": "tom@zylker.test", "role": "Manager"},
        {"scope": ["ZohoCRM.users.READ", "ZohoCRM.org.READ"], "user_id": "78", "client_id": "1000.C"},
        {},
        {"org_file": {"modules": []}},
    ]
    assert all(r.headers["authorization"] == "Zoho-oauthtoken 1000.abc" for r in sent[:9])
    assert all(r.headers["x-zcrm-admin-token"] == "secret" for r in sent[9:])
    assert all("authorization" not in r.headers for r in sent[9:])


# -- AsyncClient and AsyncServerAdmin ---------------------------------------------------------------------


def test_async_paging_delete_metadata_and_admin(app: ZcrmApp) -> None:
    ids = insert(app.client, 5)

    async def scenario() -> dict[str, Any]:
        async with app.async_client() as client:
            listed = [
                r["id"]
                async for r in client.iter_records(
                    "Leads", "Last_Name", per_page=2, sort_by="id", sort_order="asc"
                )
            ]
            deleted = await client.delete_record("Leads", ids[0])
            layouts = await client.layouts("Leads")
            module = await client.modules("Leads")
            field = await client.fields("Leads", type="all")
            user = await client.user(app.credentials.user_id)
            tokens = await client.issue_tokens("ZohoCRM.org.READ", user_id=app.credentials.user_id)
            made = await client.create_user("Async", "async@zylker.test")
        async with AsyncServerAdmin(BASE_URL, app.admin_token, transport=app.transport) as admin:
            creds = await admin.new_org()
            gone = await admin.delete_org(creds.org_id)
        async with AsyncClient(BASE_URL, "1000.nope", transport=app.transport) as stranger:
            with pytest.raises(ResponseError, match=r"^HTTP 401 INVALID_TOKEN$"):
                [r async for r in stranger.iter_records("Leads", "Last_Name")]
        return {
            "listed": listed,
            "statuses": [r.status_code for r in (deleted, layouts, module, field, user, tokens, made, gone)],
        }

    result = asyncio.run(scenario())
    assert result["listed"] == sorted(ids, key=int)
    assert result["statuses"] == [200, 200, 200, 200, 200, 201, 201, 200]
    assert [
        r["id"] for r in app.client.iter_records("Leads", "Last_Name", sort_by="id", sort_order="asc")
    ] == sorted(ids, key=int)[1:]
