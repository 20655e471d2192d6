"""End to end: Zoho's official Python SDKs for API v5, v6, v7 and v8 (``zohocrmsdk5-0`` … ``zohocrmsdk8-0``), each
unchanged in its own venv (tests/sdk/envs.py), against a fresh live ``zcrm serve`` per version.

One driver (``flows_driver.py``) runs the same flows with every SDK: a token refresh, the module list and field
metadata, inserts, get one and list, a bulk and a single update with ``$append_values`` on a multi-select picklist,
subform and multi-select lookup rows, an upsert, searches, COQL and deletes. Each test checks, for every version,
what the SDK parsed, what went on the wire (every path is ``/crm/<that version>/...``) and the stored state read
back over plain HTTP. What each SDK version needed of zcrm is in docs/official-sdks-python-new.md.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.sdk import envs, live

DRIVER = Path(__file__).with_name("flows_driver.py")
VERSIONS = ("v5", "v6", "v7", "v8")
ID = re.compile(r"^[0-9]{19}$")
ADMIN = "Priya Raman"
ADMIN_EMAIL = "priya.raman@zylker.test"
# The modules whose field metadata the SDK fetches for a Deals call: Deals, its lookups' modules (Vendors through
# Contacts), its subform module and the linking modules of its multi-select and multi-user lookups.
DEALS_CLOSURE = ["Deals", "Accounts", "Campaigns", "Contacts", "Vendors", "Deals_X_Listings", "Deals_X_Users"]
DEALS_CLOSURE_END = "Deal_Competitors"


@dataclass
class Run:
    version: str
    creds: dict[str, str]
    report: dict[str, Any]
    stored: dict[str, Any]  # what the test read back over plain HTTP after the driver ran

    def ids(self, *path: str) -> Any:
        value: Any = self.report["ids"]
        for key in path:
            value = value[key]
        return value


@pytest.fixture(scope="module", params=VERSIONS)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One driver run with the SDK of ``version``, against a server of its own; then the server's state over HTTP."""
    version: str = request.param
    python = envs.python_of(envs.PYTHON_SDKS[version])
    root = tmp_path_factory.mktemp(f"sdk-{version}")
    with live.serving(root) as (http, credentials):
        creds = json.loads(credentials.read_text())
        report = live.run_driver(DRIVER, credentials, root / "work", {}, python=python)
        ids = report["ids"]
        d1, d2 = ids["deals"]
        leads = ids["leads"]
        all_leads = ",".join(str(i) for i in (*leads.values(), report["upsert"]["data"][1]["details"]["id"]))
        deal = http.get(f"/crm/{version}/Deals/{d1}")
        listed = http.get(
            f"/crm/{version}/Leads", params={"ids": all_leads, "fields": "Last_Name,Company,Email"}
        )
        stored = {
            "deal": (deal.status_code, deal.json()),
            "deleted_deal": http.get(f"/crm/{version}/Deals/{d2}").status_code,
            "leads": (listed.status_code, listed.json()),
            "org": http.get(f"/crm/{version}/org").json()["org"][0],
        }
    return Run(version, creds, report, stored)


def wire(run: Run, step: str) -> list[tuple[str, str, Any, int]]:
    """Method, path, query and status of every request the SDK sent during ``step``."""
    return [(e["method"], e["path"], e["query"], e["status"]) for e in live.in_step(run.report, step)]


def user(*, email: str | None, run: Run) -> dict[str, Any]:
    return {"MinifiedUser": {"id": int(run.creds["user_id"]), "name": ADMIN, "email": email}}


def stored_user_name(run: Run) -> str:
    """The user name the SDK stored with its token (empty for 5.0)."""
    [row] = list(csv.DictReader(io.StringIO(run.report["tokens_csv"])))
    return str(row["user_name"])


def written(run: Run, item: dict[str, Any], message: str) -> int:
    """Checks a write's ``SuccessResponse`` (code, status, message and details as the SDK parsed them); its id."""
    details = item["details"]
    assert item == live.success(message, details) | {
        k: item[k] for k in ("action", "duplicate_field") if k in item
    }
    assert ID.match(details["id"])
    assert details["Created_By"] == details["Modified_By"] == user(email=None, run=run)
    assert set(details) == {
        "id",
        "Created_Time",
        "Modified_Time",
        "Created_By",
        "Modified_By",
        "$approval_state",
    }
    return int(details["id"])


def ref(record_id: int, name: str) -> dict[str, Any]:
    """A lookup the SDK parsed into a ``Record``."""
    return {"record": {"id": record_id, "name": name}}


# -- token refresh and the wire --------------------------------------------------------------------------------------


