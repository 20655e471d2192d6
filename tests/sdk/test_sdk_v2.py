"""End to end: Zoho's official Python SDKs for API v2 (``zohocrmsdk2-0``) and v2.1 (``zohocrmsdk2-1``), unchanged,
against a live ``zcrm serve`` (one fresh server per SDK), run by ``flows_v2_driver.py`` with each SDK's own venv
(tests/sdk/envs.py): token refresh, the SDK's metadata calls, inserts with a subform and linking-module rows, reads,
bulk and single updates (``$append_values``), upserts, searches, COQL and deletes. Each test checks what the SDK
parsed (exact codes, messages, details), what went on the wire (``/crm/v2/...`` resp. ``/crm/v2.1/...``) and, for the
writes, the state read back over plain HTTP. docs/official-sdks-python-v2.md says what zcrm does for these SDKs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live
from tests.sdk.envs import PYTHON_SDKS, python_of

DRIVER = Path(__file__).with_name("flows_v2_driver.py")
DEAL_FIELDS = "Deal_Name,Amount,Stage,Closing_Date,Foreign_Languages,Competitors,Listings,AssociatedUser"


@dataclass(frozen=True)
class Run:
    api: str  # "v2" or "v2.1"
    report: dict[str, Any]
    creds: dict[str, str]
    stored: dict[str, Any]  # what plain HTTP reads back after the flows

    @property
    def ids(self) -> dict[str, Any]:
        return dict(self.report["ids"])

    @property
    def links(self) -> bool:
        """Whether the SDK could send linking-module rows (the v2.0 SDK cannot: its multi-select lookup is a
        string and its multi-user lookup a list of users)."""
        return self.api == "v2.1"

    def sent(self, step: str) -> list[dict[str, Any]]:
        return live.in_step(self.report, step)

    def the_request(self, step: str, path_end: str) -> dict[str, Any]:
        """The one request sent during ``step`` to a path ending in ``path_end`` (``json`` None without a body)."""
        [request] = [e for e in self.sent(step) if e["path"].endswith(path_end)]
        return {key: request.get(key) for key in ("method", "path", "query", "json", "status")}


def read(http: Any, path: str, **params: str) -> dict[str, Any]:
    answer = http.get(path, params=params)
    return {"status": answer.status_code, "body": answer.json() if answer.content else None}


@pytest.fixture(scope="module", params=["v2", "v2.1"])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    api = str(request.param)
    python = python_of(PYTHON_SDKS[api])
    root = tmp_path_factory.mktemp(f"sdk-{api}")
    with live.serving(root) as (http, credentials):
        report = live.run_driver(DRIVER, credentials, root / "work", {}, python=python)
        ids = report["ids"]
        daly, okafor, quinn = ids["leads"]
        stored = {
            "deal": read(http, f"/crm/v5/Deals/{ids['deal']}", fields=DEAL_FIELDS),
            "daly": read(http, f"/crm/v5/Leads/{daly}", fields="Last_Name,Company,Email"),
            "okafor": read(http, f"/crm/v5/Leads/{okafor}"),
            "quinn": read(http, f"/crm/v5/Leads/{quinn}"),
            "novak": read(http, f"/crm/v5/Leads/{ids['upserted'][1]}"),
            "listing": read(http, f"/crm/v5/Listings/{ids['listing'][0]}", fields="Name"),
        }
        creds = json.loads(credentials.read_text())
    return Run(api, report, creds, stored)


def added(message: str) -> dict[str, Any]:
    return {"kind": "SuccessResponse", "code": "SUCCESS", "status": "success", "message": message}


def summary(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each ``ActionWrapper`` entry without its details (ids and times differ per run)."""
    return [{k: item[k] for k in ("kind", "code", "status", "message")} for item in data]


