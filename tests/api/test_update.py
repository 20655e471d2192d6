"""PUT /crm/v5/{module} and PUT /crm/v5/{module}/{id} (behaviour §2, §3, §4): addressing, statuses, the success
entry, trigger, If-Unmodified-Since, record states and per-item atomicity. Field values, $append_values and
unique fields are in test_update_fields.py; subforms, links, uploads and module rules in test_update_rows.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import Api, FakeClock, sql
from tests.known_files import known_files
from zcrm.app import create_app
from zcrm.settings import Settings

INVALID = "invalid data"
BAD_ID = "the id given seems to be invalid"
BAD_FIELD = "the field api name given seems to be invalid"
REQUIRED = "required field not found"
UPDATED = "record updated"
TOO_MANY = "count of records in your request exceeds the limit"
NOT_APPROVED = "Cannot update record that is not approved yet"
LOCKED = "You cannot perform this operation as the record is locked."
ALREADY = "record updated time has already passed if-unmodified-since time"
TRIGGERS = ["workflow", "approval", "blueprint", "pathfinder", "orchestration"]
APPLY_FEATURES = [
    "layout_rules",
    "range_validation",
    "assignment_rules",
    "function_validation_rule",
    "criteria_validation_rule",
    "global_map_dependency",
    "territory_subordinates",
]
BASE = "http://127.0.0.1:8000"
T0 = 1_714_628_853  # 2024-05-02T05:47:33Z, 11:17:33 in the admin's Asia/Kolkata
PRIYA = "priya.raman@zylker.test"
ARJUN = "arjun.mehta@zylker.test"


# -- helpers shared by the test_update_*.py files ----------------------------------------------------------


def err(code: str, details: dict[str, Any], message: str) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def bad_id(index: int = 0) -> dict[str, Any]:
    return err("INVALID_DATA", {"api_name": "id", "json_path": f"$.data[{index}].id"}, BAD_ID)


PATH_BAD_ID = {"data": [err("INVALID_DATA", {"resource_path_index": 1}, BAD_ID)]}


def put(
    api: Api, module: str, *items: Any, headers: dict[str, str] | None = None, **extra: Any
) -> httpx.Response:
    return api.put(f"/crm/v5/{module}", {"data": list(items), **extra}, headers=headers or {})


def one(api: Api, module: str, item: dict[str, Any], **extra: Any) -> tuple[int, dict[str, Any]]:
    """A bulk update of one item: the status and its entry."""
    response = put(api, module, item, **extra)
    body = response.json()
    assert len(body["data"]) == 1, body
    return response.status_code, body["data"][0]


def ok(api: Api, module: str, *items: Any, **extra: Any) -> list[dict[str, Any]]:
    """A bulk update in which every item must succeed."""
    response = put(api, module, *items, **extra)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert len(data) == len(items) and all(entry["code"] == "SUCCESS" for entry in data), data
    return list(data)


def read(api: Api, module: str, record_id: str) -> dict[str, Any]:
    response = api.get(f"/crm/v5/{module}/{record_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["data"][0])


def user_id(api: Api, email: str) -> str:
    users = api.get("/crm/v5/users", params={"type": "AllUsers"}).json()["users"]
    return str(next(u["id"] for u in users if u["email"] == email))


def token_for(api: Api, email: str, scopes: str = "ZohoCRM.modules.ALL") -> dict[str, str]:
    """Authorization headers for another user of the org (issued directly by the OAuth server)."""
    uid = user_id(api, email)
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        token = state.oauth.issue_access_token(
            conn, None, api.creds.client_id, api.creds.org_id, uid, scopes, state.clock.now()
        )
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def set_state(api: Api, module: str, record_id: str, **body: Any) -> httpx.Response:
    return api.put(f"/__zcrm/records/{module}/{record_id}/state", body)


def changes(api: Api, record_id: str) -> list[tuple[str, list[str], dict[str, Any]]]:
    """The change events stored for a record: (operation, triggers, changed), oldest first."""
    rows = sql(
        api,
        "SELECT operation, triggers, changed FROM changes WHERE record_id = :id ORDER BY id",
        {"id": record_id},
    )
    return [(op, json.loads(triggers), json.loads(changed)) for op, triggers, changed in rows]


def lead(api: Api, last_name: str = "Daly", **fields: Any) -> str:
    [record_id] = api.insert("Leads", {"Last_Name": last_name, "Company": "Zylker", **fields})
    return record_id


def ist(epoch: int) -> str:
    """An instant as rendered for the admin (Asia/Kolkata)."""
    zone = dt.timezone(dt.timedelta(hours=5, minutes=30))
    return dt.datetime.fromtimestamp(epoch, zone).isoformat()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def timed(settings: Settings, clock: FakeClock) -> Iterator[Api]:
    """The default org on a server whose clock the test moves by hand."""
    app = create_app(settings, clock)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


# -- the documentation's sample --------------------------------------------------------------------------


def test_doc_sample_request_applies_every_effect(api: Api) -> None:
    known_files(api, "old-image", "2cxx2fa")
    sea, hill = api.insert("Listings", {"Name": "Sea view"}, {"Name": "Hill top"})
    priya, arjun = user_id(api, PRIYA), user_id(api, ARJUN)
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "v4",
            "Stage": "Qualification",
            "Closing_Date": "2024-06-01",
            "Foreign_Languages": ["French", "Korean"],
            "Image_Upload": [{"File_Id__s": "old-image"}],
            "Listings": [{"Interested_Listings": {"id": sea}}],
            "AssociatedUser": [{"User": {"id": priya}}],
        },
    )
    before = read(api, "Deals", deal)
    image_row = before["Image_Upload"][0]["id"]
    listing_row = before["Listings"][0]["id"]
    user_row = before["AssociatedUser"][0]["id"]
    sample = {
        "data": [
            {
                "id": deal,
                "Deal_Name": "v5 Update",
                "Stage": "Closed Won",
                "Pipeline": "Standard (Standard)",
                "Foreign_Languages": ["English", "German"],
                "$append_values": {"Foreign_Languages": False},
                "Image_Upload": [{"File_Id__s": "2cxx2fa"}, {"id": image_row, "_delete": None}],
                "Listings": [{"Interested_Listings": {"id": hill}}, {"id": listing_row, "_delete": None}],
                "AssociatedUser": [
                    {"User": {"name": "J Smith", "id": arjun}},
                    {"id": user_row, "_delete": None},
                ],
            }
        ]
    }
    response = api.put("/crm/v5/Deals", sample)
    assert response.status_code == 200, response.text
    [entry] = response.json()["data"]
    assert entry["code"] == "SUCCESS" and entry["message"] == UPDATED and entry["status"] == "success"
    assert entry["details"]["id"] == deal
    got = read(api, "Deals", deal)
    assert got["Deal_Name"] == "v5 Update"
    assert got["Stage"] == "Closed Won"
    assert got["Pipeline"] == "Standard (Standard)"
    assert got["Closing_Date"] == "2024-06-01"
    assert got["Foreign_Languages"] == ["English", "German"]
    assert [row["File_Id__s"] for row in got["Image_Upload"]] == ["2cxx2fa"]
    assert got["Image_Upload"][0]["id"] != image_row
    assert [row["Interested_Listings"] for row in got["Listings"]] == [{"name": "Hill top", "id": hill}]
    assert got["Listings"][0]["id"] != listing_row
    assert [row["User"]["id"] for row in got["AssociatedUser"]] == [arjun]
    assert got["AssociatedUser"][0]["id"] != user_row
    # the connected records themselves are untouched
    assert read(api, "Listings", sea)["Name"] == "Sea view"


def test_the_behaviour_bulk_example_sent_as_the_sdk_sends_it(api: Api) -> None:
    first, second = lead(api, "One"), lead(api, "Two")
    content = (
        (
            '{"data":[{"id":FIRST,"Last_Name":"Daly"},{"id":SECOND,"Nickname":"x"},{"Last_Name":"no id here"}],'
            '"trigger":["workflow"]}'
        )
        .replace("FIRST", first)
        .replace("SECOND", second)
    )
    response = api.client.put(f"{BASE}/crm/v5/Leads", content=content.encode(), headers=api.headers)
    assert response.status_code == 207
    data = response.json()["data"]
    assert data[0]["code"] == "SUCCESS" and data[0]["details"]["id"] == first
    assert data[1] == err(
        "INVALID_DATA", {"api_name": "Nickname", "json_path": "$.data[1].Nickname"}, BAD_FIELD
    )
    assert data[2] == err("MANDATORY_NOT_FOUND", {"api_name": "id", "json_path": "$.data[2].id"}, REQUIRED)
    assert read(api, "Leads", first)["Last_Name"] == "Daly"
    assert read(api, "Leads", second)["Last_Name"] == "Two"
    # only the last two: 400 with the same two entries
    response = put(api, "Leads", {"id": second, "Nickname": "x"}, {"Last_Name": "no id here"})
    assert response.status_code == 400
    assert response.json() == {
        "data": [
            err("INVALID_DATA", {"api_name": "Nickname", "json_path": "$.data[0].Nickname"}, BAD_FIELD),
            err("MANDATORY_NOT_FOUND", {"api_name": "id", "json_path": "$.data[1].id"}, REQUIRED),
        ]
    }


# -- bulk form: ids, count, statuses, order ------------------------------------------------------------------


def test_numeric_id_literals_and_string_ids(api: Api) -> None:
    first, second = lead(api, "One"), lead(api, "Two")
    assert len(first) == 19
    content = '{"data":[{"id":FIRST,"First_Name":"Num"},{"id":"SECOND","First_Name":"Str"}]}'
    content = content.replace("FIRST", first).replace("SECOND", second)
    response = api.put("/crm/v5/Leads", content=content)
    assert response.status_code == 200, response.text
    assert [e["details"]["id"] for e in response.json()["data"]] == [first, second]
    assert read(api, "Leads", first)["First_Name"] == "Num"
    assert read(api, "Leads", second)["First_Name"] == "Str"


@pytest.mark.parametrize(
    "content_type", [None, "application/json", "text/plain", "application/x-www-form-urlencoded"]
)
def test_body_is_json_whatever_the_content_type(api: Api, content_type: str | None) -> None:
    record = lead(api)
    headers = {**api.headers, **({"Content-Type": content_type} if content_type else {})}
    body = json.dumps({"data": [{"id": record, "First_Name": "Ann"}]}).encode()
    response = api.client.put(f"{BASE}/crm/v5/Leads", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert read(api, "Leads", record)["First_Name"] == "Ann"


def test_item_without_id(api: Api) -> None:
    record = lead(api)
    response = put(api, "Leads", {"id": record, "First_Name": "A"}, {"First_Name": "B"})
    assert response.status_code == 207
    assert response.json()["data"][1] == err(
        "MANDATORY_NOT_FOUND", {"api_name": "id", "json_path": "$.data[1].id"}, REQUIRED
    )


@pytest.mark.parametrize(
    "raw_id",
    [
        '"abc"',
        '" 12"',
        '"12 "',
        '""',
        '"+12"',
        '"-12"',
        '"1.0"',
        '"12345678901234567890"',
        '"9223372036854775808"',
        '"0"',
        "0",
        "-5",
        "1.5",
        "4876876000000100053.0",
        "9223372036854775808",
        "true",
        '{"id":"4876876000000100053"}',
        '["4876876000000100053"]',
    ],
)
def test_malformed_item_id(api: Api, raw_id: str) -> None:
    record = lead(api)
    content = '{"data":[{"id":"RECORD","First_Name":"A"},{"id":RAW,"First_Name":"B"}]}'
    content = content.replace("RECORD", record).replace("RAW", raw_id)
    response = api.put("/crm/v5/Leads", content=content)
    assert response.status_code == 207, response.text
    data = response.json()["data"]
    assert data[0]["code"] == "SUCCESS"
    assert data[1] == bad_id(1)
    assert read(api, "Leads", record)["First_Name"] == "A"


def test_unknown_ids_and_ids_of_other_modules(api: Api) -> None:
    record = lead(api)
    [account] = api.insert("Accounts", {"Account_Name": "Zylker"})
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "d",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Competitors": [{"Competitor_Name": "Acme"}],
        },
    )
    row = read(api, "Deals", deal)["Competitors"][0]["id"]
    response = put(
        api,
        "Leads",
        {"id": "1234567890123456789", "First_Name": "x"},
        {"id": account, "First_Name": "x"},
        {"id": int(record) + 10_000, "First_Name": "x"},
        {"id": deal, "First_Name": "x"},
    )
    assert response.status_code == 400
    assert response.json() == {"data": [bad_id(0), bad_id(1), bad_id(2), bad_id(3)]}
    # a subform row is not a record of the parent module
    status, entry = one(api, "Deals", {"id": row, "Deal_Name": "row"})
    assert status == 400 and entry == bad_id(0)
    assert read(api, "Accounts", account)["Account_Name"] == "Zylker"


def test_deleted_records_are_unknown(api: Api) -> None:
    record, kept = lead(api, "Gone"), lead(api, "Kept")
    assert api.delete(f"/crm/v5/Leads/{record}").status_code == 200
    response = put(api, "Leads", {"id": kept, "First_Name": "x"}, {"id": record, "First_Name": "x"})
    assert response.status_code == 207
    assert response.json()["data"][1] == bad_id(1)
    response = api.put(f"/crm/v5/Leads/{record}", {"data": [{"First_Name": "x"}]})
    assert response.status_code == 400
    assert response.json() == PATH_BAD_ID
    assert api.get(f"/crm/v5/Leads/{record}").status_code == 204


def test_request_checks_come_in_order(api: Api) -> None:
    record = lead(api, "Orig")
    bad_trigger = err(
        "INVALID_DATA",
        {"api_name": "trigger", "json_path": "$.trigger", "supported_values": TRIGGERS},
        INVALID,
    )
    response = api.put("/crm/v5/Nope", {"data": "x"})
    assert response.status_code == 400
    assert response.json() == err(
        "INVALID_MODULE", {"resource_path_index": 0}, "the module name given seems to be invalid"
    )
    response = api.put("/crm/v5/Leads", {"data": [], "trigger": "x"})
    assert response.json() == {
        "code": "MANDATORY_NOT_FOUND",
        "details": {"api_name": "data", "json_path": "$.data"},
        "message": "required field not found",
        "status": "error",
    }
    response = api.put("/crm/v5/Leads", {"data": [{"id": record}] * 101, "trigger": "x"})
    assert response.json()["data"][0] == {
        "code": "LIMIT_EXCEEDED",
        "details": {"maximum_length": 100, "api_name": "data"},
        "message": "count of records in your request exceeds the limit",
        "status": "error",
    }
    response = api.put(
        "/crm/v5/Leads",
        {
            "data": [{"id": record, "Last_Name": "x"}],
            "trigger": "x",
            "skip_feature_execution": [{"name": "y"}],
        },
    )
    assert (response.status_code, response.json()) == (400, bad_trigger)
    response = api.put(f"/crm/v5/Leads/{record}", {"data": [{}, {}], "trigger": "x"})
    assert response.json()["data"][0]["details"] == {"maximum_length": 1, "api_name": "data"}
    response = api.put(
        "/crm/v5/Leads", {"data": [{"id": record, "Last_Name": "x"}]}, headers={"Authorization": "Bearer x"}
    )
    assert response.status_code == 401
    assert read(api, "Leads", record)["Last_Name"] == "Orig"


def test_item_that_is_not_an_object(api: Api) -> None:
    record = lead(api)
    response = put(api, "Leads", {"id": record, "First_Name": "A"}, "text", [record], None, 5)
    assert response.status_code == 207
    data = response.json()["data"]
    for index in range(1, 5):
        assert data[index] == err(
            "INVALID_DATA",
            {"expected_data_type": "jsonobject", "api_name": "data", "json_path": f"$.data[{index}]"},
            INVALID,
        )


def test_one_hundred_records_in_one_request(api: Api) -> None:
    ids = api.insert("Leads", *({"Last_Name": f"L{i:03d}", "Company": "Z"} for i in range(100)))
    response = put(api, "Leads", *({"id": rid, "Last_Name": f"N{i:03d}"} for i, rid in enumerate(ids)))
    assert response.status_code == 200
    data = response.json()["data"]
    assert [e["details"]["id"] for e in data] == ids
    assert all(e["code"] == "SUCCESS" and e["message"] == UPDATED for e in data)
    listed = api.get("/crm/v5/Leads", params={"fields": "Last_Name", "sort_order": "asc"}).json()["data"]
    assert [r["Last_Name"] for r in listed] == [f"N{i:03d}" for i in range(100)]


def test_more_than_100_records_writes_nothing(api: Api) -> None:
    ids = api.insert("Leads", *({"Last_Name": f"L{i:03d}", "Company": "Z"} for i in range(100)))
    items = [{"id": rid, "Last_Name": "changed"} for rid in ids] + [{"id": ids[0], "Last_Name": "changed"}]
    response = put(api, "Leads", *items)
    assert response.status_code == 400
    assert response.json() == {
        "data": [err("LIMIT_EXCEEDED", {"maximum_length": 100, "api_name": "data"}, TOO_MANY)]
    }
    listed = api.get("/crm/v5/Leads", params={"fields": "Last_Name"}).json()["data"]
    assert sorted(r["Last_Name"] for r in listed) == [f"L{i:03d}" for i in range(100)]
    assert [op for op, _, _ in changes(api, ids[0])] == ["insert"]


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({}, 400, err("MANDATORY_NOT_FOUND", {"api_name": "data", "json_path": "$.data"}, REQUIRED)),
        (
            {"data": []},
            400,
            err("MANDATORY_NOT_FOUND", {"api_name": "data", "json_path": "$.data"}, REQUIRED),
        ),
        (
            {"data": None},
            400,
            err("MANDATORY_NOT_FOUND", {"api_name": "data", "json_path": "$.data"}, REQUIRED),
        ),
        (
            {"data": {"id": "1"}},
            400,
            err(
                "INVALID_DATA",
                {"expected_data_type": "jsonarray", "api_name": "data", "json_path": "$.data"},
                INVALID,
            ),
        ),
        ([{"id": "1"}], 400, err("INVALID_DATA", {}, "body")),
    ],
)
def test_request_level_body_errors(api: Api, body: Any, status: int, expected: dict[str, Any]) -> None:
    record = lead(api)
    for path in ("/crm/v5/Leads", f"/crm/v5/Leads/{record}"):
        response = api.put(path, body)
        assert response.status_code == status
        assert response.json() == expected


@pytest.mark.parametrize("content", [b"", b"not json", b'{"data":[', b'"text"'])
def test_unparseable_body(api: Api, content: bytes) -> None:
    response = api.put("/crm/v5/Leads", content=content)
    assert response.status_code == 400
    assert response.json() == err("INVALID_DATA", {}, "body")


def test_results_follow_input_order_and_statuses(api: Api) -> None:
    a, b, c = lead(api, "A"), lead(api, "B"), lead(api, "C")
    response = put(
        api, "Leads", {"id": c, "First_Name": "c"}, {"id": a, "First_Name": "a"}, {"id": b, "First_Name": "b"}
    )
    assert response.status_code == 200
    assert [e["details"]["id"] for e in response.json()["data"]] == [c, a, b]
    response = put(api, "Leads", {"id": b, "Email": "bad"}, {"id": a, "First_Name": "a2"})
    assert response.status_code == 207
    assert [e["status"] for e in response.json()["data"]] == ["error", "success"]
    response = put(api, "Leads", {"id": b, "Email": "bad"}, {"id": a, "Last_Name": None})
    assert response.status_code == 400
    assert response.json() == {
        "data": [
            err(
                "INVALID_DATA",
                {"expected_data_type": "email", "api_name": "Email", "json_path": "$.data[0].Email"},
                INVALID,
            ),
            err(
                "MANDATORY_NOT_FOUND", {"api_name": "Last_Name", "json_path": "$.data[1].Last_Name"}, REQUIRED
            ),
        ]
    }
    assert read(api, "Leads", a)["First_Name"] == "a2"
    assert read(api, "Leads", b)["Email"] is None


def test_same_id_twice_is_processed_twice(api: Api) -> None:
    record = lead(api, "Orig", First_Name="F")
    data = ok(
        api,
        "Leads",
        {"id": record, "Last_Name": "First", "Designation": "CTO"},
        {"id": record, "Last_Name": "Second"},
    )
    assert [e["details"]["id"] for e in data] == [record, record]
    got = read(api, "Leads", record)
    assert (got["Last_Name"], got["Designation"], got["First_Name"]) == ("Second", "CTO", "F")
    update_changes = [changed for op, _, changed in changes(api, record) if op == "update"]
    assert update_changes == [
        {"Last_Name": ["Orig", "First"], "Designation": [None, "CTO"]},
        {"Last_Name": ["First", "Second"]},
    ]


def test_same_id_twice_later_item_sees_the_earlier_one(api: Api) -> None:
    [listing] = api.insert("Listings", {"Name": "Sea view"})
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "d",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Foreign_Languages": ["French"],
        },
    )
    response = put(
        api,
        "Deals",
        {"id": deal, "Foreign_Languages": ["German"], "$append_values": {"Foreign_Languages": True}},
        {"id": deal, "Foreign_Languages": ["Hindi"], "$append_values": {"Foreign_Languages": True}},
        {"id": deal, "Listings": [{"Interested_Listings": {"id": listing}}]},
        {"id": deal, "Listings": [{"Interested_Listings": {"id": listing}}]},
    )
    assert response.status_code == 207
    data = response.json()["data"]
    assert [e["status"] for e in data] == ["success", "success", "success", "error"]
    got = read(api, "Deals", deal)
    assert got["Foreign_Languages"] == ["French", "German", "Hindi"]
    [link] = got["Listings"]
    assert data[3] == err(
        "DUPLICATE_LINKING_DATA",
        {"api_name": "Listings", "json_path": "$.data[3].Listings[0]", "id": link["id"]},
        "duplicate association",
    )


def test_a_failed_item_does_not_block_a_later_item_on_the_same_record(api: Api) -> None:
    record = lead(api, "Orig")
    response = put(
        api,
        "Leads",
        {"id": record, "Last_Name": "Changed", "Email": "bad"},
        {"id": record, "First_Name": "Kept"},
    )
    assert response.status_code == 207
    got = read(api, "Leads", record)
    assert (got["Last_Name"], got["First_Name"]) == ("Orig", "Kept")


# -- path form ------------------------------------------------------------------------------------------


def test_path_form_updates_the_path_record(api: Api) -> None:
    record = lead(api)
    response = api.put(
        f"/crm/v5/Leads/{record}",
        {"data": [{"First_Name": "Ann", "Lead_Source": "Chat"}], "trigger": []},
    )
    assert response.status_code == 200
    [entry] = response.json()["data"]
    assert entry["code"] == "SUCCESS" and entry["details"]["id"] == record
    got = read(api, "Leads", record)
    assert (got["First_Name"], got["Lead_Source"]) == ("Ann", "Chat")


def test_path_id_wins_over_a_body_id(api: Api) -> None:
    target, other = lead(api, "Target"), lead(api, "Other")
    for body_id in (other, "1234567890123456789", "not-an-id"):
        response = api.put(
            f"/crm/v5/Leads/{target}", {"data": [{"id": body_id, "First_Name": f"via {body_id}"}]}
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"][0]["details"]["id"] == target
        assert read(api, "Leads", target)["First_Name"] == f"via {body_id}"
    assert read(api, "Leads", other)["First_Name"] is None


def test_path_form_module_name_is_case_insensitive(api: Api) -> None:
    record = lead(api)
    response = api.put(f"/crm/v5/leads/{record}", {"data": [{"First_Name": "Ann"}]})
    assert response.status_code == 200
    assert read(api, "Leads", record)["First_Name"] == "Ann"


@pytest.mark.parametrize(
    "path_id",
    ["abc", "0", "12345678901234567890", "9223372036854775808", "1234567890123456789", "12a", "-5"],
)
def test_path_form_malformed_or_unknown_id(api: Api, path_id: str) -> None:
    response = api.put(f"/crm/v5/Leads/{path_id}", {"data": [{"First_Name": "Ann"}]})
    assert response.status_code == 400
    assert response.json() == PATH_BAD_ID


def test_path_form_id_of_another_module(api: Api) -> None:
    [account] = api.insert("Accounts", {"Account_Name": "Zylker"})
    response = api.put(f"/crm/v5/Leads/{account}", {"data": [{"First_Name": "Ann"}]})
    assert response.status_code == 400
    assert response.json() == PATH_BAD_ID
    assert read(api, "Accounts", account)["Account_Name"] == "Zylker"


def test_path_form_with_more_than_one_item(api: Api) -> None:
    record = lead(api, "Orig")
    response = api.put(f"/crm/v5/Leads/{record}", {"data": [{"Last_Name": "A"}, {"Last_Name": "B"}]})
    assert response.status_code == 400
    assert response.json() == {
        "data": [err("LIMIT_EXCEEDED", {"maximum_length": 1, "api_name": "data"}, TOO_MANY)]
    }
    assert read(api, "Leads", record)["Last_Name"] == "Orig"


def test_path_form_errors_use_data_0(api: Api) -> None:
    record = lead(api)
    response = api.put(f"/crm/v5/Leads/{record}", {"data": [{"Email": "bad"}]})
    assert response.status_code == 400
    assert response.json() == {
        "data": [
            err(
                "INVALID_DATA",
                {"expected_data_type": "email", "api_name": "Email", "json_path": "$.data[0].Email"},
                INVALID,
            )
        ]
    }
    response = api.put(f"/crm/v5/Leads/{record}", {"data": ["text"]})
    assert response.status_code == 400
    assert response.json()["data"] == [
        err(
            "INVALID_DATA",
            {"expected_data_type": "jsonobject", "api_name": "data", "json_path": "$.data[0]"},
            INVALID,
        )
    ]


def test_path_form_item_not_an_object_is_checked_before_the_path_id(api: Api) -> None:
    """§3.4: step 1 (the item is an object) comes before step 2 (the id)."""
    response = api.put("/crm/v5/Leads/1234567890123456789", {"data": ["text"]})
    assert response.status_code == 400
    assert response.json()["data"] == [
        err(
            "INVALID_DATA",
            {"expected_data_type": "jsonobject", "api_name": "data", "json_path": "$.data[0]"},
            INVALID,
        )
    ]


# -- the success entry and the audit fields ------------------------------------------------------------------


def test_success_entry_shape_and_audit_fields(timed: Api, clock: FakeClock) -> None:
    api = timed
    priya = {"name": "Priya Raman", "id": api.creds.user_id}
    record = lead(api, "Daly")
    clock.current = T0 + 60
    response = put(api, "Leads", {"id": record, "Last_Name": "Daly"})  # no value changes
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    [entry] = response.json()["data"]
    assert entry == {
        "code": "SUCCESS",
        "details": {
            "Modified_Time": "2024-05-02T11:18:33+05:30",
            "Modified_By": priya,
            "Created_Time": "2024-05-02T11:17:33+05:30",
            "id": record,
            "Created_By": priya,
            "$approval_state": "approved",
        },
        "message": UPDATED,
        "status": "success",
    }
    assert list(entry) == ["code", "details", "message", "status"]
    assert list(entry["details"]) == [
        "Modified_Time",
        "Modified_By",
        "Created_Time",
        "id",
        "Created_By",
        "$approval_state",
    ]
    got = read(api, "Leads", record)
    assert got["Modified_Time"] == "2024-05-02T11:18:33+05:30"
    assert got["Created_Time"] == "2024-05-02T11:17:33+05:30"
    # an item with nothing but its id still touches the record; another user becomes Modified_By
    clock.current = T0 + 120
    arjun = token_for(api, ARJUN)
    response = put(api, "Leads", {"id": record}, headers=arjun)
    assert response.status_code == 200, response.text
    details = response.json()["data"][0]["details"]
    arjun_ref = {"name": "Arjun Mehta", "id": user_id(api, ARJUN)}
    assert details["Modified_By"] == arjun_ref
    assert details["Created_By"] == priya
    # Arjun's zone is Asia/Kolkata too
    assert details["Modified_Time"] == "2024-05-02T11:19:33+05:30"
    got = read(api, "Leads", record)
    assert got["Modified_By"] == arjun_ref and got["Created_By"] == priya
    assert got["Modified_Time"] == "2024-05-02T11:19:33+05:30"
    assert got["Created_Time"] == "2024-05-02T11:17:33+05:30"
    assert got["Last_Name"] == "Daly"


def test_modified_time_is_visible_to_if_modified_since_lists(timed: Api, clock: FakeClock) -> None:
    api = timed
    first, second = lead(api, "A"), lead(api, "B")
    clock.current = T0 + 30
    ok(api, "Leads", {"id": second})
    listed = api.get(
        "/crm/v5/Leads", params={"fields": "Last_Name"}, headers={"If-Modified-Since": ist(T0 + 10)}
    )
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["data"]] == [second]
    assert first not in [r["id"] for r in listed.json()["data"]]


# -- scopes and permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        ("ZohoCRM.modules.leads.UPDATE", True),
        ("ZohoCRM.modules.leads.WRITE", True),
        ("ZohoCRM.modules.leads.ALL", True),
        ("zohocrm.modules.leads.update", True),
        ("ZohoCRM.modules.leads.READ", False),
        ("ZohoCRM.modules.leads.CREATE", False),
        ("ZohoCRM.modules.deals.UPDATE", False),
    ],
)
def test_update_scopes(api: Api, scopes: str, allowed: bool) -> None:
    record = lead(api)
    headers = token_for(api, PRIYA, scopes)
    for path, body in (
        ("/crm/v5/Leads", {"data": [{"id": record, "First_Name": "Ann"}]}),
        (f"/crm/v5/Leads/{record}", {"data": [{"First_Name": "Ann"}]}),
    ):
        response = api.client.put(f"{BASE}{path}", content=json.dumps(body), headers=headers)
        if allowed:
            assert response.status_code == 200, response.text
        else:
            assert response.status_code == 401
            assert response.json() == err(
                "OAUTH_SCOPE_MISMATCH", {}, "invalid oauth scope to access this URL"
            )
    assert read(api, "Leads", record)["First_Name"] == ("Ann" if allowed else None)


def test_profile_without_edit_permission(specimens: Api) -> None:
    [record] = specimens.insert("Specimens", {"Name": "a", "Code": "c"})
    headers = token_for(specimens, "vic@specimen.test")
    response = specimens.client.put(
        f"{BASE}/crm/v5/Specimens",
        content=json.dumps({"data": [{"id": record, "Name": "b"}]}),
        headers=headers,
    )
    assert response.status_code == 403
    assert response.json() == err(
        "NO_PERMISSION", {"permissions": ["Crm_Implied_Edit_Specimens"]}, "Permission denied to update"
    )
    assert read(specimens, "Specimens", record)["Name"] == "a"


# -- trigger and feature execution -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "stored"),
    [
        ({}, sorted(TRIGGERS)),
        ({"trigger": []}, []),
        ({"trigger": ["workflow"]}, ["workflow"]),
        ({"trigger": ["workflow", "workflow"]}, ["workflow"]),
        ({"trigger": ["orchestration", "approval", "blueprint"]}, ["approval", "blueprint", "orchestration"]),
        ({"trigger": TRIGGERS}, sorted(TRIGGERS)),
    ],
)
def test_effective_trigger_set_is_stored_with_the_change(
    api: Api, extra: dict[str, Any], stored: list[str]
) -> None:
    record = lead(api, "Old")
    response = put(api, "Leads", {"id": record, "Last_Name": "New"}, **extra)
    assert response.status_code == 200
    assert changes(api, record)[-1] == ("update", stored, {"Last_Name": ["Old", "New"]})


def test_path_form_stores_the_trigger_set_too(api: Api) -> None:
    record = lead(api, "Old")
    response = api.put(f"/crm/v5/Leads/{record}", {"data": [{"Last_Name": "New"}], "trigger": ["pathfinder"]})
    assert response.status_code == 200
    assert changes(api, record)[-1] == ("update", ["pathfinder"], {"Last_Name": ["Old", "New"]})


def test_failed_items_record_no_change(api: Api) -> None:
    good, bad = lead(api, "Good"), lead(api, "Bad")
    response = put(
        api, "Leads", {"id": good, "Last_Name": "G2"}, {"id": bad, "Last_Name": "B2", "Email": "x"}
    )
    assert response.status_code == 207
    assert [op for op, _, _ in changes(api, good)] == ["insert", "update"]
    assert [op for op, _, _ in changes(api, bad)] == ["insert"]


@pytest.mark.parametrize(
    "trigger",
    ["workflow", None, {}, [1], ["Workflow"], ["workflow", "bogus"], [["workflow"]], [None], True],
)
def test_malformed_trigger(api: Api, trigger: Any) -> None:
    record = lead(api, "Orig")
    for path, item in (
        ("/crm/v5/Leads", {"id": record, "Last_Name": "x"}),
        (f"/crm/v5/Leads/{record}", {"Last_Name": "x"}),
    ):
        response = api.put(path, {"data": [item], "trigger": trigger})
        assert response.status_code == 400
        assert response.json() == err(
            "INVALID_DATA",
            {"api_name": "trigger", "json_path": "$.trigger", "supported_values": TRIGGERS},
            INVALID,
        )
    assert read(api, "Leads", record)["Last_Name"] == "Orig"


def test_feature_execution_keys(api: Api) -> None:
    record = lead(api, "Orig")
    ok(
        api,
        "Leads",
        {"id": record, "Last_Name": "A"},
        skip_feature_execution=[{"name": "cadences"}],
        apply_feature_execution=[{"name": name} for name in APPLY_FEATURES],
        process=["review_process"],
        wf_trigger=False,
        lar_id="123",
        duplicate_check_fields=["Email"],
        some_unknown_key={"x": 1},
    )
    assert read(api, "Leads", record)["Last_Name"] == "A"


@pytest.mark.parametrize(
    ("key", "value", "index", "supported"),
    [
        ("skip_feature_execution", [{"name": "workflow"}], 0, ["cadences"]),
        ("skip_feature_execution", [{"name": "cadences"}, {"name": "Cadences"}], 1, ["cadences"]),
        ("skip_feature_execution", [{"nom": "cadences"}], 0, ["cadences"]),
        ("skip_feature_execution", ["cadences"], 0, ["cadences"]),
        ("apply_feature_execution", [{"name": "cadences"}], 0, APPLY_FEATURES),
        ("apply_feature_execution", [{"name": "layout_rules"}, {"name": 5}], 1, APPLY_FEATURES),
    ],
)
def test_bad_feature_execution_name(api: Api, key: str, value: Any, index: int, supported: list[str]) -> None:
    record = lead(api, "Orig")
    response = put(api, "Leads", {"id": record, "Last_Name": "x"}, **{key: value})
    assert response.status_code == 400
    assert response.json() == err(
        "INVALID_DATA",
        {"api_name": "name", "json_path": f"$.{key}[{index}].name", "supported_values": supported},
        INVALID,
    )
    assert read(api, "Leads", record)["Last_Name"] == "Orig"


# -- If-Unmodified-Since -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "2024-05-02T11:17:33+05:30",
        "2024-05-02T05:47:33+00:00",
        "2024-05-02T05:47:33Z",
        "2024-05-02T01:47:33-04:00",
        "Thu, 02 May 2024 05:47:33 GMT",
        "2024-05-02T11:18:00+05:30",
        "Thu, 02 May 2024 05:50:00 GMT",
    ],
)
def test_if_unmodified_since_not_later_than_the_header(timed: Api, clock: FakeClock, header: str) -> None:
    api = timed
    record = lead(api, "Orig")
    clock.current = T0 + 600
    response = put(api, "Leads", {"id": record, "Last_Name": "Bulk"}, headers={"If-Unmodified-Since": header})
    assert response.status_code == 200, response.text
    assert read(api, "Leads", record)["Last_Name"] == "Bulk"
    clock.current = T0 + 700  # the record was modified at T0 + 600; the path form still sees the same header
    response = api.put(
        f"/crm/v5/Leads/{record}", {"data": [{"Last_Name": "Path"}]}, headers={"If-Unmodified-Since": header}
    )
    assert response.status_code == 412
    assert response.json()["data"][0]["details"]["Modified_Time"] == ist(T0 + 600)


@pytest.mark.parametrize(
    "header",
    [
        "2024-05-02T11:17:32+05:30",
        "2024-05-02T05:47:32Z",
        "Thu, 02 May 2024 05:47:32 GMT",
        "2024-05-01T23:00:00+00:00",
    ],
)
def test_if_unmodified_since_earlier_than_the_record(timed: Api, clock: FakeClock, header: str) -> None:
    api = timed
    record = lead(api, "Orig")
    clock.current = T0 + 600
    priya = {"name": "Priya Raman", "id": api.creds.user_id}
    expected = err(
        "ALREADY_MODIFIED",
        {
            "Modified_Time": "2024-05-02T11:17:33+05:30",
            "Created_Time": "2024-05-02T11:17:33+05:30",
            "id": record,
            "Modified_By": priya,
            "Created_By": priya,
        },
        ALREADY,
    )
    response = put(api, "Leads", {"id": record, "Last_Name": "x"}, headers={"If-Unmodified-Since": header})
    assert response.status_code == 412
    assert response.json() == {"data": [expected]}
    assert list(response.json()["data"][0]["details"]) == [
        "Modified_Time",
        "Created_Time",
        "id",
        "Modified_By",
        "Created_By",
    ]
    response = api.put(
        f"/crm/v5/Leads/{record}", {"data": [{"Last_Name": "x"}]}, headers={"If-Unmodified-Since": header}
    )
    assert response.status_code == 412
    assert response.json() == {"data": [expected]}
    got = read(api, "Leads", record)
    assert got["Last_Name"] == "Orig" and got["Modified_Time"] == "2024-05-02T11:17:33+05:30"


def test_already_modified_shows_the_current_audit_values(timed: Api, clock: FakeClock) -> None:
    api = timed
    record = lead(api, "Orig")
    clock.current = T0 + 100
    ok(api, "Leads", {"id": record, "First_Name": "By Arjun"}, headers=token_for(api, ARJUN))
    clock.current = T0 + 200
    response = put(
        api,
        "Leads",
        {"id": record, "Last_Name": "x"},
        headers={"If-Unmodified-Since": "2024-05-02T11:18:00+05:30"},
    )
    assert response.status_code == 412
    assert response.json()["data"][0]["details"] == {
        "Modified_Time": "2024-05-02T11:19:13+05:30",
        "Created_Time": "2024-05-02T11:17:33+05:30",
        "id": record,
        "Modified_By": {"name": "Arjun Mehta", "id": user_id(api, ARJUN)},
        "Created_By": {"name": "Priya Raman", "id": api.creds.user_id},
    }


def test_if_unmodified_since_per_record_statuses(timed: Api, clock: FakeClock) -> None:
    api = timed
    old = lead(api, "Old")
    clock.current = T0 + 100
    new = lead(api, "New")
    clock.current = T0 + 200
    header = {"If-Unmodified-Since": ist(T0 + 50)}
    response = put(
        api, "Leads", {"id": old, "Last_Name": "old2"}, {"id": new, "Last_Name": "new2"}, headers=header
    )
    assert response.status_code == 207
    data = response.json()["data"]
    assert data[0]["code"] == "SUCCESS"
    priya = {"name": "Priya Raman", "id": api.creds.user_id}
    audit = {
        "Modified_Time": ist(T0 + 100),
        "Created_Time": ist(T0 + 100),
        "id": new,
        "Modified_By": priya,
        "Created_By": priya,
    }
    assert data[1] == err("ALREADY_MODIFIED", audit, ALREADY)
    # every item fails, not all with ALREADY_MODIFIED: 400
    response = put(api, "Leads", {"id": new, "Last_Name": "x"}, {"Last_Name": "no id"}, headers=header)
    assert response.status_code == 400
    assert response.json()["data"] == [
        err("ALREADY_MODIFIED", audit, ALREADY),
        err(
            "MANDATORY_NOT_FOUND", {"api_name": "id", "json_path": "$.data[1].id"}, "required field not found"
        ),
    ]
    # the first item's write makes the record newer than the header for a second item on it
    clock.current = T0 + 300
    response = put(
        api,
        "Leads",
        {"id": old, "First_Name": "once"},
        {"id": old, "First_Name": "twice"},
        headers={"If-Unmodified-Since": ist(T0 + 250)},
    )
    assert response.status_code == 207
    assert [e["code"] for e in response.json()["data"]] == ["SUCCESS", "ALREADY_MODIFIED"]
    assert response.json()["data"][1]["details"]["Modified_Time"] == ist(T0 + 300)
    assert read(api, "Leads", old)["First_Name"] == "once"
    assert read(api, "Leads", new)["Last_Name"] == "New"


def test_if_unmodified_since_is_checked_after_id_and_state_and_before_fields(
    timed: Api, clock: FakeClock
) -> None:
    api = timed
    record = lead(api, "Orig")
    clock.current = T0 + 100
    header = {"If-Unmodified-Since": ist(T0 - 100)}
    status, entry = one(api, "Leads", {"id": record, "Nickname": "x", "Last_Name": None}, headers=header)
    priya = {"name": "Priya Raman", "id": api.creds.user_id}
    audit = {
        "Modified_Time": ist(T0),
        "Created_Time": ist(T0),
        "id": record,
        "Modified_By": priya,
        "Created_By": priya,
    }
    assert (status, entry) == (412, err("ALREADY_MODIFIED", audit, ALREADY))
    status, entry = one(api, "Leads", {"id": "1234567890123456789", "Last_Name": "x"}, headers=header)
    assert (status, entry) == (400, bad_id(0))
    assert set_state(api, "Leads", record, lock_state="record_locking").status_code == 200
    status, entry = one(api, "Leads", {"id": record, "Last_Name": "x"}, headers=header)
    assert (status, entry) == (400, err("RECORD_LOCKED", {"id": record, "action": "record_locking"}, LOCKED))


@pytest.mark.parametrize(
    "header",
    [
        "yesterday",
        "",
        "2024-05-02T05:47:33",
        "2024-05-02 05:47:33+00:00",
        "2024-05-02T05:47:33.123+00:00",
        "2024-05-02",
        "1714628853",
        "Thu, 02 May 2024 25:47:33 GMT",
    ],
)
def test_unparseable_if_unmodified_since(api: Api, header: str) -> None:
    record = lead(api, "Orig")
    expected = err(
        "UNABLE_TO_PARSE_DATA_TYPE",
        {"param_name": "If-Unmodified-Since"},
        "either the request body or parameters is in wrong format",
    )
    for path, item in (
        ("/crm/v5/Leads", {"id": record, "Last_Name": "x"}),
        (f"/crm/v5/Leads/{record}", {"Last_Name": "x"}),
    ):
        response = api.put(path, {"data": [item]}, headers={"If-Unmodified-Since": header})
        assert response.status_code == 400, header
        assert response.json() == expected
    assert read(api, "Leads", record)["Last_Name"] == "Orig"


# -- record states ------------------------------------------------------------------------------------------


STATES = [
    ({"approval_state": "approval_process_pending"}, "NOT_APPROVED", NOT_APPROVED, None),
    ({"lock_state": "zia_vision_processing"}, "RECORD_LOCKED", NOT_APPROVED, "zia_vision_processing"),
    ({"lock_state": "merge"}, "RECORD_LOCKED", NOT_APPROVED, "merge"),
    ({"lock_state": "record_locking"}, "RECORD_LOCKED", LOCKED, "record_locking"),
    ({"lock_state": "zia_vision_rejected"}, "NOT_APPROVED", NOT_APPROVED, None),
]


def test_review_state_blocks_with_not_reviewed(api: Api) -> None:
    record = lead(api, "Orig")
    assert set_state(api, "Leads", record, approval_state="review_process_pending").status_code == 200
    expected = {"code": "NOT_REVIEWED", "details": {}, "message": "record in review", "status": "error"}
    assert one(api, "Leads", {"id": record, "Last_Name": "x"}) == (400, expected)
    # checked after the Zia and merge locks and pending approval, before record locking
    assert set_state(api, "Leads", record, lock_state="record_locking").status_code == 200
    assert one(api, "Leads", {"id": record, "Last_Name": "x"}) == (400, expected)
    assert set_state(api, "Leads", record, lock_state="merge").status_code == 200
    assert one(api, "Leads", {"id": record, "Last_Name": "x"}) == (
        400,
        err("RECORD_LOCKED", {"id": record, "action": "merge"}, NOT_APPROVED),
    )
    assert read(api, "Leads", record)["Last_Name"] == "Orig"


@pytest.mark.parametrize(("state", "code", "message", "action"), STATES)
def test_record_states_block_updates(
    api: Api, state: dict[str, Any], code: str, message: str, action: str | None
) -> None:
    record, free = lead(api, "Orig"), lead(api, "Free")
    assert set_state(api, "Leads", record, **state).status_code == 200
    details: dict[str, Any] = {"id": record} if action is None else {"id": record, "action": action}
    expected = err(code, details, message)
    status, entry = one(api, "Leads", {"id": record, "Last_Name": "x", "Lead_Code": "LC"})
    assert (status, entry) == (400, expected)
    response = api.put(f"/crm/v5/Leads/{record}", {"data": [{"Last_Name": "x"}]})
    assert response.status_code == 400
    assert response.json() == {"data": [expected]}
    response = put(api, "Leads", {"id": free, "Last_Name": "Free2"}, {"id": record, "Last_Name": "x"})
    assert response.status_code == 207
    assert response.json()["data"][1] == expected
    assert read(api, "Leads", record)["Last_Name"] == "Orig"
    assert [op for op, _, _ in changes(api, record)] == ["insert"]
    # the unique value the blocked item asked for was not taken
    ok(api, "Leads", {"id": free, "Lead_Code": "lc"})


@pytest.mark.parametrize(
    ("state", "code", "action"),
    [
        (
            {"lock_state": "zia_vision_processing", "approval_state": "approval_process_pending"},
            "RECORD_LOCKED",
            "zia_vision_processing",
        ),
        ({"lock_state": "merge", "approval_state": "approval_process_pending"}, "RECORD_LOCKED", "merge"),
        (
            {"lock_state": "record_locking", "approval_state": "approval_process_pending"},
            "NOT_APPROVED",
            None,
        ),
    ],
)
def test_record_state_check_order(api: Api, state: dict[str, Any], code: str, action: str | None) -> None:
    record = lead(api)
    assert set_state(api, "Leads", record, **state).status_code == 200
    _, entry = one(api, "Leads", {"id": record, "Last_Name": "x"})
    assert entry["code"] == code
    assert entry["details"].get("action") == action


@pytest.mark.parametrize(("state", "code", "message", "action"), STATES)
def test_record_state_comes_before_field_errors(
    api: Api, state: dict[str, Any], code: str, message: str, action: str | None
) -> None:
    record = lead(api)
    assert set_state(api, "Leads", record, **state).status_code == 200
    _, entry = one(
        api, "Leads", {"id": record, "Nickname": "x", "Email": "bad", "Last_Name": None, "Owner": {"id": "1"}}
    )
    details = {"id": record} if action is None else {"id": record, "action": action}
    assert entry == err(code, details, message)
    # but not before a missing or unknown id
    _, entry = one(api, "Leads", {"Last_Name": "x"})
    assert entry == {
        "code": "MANDATORY_NOT_FOUND",
        "details": {"api_name": "id", "json_path": "$.data[0].id"},
        "message": "required field not found",
        "status": "error",
    }


def test_clearing_states_allows_updates_again(api: Api) -> None:
    record = lead(api, "Orig")
    response = set_state(api, "Leads", record, approval_state="approval_process_pending", lock_state="merge")
    assert response.status_code == 200
    assert response.json() == {
        "id": record,
        "approval_state": "approval_process_pending",
        "lock_state": "merge",
    }
    response = set_state(api, "Leads", record, approval_state="approved", lock_state=None)
    assert response.json() == {"id": record, "approval_state": "approved", "lock_state": None}
    ok(api, "Leads", {"id": record, "Last_Name": "Now"})
    assert read(api, "Leads", record)["Last_Name"] == "Now"


@pytest.mark.parametrize(
    ("state", "approval", "locked_for_me", "in_merge"),
    [
        ({"approval_state": "approval_process_pending"}, "approval_process_pending", None, False),
        ({"lock_state": "zia_vision_processing"}, "zia_vision_processing", None, None),
        ({"lock_state": "merge"}, "merge_in_progress", None, True),
        ({"lock_state": "record_locking"}, "approved", True, False),
    ],
)
def test_state_endpoint_answer_and_get_annotations(
    api: Api, state: dict[str, Any], approval: str, locked_for_me: bool | None, in_merge: bool | None
) -> None:
    record = lead(api)
    response = set_state(api, "Leads", record, **state)
    assert response.status_code == 200
    assert response.json() == {
        "id": record,
        "approval_state": state.get("approval_state", "approved"),
        "lock_state": state.get("lock_state"),
    }
    got = read(api, "Leads", record)
    assert got["$approval_state"] == approval
    if locked_for_me is not None:
        assert got["$locked_for_me"] is locked_for_me
    if in_merge is not None:
        assert got["$in_merge"] is in_merge


def test_state_endpoint_is_for_administrators_only(api: Api) -> None:
    record = lead(api, "Orig")
    headers = token_for(api, ARJUN)
    response = api.client.put(
        f"{BASE}/__zcrm/records/Leads/{record}/state",
        content=json.dumps({"lock_state": "record_locking"}),
        headers=headers,
    )
    assert response.status_code == 403
    body = response.json()
    assert (body["code"], body["details"], body["status"]) == (
        "NO_PERMISSION",
        {"permissions": ["administrator"]},
        "error",
    )
    # nothing was set: Arjun (Standard profile, may edit Leads) can still update it
    status, entry = one(api, "Leads", {"id": record, "Last_Name": "x"}, headers=headers)
    assert (status, entry["code"]) == (200, "SUCCESS")


def test_state_endpoint_errors(api: Api) -> None:
    record = lead(api)
    [account] = api.insert("Accounts", {"Account_Name": "Zylker"})
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "d",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Competitors": [{"Rank": 1}],
        },
    )
    row = read(api, "Deals", deal)["Competitors"][0]["id"]
    assert set_state(api, "Deals", row, lock_state="merge").status_code == 400
    for bad in ("1234567890123456789", "abc", account):
        response = set_state(api, "Leads", bad, lock_state="merge")
        assert response.status_code == 400
        assert response.json() == err("INVALID_DATA", {"resource_path_index": 3}, BAD_ID)
    response = set_state(api, "Leads", record, lock_state="frozen")
    assert response.status_code == 400
    body = response.json()
    assert body == {
        "code": "INVALID_DATA",
        "details": {
            "api_name": "lock_state",
            "supported_values": [
                None,
                "zia_vision_processing",
                "zia_vision_rejected",
                "merge",
                "record_locking",
            ],
        },
        "message": "invalid data",
        "status": "error",
    }
    assert body["details"]["supported_values"] == [
        None,
        "zia_vision_processing",
        "zia_vision_rejected",
        "merge",
        "record_locking",
    ]
    response = set_state(api, "Leads", record, approval_state="rejected")
    assert response.status_code == 400
    assert response.json()["details"]["supported_values"] == [
        "approved",
        "approval_process_pending",
        "approval_process_rejected",
        "review_process_pending",
        "review_process_rejected",
    ]
    assert read(api, "Leads", record)["$approval_state"] == "approved"


# -- atomicity per item ---------------------------------------------------------------------------------


def test_a_failed_item_changes_nothing_while_others_succeed(api: Api) -> None:
    a = lead(api, "A", Lead_Code="CODE-A", Email="a@x.test")
    b = lead(api, "B", Lead_Code="CODE-B", Email="b@x.test")
    c = lead(api, "C")
    before_b = read(api, "Leads", b)
    response = put(
        api,
        "Leads",
        {"id": a, "Last_Name": "A2"},
        # valid changes first, then an error: none of them may be applied
        {
            "id": b,
            "Last_Name": "B2",
            "Lead_Code": "CODE-NEW",
            "Owner": {"id": user_id(api, ARJUN)},
            "Phone": "call me",
        },
        {"id": c, "Lead_Code": "code-new"},
    )
    assert response.status_code == 207
    data = response.json()["data"]
    assert [e["status"] for e in data] == ["success", "error", "success"]
    assert data[1] == err(
        "INVALID_DATA",
        {"expected_data_type": "phone", "api_name": "Phone", "json_path": "$.data[1].Phone"},
        INVALID,
    )
    after_b = read(api, "Leads", b)
    assert after_b == before_b
    assert read(api, "Leads", a)["Last_Name"] == "A2"
    assert read(api, "Leads", c)["Lead_Code"] == "code-new"
    # B still holds its old code, and C (not B) holds the new one
    _, entry = one(api, "Leads", {"id": a, "Lead_Code": "code-b"})
    assert entry == lead_code_taken(api, b)
    _, entry = one(api, "Leads", {"id": a, "Lead_Code": "CODE-NEW"})
    assert entry == lead_code_taken(api, c)


def lead_code_taken(api: Api, holder: str) -> dict[str, Any]:
    """The DUPLICATE_DATA of an update's Lead_Code that ``holder`` (Priya's) holds."""
    module = api.get("/crm/v5/settings/modules/Leads").json()["modules"][0]
    owner = {"name": "Priya Raman", "id": api.creds.user_id, "zuid": api.creds.user_id}
    return err(
        "DUPLICATE_DATA",
        {
            "api_name": "Lead_Code",
            "json_path": "$.data[0].Lead_Code",
            "id": holder,
            "duplicate_record": {
                "Owner": owner,
                "module": {"api_name": "Leads", "id": module["id"]},
                "id": holder,
            },
            "more_records": False,
        },
        "duplicate data",
    )


def test_all_failed_writes_nothing(api: Api) -> None:
    a, b = lead(api, "A"), lead(api, "B")
    before = [read(api, "Leads", a), read(api, "Leads", b)]
    response = put(
        api, "Leads", {"id": a, "Last_Name": "x", "Bogus": 1}, {"id": b, "First_Name": "y", "Last_Name": ""}
    )
    assert response.status_code == 400
    assert [read(api, "Leads", a), read(api, "Leads", b)] == before
