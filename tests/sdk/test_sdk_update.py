"""End to end: Update Records through Zoho's official Python SDK (``zohocrmsdk5-0``) against a live ``zcrm serve``.

The test seeds records over raw HTTP, runs the ``update`` scenario of ``sdk_update_driver.py`` once in a fresh
interpreter (the SDK keeps process-wide state), and checks what the SDK sent and parsed against
``zoho-v5-behaviour.md`` §3 and ``official-python-sdk.md`` §2.3, §4, §5; every effect is read back with the SDK's
``get_record`` (inside the driver) and with raw HTTP GETs here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.known_files import known_files
from tests.sdk import live

DRIVER = Path(__file__).with_name("sdk_update_driver.py")
CLIENT_TZ = (
    "<-03>3"  # the SDK renders datetimes in the client's zone: a fixed UTC-3, unlike the user's +05:30
)
CLIENT_OFFSET = dt.timezone(dt.timedelta(hours=-3))
ID = re.compile(r"^[0-9]{19}$")
ADMIN_NAME = "Priya Raman"
ADMIN_EMAIL = "priya.raman@zylker.test"
OTHER_NAME = "Arjun Mehta"
OTHER_EMAIL = "arjun.mehta@zylker.test"
STALE = "2020-01-01T00:00:00+05:30"  # the driver's stale If-Unmodified-Since
DEAL_NAMES = ("Harbour View Tower", "Dockside Offices", "Quay Warehouse")
LISTING_NAMES = ("Harbour View 12B", "Dockside Loft 4", "Quay Street 9")
LEAD_CODE = "LC-DALY"
UPDATED = "record updated"
ALREADY_MODIFIED = "record updated time has already passed if-unmodified-since time"


# -- helpers -------------------------------------------------------------------------------------------------------


def http(server: LiveServer) -> httpx.Client:
    token = server.credentials["access_token"]
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Zoho-oauthtoken {token}"}, timeout=10
    )


def inserted(response: httpx.Response) -> list[str]:
    assert response.status_code == 201, response.text
    return [item["details"]["id"] for item in response.json()["data"]]


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def sdk_user(name: str, user_id: str, email: str | None = None) -> dict[str, Any]:
    """A MinifiedUser as the driver reports it (the SDK parses ids to int)."""
    return {"MinifiedUser": {"id": int(user_id), "name": name, "email": email}}


def sdk_ref(name: str, record_id: str) -> dict[str, Any]:
    return {"record": {"name": name, "id": int(record_id)}}


def step(report: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The requests the SDK sent during one step of the scenario."""
    marks = report["marks"]
    start = marks[name]
    later = [index for index in marks.values() if index > start]
    return report["wire"][start : min(later) if later else len(report["wire"])]


def call(report: dict[str, Any], name: str) -> dict[str, Any]:
    """The one CRM record call of step ``name`` (any metadata fetches before it skipped)."""
    [entry] = [e for e in step(report, name) if e["path"] != "/crm/v5/settings/fields"]
    return entry


@dataclass
class Seeded:
    admin: str
    other: str
    leads_module: str
    listings: list[str]
    deals: list[str]
    deal_created: list[str]  # Created_Time of each deal, as the server renders it
    competitors: list[str]  # d1's subform rows
    listing_rows: list[str]  # d1's linking rows to l1, l2
    user_row: str  # d1's linking row to the admin
    image_rows: list[str]
    leads: list[str]
    d1_rows_created: str  # Created_Time of d1's linking rows

    @property
    def largest(self) -> int:
        ids = [
            *self.listings,
            *self.deals,
            *self.competitors,
            *self.listing_rows,
            *self.image_rows,
            *self.leads,
        ]
        return max(int(i) for i in [*ids, self.user_row])


@dataclass
class Run:
    server: LiveServer
    seeded: Seeded
    report: dict[str, Any]

    def sdk(self, name: str) -> dict[str, Any]:
        """The one record the driver read in step ``name``, as the SDK parsed it."""
        got = self.report[name]
        assert got["status_code"] == 200, got
        [record] = got["data"]
        return dict(record)

    def raw(self, name: str) -> Any:
        return call(self.report, name).get("response")