def values(found: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    return [{n: r["values"].get(n) for n in names} for r in found["records"]]


def test_every_call_names_the_sdks_api_version(run: Run) -> None:
    [token, *calls] = run.report["wire"]
    assert (token["method"], token["path"]) == ("POST", "/oauth/v2/token")
    assert {c["path"].split("/")[2] for c in calls} == {run.api}
    assert all(c["path"].startswith(f"/crm/{run.api}/") for c in calls)
    assert all(c["authorization"] == f"Zoho-oauthtoken {token['response']['access_token']}" for c in calls)


def test_the_sdk_refreshes_its_token_with_the_servers_refresh_token(run: Run) -> None:
    token = run.report["wire"][0]
    assert token["form"] == {
        "refresh_token": run.creds["refresh_token"],
        "client_id": run.creds["client_id"],
        "client_secret": run.creds["client_secret"],
        "grant_type": "refresh_token",
    }
    assert token["status"] == 200
    assert token["response"]["expires_in"] == 3600
    assert (
        token["response"]["api_domain"] == run.creds["base_url"]
    )  # zcrm's own: the SDK keeps its environment
    [header, stored] = run.report["tokens_csv"].splitlines()
    assert header.startswith("id,user_mail,client_id,client_secret,refresh_token,access_token")
    assert stored.split(",")[1:6] == [
        "admin@zcrm.test",
        run.creds["client_id"],
        run.creds["client_secret"],
        run.creds["refresh_token"],
        token["response"]["access_token"],
    ]


def test_the_sdk_reads_modules_and_fields(run: Run) -> None:
    modules = run.report["modules"]
    assert (modules["status_code"], modules["object"]) == (200, "ResponseWrapper")
    by_name = {m["api_name"]: m for m in modules["modules"]}
    assert {k: by_name["Leads"][k] for k in ("api_supported", "generated_type")} == {
        "api_supported": True,
        "generated_type": "default",
    }
    assert by_name["Deal_Competitors"]["generated_type"] == "subform"
    assert by_name["Deals_X_Listings"]["generated_type"] == "linking"
    fields = run.report["fields"]
    assert (fields["status_code"], fields["object"]) == (200, "ResponseWrapper")
    parsed = fields["fields"]
    # before v3 a lookup names its module by API name (versions.py, module_names_in_fields)
    assert {k: v for k, v in parsed["Account_Name"].items() if k != "id"} == {
        "data_type": "lookup",
        "lookup": "Accounts",
    }
    assert parsed["Competitors"]["data_type"] == "subform"
    assert parsed["Listings"]["data_type"] == "multiselectlookup"
    assert "id" not in parsed  # the record id is a field from v4 on
    assert run.the_request("fields", "/settings/fields")["query"] == {"module": "Deals"}


def test_field_metadata_of_v2_names_modules_and_subforms(run: Run) -> None:
    [answer] = [e for e in run.sent("fields") if e["path"].endswith("/settings/fields")]
    by_name = {f["api_name"]: f for f in answer["response"]["fields"]}
    assert by_name["Account_Name"]["lookup"]["module"] == "Accounts"
    assert by_name["Competitors"]["subform"] == by_name["Competitors"]["associated_module"]
    assert by_name["Competitors"]["subform"]["module"] == "Deal_Competitors"
    link = by_name["Listings"]["multiselectlookup"]
    assert (link["linking_module"], link["connected_module"]) == ("Deals_X_Listings", "Listings")
    users = by_name["AssociatedUser"]["multiuserlookup"]
    assert (users["linking_module"], users["connected_module"]) == ("Deals_X_Users", "Users")
    stage = by_name["Stage"]["pick_list_values"]
    assert stage and all("forecast_category" not in value for value in stage)


def test_the_insert_fetches_the_metadata_it_needs_first(run: Run) -> None:
    paths = [(e["method"], e["path"], e["query"].get("module")) for e in run.sent("insert_deal")]
    base = f"/crm/{run.api}"
    fetched = [m for (_, p, m) in paths if p == f"{base}/settings/fields"]
    # the SDK re-reads Deals (its explicit fields call does not fill the cache), then the lookup targets
    # recursively, the linking modules (v2.1 only) and the subform module
    linking = ["Deals_X_Listings", "Deals_X_Users"] if run.links else []
    assert fetched == ["Deals", "Accounts", "Campaigns", "Contacts", "Vendors", *linking, "Deal_Competitors"]
    assert paths[-1] == ("POST", f"{base}/Deals", None)


def test_inserts_with_a_subform_and_linking_rows(run: Run) -> None:
    for step, count in (("insert_listing", 1), ("insert_deal", 1), ("insert_leads", 3)):
        answer = run.report[step]
        assert (answer["status_code"], answer["object"]) == (201, "ActionWrapper")
        assert summary(answer["data"]) == [added("record added")] * count
    sent = run.the_request("insert_deal", "/Deals")["json"]
    [deal] = sent["data"]
    assert sent["trigger"] == ["workflow"]
    assert deal["Competitors"] == [{"Competitor_Name": "Acme Realty", "Rank": 2}]
    assert deal["Foreign_Languages"] == ["French", "Korean"]
    assert deal["Closing_Date"] == "2024-06-30"
    if run.links:
        assert deal["Listings"] == [{"Interested_Listings": {"id": run.ids["listing"][0]}}]
        assert deal["AssociatedUser"] == [{"User": {"id": int(run.creds["user_id"])}}]
    else:
        assert "Listings" not in deal and "AssociatedUser" not in deal


def test_the_sdk_parses_one_record_and_a_list(run: Run) -> None:
    got = run.report["get_deal"]
    assert (got["status_code"], got["object"]) == (200, "ResponseWrapper")
    [deal] = got["records"]
    assert deal["id"] == run.ids["deal"]
    fields = deal["values"]
    assert fields["Deal_Name"] == "Harbour View Tower"
    assert fields["Amount"] == 250000.75
    assert fields["Stage"] == {"choice": "Qualification"}
    assert fields["Closing_Date"] == {"date": "2024-06-30"}
    assert fields["Foreign_Languages"] == [{"choice": "French"}, {"choice": "Korean"}]
    [row] = fields["Competitors"]
    assert {k: row["Record"][k] for k in ("Competitor_Name", "Rank")} == {
        "Competitor_Name": "Acme Realty",
        "Rank": 2,
    }
    if run.links:
        [listing] = fields["Listings"]
        assert listing["Record"]["Interested_Listings"]["Record"] == {
            "name": "Harbour View 12B",
            "id": run.ids["listing"][0],
        }
        [user] = fields["AssociatedUser"]
        assert user["Record"]["User"]["User"]["id"] == int(run.creds["user_id"])
    else:  # the v2.0 SDK types a multi-select lookup as a string: str() of the rows
        assert fields["Listings"] == "[]"
        assert fields["AssociatedUser"] == []

    listed = run.report["list_leads"]
    assert (listed["status_code"], listed["object"]) == (200, "ResponseWrapper")
    daly, okafor, _ = run.ids["leads"]
    assert run.the_request("list_leads", "/Leads")["query"] == {
        "fields": "Last_Name,Company,Email",
        "ids": f"{daly},{okafor}",
    }
    assert sorted(values(listed, "Last_Name", "Company", "Email"), key=lambda v: v["Last_Name"]) == [
        {"Last_Name": "Daly", "Company": "Zylker Harbour", "Email": "ann.daly@example.com"},
        {"Last_Name": "Okafor", "Company": "Okafor Freight", "Email": None},
    ]
    assert listed["info"] == {"count": 2, "more_records": False, "page": 1, "per_page": 200}


def test_bulk_and_single_updates_with_append_values(run: Run) -> None:
    daly, okafor, _ = run.ids["leads"]
    bulk = run.report["bulk_update"]
    assert (bulk["status_code"], bulk["object"]) == (200, "ActionWrapper")
    assert summary(bulk["data"]) == [added("record updated")] * 2
    assert [int(d["details"]["id"]) for d in bulk["data"]] == [daly, okafor]
    assert run.the_request("bulk_update", "/Leads")["json"] == {
        "data": [{"id": daly, "Company": "Daly Bulk"}, {"id": okafor, "Company": "Okafor Bulk"}]
    }

    single = run.the_request("single_update", f"/Deals/{run.ids['deal']}")
    assert (single["method"], single["status"]) == ("PUT", 200)
    assert single["json"] == {
        "data": [
            {
                "Amount": 260000.5,
                "Foreign_Languages": ["Spanish"],
                "$append_values": {"Foreign_Languages": True},
            }
        ]
    }
    assert summary(run.report["single_update"]["data"]) == [added("record updated")]
    [deal] = run.report["get_updated_deal"]["records"]
    assert deal["values"]["Amount"] == 260000.5
    languages = [{"choice": "French"}, {"choice": "Korean"}, {"choice": "Spanish"}]
    assert deal["values"]["Foreign_Languages"] == languages

    stored = run.stored["deal"]
    assert stored["status"] == 200
    [record] = stored["body"]["data"]
    assert record["Amount"] == 260000.5
    assert record["Foreign_Languages"] == ["French", "Korean", "Spanish"]
    assert [row["Competitor_Name"] for row in record["Competitors"]] == ["Acme Realty"]
    if run.links:
        assert [row["Interested_Listings"]["id"] for row in record["Listings"]] == [
            str(run.ids["listing"][0])
        ]
        assert [row["User"]["id"] for row in record["AssociatedUser"]] == [run.creds["user_id"]]
    else:
        assert (record["Listings"], record["AssociatedUser"]) == ([], [])


def test_upsert_updates_on_the_duplicate_check_field_and_inserts(run: Run) -> None:
    sent = run.the_request("upsert", "/Leads/upsert")
    assert sent["json"]["duplicate_check_fields"] == ["Email"]
    assert [r["Email"] for r in sent["json"]["data"]] == ["ANN.DALY@example.com", "novak@example.com"]
    upsert = run.report["upsert"]
    assert (upsert["status_code"], upsert["object"]) == (200, "ActionWrapper")
    assert summary(upsert["data"]) == [added("record updated"), added("record added")]
    assert [(d["action"], d["duplicate_field"]) for d in upsert["data"]] == [
        ("update", "Email"),
        ("insert", None),
    ]
    daly = run.ids["leads"][0]
    assert run.ids["upserted"][0] == daly
    [stored] = run.stored["daly"]["body"]["data"]
    assert {k: stored[k] for k in ("Last_Name", "Company", "Email", "id")} == {
        "Last_Name": "Daly",
        "Company": "Daly Upserted",
        "Email": "ANN.DALY@example.com",
        "id": str(daly),
    }

    assert live.refusal(run.report["upsert_bad_check"]) == live.refused(
        "INVALID_DATA",
        "invalid data",
        {"api_name": "duplicate_check_fields", "json_path": "$.duplicate_check_fields[0]"},
        kind=True,
    )


def test_searches_by_criteria_email_and_word(run: Run) -> None:
    daly, okafor, _ = run.ids["leads"]
    novak = run.ids["upserted"][1]
    expected = {
        "search_criteria": ({"criteria": "(Company:starts_with:Daly)"}, daly, "Daly Upserted"),
        "search_email": ({"email": "novak@example.com"}, novak, "Novak Ltd"),
        "search_word": ({"word": "Okafor"}, okafor, "Okafor Bulk"),
    }
    for step, (query, record_id, company) in expected.items():
        assert run.the_request(step, "/Leads/search")["query"] == query
        found = run.report[step]
        assert (found["status_code"], found["object"]) == (200, "ResponseWrapper")
        assert [(r["id"], r["values"]["Company"]) for r in found["records"]] == [(record_id, company)]
        assert found["info"] == {"count": 1, "more_records": False, "page": 1, "per_page": 200}
    assert live.refusal(run.report["search_bad"]) == live.refused(
        "INVALID_QUERY",
        "invalid query formed",
        {"api_name": "Company", "reason": "invalid operator found", "operator": "bogus"},
        kind=True,
    )


def test_coql_through_the_query_api(run: Run) -> None:
    sent = run.the_request("coql", "/coql")
    assert (sent["method"], sent["path"]) == ("POST", f"/crm/{run.api}/coql")
    assert sent["json"] == {
        "select_query": "select Last_Name, Company from Leads where Company like 'Daly%' order by id limit 10"
    }
    found = run.report["coql"]
    assert (found["status_code"], found["object"]) == (200, "ResponseWrapper")
    daly = run.ids["leads"][0]
    assert found["records"] == [
        {"id": daly, "values": {"Last_Name": "Daly", "Company": "Daly Upserted", "id": daly}}
    ]
    assert found["info"] == {"count": 1, "more_records": False, "page": None, "per_page": None}


def test_bulk_and_single_deletes(run: Run) -> None:
    _, okafor, quinn = run.ids["leads"]
    novak = run.ids["upserted"][1]
    assert run.the_request("delete_leads", "/Leads")["query"] == {"ids": f"{okafor},{novak}"}
    for step, gone in (("delete_leads", [okafor, novak]), ("delete_lead", [quinn])):
        answer = run.report[step]
        assert (answer["status_code"], answer["object"]) == (200, "ActionWrapper")
        assert summary(answer["data"]) == [added("record deleted")] * len(gone)
        assert [d["details"] for d in answer["data"]] == [{"id": str(i)} for i in gone]
    assert run.report["get_deleted"] == {"status_code": 204, "object": None}
    assert [run.stored[n]["status"] for n in ("okafor", "novak", "quinn")] == [204, 204, 204]
    assert run.stored["listing"]["body"]["data"][0]["Name"] == "Harbour View 12B"
