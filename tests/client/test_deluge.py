"""zcrm.client.deluge: zoho.crm.updateRecord (behaviour §9) against the in-process app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conftest import make_settings, sql
from zcrm.app import create_app
from zcrm.client import Client, Zoho
from zcrm.settings import Settings

BASE_URL = "http://127.0.0.1:8000"
INVALID_TRIGGER = {
    "code": "INVALID_DATA",
    "details": {
        "api_name": "trigger",
        "json_path": "$.trigger",
        "supported_values": ["workflow", "approval", "blueprint", "orchestration"],
    },
    "message": "invalid data",
    "status": "error",
}
INVALID_ID = {
    "code": "INVALID_DATA",
    "details": {"resource_path_index": 1},
    "message": "the id given seems to be invalid",
    "status": "error",
}


@dataclass
class Server:
    app: Starlette
    settings: Settings
    http: TestClient
    zoho: Zoho
    requests: list[httpx.Request]

    @property
    def client(self) -> Client:
        return self.zoho.client

    def insert(self, module: str, record: dict[str, Any]) -> str:
        response = self.client.insert_records(module, [record])
        assert response.status_code == 201, response
        return str(response.body["data"][0]["details"]["id"])

    def record(self, module: str, record_id: str) -> dict[str, Any]:
        response = self.client.get_record(module, record_id)
        assert response.status_code == 200, response
        return dict(response.body["data"][0])

    def update_triggers(self, record_id: str) -> list[list[str]]:
        """The stored effective trigger set of each update of the record, oldest first."""
        rows = sql(
            self.app,
            "SELECT triggers FROM changes WHERE record_id = :id AND operation = 'update' ORDER BY id",
            {"id": record_id},
        )
        return [json.loads(row[0]) for row in rows]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    settings = make_settings(tmp_path / "data")
    app = create_app(settings)
    requests: list[httpx.Request] = []

    def record_request(request: httpx.Request) -> None:
        requests.append(request)

    with TestClient(app, base_url=BASE_URL) as http:
        http.event_hooks["request"].append(record_request)
        creds = app.state.credentials
        yield Server(app, settings, http, Zoho(creds.base_url, creds.access_token, http=http), requests)
    app.state.zcrm.db.dispose()


def deal(**values: Any) -> dict[str, Any]:
    return {"Deal_Name": "Big", "Stage": "Qualification", "Closing_Date": "2024-06-01", **values}


# -- success ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_int", [True, False])
def test_success_returns_the_details_map(server: Server, as_int: bool) -> None:
    lead_id = server.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    record_id: int | str = int(lead_id) if as_int else lead_id
    response = server.zoho.crm.updateRecord("Leads", record_id, {"Last_Name": "Stewart"})
    assert set(response) == {
        "Modified_Time",
        "Modified_By",
        "Created_Time",
        "id",
        "Created_By",
        "$approval_state",
    }
    assert response["id"] == lead_id
    assert response["$approval_state"] == "approved"
    assert response["Modified_By"]["id"] == server.app.state.credentials.user_id
    assert response.get("status") is None
    assert server.record("Leads", lead_id)["Last_Name"] == "Stewart"


def test_exact_request(server: Server) -> None:
    lead_id = server.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    server.requests.clear()
    value = {"Last_Name": "Stewart", "Email": "s@zylker.test"}
    server.zoho.crm.updateRecord("Leads", int(lead_id), value, {"trigger": ["workflow"]}, "crm_connection")
    [request] = server.requests
    assert (request.method, str(request.url)) == ("PUT", f"{BASE_URL}/crm/v5/Leads/{lead_id}")
    assert request.headers["authorization"] == f"Zoho-oauthtoken {server.app.state.credentials.access_token}"
    assert json.loads(request.content) == {"data": [value], "trigger": ["workflow"]}


# -- failures -----------------------------------------------------------------------------------------------


def test_unknown_id_returns_the_error_map(server: Server) -> None:
    response = server.zoho.crm.updateRecord("Leads", 4876876000000100053, {"Last_Name": "x"})
    assert response == INVALID_ID
    assert server.zoho.crm.updateRecord("Leads", "abc", {"Last_Name": "x"}) == INVALID_ID


@pytest.mark.parametrize("record_id", ["", "upsert", "search", "1/2", "..", True])
def test_unroutable_ids_are_answered_without_a_request(server: Server, record_id: Any) -> None:
    assert server.zoho.crm.updateRecord("Leads", record_id, {"Last_Name": "x"}) == INVALID_ID
    assert server.requests == []


def test_per_record_error_is_returned_as_is(server: Server) -> None:
    lead_id = server.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    assert server.zoho.crm.updateRecord("Leads", lead_id, {"Nickname": "x"}) == {
        "code": "INVALID_DATA",
        "details": {"api_name": "Nickname", "json_path": "$.data[0].Nickname"},
        "message": "the field api name given seems to be invalid",
        "status": "error",
    }
    assert server.zoho.crm.updateRecord("Leads", lead_id, {"Last_Name": None}) == {
        "code": "MANDATORY_NOT_FOUND",
        "details": {"api_name": "Last_Name", "json_path": "$.data[0].Last_Name"},
        "message": "required field not found",
        "status": "error",
    }
    assert server.update_triggers(lead_id) == []


def test_request_level_errors_are_returned(server: Server) -> None:
    lead_id = server.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    assert server.zoho.crm.updateRecord("Nope", lead_id, {"Last_Name": "x"}) == {
        "code": "INVALID_MODULE",
        "details": {"resource_path_index": 0},
        "message": "the module name given seems to be invalid",
        "status": "error",
    }
    stale = Zoho(BASE_URL, "1000.unknown", http=server.http)
    assert stale.crm.updateRecord("Leads", lead_id, {"Last_Name": "x"}) == {
        "code": "INVALID_TOKEN",
        "details": {},
        "message": "invalid oauth token",
        "status": "error",
    }


def test_non_zoho_answer_is_still_a_map() -> None:
    zoho = Zoho(BASE_URL, "t", transport=httpx.MockTransport(lambda r: httpx.Response(502, text="<html>")))
    assert zoho.crm.updateRecord("Leads", 1, {}) == {
        "code": "INTERNAL_ERROR",
        "details": {},
        "message": "Internal Server Error",
        "status": "error",
    }


def test_transport_errors_raise() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with (
        Zoho(BASE_URL, "t", transport=httpx.MockTransport(refuse)) as zoho,
        pytest.raises(httpx.ConnectError),
    ):
        zoho.crm.updateRecord("Leads", 1, {})


# -- trigger -----------------------------------------------------------------------------------------------


def test_default_trigger_is_approval_blueprint_orchestration(server: Server) -> None:
    lead_id = server.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    server.requests.clear()
    assert "id" in server.zoho.crm.updateRecord("Leads", lead_id, {"Last_Name": "a"})
    assert "id" in server.zoho.crm.updateRecord("Leads", lead_id, {"Last_Name": "b"}, {"other": 1})
    assert server.update_triggers(lead_id) == [["approval", "blueprint", "orchestration"]] * 2
    assert [json.loads(r.content)["trigger"] for r in server.requests] == [
        ["approval", "blueprint", "orchestration"]
    ] * 2


@pytest.mark.parametrize(
    ("trigger", "stored"),
    [
        ([], []),
        (["workflow"], ["workflow"]),
        (["orchestration", "workflow", "workflow"], ["orchestration", "workflow"]),
        (("approval", "blueprint"), ["approval", "blueprint"]),
    ],
)
def test_given_trigger_is_used(server: Server, trigger: Any, stored: list[str]) -> None:
    lead_id = server.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    response = server.zoho.crm.updateRecord("Leads", lead_id, {"Last_Name": "a"}, {"trigger": trigger})
    assert response["id"] == lead_id
    assert server.update_triggers(lead_id) == [stored]


@pytest.mark.parametrize(
    "trigger", [["pathfinder"], ["workflow", "pathfinder"], ["Workflow"], "workflow", [None], None, {}]
)
def test_unsupported_trigger_fails_without_a_request(server: Server, trigger: Any) -> None:
    lead_id = server.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    server.requests.clear()
    response = server.zoho.crm.updateRecord("Leads", lead_id, {"Last_Name": "a"}, {"trigger": trigger})
    assert response == INVALID_TRIGGER
    assert server.requests == []
    assert server.record("Leads", lead_id)["Last_Name"] == "Daly"
    assert server.update_triggers(lead_id) == []


# -- record_value pass-through ------------------------------------------------------------------------------


def test_append_values_and_subform_rows_pass_through(server: Server) -> None:
    deal_id = server.insert(
        "Deals",
        deal(
            Foreign_Languages=["English"],
            Competitors=[{"Competitor_Name": "Acme", "Rank": 1}, {"Competitor_Name": "Globex", "Rank": 2}],
        ),
    )
    acme, globex = (row["id"] for row in server.record("Deals", deal_id)["Competitors"])

    response = server.zoho.crm.updateRecord(
        "Deals",
        deal_id,
        {
            "Foreign_Languages": ["French", "English"],
            "$append_values": {"Foreign_Languages": True},
            "Competitors": [{"id": globex, "Rank": 1}, {"Competitor_Name": "Initech", "Rank": 2}],
        },
    )
    assert response["id"] == deal_id
    record = server.record("Deals", deal_id)
    assert record["Foreign_Languages"] == ["English", "French"]
    rows = [(row["Competitor_Name"], row["Rank"]) for row in record["Competitors"]]
    assert rows == [("Globex", 1), ("Initech", 2)]
    assert acme not in {row["id"] for row in record["Competitors"]}

    initech = record["Competitors"][1]["id"]
    server.zoho.crm.updateRecord(
        "Deals",
        int(deal_id),
        {"Foreign_Languages": ["German"], "Competitors": [{"id": initech, "_delete": None}]},
        {"trigger": []},
    )
    record = server.record("Deals", deal_id)
    assert record["Foreign_Languages"] == ["German"]
    assert [row["id"] for row in record["Competitors"]] == [globex]
    assert server.update_triggers(deal_id) == [["approval", "blueprint", "orchestration"], []]


def test_subform_row_error_is_returned(server: Server) -> None:
    deal_id = server.insert("Deals", deal())
    assert server.zoho.crm.updateRecord("Deals", deal_id, {"Competitors": [{"id": "1", "Rank": 1}]}) == {
        "code": "INVALID_DATA",
        "details": {"api_name": "id", "json_path": "$.data[0].Competitors[0].id"},
        "message": "the id given seems to be invalid",
        "status": "error",
    }


# -- construction -------------------------------------------------------------------------------------------


def test_from_credentials(server: Server) -> None:
    lead_id = server.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    zoho = Zoho.from_credentials(Path(server.settings.data_dir) / "credentials.json", http=server.http)
    assert zoho.crm.updateRecord("Leads", lead_id, {"Company": "Acme"})["id"] == lead_id
    zoho.close()
    assert not server.http.is_closed
    assert server.record("Leads", lead_id)["Company"] == "Acme"
