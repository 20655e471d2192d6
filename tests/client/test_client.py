"""zcrm.client.Client and AsyncClient against the in-process app (and httpx.MockTransport for the wire form)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conftest import make_settings
from zcrm.app import create_app
from zcrm.client import AsyncClient, Client, Credentials, Response
from zcrm.settings import Settings

BASE_URL = "http://127.0.0.1:8000"


@dataclass
class Server:
    app: Starlette
    settings: Settings
    http: TestClient
    client: Client

    @property
    def credentials_path(self) -> Path:
        return Path(self.settings.data_dir) / "credentials.json"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    settings = make_settings(tmp_path / "data")
    app = create_app(settings)
    with TestClient(app, base_url=BASE_URL) as http:
        creds = app.state.credentials
        yield Server(app, settings, http, Client(creds.base_url, creds.access_token, http=http))
    app.state.zcrm.db.dispose()


def ok_ids(response: Response) -> list[str]:
    assert response.status_code in (200, 201), response
    return [entry["details"]["id"] for entry in response.body["data"]]


# -- records round trips ------------------------------------------------------------------------------


def test_insert_then_get_record_reads_back(server: Server) -> None:
    response = server.client.insert_records("Leads", [{"Last_Name": "Daly", "Company": "Zylker"}])
    assert response.status_code == 201
    entry = response.body["data"][0]
    assert (entry["code"], entry["message"], entry["status"]) == ("SUCCESS", "record added", "success")
    [lead_id] = ok_ids(response)

    got = server.client.get_record("Leads", lead_id)
    assert got.status_code == 200
    record = got.body["data"][0]
    assert (record["id"], record["Last_Name"], record["Company"]) == (lead_id, "Daly", "Zylker")

    only = server.client.get_record("Leads", int(lead_id), fields=["Last_Name"])
    assert only.body["data"][0]["Last_Name"] == "Daly"
    assert "Company" not in only.body["data"][0]


def test_update_record_and_update_records_read_back(server: Server) -> None:
    first, second = ok_ids(
        server.client.insert_records(
            "Leads", [{"Last_Name": "A", "Company": "Z"}, {"Last_Name": "B", "Company": "Z"}]
        )
    )
    single = server.client.update_record("Leads", first, {"Last_Name": "A2"}, trigger=[])
    assert single.status_code == 200
    assert single.body["data"][0]["message"] == "record updated"
    assert single.body["data"][0]["details"]["id"] == first

    bulk = server.client.update_records(
        "Leads",
        [{"id": int(second), "Last_Name": "B2"}, {"id": first, "Nickname": "x"}],
        trigger=["workflow"],
    )
    assert bulk.status_code == 207
    assert bulk.body["data"][1] == {
        "code": "INVALID_DATA",
        "details": {"api_name": "Nickname", "json_path": "$.data[1].Nickname"},
        "message": "the field api name given seems to be invalid",
        "status": "error",
    }

    listed = server.client.get_records("Leads", ["Last_Name"], ids=[first, second], sort_order="asc")
    assert listed.status_code == 200
    assert [(r["id"], r["Last_Name"]) for r in listed.body["data"]] == [(first, "A2"), (second, "B2")]


def test_if_unmodified_since(server: Server) -> None:
    [lead_id] = ok_ids(server.client.insert_records("Leads", [{"Last_Name": "A", "Company": "Z"}]))
    past = datetime(2001, 1, 1, tzinfo=UTC)
    stale = server.client.update_record("Leads", lead_id, {"Last_Name": "x"}, if_unmodified_since=past)
    assert stale.status_code == 412
    current = server.client.get_record("Leads", lead_id).body["data"][0]
    who = {"name": current["Created_By"]["name"], "id": current["Created_By"]["id"]}
    assert stale.body["data"][0] == {
        "code": "ALREADY_MODIFIED",
        "details": {
            "Modified_Time": current["Modified_Time"],
            "Created_Time": current["Created_Time"],
            "id": lead_id,
            "Modified_By": who,
            "Created_By": who,
        },
        "message": "record updated time has already passed if-unmodified-since time",
        "status": "error",
    }
    assert current["Last_Name"] == "A"  # nothing written

    stale_bulk = server.client.update_records(
        "Leads", [{"id": lead_id, "Last_Name": "x"}], if_unmodified_since="2001-01-01T00:00:00+00:00"
    )
    assert stale_bulk.status_code == 412

    future = datetime.now(UTC) + timedelta(days=1)
    fresh = server.client.update_record("Leads", lead_id, {"Last_Name": "y"}, if_unmodified_since=future)
    assert fresh.status_code == 200

    with pytest.raises(ValueError, match="timezone-aware"):
        server.client.update_record("Leads", lead_id, {}, if_unmodified_since=datetime(2001, 1, 1))


def test_get_records_if_modified_since_304_and_204(server: Server) -> None:
    assert server.client.get_records("Leads", "Last_Name") == Response(204, None)
    ok_ids(server.client.insert_records("Leads", [{"Last_Name": "A", "Company": "Z"}]))
    later = datetime.now(UTC) + timedelta(days=1)
    not_modified = server.client.get_records("Leads", "Last_Name", if_modified_since=later)
    assert (not_modified.status_code, not_modified.body) == (304, None)
    assert not_modified.ok


def test_delete_then_get_is_204(server: Server) -> None:
    ids = ok_ids(
        server.client.insert_records(
            "Leads", [{"Last_Name": "A", "Company": "Z"}, {"Last_Name": "B", "Company": "Z"}]
        )
    )
    deleted = server.client.delete_records("Leads", [int(ids[0]), ids[1]], wf_trigger=False)
    assert deleted.status_code == 200
    assert [e["details"]["id"] for e in deleted.body["data"]] == ids
    assert all(e["message"] == "record deleted" for e in deleted.body["data"])
    gone = server.client.get_record("Leads", ids[0])
    assert (gone.status_code, gone.body, gone.ok) == (204, None, True)

    again = server.client.delete_records("Leads", [ids[0]])
    assert again.status_code == 400
    assert again.body["data"][0]["message"] == "record not deleted"


def test_zoho_errors_are_returned_not_raised(server: Server) -> None:
    unknown = server.client.get_records("Nope", "Name")
    assert unknown.status_code == 400
    assert unknown.body == {
        "code": "INVALID_MODULE",
        "details": {"resource_path_index": 0},
        "message": "the module name given seems to be invalid",
        "status": "error",
    }
    assert not unknown.ok

    missing = server.client.insert_records("Leads", [{"Company": "Z"}])
    assert missing.status_code == 400
    assert missing.body["data"][0] == {
        "code": "MANDATORY_NOT_FOUND",
        "details": {"api_name": "Last_Name", "json_path": "$.data[0].Last_Name"},
        "message": "required field not found",
        "status": "error",
    }

    bad_trigger = server.client.insert_records("Leads", [{"Last_Name": "A", "Company": "Z"}], trigger=["x"])
    assert bad_trigger.status_code == 400
    assert bad_trigger.body["details"]["api_name"] == "trigger"

    wrong_token = Client(BASE_URL, "1000.nope", http=server.http)
    denied = wrong_token.org()
    assert (denied.status_code, denied.body) == (
        401,
        {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"},
    )


def test_generic_request_for_other_routes(server: Server) -> None:
    layouts = server.client.request("GET", "/crm/v5/settings/layouts", params={"module": "Leads"})
    assert layouts.status_code == 200
    assert layouts.body["layouts"]
    created = server.client.request(
        "POST", "/crm/v5/Leads", json={"data": [{"Last_Name": "U", "Company": "Z"}]}
    )
    assert created.status_code == 201


# -- metadata -------------------------------------------------------------------------------------------


def test_metadata(server: Server) -> None:
    fields = server.client.fields("Leads")
    assert fields.status_code == 200
    assert "Last_Name" in {f["api_name"] for f in fields.body["fields"]}
    assert server.client.fields("Leads", type="all").status_code == 200

    modules = server.client.modules()
    assert "Leads" in {m["api_name"] for m in modules.body["modules"]}

    users = server.client.users()
    assert users.status_code == 200
    current = server.client.users(type="CurrentUser")
    assert [u["id"] for u in current.body["users"]] == [server.app.state.credentials.user_id]

    org = server.client.org()
    assert org.body["org"][0]["id"] == server.app.state.credentials.org_id


# -- construction ---------------------------------------------------------------------------------------


def test_from_credentials(server: Server) -> None:
    client = Client.from_credentials(server.credentials_path, http=server.http)
    assert client.base_url == BASE_URL
    assert client.org().status_code == 200
    creds = Credentials.load(server.credentials_path)
    assert creds.org_id == server.app.state.credentials.org_id
    assert creds.refresh_token == server.app.state.credentials.refresh_token


def test_credentials_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps({"base_url": BASE_URL}))
    with pytest.raises(ValueError, match="access_token"):
        Credentials.load(path)
    path.write_text("[]")
    with pytest.raises(ValueError, match="JSON object"):
        Client.from_credentials(path)


def test_closing_keeps_a_given_http_client_open(server: Server) -> None:
    with Client(BASE_URL, server.app.state.credentials.access_token, http=server.http) as client:
        assert client.org().status_code == 200
    assert not server.http.is_closed
    with pytest.raises(ValueError):
        Client(BASE_URL, "t", http=server.http, transport=httpx.MockTransport(lambda r: httpx.Response(200)))


# -- wire form --------------------------------------------------------------------------------------------


class Recorder:
    def __init__(self, response: httpx.Response | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.response = response or httpx.Response(200, json={"data": []})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.response


def test_wire_form_of_each_call() -> None:
    recorder = Recorder()
    client = Client(BASE_URL + "/", "1000.abc", transport=httpx.MockTransport(recorder))
    client.insert_records("Leads", [{"Last_Name": "A"}])
    client.update_record("Leads", 4876876000000100053, {"Last_Name": "B"}, trigger=[])
    client.update_records(
        "Leads", [{"id": 1}], trigger=["workflow"], if_unmodified_since="Thu, 02 May 2024 05:47:33 GMT"
    )
    client.get_records("Leads", ["Last_Name", "Email"], ids=[1, "2"], approved="both", page=2, converted=None)
    client.get_record("Price_Books", "12", fields="Price_Book_Name")
    client.delete_records("Leads", [1, "2"], wf_trigger=False)
    client.fields("Leads", type="all")
    client.modules()
    client.users(type="ActiveUsers")
    client.org()

    sent = [(r.method, str(r.url)) for r in recorder.requests]
    assert sent == [
        ("POST", f"{BASE_URL}/crm/v5/Leads"),
        ("PUT", f"{BASE_URL}/crm/v5/Leads/4876876000000100053"),
        ("PUT", f"{BASE_URL}/crm/v5/Leads"),
        ("GET", f"{BASE_URL}/crm/v5/Leads?fields=Last_Name%2CEmail&ids=1%2C2&approved=both&page=2"),
        ("GET", f"{BASE_URL}/crm/v5/Price_Books/12?fields=Price_Book_Name"),
        ("DELETE", f"{BASE_URL}/crm/v5/Leads?ids=1%2C2&wf_trigger=false"),
        ("GET", f"{BASE_URL}/crm/v5/settings/fields?module=Leads&type=all"),
        ("GET", f"{BASE_URL}/crm/v5/settings/modules"),
        ("GET", f"{BASE_URL}/crm/v5/users?type=ActiveUsers"),
        ("GET", f"{BASE_URL}/crm/v5/org"),
    ]
    assert all(r.headers["authorization"] == "Zoho-oauthtoken 1000.abc" for r in recorder.requests)
    bodies = [json.loads(r.content) if r.content else None for r in recorder.requests[:3]]
    assert bodies == [
        {"data": [{"Last_Name": "A"}]},
        {"data": [{"Last_Name": "B"}], "trigger": []},
        {"data": [{"id": 1}], "trigger": ["workflow"]},
    ]
    assert recorder.requests[2].headers["if-unmodified-since"] == "Thu, 02 May 2024 05:47:33 GMT"
    assert "if-unmodified-since" not in recorder.requests[1].headers


def test_ids_keep_full_precision_and_paths_are_escaped() -> None:
    recorder = Recorder(httpx.Response(200, json={"data": [{"id": 9223372036854775807}]}))
    client = Client(BASE_URL, "t", transport=httpx.MockTransport(recorder))
    response = client.update_record("Leads", "1/2", {"Big": 9223372036854775807})
    assert str(recorder.requests[0].url) == f"{BASE_URL}/crm/v5/Leads/1%2F2"
    assert b"9223372036854775807" in recorder.requests[0].content
    assert response.body["data"][0]["id"] == 9223372036854775807


def test_non_json_body_is_none_and_transport_errors_raise() -> None:
    html = Client(BASE_URL, "t", transport=httpx.MockTransport(lambda r: httpx.Response(502, text="<html>")))
    assert html.org() == Response(502, None)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    broken = Client(BASE_URL, "t", transport=httpx.MockTransport(refuse))
    with pytest.raises(httpx.ConnectError):
        broken.org()


# -- AsyncClient ------------------------------------------------------------------------------------------


def test_async_client_round_trip(server: Server) -> None:
    creds = server.app.state.credentials

    async def scenario() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=server.app)
        async with AsyncClient(creds.base_url, creds.access_token, transport=transport) as client:
            inserted = await client.insert_records("Leads", [{"Last_Name": "A", "Company": "Z"}])
            assert inserted.status_code == 201
            lead_id = inserted.body["data"][0]["details"]["id"]
            updated = await client.update_record("Leads", lead_id, {"Company": "Zylker"}, trigger=[])
            assert updated.status_code == 200
            bulk = await client.update_records("Leads", [{"id": lead_id, "First_Name": "Ann"}])
            assert bulk.status_code == 200
            got = await client.get_record("Leads", lead_id)
            listed = await client.get_records("Leads", "Last_Name,Company")
            assert [r["id"] for r in listed.body["data"]] == [lead_id]
            metadata = [await client.fields("Leads"), await client.modules(), await client.users()]
            assert [m.status_code for m in metadata] == [200, 200, 200]
            assert (await client.org()).body["org"][0]["id"] == creds.org_id
            deleted = await client.delete_records("Leads", [lead_id])
            assert deleted.status_code == 200
            assert (await client.get_record("Leads", lead_id)).status_code == 204
            assert (await client.request("GET", "/crm/v5/Nope/1")).status_code == 400
            return dict(got.body["data"][0])

    record = asyncio.run(scenario())
    assert (record["Last_Name"], record["First_Name"], record["Company"]) == ("A", "Ann", "Zylker")


def test_async_client_from_credentials_and_given_http(server: Server) -> None:
    async def scenario() -> int:
        transport = httpx.ASGITransport(app=server.app)
        async with httpx.AsyncClient(transport=transport) as http:
            client = AsyncClient.from_credentials(server.credentials_path, http=http)
            status = (await client.org()).status_code
            await client.aclose()
            assert not http.is_closed
            return status

    assert asyncio.run(scenario()) == 200