def test_initialize_refreshes_the_token_and_the_newer_sdks_ask_who_the_user_is(run: Run) -> None:
    creds, report, version = run.creds, run.report, run.version
    [token, *after] = live.in_step(report, "initialize")
    assert (token["method"], token["path"], token["status"]) == ("POST", "/oauth/v2/token", 200)
    assert token["form"] == {
        "refresh_token": creds["refresh_token"],
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "grant_type": "refresh_token",
    }
    access = token["response"]["access_token"]
    assert access != creds["access_token"]
    [row] = list(csv.DictReader(io.StringIO(report["tokens_csv"])))
    assert (row["access_token"], row["refresh_token"]) == (access, creds["refresh_token"])
    if version == "v5":
        assert after == [] and stored_user_name(run) == ""
    else:
        # From 6.0 the SDK names the stored token after the user: the current user's email and the org's zgid.
        assert [(e["method"], e["path"], e["query"], e["status"]) for e in after] == [
            ("GET", f"/crm/{version}/users", {"type": "CurrentUser"}, 200),
            ("GET", f"/crm/{version}/org", {}, 200),
        ]
        assert stored_user_name(run) == f"{ADMIN_EMAIL}:{run.stored['org']['zgid']}"
    # One token request in the whole run; every other call carried the new token.
    rest = report["wire"][1:]
    assert {e["authorization"] for e in rest} == {f"Zoho-oauthtoken {access}"}


def test_every_call_names_the_sdks_version_and_gets_json_or_204(run: Run) -> None:
    for entry in run.report["wire"][1:]:
        assert entry["path"].startswith(f"/crm/{run.version}/"), entry["path"]
        if entry["status"] == 204:
            assert "response" not in entry
        else:
            assert entry["response_type"] == "application/json;charset=UTF-8", entry["path"]


# -- metadata --------------------------------------------------------------------------------------------------------


def test_modules_and_fields_metadata(run: Run) -> None:
    report = run.report
    assert wire(run, "modules") == [("GET", f"/crm/{run.version}/settings/modules", {}, 200)]
    modules = report["modules"]["modules"]
    for name in ("Leads", "Deals", "Listings"):
        assert modules[name]["api_supported"] is True and isinstance(modules[name]["id"], int)
    fields = report["fields"]["fields"]
    assert {
        name: fields[name]["data_type"] for name in ("Foreign_Languages", "Competitors", "Listings", "Stage")
    } == {
        "Foreign_Languages": "multiselectpicklist",
        "Competitors": "subform",
        "Listings": "multiselectlookup",
        "Stage": "picklist",
    }
    assert all(isinstance(f["id"], int) for f in fields.values())


def test_the_sdk_walks_and_caches_the_field_metadata_of_every_linked_module(run: Run) -> None:
    """The v8 SDK finds the linking modules at ``linking_details.module`` (zcrm/versions.py): without it, it would
    skip Deals_X_Listings and Deals_X_Users and leave the linking rows' lookups unparsed."""
    fetched = [q["module"] for m, p, q, _ in wire(run, "insert_deals") if p.endswith("/settings/fields")]
    assert fetched == [*DEALS_CLOSURE, DEALS_CLOSURE_END]
    assert wire(run, "insert_deals")[-1] == ("POST", f"/crm/{run.version}/Deals", {}, 201)
    # The cache file is named after the API URL and the refresh token (5.0) or the token's user name (6.0 on).
    owner = run.creds["refresh_token"][:-32] if run.version == "v5" else stored_user_name(run)
    name = base64.b64encode((run.creds["base_url"] + owner).encode()).decode() + ".json"
    assert list(run.report["cache"]["modules"]) == [name]
    [cached] = run.report["cache"]["modules"].values()
    assert cached == sorted(m.lower() for m in [*DEALS_CLOSURE, DEALS_CLOSURE_END, "Leads", "Listings"])
    # Nothing is fetched after the first call of each module.
    later = run.report["wire"][run.report["marks"]["get_deal"] :]
    assert [e for e in later if e["path"].endswith("/settings/fields")] == []


# -- inserts, reads ----------------------------------------------------------------------------------------------


def test_inserts(run: Run) -> None:
    report = run.report
    for step, count in (("insert_listings", 2), ("insert_deals", 2), ("insert_leads", 3)):
        assert (report[step]["status_code"], report[step]["object"]) == (201, "ActionWrapper")
        ids = [written(run, item, "record added") for item in report[step]["data"]]
        assert len(ids) == count
    [post] = [e for e in live.in_step(report, "insert_deals") if e["method"] == "POST"]
    [deal, _] = post["json"]["data"]
    assert deal["Foreign_Languages"] == ["French"]
    assert deal["Competitors"] == [{"Competitor_Name": "Acme Realty", "Rank": 2}]
    assert deal["Listings"] == [{"Interested_Listings": {"id": run.ids("listings")[0]}}]
    assert post["content_type"] is None  # the SDKs send JSON without a Content-Type