# -- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def update_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server (as tests/conftest.py's ``live_server``) on the standard org, shared by this module."""
    data_dir = tmp_path_factory.mktemp("sdk-update") / "live-data"
    data_dir.mkdir()
    server = LiveServer(data_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def seed(server: LiveServer) -> Seeded:
    known_files(server, "img-front", "img-garden")
    creds = server.credentials
    admin = creds["user_id"]
    with http(server) as client:
        users = client.get("/crm/v5/users", params={"type": "ActiveUsers"}).json()["users"]
        [other] = [u["id"] for u in users if u["full_name"] == OTHER_NAME]
        [leads_module] = client.get("/crm/v5/settings/modules/Leads").json()["modules"]
        listings = inserted(
            client.post("/crm/v5/Listings", json={"data": [{"Name": name} for name in LISTING_NAMES]})
        )
        base = {"Stage": "Qualification", "Closing_Date": "2024-06-30"}
        first = {
            **base,
            "Deal_Name": DEAL_NAMES[0],
            "Foreign_Languages": ["French"],
            "Competitors": [
                {"Competitor_Name": "Acme Realty", "Competitor_Price": 240000.5, "Rank": 2},
                {"Competitor_Name": "Birch Estates", "Rank": 3},
                {"Competitor_Name": "Cedar Partners", "Rank": 5},
            ],
            "Listings": [{"Interested_Listings": {"id": listing}} for listing in listings[:2]],
            "AssociatedUser": [{"User": {"id": admin}}],
            "Image_Upload": [{"File_Id__s": "img-front"}, {"File_Id__s": "img-garden"}],
        }
        second = {**base, "Deal_Name": DEAL_NAMES[1], "Foreign_Languages": ["German", "English"]}
        third = {**base, "Deal_Name": DEAL_NAMES[2], "Foreign_Languages": ["French"]}
        response = client.post("/crm/v5/Deals", json={"data": [first, second, third]})
        deals = inserted(response)
        deal_created = [item["details"]["Created_Time"] for item in response.json()["data"]]
        d1 = client.get(f"/crm/v5/Deals/{deals[0]}").json()["data"][0]
        leads = inserted(
            client.post(
                "/crm/v5/Leads",
                json={
                    "data": [
                        {
                            "Last_Name": "Daly",
                            "First_Name": "Anne",
                            "Company": "Zylker Harbour",
                            "Lead_Code": LEAD_CODE,
                        },
                        {"Last_Name": "Okafor", "Company": "Okafor Freight", "Lead_Code": "LC-OKAFOR"},
                        {"Last_Name": "Nakamura", "Company": "Nakamura Ltd"},
                    ]
                },
            )
        )
    assert [r["Competitor_Name"] for r in d1["Competitors"]] == [
        "Acme Realty",
        "Birch Estates",
        "Cedar Partners",
    ]
    assert [r["Interested_Listings"]["id"] for r in d1["Listings"]] == listings[:2]
    assert [r["File_Id__s"] for r in d1["Image_Upload"]] == ["img-front", "img-garden"]
    [user_row] = d1["AssociatedUser"]
    return Seeded(
        admin=admin,
        other=other,
        leads_module=leads_module["id"],
        listings=listings,
        deals=deals,
        deal_created=deal_created,
        competitors=[r["id"] for r in d1["Competitors"]],
        listing_rows=[r["id"] for r in d1["Listings"]],
        user_row=user_row["id"],
        image_rows=[r["id"] for r in d1["Image_Upload"]],
        leads=leads,
        d1_rows_created=d1["Listings"][0]["Created_Time"],
    )


@pytest.fixture(scope="module")
def run(update_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Run:
    seeded = seed(update_server)
    work = tmp_path_factory.mktemp("sdk-update-run") / "work"
    args = {
        "deals": seeded.deals,
        "competitors": seeded.competitors,
        "listings": seeded.listings,
        "listing_rows": seeded.listing_rows,
        "users": {"admin": seeded.admin, "other": seeded.other},
        "image_rows": seeded.image_rows,
        "leads": seeded.leads,
        "lead_code": LEAD_CODE,
    }
    command = [
        sys.executable,
        str(DRIVER),
        "update",
        str(update_server.data_dir / "credentials.json"),
        str(work),
        json.dumps(args),
    ]
    report = live.report_of_run(command, work, cwd=work.parent, env={"TZ": CLIENT_TZ})
    return Run(update_server, seeded, report)


def success_details(run: Run, record_id: str, created: str, modified: str) -> dict[str, Any]:
    """A success entry's details on the wire (behaviour §3.14)."""
    admin = {"name": ADMIN_NAME, "id": run.seeded.admin}
    return {
        "Modified_Time": modified,
        "Modified_By": admin,
        "Created_Time": created,
        "id": record_id,
        "Created_By": admin,
        "$approval_state": "approved",
    }


def sdk_success(run: Run, record_id: str, created: str, modified: str) -> dict[str, Any]:
    """The same entry as the SDK parses it: a SuccessResponse, datetimes in the client's zone, id kept a string."""
    admin = sdk_user(ADMIN_NAME, run.seeded.admin)
    return {
        "kind": "SuccessResponse",
        "code": "SUCCESS",
        "status": "success",
        "message": UPDATED,
        "details": {
            "Modified_Time": {"datetime": instant(modified).astimezone(CLIENT_OFFSET).isoformat()},
            "Modified_By": admin,
            "Created_Time": {"datetime": instant(created).astimezone(CLIENT_OFFSET).isoformat()},
            "id": record_id,
            "Created_By": admin,
            "$approval_state": "approved",
        },
    }


# -- 1. bulk update of deals ---------------------------------------------------------------------------------------


def test_bulk_update_sends_numeric_ids_and_row_operations_without_content_type(run: Run) -> None:
    s = run.seeded
    entry = call(run.report, "update_deals")
    assert (entry["method"], entry["path"], entry["query"]) == ("PUT", "/crm/v5/Deals", {})
    assert entry["content_type"] is None
    assert entry["if_unmodified_since"] is None
    assert entry["json"] == {
        "data": [
            {
                "id": int(s.deals[0]),
                "Foreign_Languages": ["Korean", "French"],
                "$append_values": {"Foreign_Languages": True},
                "Competitors": [
                    {"id": int(s.competitors[0]), "Competitor_Price": 199999.5},
                    {"Competitor_Name": "Delta Homes", "Rank": 4},
                ],
                "Listings": [
                    {"id": int(s.listing_rows[0]), "_delete": None},
                    {"Interested_Listings": {"id": int(s.listings[2])}},
                ],
                "AssociatedUser": [{"User": {"id": int(s.other)}}],
                "Image_Upload": [{"id": int(s.image_rows[0]), "_delete": None}],
            },
            {
                "id": int(s.deals[1]),
                "Foreign_Languages": ["Spanish", "German"],
                "$append_values": {"Foreign_Languages": True},
                "Amount": 5000.0,
            },
            {"id": int(s.deals[2]), "Foreign_Languages": ["Hindi"], "Stage": "Needs Analysis"},
        ]
    }
    # The SDK fetched the field metadata of Deals (and the modules it points at) first; all answered.
    fetched = [e for e in step(run.report, "update_deals") if e["path"] == "/crm/v5/settings/fields"]
    assert "Deals" in {e["query"]["module"] for e in fetched}
    assert {e["status"] for e in fetched} == {200}


def test_bulk_update_answers_one_success_per_deal(run: Run) -> None:
    s = run.seeded
    entry = call(run.report, "update_deals")
    assert entry["status"] == 200
    assert entry["response_type"] == "application/json;charset=UTF-8"
    raw = entry["response"]["data"]
    modified = [run.raw(name)["data"][0]["Modified_Time"] for name in ("get_d1", "get_d2", "get_d3")]
    assert raw == [
        {
            "code": "SUCCESS",
            "details": success_details(run, deal_id, created, when),
            "message": UPDATED,
            "status": "success",
        }
        for deal_id, created, when in zip(s.deals, s.deal_created, modified, strict=True)
    ]
    assert list(raw[0]) == ["code", "details", "message", "status"]
    assert list(raw[0]["details"]) == [
        "Modified_Time",
        "Modified_By",
        "Created_Time",
        "id",
        "Created_By",
        "$approval_state",
    ]
    assert all(
        instant(when) >= instant(created) for when, created in zip(modified, s.deal_created, strict=True)
    )
    assert run.report["update_deals"] == {
        "status_code": 200,
        "object": "ActionWrapper",
        "data": [
            sdk_success(run, deal_id, created, when)
            for deal_id, created, when in zip(s.deals, s.deal_created, modified, strict=True)
        ],
    }


def test_append_values_appends_without_duplicates_and_its_absence_replaces(run: Run) -> None:
    s = run.seeded
    expected = [["French", "Korean"], ["German", "English", "Spanish"], ["Hindi"]]
    for name, languages in zip(("get_d1", "get_d2", "get_d3"), expected, strict=True):
        assert run.sdk(name)["Foreign_Languages"] == [{"choice": v} for v in languages], name
    with http(run.server) as client:
        listed = client.get(
            "/crm/v5/Deals",
            params={
                "fields": "Deal_Name,Foreign_Languages,Stage,Amount",
                "ids": ",".join(s.deals),
                "sort_order": "asc",
            },
        )
    assert listed.status_code == 200
    assert listed.json()["data"] == [
        {"Deal_Name": DEAL_NAMES[0], "Foreign_Languages": expected[0], "Stage": "Qualification", "Amount": None, "id": s.deals[0]},
        {"Deal_Name": DEAL_NAMES[1], "Foreign_Languages": expected[1], "Stage": "Qualification", "Amount": 5000.0, "id": s.deals[1]},
        {"Deal_Name": DEAL_NAMES[2], "Foreign_Languages": expected[2], "Stage": "Needs Analysis", "Amount": None, "id": s.deals[2]},
    ]  # fmt: skip
    assert run.sdk("get_d2")["Amount"] == 5000.0
    assert run.sdk("get_d3")["Stage"] == {"choice": "Needs Analysis"}


def deal_one(run: Run) -> dict[str, Any]:
    with http(run.server) as client:
        got = client.get(f"/crm/v5/Deals/{run.seeded.deals[0]}")
    assert got.status_code == 200, got.text
    [record] = got.json()["data"]
    assert record == run.raw("get_d1")["data"][0]  # nothing changed since the SDK read it
    return dict(record)


def new_id(value: str, run: Run) -> str:
    assert ID.match(value)
    assert int(value) > run.seeded.largest  # ids only grow: a row created by the update
    return value


def test_subform_keeps_and_updates_the_row_with_id_adds_the_new_one_and_deletes_the_rest(run: Run) -> None:
    s = run.seeded
    record = deal_one(run)
    parent = {"name": DEAL_NAMES[0], "id": s.deals[0]}
    kept, added = record["Competitors"]
    assert kept == {
        "Competitor_Name": "Acme Realty",
        "Competitor_Price": 199999.5,
        "Rank": 2,
        "Parent_Id": parent,
        "id": s.competitors[0],
    }
    assert added == {
        "Competitor_Name": "Delta Homes",
        "Competitor_Price": None,
        "Rank": 4,
        "Parent_Id": parent,
        "id": new_id(added["id"], run),
    }
    # Through the SDK: the same rows, in the request's order (behaviour §3.9).
    rows = [row["record"] for row in run.sdk("get_d1")["Competitors"]]
    assert rows == [
        {
            "Competitor_Name": "Acme Realty",
            "Competitor_Price": 199999.5,
            "Rank": 2,
            "Parent_Id": sdk_ref(DEAL_NAMES[0], s.deals[0]),
            "id": int(s.competitors[0]),
        },
        {
            "Competitor_Name": "Delta Homes",
            "Competitor_Price": None,
            "Rank": 4,
            "Parent_Id": sdk_ref(DEAL_NAMES[0], s.deals[0]),
            "id": int(added["id"]),
        },
    ]


def test_multiselect_lookup_removes_the_deleted_link_and_adds_the_connected_record(run: Run) -> None:
    s = run.seeded
    record = deal_one(run)
    deal = {"name": DEAL_NAMES[0], "id": s.deals[0]}
    modified = record["Modified_Time"]
    kept, added = record["Listings"]
    assert kept == {
        "Interested_Deals": deal,
        "Interested_Listings": {"name": LISTING_NAMES[1], "id": s.listings[1]},
        "Created_Time": s.d1_rows_created,
        "id": s.listing_rows[1],
    }
    assert added == {
        "Interested_Deals": deal,
        "Interested_Listings": {"name": LISTING_NAMES[2], "id": s.listings[2]},
        "Created_Time": modified,  # linked by the update
        "id": new_id(added["id"], run),
    }
    rows = [row["record"] for row in run.sdk("get_d1")["Listings"]]
    assert [(r["id"], r["Interested_Listings"]) for r in rows] == [
        (int(s.listing_rows[1]), sdk_ref(LISTING_NAMES[1], s.listings[1])),
        (int(added["id"]), sdk_ref(LISTING_NAMES[2], s.listings[2])),
    ]
    # Unlinking removes the association only: the listing itself is still there.
    with http(run.server) as client:
        listing = client.get(f"/crm/v5/Listings/{s.listings[0]}")
    assert listing.status_code == 200
    assert listing.json()["data"][0]["Name"] == LISTING_NAMES[0]


def test_multiuser_lookup_adds_the_user_and_keeps_the_existing_link(run: Run) -> None:
    s = run.seeded
    record = deal_one(run)
    deal = {"name": DEAL_NAMES[0], "id": s.deals[0]}
    kept, added = record["AssociatedUser"]
    assert kept == {
        "Deal": deal,
        "User": {"name": ADMIN_NAME, "id": s.admin, "email": ADMIN_EMAIL},
        "Created_Time": s.d1_rows_created,
        "id": s.user_row,
    }
    assert added == {
        "Deal": deal,
        "User": {"name": OTHER_NAME, "id": s.other, "email": OTHER_EMAIL},
        "Created_Time": record["Modified_Time"],
        "id": new_id(added["id"], run),
    }
    rows = [row["record"] for row in run.sdk("get_d1")["AssociatedUser"]]
    assert [(r["id"], r["User"]) for r in rows] == [
        (int(s.user_row), sdk_user(ADMIN_NAME, s.admin, ADMIN_EMAIL)),
        (int(added["id"]), sdk_user(OTHER_NAME, s.other, OTHER_EMAIL)),
    ]


def test_image_upload_row_delete_removes_only_that_image(run: Run) -> None:
    s = run.seeded
    record = deal_one(run)
    assert [(row["id"], row["File_Id__s"]) for row in record["Image_Upload"]] == [
        (s.image_rows[1], "img-garden")
    ]
    assert run.sdk("get_d1")["Image_Upload"] == [
        {"ImageUpload": {"id": int(s.image_rows[1]), "File_Id__s": "img-garden"}}
    ]


# -- 2. single update_record ---------------------------------------------------------------------------------------


def test_update_record_puts_one_item_without_id_to_the_record_path(run: Run) -> None:
    s = run.seeded
    entry = call(run.report, "update_lead")
    assert (entry["method"], entry["path"], entry["content_type"]) == (
        "PUT",
        f"/crm/v5/Leads/{s.leads[0]}",
        None,
    )
    assert entry["json"] == {
        "data": [
            {"First_Name": "Ann", "Annual_Revenue": 2500.25, "Lead_Source": "Partner", "No_of_Employees": 7}
        ]
    }
    assert entry["status"] == 200
    [item] = entry["response"]["data"]
    assert (item["code"], item["message"], item["status"], item["details"]["id"]) == (
        "SUCCESS",
        UPDATED,
        "success",
        s.leads[0],
    )
    details = item["details"]
    assert run.report["update_lead"] == {
        "status_code": 200,
        "object": "ActionWrapper",
        "data": [sdk_success(run, s.leads[0], details["Created_Time"], details["Modified_Time"])],
    }
    lead = run.sdk("get_a")  # read back through the SDK (the partial update in between set Description only)
    assert {
        k: lead[k] for k in ("First_Name", "Annual_Revenue", "Lead_Source", "No_of_Employees", "Last_Name")
    } == {
        "First_Name": "Ann",
        "Annual_Revenue": 2500.25,
        "Lead_Source": {"choice": "Partner"},
        "No_of_Employees": 7,
        "Last_Name": "Daly",
    }


# -- 3. partial failure --------------------------------------------------------------------------------------------


def test_partial_failure_gives_a_success_and_api_exceptions_with_codes_and_details(run: Run) -> None:
    s = run.seeded
    a, b, c = s.leads
    entry = call(run.report, "partial")
    assert entry["json"] == {
        "data": [
            {"id": int(a), "Description": "checked"},
            {"id": int(b), "Lead_Code": LEAD_CODE.lower(), "Designation": "Clashing"},
            {"id": int(c), "Designation": "Unknown", "Nickname": "Nobody"},
        ]
    }
    assert entry["status"] == 207
    success, duplicate, unknown = entry["response"]["data"]
    assert (success["code"], success["details"]["id"]) == ("SUCCESS", a)
    assert duplicate == {
        "code": "DUPLICATE_DATA",
        "details": {
            "api_name": "Lead_Code",
            "json_path": "$.data[1].Lead_Code",
            "id": a,
            "duplicate_record": {
                "Owner": {"name": ADMIN_NAME, "id": s.admin, "zuid": s.admin},
                "module": {"api_name": "Leads", "id": s.leads_module},
                "id": a,
            },
            "more_records": False,
        },
        "message": "duplicate data",
        "status": "error",
    }
    assert unknown == {
        "code": "INVALID_DATA",
        "details": {"api_name": "Nickname", "json_path": "$.data[2].Nickname"},
        "message": "the field api name given seems to be invalid",
        "status": "error",
    }
    # The SDK: an ActionWrapper holding a SuccessResponse and two APIExceptions (the SDK keeps the detail keys it
    # knows, ids as int; DUPLICATE_DATA's duplicate_record becomes a DuplicateRecord).
    details = success["details"]
    assert run.report["partial"] == {
        "status_code": 207,
        "object": "ActionWrapper",
        "data": [
            sdk_success(run, a, details["Created_Time"], details["Modified_Time"]),
            {
                "kind": "APIException",
                "code": "DUPLICATE_DATA",
                "status": "error",
                "message": "duplicate data",
                "details": {
                    "duplicate_record": {
                        "DuplicateRecord": {
                            "id": int(a),
                            "Owner": sdk_user(ADMIN_NAME, s.admin),
                            "module": {"api_name": "Leads", "id": int(s.leads_module)},
                        }
                    },
                    "api_name": "Lead_Code",
                    "id": int(a),
                    "json_path": "$.data[1].Lead_Code",
                },
            },
            {
                "kind": "APIException",
                "code": "INVALID_DATA",
                "status": "error",
                "message": "the field api name given seems to be invalid",
                "details": {"api_name": "Nickname", "json_path": "$.data[2].Nickname"},
            },
        ],
    }


def test_partial_failure_writes_the_success_only(run: Run) -> None:
    s = run.seeded
    assert run.sdk("get_a")["Description"] == "checked"
    for name, code in (("after_partial_b", "LC-OKAFOR"), ("after_partial_c", None)):
        lead = run.sdk(name)
        assert (lead["Lead_Code"], lead["Designation"]) == (code, None), name
        assert lead["Modified_Time"] == lead["Created_Time"], name  # the failed item did not touch the record
    # The unique value stays with its holder.
    with http(run.server) as client:
        listed = client.get(
            "/crm/v5/Leads", params={"fields": "Lead_Code", "ids": ",".join(s.leads), "sort_order": "asc"}
        )
    assert listed.json()["data"] == [
        {"Lead_Code": LEAD_CODE, "id": s.leads[0]},
        {"Lead_Code": "LC-OKAFOR", "id": s.leads[1]},
        {"Lead_Code": None, "id": s.leads[2]},
    ]


# -- 4. If-Unmodified-Since ----------------------------------------------------------------------------------------


def test_stale_if_unmodified_since_gives_already_modified(run: Run) -> None:
    s = run.seeded
    entry = call(run.report, "stale")
    assert (entry["method"], entry["path"]) == ("PUT", f"/crm/v5/Leads/{s.leads[0]}")
    assert entry["if_unmodified_since"] == STALE
    assert entry["status"] == 412
    current = run.raw("get_a")["data"][0]  # the record as read just before
    assert entry["response"] == {
        "data": [
            {
                "code": "ALREADY_MODIFIED",
                "details": {
                    "Modified_Time": current["Modified_Time"],
                    "Created_Time": current["Created_Time"],
                    "id": s.leads[0],
                    "Modified_By": {"name": ADMIN_NAME, "id": s.admin},
                    "Created_By": {"name": ADMIN_NAME, "id": s.admin},
                },
                "message": ALREADY_MODIFIED,
                "status": "error",
            }
        ]
    }
    # The SDK keeps only the detail keys it knows: here the id.
    assert run.report["stale"] == {
        "status_code": 412,
        "object": "ActionWrapper",
        "data": [
            {
                "kind": "APIException",
                "code": "ALREADY_MODIFIED",
                "status": "error",
                "message": ALREADY_MODIFIED,
                "details": {"id": int(s.leads[0])},
            }
        ],
    }
    after = run.sdk("after_stale")
    assert after["Designation"] is None
    assert after["Modified_Time"] == run.sdk("get_a")["Modified_Time"]


def test_if_unmodified_since_at_the_modified_time_updates(run: Run) -> None:
    s = run.seeded
    entry = call(run.report, "fresh")
    assert (entry["method"], entry["path"]) == ("PUT", "/crm/v5/Leads")
    header = run.report["fresh_header"]
    assert entry["if_unmodified_since"] == header
    assert header.endswith("-03:00")  # the SDK's datetime in the client's zone, sent as given
    assert instant(header) == instant(run.raw("get_a")["data"][0]["Modified_Time"])
    assert entry["status"] == 200
    assert [(i["code"], i["details"]["id"]) for i in entry["response"]["data"]] == [
        ("SUCCESS", s.leads[0]),
        ("SUCCESS", s.leads[1]),
    ]
    assert [item["kind"] for item in run.report["fresh"]["data"]] == ["SuccessResponse", "SuccessResponse"]
    assert run.sdk("get_lead_a")["Designation"] == "Fresh"
    assert run.sdk("get_lead_b")["Designation"] == "Fresh"
    assert run.sdk("get_lead_c")["Designation"] is None


def test_final_lead_state_over_raw_http(run: Run) -> None:
    s = run.seeded
    wanted = ("First_Name", "Last_Name", "Annual_Revenue", "Lead_Source", "No_of_Employees", "Description", "Designation", "Lead_Code")  # fmt: skip
    expected = [
        ("Ann", "Daly", 2500.25, "Partner", 7, "checked", "Fresh", LEAD_CODE),
        (None, "Okafor", None, None, None, None, "Fresh", "LC-OKAFOR"),
        (None, "Nakamura", None, None, None, None, None, None),
    ]
    with http(run.server) as client:
        for lead_id, values in zip(s.leads, expected, strict=True):
            got = client.get(f"/crm/v5/Leads/{lead_id}")
            assert got.status_code == 200
            record = got.json()["data"][0]
            assert tuple(record[k] for k in wanted) == values, lead_id
