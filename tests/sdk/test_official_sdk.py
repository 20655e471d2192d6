"""End to end: Zoho's official Python SDK (``zohocrmsdk5-0``) against a live ``zcrm serve``.

The SDK keeps process-wide state, so each scenario runs in a fresh interpreter (``sdk_driver.py``), configured only
from the server's ``credentials.json``. The driver reports what the SDK parsed and every request it sent; the
tests below check both against the contract in ``zoho-v5-behaviour.md`` and ``official-python-sdk.md``.

The SDK server's org is the standard org plus two custom Leads fields, a date and a datetime, because the standard
Leads module has no writable field of either type.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.sdk import live

DRIVER = Path(__file__).with_name("sdk_driver.py")
# The SDK renders datetimes in the client's local zone; a fixed UTC-3 (POSIX form, no tz database needed) differs
# from the admin user's zone (Asia/Kolkata, +05:30), so the tests see the instant survive two offsets.
CLIENT_TZ = "<-03>3"
TOKEN = re.compile(r"^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$")
ID = re.compile(r"^[0-9]{19}$")
ADMIN_NAME = "Priya Raman"
ADMIN_EMAIL = "priya.raman@zylker.test"
# /settings/fields calls a Deals call needs: Deals, its lookups (Accounts, Campaigns, Contacts, and Vendors through
# Contacts.Vendor_Name), its subform module and the linking modules of its multi-select and multi-user lookups,
# and Listings through Deals_X_Listings.
DEALS_CLOSURE = {
    "Deals",
    "Accounts",
    "Campaigns",
    "Contacts",
    "Vendors",
    "Deal_Competitors",
    "Deals_X_Listings",
    "Deals_X_Users",
    "Listings",
}


# -- helpers -------------------------------------------------------------------------------------------------------


def run_driver(
    scenario: str, server: LiveServer, work: Path, args: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Runs one SDK scenario in a new interpreter; returns the driver's report (``sdk_driver.py``)."""
    command = [
        sys.executable,
        str(DRIVER),
        scenario,
        str(server.data_dir / "credentials.json"),
        str(work),
        json.dumps(args or {}),
    ]
    # in work's parent: anything the SDK might drop in the current directory stays in the test's tmp dir
    return live.report_of_run(command, work, cwd=work.parent, env={"TZ": CLIENT_TZ})