def test_get_one_with_fields_reads_subform_and_linking_rows(run: Run) -> None:
    d1 = run.ids("deals")[0]
    l1 = run.ids("listings")[0]
    got = run.report["get_deal"]
    assert (got["status_code"], got["object"], got["info"]) == (200, "ResponseWrapper", None)
    [record] = got["records"]
    values = record["values"]
    assert (record["class"], record["id"]) == ("Record", d1)
    assert {k for k in values if not k.startswith("$")} == {
        "id",
        "Deal_Name",
        "Foreign_Languages",
        "Competitors",
        "Listings",
    }
    assert values["Foreign_Languages"] == [{"choice": "French"}]
    [row] = values["Competitors"]
    assert row["record"] | {"id": 0} == {
        "Competitor_Name": "Acme Realty",
        "Competitor_Price": None,
        "Rank": 2,
        "Parent_Id": ref(d1, "Harbour Tower"),
        "id": 0,
    }
    [link] = values["Listings"]
    assert link["record"]["Interested_Deals"] == ref(d1, "Harbour Tower")
    assert link["record"]["Interested_Listings"] == ref(l1, "Harbour View")


def test_list_with_fields_and_ids(run: Run) -> None:
    leads = run.ids("leads")
    listed = run.report["list_leads"]
    assert (listed["status_code"], listed["object"]) == (200, "ResponseWrapper")
    assert listed["info"] == {"count": 3, "more_records": False, "page": 1, "per_page": 200}
    assert [r["values"] for r in listed["records"]] == [
        {"Last_Name": "Burnside", "Company": "Globex", "Email": None, "id": leads["burnside"]},
        {"Last_Name": "Kate", "Company": "Acme", "Email": "kate@acme.test", "id": leads["kate"]},
        {"Last_Name": "Burns", "Company": "Zylker", "Email": "burns@zylker.test", "id": leads["burns"]},
    ]
    [(method, path, query, status)] = wire(run, "list_leads")
    assert (method, path, status) == ("GET", f"/crm/{run.version}/Leads", 200)
    assert query["fields"] == "Last_Name,Company,Email"


# -- updates ---------------------------------------------------------------------------------------------------------


def test_bulk_and_single_update_append_to_the_multiselect_picklist_and_edit_rows(run: Run) -> None:
    report = run.report
    d1, d2 = run.ids("deals")
    l2 = run.ids("listings")[1]
    for step, ids in (("bulk_update", [d1, d2]), ("single_update", [d1])):
        assert (report[step]["status_code"], report[step]["object"]) == (200, "ActionWrapper")
        assert [written(run, item, "record updated") for item in report[step]["data"]] == ids
    [bulk] = [e for e in live.in_step(report, "bulk_update") if e["method"] == "PUT"]
    assert bulk["path"] == f"/crm/{run.version}/Deals"
    first = bulk["json"]["data"][0]
    assert (first["id"], first["$append_values"]) == (d1, {"Foreign_Languages": True})
    [single] = [e for e in live.in_step(report, "single_update") if e["method"] == "PUT"]
    assert single["path"] == f"/crm/{run.version}/Deals/{d1}"
    assert single["json"] == {
        "data": [
            {
                "Foreign_Languages": ["Spanish"],
                "Stage": "Needs Analysis",
                "$append_values": {"Foreign_Languages": True},
            }
        ]
    }

    [record] = report["get_updated_deal"]["records"]
    values = record["values"]
    assert values["Foreign_Languages"] == [{"choice": "French"}, {"choice": "Korean"}, {"choice": "Spanish"}]
    assert values["Stage"] == {"choice": "Needs Analysis"}
    assert [(r["record"]["Competitor_Name"], r["record"]["Rank"]) for r in values["Competitors"]] == [
        ("Acme Realty", 1),
        ("Delta Homes", 3),
    ]
    [link] = values["Listings"]
    assert link["record"]["Interested_Listings"] == ref(l2, "Hill Top")


# -- upsert, search, COQL, delete ------------------------------------------------------------------------------------


def test_upsert_matches_on_the_duplicate_check_field(run: Run) -> None:
    upserted = run.report["upsert"]
    assert (upserted["status_code"], upserted["object"]) == (200, "ActionWrapper")
    kate, newton = upserted["data"]
    assert (kate["action"], kate["duplicate_field"]) == ("update", "Email")
    assert written(run, kate, "record updated") == run.ids("leads", "kate")
    assert (newton["action"], newton["duplicate_field"]) == ("insert", None)
    written(run, newton, "record added")
    [sent] = live.in_step(run.report, "upsert")
    assert (sent["path"], sent["json"]["duplicate_check_fields"]) == (
        f"/crm/{run.version}/Leads/upsert",
        ["Email"],
    )
    assert run.report["upsert_bad_check"] == live.refused(
        "INVALID_DATA",
        "invalid data",
        {"api_name": "duplicate_check_fields", "json_path": "$.duplicate_check_fields[0]"},
    )


