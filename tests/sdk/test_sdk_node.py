"""End to end: Zoho's official Node SDKs, ``@zohocrm/nodejs-sdk-8.0`` and ``@zohocrm/typescript-sdk-8.0``, unchanged,
against a live ``zcrm serve`` each (tests/sdk/node_envs.py builds their npm projects; tests/sdk/node/ holds the
drivers). Each driver initialises the SDK with an OAuthBuilder refresh token and a DataCenter subclass naming zcrm's
URLs, runs the flows (metadata, insert, get and list, bulk and single update with ``$append_values``, upsert, search,
COQL, delete) and reports what the SDK parsed and every request it sent through ``got``. The tests check both, and
the stored state read back over plain HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.sdk import live, node_envs
from tests.sdk.node_envs import NODE_SDKS, run_flows


class Flow:
    """One SDK's run against its own server: the report and a plain HTTP client on the same server."""

    def __init__(self, report: dict[str, Any], http: httpx.Client, credentials: dict[str, str]) -> None:
        self.report = report
        self.http = http
        self.credentials = credentials

    def sent(self, step: str) -> list[dict[str, Any]]:
        """The API requests of ``step`` (the SDK's field-metadata fetches left out)."""
        return [e for e in live.in_step(self.report, step) if not e["path"].endswith("/settings/fields")]

    def read(self, module: str, record_id: str, fields: str) -> httpx.Response:
        return self.http.get(f"/crm/v8/{module}/{record_id}", params={"fields": fields})