def step(report: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The requests the SDK sent during one step of a scenario."""
    marks = report["marks"]
    start = marks[name]
    later = [index for index in marks.values() if index > start]
    return report["wire"][start : min(later) if later else len(report["wire"])]


def field_fetches(entries: list[dict[str, Any]]) -> list[str]:
    return [e["query"]["module"] for e in entries if e["path"] == "/crm/v5/settings/fields"]


def client(server: LiveServer, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Zoho-oauthtoken {token}"}, timeout=10
    )


def user(name: str = ADMIN_NAME, email: str | None = ADMIN_EMAIL, *, user_id: str) -> dict[str, Any]:
    """A MinifiedUser as the driver reports it (the SDK parses ids to int)."""
    return {"MinifiedUser": {"id": int(user_id), "name": name, "email": email}}


def ref(name: str, record_id: str | int) -> dict[str, Any]:
    """A lookup the SDK parsed into a Record."""
    return {"record": {"name": name, "id": int(record_id)}}


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


# -- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server (as tests/conftest.py's ``live_server``) whose org adds a date and a datetime to Leads."""
    root = tmp_path_factory.mktemp("sdk")
    org = json.loads(resources.files("zcrm.schema.standard").joinpath("org.json").read_text("utf-8"))
    [leads] = [m for m in org["modules"] if m["api_name"] == "Leads"]
    leads["fields"] += [
        {
            "api_name": name,
            "field_label": name.replace("_", " "),
            "data_type": data_type,
            "custom_field": True,
        }
        for name, data_type in (("Follow_Up_Date", "date"), ("Last_Contacted_At", "datetime"))
    ]
    org_file = root / "org.json"
    org_file.write_text(json.dumps(org))
    data_dir = root / "live-data"
    data_dir.mkdir()
    server = LiveServer(data_dir, extra_args=("--org", str(org_file)))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Crud:
    server: LiveServer
    creds: dict[str, str]
    report: dict[str, Any]
    work: Path
    account_id: str
    started: float

    @property
    def deal_id(self) -> str:
        return str(self.report["ids"]["deal"])

    @property
    def lead_ids(self) -> list[str]:
        return [str(i) for i in self.report["ids"]["leads"]]

    @property
    def listing_id(self) -> str:
        return str(self.report["ids"]["listing"])

    def raw(self, name: str) -> Any:
        """The JSON body of the one CRM record call of step ``name`` (the metadata fetches before it skipped)."""
        [entry] = [e for e in step(self.report, name) if e["path"] != "/crm/v5/settings/fields"]
        return entry.get("response")


@pytest.fixture(scope="module")
def crud(sdk_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Crud:
    """One run of the driver's ``crud`` scenario, with a fresh token store and metadata cache."""
    creds = sdk_server.credentials
    with client(sdk_server, creds["access_token"]) as http:
        body = {"data": [{"Account_Name": "Harbour Holdings"}]}
        response = http.post("/crm/v5/Accounts", content=json.dumps(body))
    assert response.status_code == 201, response.text
    account_id = response.json()["data"][0]["details"]["id"]
    work = tmp_path_factory.mktemp("sdk-crud") / "work"
    started = time.time()
    report = run_driver("crud", sdk_server, work, {"account_id": account_id})
    return Crud(sdk_server, creds, report, work, account_id, started)


# -- 1. token refresh ----------------------------------------------------------------------------------------------


def test_initialize_obtains_an_access_token_with_the_refresh_token(crud: Crud) -> None:
    creds, report = crud.creds, crud.report
    [token_call] = step(report, "initialize")  # initialize() itself, before any API call
    assert token_call["method"] == "POST"
    assert token_call["path"] == "/oauth/v2/token"
    assert token_call["content_type"] == "application/x-www-form-urlencoded"
    assert token_call["form"] == {
        "refresh_token": creds["refresh_token"],
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "grant_type": "refresh_token",
    }
    assert token_call["status"] == 200
    assert token_call["response_type"].split(";")[0] == "application/json"
    body = token_call["response"]
    assert body == {
        "access_token": body["access_token"],
        "api_domain": crud.server.base_url,
        "token_type": "Bearer",
        "expires_in": 3600,
    }
    access = body["access_token"]
    assert TOKEN.match(access)
    assert access != creds["access_token"]

    # The SDK stored it in the FileStore of the fresh work dir, with its expiry (ms) and the server as api_domain.
    [row] = list(csv.DictReader(io.StringIO(report["tokens_csv"])))
    assert row["client_id"] == creds["client_id"]
    assert row["refresh_token"] == creds["refresh_token"]
    assert row["access_token"] == access
    assert row["api_domain"] == crud.server.base_url
    assert abs(int(row["expiry_time"]) - (crud.started + 3600) * 1000) < 60_000

    # Only one token request in the whole run, and every API call carried the new token.
    later = report["wire"][1:]
    assert [e for e in later if e["path"].startswith("/oauth/")] == []
    assert {e["authorization"] for e in later} == {f"Zoho-oauthtoken {access}"}
    with client(crud.server, access) as http:
        org = http.get("/crm/v5/org")
    assert org.status_code == 200
    assert org.json()["org"][0]["id"] == creds["org_id"]


def test_every_answer_the_sdk_got_is_json_or_an_empty_204(crud: Crud) -> None:
    for entry in crud.report["wire"]:
        where = (entry["method"], entry["path"], entry["status"])
        if entry["status"] == 204:
            assert entry["response_type"] is None, where
            assert "response" not in entry, where
        else:
            assert entry["response_type"] == "application/json;charset=UTF-8", where
            assert isinstance(entry["response"], dict), where


# -- 2. field metadata -------------------------------------------------------------------------------------------


def related_modules(field: dict[str, Any]) -> list[str]:
    """The modules the SDK fetches next for one field (official-python-sdk.md §2.2)."""
    found = []
    lookup = field.get("lookup") or {}
    if field["data_type"] == "lookup" and lookup.get("module", {}).get("api_name") not in (None, "se_module"):
        found.append(lookup["module"]["api_name"])
    if field["data_type"] == "subform" and field.get("associated_module"):
        found.append(field["associated_module"]["module"])
    for key in ("multiselectlookup", "multiuserlookup"):
        linking = (field.get(key) or {}).get("linking_module")
        if field["data_type"] == key and linking:
            found.append(linking["api_name"])
    return found


def test_deals_metadata_closure_as_the_server_declares_it(crud: Crud) -> None:
    """The closure the SDK will walk, computed from the server's /settings/fields."""
    seen: set[str] = set()
    todo = ["Deals"]
    with client(crud.server, crud.creds["access_token"]) as http:
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            response = http.get("/crm/v5/settings/fields", params={"module": module})
            assert response.status_code == 200, (module, response.text)
            assert response.headers["content-type"].split(";")[0] == "application/json"
            fields = response.json()["fields"]
            assert fields and all(ID.match(f["id"]) for f in fields), module
            todo += [m for f in fields for m in related_modules(f)]
    assert seen == DEALS_CLOSURE


def test_sdk_fetches_field_metadata_recursively_and_caches_it(crud: Crud) -> None:
    report = crud.report
    # Listings points at nothing: one fetch.
    assert field_fetches(step(report, "create_listing")) == ["Listings"]
    # The Deals call fetches Deals and everything it points at, each once; Listings is already cached.
    deal_step = step(report, "create_deal")
    fetched = field_fetches(deal_step)
    assert fetched[0] == "Deals"
    assert sorted(fetched) == sorted(DEALS_CLOSURE - {"Listings"})
    fetches = deal_step[: len(fetched)]
    assert all(e["status"] == 200 and e["response_type"].startswith("application/json") for e in fetches)
    assert [(e["method"], e["path"], e["status"]) for e in deal_step[len(fetched) :]] == [
        ("POST", "/crm/v5/Deals", 201)
    ]
    # Leads points at Accounts, Contacts and Deals, all cached by now.
    assert field_fetches(step(report, "create_lead")) == ["Leads"]
    # Nothing is fetched again: every later call is a record call.
    rest = report["wire"][report["marks"]["get_leads"] :]
    assert field_fetches(rest) == []

    # The on-disk cache: one file, named base64(API URL + refresh token minus its last 32 characters).
    key = crud.server.base_url + crud.creds["refresh_token"][:-32]
    name = base64.b64encode(key.encode()).decode() + ".json"
    assert report["cache_after_listing"]["modules"] == {name: ["listings"]}
    closure = sorted(m.lower() for m in DEALS_CLOSURE)
    assert report["cache_after_deal"]["modules"] == {name: closure}
    assert report["cache"]["modules"] == {name: sorted([*closure, "leads"])}

    cached = json.loads((crud.work / "resources" / name).read_text())
    deals = cached["deals"]
    assert deals["Account_Name"]["module"] == "Accounts"
    assert deals["Competitors"]["module"] == "Deal_Competitors"
    assert deals["Listings"]["module"] == "Deals_X_Listings"
    assert deals["AssociatedUser"]["module"] == "Deals_X_Users"
    assert deals["Deal_Name"]["required"] is True
    assert deals["Stage"]["values"][:2] == ["Qualification", "Needs Analysis"]
    assert cached["deals_x_listings"]["Interested_Listings"]["module"] == "Listings"
    assert cached["leads"]["Last_Contacted_At"]["type"] == "DateTime"
    assert cached["leads"]["Follow_Up_Date"]["type"] == "Date"
    assert cached["leads"]["Annual_Revenue"]["type"] == "Float"


# -- 3. create_records -------------------------------------------------------------------------------------------


def assert_added(item: dict[str, Any], user_id: str) -> str:
    assert item["kind"] == "SuccessResponse"
    assert (item["code"], item["status"], item["message"]) == ("SUCCESS", "success", "record added")
    details = item["details"]
    assert ID.match(details["id"])
    assert details["Created_By"] == user(email=None, user_id=user_id)
    assert details["Modified_By"] == user(email=None, user_id=user_id)
    assert details["Created_Time"] == details["Modified_Time"]
    assert details["$approval_state"] == "approved"
    return str(details["id"])


def test_create_records(crud: Crud) -> None:
    report, user_id = crud.report, crud.creds["user_id"]
    for name, count in (("create_listing", 1), ("create_deal", 1), ("create_leads", 2)):
        created = report[name]
        assert created["status_code"] == 201, name
        assert created["object"] == "ActionWrapper", name
        assert len(created["data"]) == count, name
    assert assert_added(report["create_listing"]["data"][0], user_id) == crud.listing_id
    assert assert_added(report["create_deal"]["data"][0], user_id) == crud.deal_id
    lead_ids = [assert_added(item, user_id) for item in report["create_leads"]["data"]]
    assert lead_ids == crud.lead_ids
    assert int(crud.listing_id) < int(crud.deal_id) < int(lead_ids[0]) < int(lead_ids[1])
    # What the SDK put on the wire (no Content-Type; ids as JSON numbers; datetime in the client's offset).
    [post] = [e for e in step(report, "create_deal") if e["method"] == "POST"]
    assert post["content_type"] is None
    assert post["json"] == {
        "data": [
            {
                "Deal_Name": "Harbour View Tower",
                "Stage": "Qualification",
                "Closing_Date": "2024-06-30",
                "Amount": 250000.75,
                "Account_Name": {"id": int(crud.account_id)},
                "Foreign_Languages": ["French", "Korean"],
                "Competitors": [{"Competitor_Name": "Acme Realty", "Competitor_Price": 240000.5, "Rank": 2}],
                "Listings": [{"Interested_Listings": {"id": int(crud.listing_id)}}],
                "AssociatedUser": [{"User": {"id": int(user_id)}}],
            }
        ]
    }
    [post] = [e for e in step(report, "create_lead") if e["method"] == "POST"]
    assert post["json"]["data"][0]["Last_Contacted_At"] == "2024-05-02T02:47:33-03:00"


# -- 4. get_records and get_record -----------------------------------------------------------------------------------


def test_get_records_lists_the_requested_fields(crud: Crud) -> None:
    report, user_id = crud.report, crud.creds["user_id"]
    [listing] = step(report, "get_leads")
    assert listing["query"] == {
        "fields": "Last_Name,First_Name,Company,Email,Lead_Source,Annual_Revenue,Owner",
        "ids": ",".join(crud.lead_ids),
        "sort_order": "asc",
    }
    leads = report["get_leads"]
    assert leads["status_code"] == 200
    assert leads["object"] == "ResponseWrapper"
    assert leads["info"] == {"count": 2, "more_records": False, "page": 1, "per_page": 200}
    owner = user(user_id=user_id)
    assert leads["data"] == [
        {
            "Last_Name": "Daly",
            "First_Name": "Ann",
            "Company": "Zylker Harbour",
            "Email": "ann.daly@example.com",
            "Lead_Source": {"choice": "Cold Call"},
            "Annual_Revenue": 1500.5,
            "Owner": owner,
            "id": int(crud.lead_ids[0]),
        },
        {
            "Last_Name": "Okafor",
            "First_Name": None,
            "Company": "Okafor Freight",
            "Email": None,
            "Lead_Source": None,
            "Annual_Revenue": None,
            "Owner": owner,
            "id": int(crud.lead_ids[1]),
        },
    ]
    raw = crud.raw("get_leads")
    assert [r["id"] for r in raw["data"]] == crud.lead_ids  # ids are strings on the wire
    assert raw["info"] == {
        "call": False,
        "per_page": 200,
        "next_page_token": None,
        "count": 2,
        "sort_by": "id",
        "page": 1,
        "previous_page_token": None,
        "page_token_expiry": None,
        "sort_order": "asc",
        "email": False,
        "more_records": False,
    }

    deals = report["get_deals"]
    assert deals["status_code"] == 200
    assert deals["info"] == {"count": 1, "more_records": False, "page": 1, "per_page": 200}
    assert deals["data"] == [
        {
            "Deal_Name": "Harbour View Tower",
            "Stage": {"choice": "Qualification"},
            "Closing_Date": {"date": "2024-06-30"},
            "Amount": 250000.75,
            "Foreign_Languages": [{"choice": "French"}, {"choice": "Korean"}],
            "Owner": owner,
            "id": int(crud.deal_id),
        }
    ]
    # A list leaves subform rows out even when they are asked for (behaviour §5.3).
    assert "Competitors" not in crud.raw("get_deals")["data"][0]


def test_get_record_reads_a_lead_back(crud: Crud) -> None:
    report, user_id = crud.report, crud.creds["user_id"]
    got = report["get_lead"]
    assert got["status_code"] == 200
    assert got["object"] == "ResponseWrapper"
    assert got["info"] is None
    [lead] = got["data"]
    expected = {
        "id": int(crud.lead_ids[0]),
        "Last_Name": "Daly",
        "First_Name": "Ann",
        "Company": "Zylker Harbour",
        "Email": "ann.daly@example.com",
        "Lead_Source": {"choice": "Cold Call"},
        "Annual_Revenue": 1500.5,
        "No_of_Employees": 42,
        "Email_Opt_Out": True,
        "Description": "Met at the harbour expo",
        "Follow_Up_Date": {"date": "2024-06-15"},
        "Owner": user(user_id=user_id),
        "Created_By": user(email=None, user_id=user_id),
        "Modified_By": user(email=None, user_id=user_id),
        "Phone": None,
        "Converted_Account": None,
        "$approval_state": "approved",
    }
    assert {key: lead.get(key, "<missing>") for key in expected} == expected
    # The instant survives: written at +05:30 by a UTC-3 client, rendered at +05:30 (the user's zone) by the server,
    # read back in UTC-3 by the SDK.
    raw = crud.raw("get_lead")["data"][0]
    assert raw["Last_Contacted_At"] == "2024-05-02T11:17:33+05:30"
    assert lead["Last_Contacted_At"] == {"datetime": "2024-05-02T02:47:33-03:00"}
    assert instant(lead["Last_Contacted_At"]["datetime"]) == dt.datetime(2024, 5, 2, 5, 47, 33, tzinfo=dt.UTC)
    assert raw["Annual_Revenue"] == 1500.5
    assert raw["Owner"] == {"name": ADMIN_NAME, "id": user_id, "email": ADMIN_EMAIL}


def test_get_record_reads_subform_and_linking_rows(crud: Crud) -> None:
    report, user_id = crud.report, crud.creds["user_id"]
    got = report["get_deal"]
    assert got["status_code"] == 200
    [deal] = got["data"]
    deal_ref = ref("Harbour View Tower", crud.deal_id)
    expected = {
        "id": int(crud.deal_id),
        "Deal_Name": "Harbour View Tower",
        "Stage": {"choice": "Qualification"},
        "Closing_Date": {"date": "2024-06-30"},
        "Amount": 250000.75,
        "Account_Name": ref("Harbour Holdings", crud.account_id),
        "Foreign_Languages": [{"choice": "French"}, {"choice": "Korean"}],
        "Owner": user(user_id=user_id),
        "Contact_Name": None,
    }
    assert {key: deal.get(key, "<missing>") for key in expected} == expected

    [competitor] = deal["Competitors"]
    assert competitor == {
        "record": {
            "Competitor_Name": "Acme Realty",
            "Competitor_Price": 240000.5,
            "Rank": 2,
            "Parent_Id": deal_ref,
            "id": competitor["record"]["id"],
        }
    }
    [listing_row] = deal["Listings"]
    assert listing_row["record"]["Interested_Listings"] == ref("Harbour View 12B", crud.listing_id)
    assert listing_row["record"]["Interested_Deals"] == deal_ref
    [user_row] = deal["AssociatedUser"]
    assert user_row["record"]["User"] == user(user_id=user_id)
    assert user_row["record"]["Deal"] == deal_ref
    row_ids = [row["record"]["id"] for row in (competitor, listing_row, user_row)]
    assert all(isinstance(i, int) and ID.match(str(i)) for i in row_ids)
    assert len(set(row_ids)) == 3

    # With fields=, only those fields (and id and the $ annotations) come back, rows included.
    [narrow] = report["get_deal_fields"]["data"]
    assert {k for k in narrow if not k.startswith("$")} == {"Deal_Name", "Listings", "id"}
    assert narrow["Listings"] == deal["Listings"]


# -- 5. delete_records and delete_record -----------------------------------------------------------------------------


def test_delete_records_and_delete_record(crud: Crud) -> None:
    report = crud.report
    [bulk] = step(report, "delete_leads")
    assert (bulk["method"], bulk["path"]) == ("DELETE", "/crm/v5/Leads")
    assert bulk["query"] == {"ids": ",".join(crud.lead_ids), "wf_trigger": "False"}
    deleted = report["delete_leads"]
    assert deleted["status_code"] == 200
    assert deleted["object"] == "ActionWrapper"
    assert deleted["data"] == [
        {
            "kind": "SuccessResponse",
            "code": "SUCCESS",
            "status": "success",
            "message": "record deleted",
            "details": {"id": lead_id},
        }
        for lead_id in crud.lead_ids
    ]
    assert report["delete_deal"] == {
        "status_code": 200,
        "object": "ActionWrapper",
        "data": [
            {
                "kind": "SuccessResponse",
                "code": "SUCCESS",
                "status": "success",
                "message": "record deleted",
                "details": {"id": crud.deal_id},
            }
        ],
    }
    # A deleted record reads as 204 with no body: the SDK gives status 204 and no object.
    for name in ("get_deleted_lead", "get_deleted_deal"):
        assert report[name] == {"status_code": 204, "object": None}, name
        [entry] = step(report, name)
        assert entry["status"] == 204
        assert entry["response_type"] is None
        assert "response" not in entry
    # The listing the deal was linked to is still there.
    with client(crud.server, crud.creds["access_token"]) as http:
        listing = http.get(f"/crm/v5/Listings/{crud.listing_id}")
        assert listing.status_code == 200
        assert listing.json()["data"][0]["Name"] == "Harbour View 12B"
        assert http.get(f"/crm/v5/Leads/{crud.lead_ids[1]}").status_code == 204


# -- 6. an error through the SDK -------------------------------------------------------------------------------------


def test_create_without_a_mandatory_field_is_an_api_exception(sdk_server: LiveServer, tmp_path: Path) -> None:
    report = run_driver("mandatory", sdk_server, tmp_path / "work")
    assert report["create"] == {
        "status_code": 400,
        "object": "ActionWrapper",
        "data": [
            {
                "kind": "APIException",
                "code": "MANDATORY_NOT_FOUND",
                "status": "error",
                "message": "required field not found",
                "details": {"api_name": "Last_Name", "json_path": "$.data[0].Last_Name"},
            }
        ],
    }
    [post] = [e for e in step(report, "create") if e["method"] == "POST"]
    assert post["response"] == {
        "data": [
            {
                "code": "MANDATORY_NOT_FOUND",
                "details": {"api_name": "Last_Name", "json_path": "$.data[0].Last_Name"},
                "message": "required field not found",
                "status": "error",
            }
        ]
    }
    with client(sdk_server, sdk_server.credentials["access_token"]) as http:
        listed = http.get("/crm/v5/Leads", params={"fields": "Email", "per_page": 200})
    emails = [r["Email"] for r in listed.json()["data"]] if listed.status_code == 200 else []
    assert "nobody@example.com" not in emails


# -- 7. restart ------------------------------------------------------------------------------------------------------


PERSISTED = {"Last_Name": "Persist", "Company": "Durable Ltd", "Annual_Revenue": 99.25}
KEPT_CREDENTIALS = (
    "base_url",
    "accounts_url",
    "client_id",
    "client_secret",
    "refresh_token",
    "org_id",
    "user_id",
)


def refresh(server: LiveServer, creds: dict[str, str]) -> str:
    """A new access token from the refresh token (the refresh grant, as a form post)."""
    form = {
        "grant_type": "refresh_token",
        **{k: creds[k] for k in ("client_id", "client_secret", "refresh_token")},
    }
    body = httpx.post(f"{server.base_url}/oauth/v2/token", data=form).json()
    assert TOKEN.match(body.get("access_token", "")), body
    return str(body["access_token"])


def test_restart_keeps_records_tokens_and_credentials(live_server: LiveServer, tmp_path: Path) -> None:
    creds_path = live_server.data_dir / "credentials.json"
    creds = live_server.credentials
    assert stat.S_IMODE(creds_path.stat().st_mode) == 0o600
    with client(live_server, creds["access_token"]) as http:
        inserted = http.post(
            "/crm/v5/Leads",
            content=json.dumps({"data": [PERSISTED]}),
        )
    assert inserted.status_code == 201, inserted.text
    lead_id = inserted.json()["data"][0]["details"]["id"]
    second_access = refresh(live_server, creds)
    # An SDK client reads the lead; its token store and metadata cache stay in `work` for after the restart.
    work = tmp_path / "sdk-work"
    before = run_driver("get_record", live_server, work, {"module": "Leads", "id": lead_id})
    assert {k: before["get_record"]["data"][0][k] for k in PERSISTED} == PERSISTED
    [sdk_token] = [e["response"]["access_token"] for e in before["wire"] if e["path"] == "/oauth/v2/token"]

    live_server.stop()
    live_server.start()

    after_creds = live_server.credentials
    assert stat.S_IMODE(creds_path.stat().st_mode) == 0o600
    assert {k: after_creds[k] for k in KEPT_CREDENTIALS} == {k: creds[k] for k in KEPT_CREDENTIALS}
    for token in (creds["access_token"], second_access, sdk_token, after_creds["access_token"]):
        with client(live_server, token) as http:
            got = http.get(f"/crm/v5/Leads/{lead_id}")
        assert got.status_code == 200, (token, got.text)
        record = got.json()["data"][0]
        assert {k: record[k] for k in PERSISTED} == PERSISTED
    # The refresh token still refreshes.
    with client(live_server, refresh(live_server, creds)) as http:
        assert http.get(f"/crm/v5/Leads/{lead_id}").status_code == 200

    # The same SDK client comes back: it sends its stored token without asking the token endpoint (it never
    # refreshes on 401), and its metadata cache spares the /settings/fields calls.
    after = run_driver("get_record", live_server, work, {"module": "Leads", "id": lead_id})
    assert [(e["method"], e["path"], e["status"]) for e in after["wire"]] == [
        ("GET", f"/crm/v5/Leads/{lead_id}", 200)
    ]
    assert after["wire"][0]["authorization"] == f"Zoho-oauthtoken {sdk_token}"
    assert after["get_record"]["status_code"] == 200
    [lead] = after["get_record"]["data"]
    assert {k: lead[k] for k in PERSISTED} == PERSISTED