def test_search_by_criteria_email_and_word(run: Run) -> None:
    report, leads = run.report, run.ids("leads")
    for step, found in (
        ("search_criteria", [leads["burns"]]),
        ("search_email", [leads["kate"]]),
        ("search_word", [leads["burnside"]]),
    ):
        answer = report[step]
        assert (answer["status_code"], answer["object"]) == (200, "ResponseWrapper"), step
        assert [r["id"] for r in answer["records"]] == found, step
        assert answer["info"] == {"count": 1, "more_records": False, "page": 1, "per_page": 200}
    [burns] = report["search_criteria"]["records"]
    assert burns["values"]["Owner"] == user(email=ADMIN_EMAIL, run=run)
    assert burns["values"]["Annual_Revenue"] == 1500.5
    assert report["search_nothing"] == {"status_code": 204, "object": None}
    assert report["search_malformed"] == live.refused(
        "INVALID_QUERY", "invalid query formed", {"param_name": "criteria"}
    )
    [(_, path, query, _)] = wire(run, "search_email")
    assert (path, query) == (f"/crm/{run.version}/Leads/search", {"email": "KATE@acme.test"})


def test_coql(run: Run) -> None:
    leads = run.ids("leads")
    assert run.report["coql"] == {
        "status_code": 200,
        "object": "ResponseWrapper",
        "records": [
            {
                "class": "Record",
                "id": leads["burns"],
                "values": {"Last_Name": "Burns", "Company": "Zylker", "id": leads["burns"]},
            },
            {
                "class": "Record",
                "id": leads["burnside"],
                "values": {"Last_Name": "Burnside", "Company": "Globex", "id": leads["burnside"]},
            },
        ],
        "info": {"count": 2, "more_records": False},
    }
    assert run.report["coql_error"] == live.refused(
        "INVALID_QUERY", "column given seems to be invalid", {"column_name": "Nope"}
    )
    assert [p for _, p, _, _ in wire(run, "coql")] == [f"/crm/{run.version}/coql"]


def test_bulk_and_single_delete(run: Run) -> None:
    leads, d2 = run.ids("leads"), run.ids("deals")[1]

    def deleted(record_id: int) -> dict[str, Any]:
        return {"kind": "SuccessResponse", **live.success("record deleted", {"id": str(record_id)})}

    deleted_leads = run.report["delete_leads"]
    assert (deleted_leads["status_code"], deleted_leads["object"]) == (200, "ActionWrapper")
    assert deleted_leads["data"] == [deleted(leads["burnside"]), deleted(leads["kate"])]
    [(method, path, query, _)] = wire(run, "delete_leads")
    assert (method, path, query) == (
        "DELETE",
        f"/crm/{run.version}/Leads",
        {"ids": f"{leads['burnside']},{leads['kate']}"},
    )
    assert run.report["delete_deal"]["data"] == [deleted(d2)]
    assert wire(run, "delete_deal") == [("DELETE", f"/crm/{run.version}/Deals/{d2}", {}, 200)]
    assert run.report["get_deleted"] == {"status_code": 204, "object": None}


# -- stored state over plain HTTP ------------------------------------------------------------------------------------


def test_stored_state_read_back_over_http(run: Run) -> None:
    d1 = run.ids("deals")[0]
    l2 = run.ids("listings")[1]
    status, body = run.stored["deal"]
    assert status == 200
    [deal] = body["data"]
    assert deal["id"] == str(d1)
    assert deal["Foreign_Languages"] == ["French", "Korean", "Spanish"]
    assert (deal["Stage"], deal["Amount"], deal["Closing_Date"]) == (
        "Needs Analysis",
        250000.75,
        "2024-06-30",
    )
    assert [(r["Competitor_Name"], r["Rank"]) for r in deal["Competitors"]] == [
        ("Acme Realty", 1),
        ("Delta Homes", 3),
    ]
    [link] = deal["Listings"]
    assert link["Interested_Listings"] == {"name": "Hill Top", "id": str(l2)}
    assert run.stored["deleted_deal"] == 204

    status, body = run.stored["leads"]
    assert status == 200
    leads = run.ids("leads")
    newton = run.report["upsert"]["data"][1]["details"]["id"]
    assert [{k: r[k] for k in ("id", "Last_Name", "Company", "Email")} for r in body["data"]] == [
        {"id": newton, "Last_Name": "Newton", "Company": "Upsert Inc", "Email": "newton@upsert.test"},
        {"id": str(leads["burns"]), "Last_Name": "Burns", "Company": "Zylker", "Email": "burns@zylker.test"},
    ]