@pytest.fixture(scope="module", params=sorted(NODE_SDKS))
def flow(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:
    root = tmp_path_factory.mktemp(f"node-{request.param}")
    with live.serving(root) as (http, credentials):
        report = run_flows(request.param, credentials, root / "work", {})
        yield Flow(report, http, json.loads(credentials.read_text()))


def bigint(value: str) -> dict[str, str]:
    return {"bigint": value}


def answers(outcome: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Each ActionWrapper entry the SDK parsed: kind, code, status, message."""
    return [(d["kind"], d["code"], d["status"], d["message"]) for d in outcome["data"]]


# -- token refresh and the wire --------------------------------------------------------------------------------------


def test_the_sdk_refreshes_its_token_and_sends_it(flow: Flow) -> None:
    first = flow.report["wire"][0]
    assert (first["method"], first["path"], first["status"]) == ("POST", "/oauth/v2/token", 200)
    assert first["form"] == {
        "client_id": flow.credentials["client_id"],
        "client_secret": flow.credentials["client_secret"],
        "grant_type": "refresh_token",
        "refresh_token": flow.credentials["refresh_token"],
    }
    token = first["response"]["access_token"]
    assert token != flow.credentials["access_token"]
    assert first["response"]["api_domain"] == flow.credentials["base_url"]
    rest = flow.report["wire"][1:]
    assert {e["authorization"] for e in rest} == {f"Zoho-oauthtoken {token}"}
    assert token in flow.report["token_store"]  # the FileStore in the work dir


def test_every_api_request_names_v8_and_succeeds_or_is_refused_on_purpose(flow: Flow) -> None:
    api = flow.report["wire"][1:]
    assert all(e["path"].startswith("/crm/v8/") for e in api), [e["path"] for e in api]
    assert all(e["host"] == flow.credentials["base_url"].removeprefix("http://") for e in api)
    refused = [(e["path"], e["status"]) for e in api if e["status"] >= 400]
    assert refused == [("/crm/v8/Leads/upsert", 400), ("/crm/v8/Leads/search", 400)]


# -- metadata --------------------------------------------------------------------------------------------------------


def test_the_sdk_reads_field_metadata_and_follows_v8_linking_details(flow: Flow) -> None:
    metadata = flow.report["metadata"]
    assert (metadata["status_code"], metadata["object"]) == (200, "ResponseWrapper")
    types = metadata["fields"]
    assert (types["Foreign_Languages"], types["Competitors"], types["Listings"], types["AssociatedUser"]) == (
        "multiselectpicklist",
        "subform",
        "multiselectlookup",
        "multiuserlookup",
    )
    # Its own record calls fetch each module's fields once, following lookups, the subform module and (v8's
    # multiselectlookup.linking_details.module) the linking modules.
    fetched = [e["query"]["module"] for e in flow.report["wire"] if e["path"] == "/crm/v8/settings/fields"]
    assert fetched.count("Deals") == 2  # the explicit getFields, then the SDK's own first Deals call
    assert {"Deals_X_Listings", "Deals_X_Users", "Deal_Competitors", "Listings"} <= set(fetched)
    deals = next(e for e in flow.report["wire"] if e["query"].get("module") == "Deals")
    [listings] = [f for f in deals["response"]["fields"] if f["api_name"] == "Listings"]
    assert listings["multiselectlookup"]["linking_details"]["module"]["api_name"] == "Deals_X_Listings"


# -- insert, get and list --------------------------------------------------------------------------------------------


def test_the_sdk_inserts_deals_with_subform_and_multi_select_lookup_rows(flow: Flow) -> None:
    listing = flow.report["ids"]["listing"]
    [request] = flow.sent("insert")
    assert (request["method"], request["path"], request["status"]) == ("POST", "/crm/v8/Deals", 201)
    assert request["json"] == {
        "data": [
            {
                "Deal_Name": "Harbour View Tower",
                "Closing_Date": "2024-06-30",
                "Stage": "Qualification",
                "Amount": 250000.75,
                "Foreign_Languages": ["French", "Korean"],
                "Competitors": [{"Competitor_Name": "Acme Realty", "Rank": 2}],
                "Listings": [{"Interested_Listings": {"id": listing}}],
            },
            {
                "Deal_Name": "Quay Lofts",
                "Stage": "Qualification",
                "Closing_Date": "2024-09-01",
                "Foreign_Languages": ["Spanish"],
            },
        ]
    }
    insert = flow.report["insert"]
    assert (insert["status_code"], insert["object"]) == (201, "ActionWrapper")
    assert answers(insert) == [("SuccessResponse", "SUCCESS", "success", "record added")] * 2
    d1, _d2 = flow.report["ids"]["deals"]
    assert insert["data"][0]["details"]["id"] == d1
    assert insert["data"][0]["details"]["Created_By"] == {
        "MinifiedUser": {"id": bigint(flow.credentials["user_id"]), "name": "Priya Raman", "email": None}
    }


def test_the_sdk_gets_one_deal_with_its_rows(flow: Flow) -> None:
    d1, _ = flow.report["ids"]["deals"]
    listing = flow.report["ids"]["listing"]
    [request] = flow.sent("get_one")
    assert request["query"] == {"fields": "Deal_Name,Foreign_Languages,Competitors,Listings"}
    got = flow.report["get_one"]
    assert (got["status_code"], got["object"]) == (200, "ResponseWrapper")
    [deal] = got["records"]
    assert (deal["class"], deal["id"]) == ("Record", bigint(d1))
    values = deal["values"]
    assert values["Deal_Name"] == "Harbour View Tower"
    assert values["Foreign_Languages"] == [{"choice": "French"}, {"choice": "Korean"}]
    [competitor] = values["Competitors"]
    assert {
        k: competitor["record"][k] for k in ("Competitor_Name", "Competitor_Price", "Rank", "Parent_Id")
    } == {
        "Competitor_Name": "Acme Realty",
        "Competitor_Price": None,
        "Rank": 2,
        "Parent_Id": {"record": {"name": "Harbour View Tower", "id": bigint(d1)}},
    }
    [link] = values["Listings"]
    assert link["record"]["Interested_Listings"] == {
        "record": {"name": "Harbour View 12B", "id": bigint(listing)}
    }
    assert link["record"]["Interested_Deals"] == {"record": {"name": "Harbour View Tower", "id": bigint(d1)}}


def test_the_sdk_lists_deals_with_fields(flow: Flow) -> None:
    d1, d2 = flow.report["ids"]["deals"]
    [request] = flow.sent("list")
    assert request["query"] == {
        "fields": "Deal_Name,Stage,Amount,Foreign_Languages",
        "sort_by": "id",
        "sort_order": "asc",
    }
    listed = flow.report["list"]
    assert (listed["status_code"], listed["object"]) == (200, "ResponseWrapper")
    assert [(r["id"], r["values"]) for r in listed["records"]] == [
        (
            bigint(d1),
            {
                "Deal_Name": "Harbour View Tower",
                "Stage": {"choice": "Qualification"},
                "Amount": 250000.75,
                "Foreign_Languages": [{"choice": "French"}, {"choice": "Korean"}],
                "id": bigint(d1),
            },
        ),
        (
            bigint(d2),
            {
                "Deal_Name": "Quay Lofts",
                "Stage": {"choice": "Qualification"},
                "Amount": None,
                "Foreign_Languages": [{"choice": "Spanish"}],
                "id": bigint(d2),
            },
        ),
    ]
    assert listed["info"] == {"class": "Info", "Count": 2, "MoreRecords": False, "Page": 1, "PerPage": 200}


# -- updates ---------------------------------------------------------------------------------------------------------


def test_the_sdk_updates_in_bulk_and_singly_appending_to_a_multi_select_picklist(flow: Flow) -> None:
    d1, d2 = flow.report["ids"]["deals"]
    [bulk] = flow.sent("bulk_update")
    assert (bulk["method"], bulk["path"], bulk["status"]) == ("PUT", "/crm/v8/Deals", 200)
    assert bulk["json"] == {
        "data": [
            {"id": d1, "Foreign_Languages": ["German"], "$append_values": {"Foreign_Languages": True}},
            {"id": d2, "Amount": 5000.5, "Stage": "Needs Analysis"},
        ]
    }
    assert (
        answers(flow.report["bulk_update"])
        == [("SuccessResponse", "SUCCESS", "success", "record updated")] * 2
    )
    [single] = flow.sent("single_update")
    assert (single["method"], single["path"], single["status"]) == ("PUT", f"/crm/v8/Deals/{d2}", 200)
    assert single["json"] == {
        "data": [{"Foreign_Languages": ["Hindi"], "$append_values": {"Foreign_Languages": True}}]
    }
    assert answers(flow.report["single_update"]) == [
        ("SuccessResponse", "SUCCESS", "success", "record updated")
    ]
    after = {r["id"]["bigint"]: r["values"] for r in flow.report["after_update"]["records"]}
    assert after[d1]["Foreign_Languages"] == [
        {"choice": "French"},
        {"choice": "Korean"},
        {"choice": "German"},
    ]
    assert after[d2]["Foreign_Languages"] == [{"choice": "Spanish"}, {"choice": "Hindi"}]
    # d2 outlives the flow: its stored state over plain HTTP
    stored = flow.read("Deals", d2, "Deal_Name,Stage,Amount,Foreign_Languages")
    assert stored.status_code == 200
    assert node_envs.stored(stored) == {**node_envs.QUAY_LOFTS, "id": d2}


# -- upsert, search, COQL --------------------------------------------------------------------------------------------


def test_the_sdk_upserts_on_duplicate_check_fields(flow: Flow) -> None:
    [insert] = flow.sent("upsert_insert")
    assert (insert["path"], insert["json"]) == (
        "/crm/v8/Leads/upsert",
        {
            "data": [{"Last_Name": "Node", "Company": "Zylker", "Email": "node@sdk.test"}],
            "duplicate_check_fields": ["Email"],
        },
    )
    [inserted] = flow.report["upsert_insert"]["data"]
    assert (inserted["kind"], inserted["message"], inserted["action"]) == (
        "SuccessResponse",
        "record added",
        "insert",
    )
    [updated_] = flow.report["upsert_update"]["data"]
    assert (updated_["message"], updated_["action"], updated_["duplicate_field"]) == (
        "record updated",
        "update",
        "Email",
    )
    assert updated_["details"]["id"] == inserted["details"]["id"] == flow.report["ids"]["lead"]
    assert live.refusal(flow.report["upsert_refused"]) == live.refused(
        "INVALID_DATA",
        "invalid data",
        {"api_name": "duplicate_check_fields", "json_path": "$.duplicate_check_fields[0]"},
        kind=True,
    )


def test_the_sdk_searches(flow: Flow) -> None:
    [request] = flow.sent("search")
    assert (request["path"], request["query"]) == (
        "/crm/v8/Leads/search",
        {"criteria": "(Company:equals:Updated by Node)"},
    )
    found = flow.report["search"]
    assert (found["status_code"], found["object"]) == (200, "ResponseWrapper")
    [lead] = found["records"]
    assert lead["id"] == bigint(flow.report["ids"]["lead"])
    assert (lead["values"]["Last_Name"], lead["values"]["Company"], lead["values"]["Email"]) == (
        "Node",
        "Updated by Node",
        "NODE@sdk.test",
    )
    assert found["info"] == {"class": "Info", "Count": 1, "MoreRecords": False, "Page": 1, "PerPage": 200}
    assert live.refusal(flow.report["search_malformed"]) == live.refused(
        "INVALID_QUERY", "invalid query formed", {"param_name": "criteria"}, kind=True
    )


def test_the_sdk_runs_a_coql_query(flow: Flow) -> None:
    d1, d2 = flow.report["ids"]["deals"]
    [request] = flow.sent("coql")
    assert (request["method"], request["path"], request["status"]) == ("POST", "/crm/v8/coql", 200)
    assert request["json"] == {
        "select_query": "select Deal_Name, Amount, Foreign_Languages from Deals"
        " where Amount is not null order by Deal_Name"
    }
    coql = flow.report["coql"]
    assert (coql["status_code"], coql["object"]) == (200, "ResponseWrapper")
    assert [(r["id"], r["values"]) for r in coql["records"]] == [
        (
            bigint(d1),
            {
                "Deal_Name": "Harbour View Tower",
                "Amount": 250000.75,
                "Foreign_Languages": ["French", "Korean", "German"],
                "id": bigint(d1),
            },
        ),
        (
            bigint(d2),
            {
                "Deal_Name": "Quay Lofts",
                "Amount": 5000.5,
                "Foreign_Languages": ["Spanish", "Hindi"],
                "id": bigint(d2),
            },
        ),
    ]
    assert coql["info"] == {"class": "Info", "Count": 2, "MoreRecords": False, "Page": None, "PerPage": None}


# -- delete ----------------------------------------------------------------------------------------------------------


def test_the_sdk_deletes_in_bulk_and_singly(flow: Flow) -> None:
    d1, _ = flow.report["ids"]["deals"]
    lead = flow.report["ids"]["lead"]
    [bulk] = flow.sent("delete")
    assert (bulk["method"], bulk["path"], bulk["query"], bulk["status"]) == (
        "DELETE",
        "/crm/v8/Deals",
        {"ids": d1},
        200,
    )
    assert flow.report["delete"]["data"] == [live.success("record deleted", {"id": d1})]
    [single] = flow.sent("delete_one")
    assert (single["method"], single["path"], single["status"]) == ("DELETE", f"/crm/v8/Leads/{lead}", 200)
    assert flow.report["delete_one"]["data"] == [live.success("record deleted", {"id": lead})]
    assert flow.report["get_deleted"] == {"status_code": 204, "object": None}
    assert flow.read("Deals", d1, "Deal_Name").status_code == 204
    assert flow.read("Leads", lead, "Last_Name").status_code == 204
