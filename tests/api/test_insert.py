"""POST /crm/v5/{module}: per-record validation, results in input order, statuses, stored state."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.known_files import known_files

INVALID = "invalid data"
BAD_ID = "the id given seems to be invalid"


def entry(code: str, details: dict[str, Any], message: str) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def one(api: Api, module: str, record: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = api.post(f"/crm/v5/{module}", {"data": [record]})
    return response.status_code, response.json()["data"][0]


def read(api: Api, module: str, record_id: str) -> dict[str, Any]:
    response = api.get(f"/crm/v5/{module}/{record_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["data"][0])


def test_success_entry_has_the_audit_details_and_201(api: Api) -> None:
    response = api.post("/crm/v5/Leads", {"data": [{"Last_Name": "Daly", "Company": "Zylker"}]})
    assert response.status_code == 201
    [item] = response.json()["data"]
    assert item["code"] == "SUCCESS" and item["message"] == "record added" and item["status"] == "success"
    details = item["details"]
    assert list(details) == [
        "Modified_Time",
        "Modified_By",
        "Created_Time",
        "id",
        "Created_By",
        "$approval_state",
    ]
    assert details["Created_By"] == {"name": "Priya Raman", "id": api.creds.user_id}
    assert details["Modified_By"] == details["Created_By"]
    assert details["$approval_state"] == "approved"
    assert details["Created_Time"].endswith("+05:30")  # the admin's zone is Asia/Kolkata
    assert len(details["id"]) == 19 and details["id"].isdigit()
    assert details["id"].startswith(api.creds.org_id[:7])


def test_results_follow_input_order_and_mixed_gives_207(api: Api) -> None:
    response = api.post(
        "/crm/v5/Leads",
        {"data": [{"Company": "no last name"}, {"Last_Name": "Ok", "Company": "Z"}, {"Nickname": "x"}]},
    )
    assert response.status_code == 207
    data = response.json()["data"]
    assert data[0] == entry(
        "MANDATORY_NOT_FOUND",
        {"api_name": "Last_Name", "json_path": "$.data[0].Last_Name"},
        "required field not found",
    )
    assert data[1]["code"] == "SUCCESS"
    assert data[2] == entry(
        "INVALID_DATA",
        {"api_name": "Nickname", "json_path": "$.data[2].Nickname"},
        "the field api name given seems to be invalid",
    )
    listed = api.get("/crm/v5/Leads", params={"fields": "Last_Name"}).json()["data"]
    assert [r["Last_Name"] for r in listed] == ["Ok"]


def test_all_failed_gives_400_and_writes_nothing(api: Api) -> None:
    response = api.post("/crm/v5/Leads", {"data": [{"Company": "x"}, "not an object"]})
    assert response.status_code == 400
    data = response.json()["data"]
    assert data[1] == entry(
        "INVALID_DATA",
        {"expected_data_type": "jsonobject", "api_name": "data", "json_path": "$.data[1]"},
        INVALID,
    )
    assert api.get("/crm/v5/Leads", params={"fields": "Last_Name"}).status_code == 204


def test_layout_required_field_is_mandatory_on_insert(api: Api) -> None:
    status, item = one(api, "Leads", {"Last_Name": "Daly"})
    assert status == 400
    assert item == entry(
        "MANDATORY_NOT_FOUND",
        {"api_name": "Company", "json_path": "$.data[0].Company"},
        "required field not found",
    )


@pytest.mark.parametrize("value", [None, "", []])
def test_empty_mandatory_value(api: Api, value: Any) -> None:
    _, item = one(api, "Deals", {"Deal_Name": value, "Stage": "Qualification", "Closing_Date": "2024-01-01"})
    assert item == entry(
        "MANDATORY_NOT_FOUND",
        {"api_name": "Deal_Name", "json_path": "$.data[0].Deal_Name"},
        "required field not found",
    )
    assert api.get("/crm/v5/Deals", params={"fields": "Deal_Name"}).status_code == 204  # nothing stored


@pytest.mark.parametrize(
    ("field", "value", "details"),
    [
        ("Name", "x" * 21, {"maximum_length": 20}),
        ("Name", True, {"expected_data_type": "text"}),
        ("Notes_Text", "x" * 2001, {"maximum_length": 2000}),
        ("Rich", 5, {"expected_data_type": "textarea"}),
        ("Email", "not-an-email", {"expected_data_type": "email"}),
        ("Phone", "call me", {"expected_data_type": "phone"}),
        ("Colour", 3, {"expected_data_type": "picklist"}),
        ("Tags_Multi", "A", {"expected_data_type": "multiselectpicklist"}),
        ("Count", 1.5, {"expected_data_type": "integer"}),
        ("Count", 1234567890, {"maximum_length": 9}),
        ("Big", "12x", {"expected_data_type": "bigint"}),
        ("Ratio", "abc", {"expected_data_type": "double"}),
        ("Ratio", 12345678901234567.0, {"maximum_length": 16}),
        ("Share", [1], {"expected_data_type": "percent"}),
        ("Price", True, {"expected_data_type": "currency"}),
        ("Flag", "true", {"expected_data_type": "boolean"}),
        ("Day", "2024-02-30", {"expected_data_type": "date"}),
        ("Moment", "2024-05-02 11:17:33+05:30", {"expected_data_type": "datetime"}),
        ("Moment", "2024-05-02T11:17:33.123+05:30", {"expected_data_type": "datetime"}),
        ("Moment", "2024-05-02T11:17:33", {"expected_data_type": "datetime"}),
        ("Target", True, {"expected_data_type": "lookup"}),
        ("Reviewer", [1], {"expected_data_type": "userlookup"}),
    ],
)
def test_value_errors(specimens: Api, field: str, value: Any, details: dict[str, Any]) -> None:
    status, item = one(specimens, "Specimens", {"Name": "ok", "Code": "c", field: value})
    assert status == 400
    assert item == entry(
        "INVALID_DATA", {**details, "api_name": field, "json_path": f"$.data[0].{field}"}, INVALID
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Target", {"id": "1234567890123456789"}),
        ("Target", "abc"),
        ("Reviewer", {"id": "1"}),
        ("Owner", {"id": "5"}),
    ],
)
def test_unknown_related_ids(specimens: Api, field: str, value: Any) -> None:
    _, item = one(specimens, "Specimens", {"Name": "ok", "Code": "c", field: value})
    assert item == entry("INVALID_DATA", {"api_name": field, "json_path": f"$.data[0].{field}"}, BAD_ID)


def test_inactive_user_cannot_be_owner(specimens: Api) -> None:
    users = specimens.get("/crm/v5/users", params={"type": "DeactiveUsers"}).json()["users"]
    _, item = one(specimens, "Specimens", {"Name": "ok", "Code": "c", "Owner": {"id": users[0]["id"]}})
    assert item["details"] == {"api_name": "Owner", "json_path": "$.data[0].Owner"}


def test_lookup_to_a_record_of_another_module_is_invalid(specimens: Api) -> None:
    [other] = specimens.insert("Specimens", {"Name": "other", "Code": "o"})
    _, item = one(specimens, "Specimens", {"Name": "ok", "Code": "c", "Target": {"id": other}})
    assert item["message"] == BAD_ID


def test_first_error_in_key_order_wins(specimens: Api) -> None:
    _, item = one(specimens, "Specimens", {"Name": "ok", "Code": "c", "Target": {"id": "99"}, "Count": "x"})
    assert item["details"]["api_name"] == "Target"
    _, item = one(specimens, "Specimens", {"Name": "ok", "Code": "c", "Count": "x", "Target": {"id": "99"}})
    assert item["details"]["api_name"] == "Count"


def test_every_type_is_stored_and_read_back(specimens: Api) -> None:
    [target] = specimens.insert("Targets", {"Name": "T1"})
    reviewer = specimens.creds.user_id
    record = {
        "Name": "full",
        "Code": "C1",
        "Serial": "S1",
        "Notes_Text": "n",
        "Rich": "r" * 600,
        "Email": "a@b.co",
        "Phone": "+1 555 0100 x12",
        "Site": "https://example.test",
        "Colour": "Purple",
        "Tags_Multi": ["B", "A", "B"],
        "Count": "42",
        "Big": 123456789012345678,
        "Ratio": 1.005,
        "Share": "12.5",
        "Price": 2.005,
        "Flag": False,
        "Day": "2024-02-29",
        "Moment": "2024-05-02T05:47:33Z",
        "Target": {"id": int(target), "name": "ignored"},
        "Reviewer": reviewer,
        "Computed": 99,
        "Number": "mine",
        "Locked_Value": "ignored",
        "Tag": [{"name": "x"}],
        "$anything": 1,
        "Created_Time": "2020-01-01T00:00:00+00:00",
        "id": "1",
    }
    [record_id] = specimens.insert("Specimens", record)
    got = read(specimens, "Specimens", record_id)
    assert got["id"] == record_id
    expected = {
        "Name": "full",
        "Code": "C1",
        "Serial": "S1",
        "Notes_Text": "n",
        "Rich": "r" * 600,
        "Email": "a@b.co",
        "Phone": "+1 555 0100 x12",
        "Site": "https://example.test",
        "Colour": "Purple",
        "Tags_Multi": ["B", "A"],
        "Count": 42,
        "Big": "123456789012345678",
        "Ratio": 1.01,
        "Share": 12.5,
        "Price": 2.01,
        "Flag": False,
        "Day": "2024-02-29",
        "Moment": "2024-05-02T11:17:33+05:30",
        "Target": {"name": "T1", "id": target},
        "Reviewer": {"name": "Ada Admin", "id": reviewer, "email": "ada@specimen.test"},
        "Computed": None,
        "Number": "SP-100",
        "Locked_Value": None,
    }
    assert {k: got[k] for k in expected} == expected
    assert got["Created_Time"] != "2020-01-01T00:00:00+00:00"
    listed = specimens.get("/crm/v5/Specimens", params={"fields": "Rich,Number"}).json()["data"][0]
    assert listed == {"Rich": "r" * 500, "Number": "SP-100", "id": record_id}
    [second] = specimens.insert("Specimens", {"Name": "next", "Code": "C2"})
    assert read(specimens, "Specimens", second)["Number"] == "SP-101"


def test_unique_fields(specimens: Api) -> None:
    [first] = specimens.insert("Specimens", {"Name": "a", "Code": "AbC", "Serial": "Xy"})
    _, item = one(specimens, "Specimens", {"Name": "b", "Code": "abc"})
    owner = {"name": "Ada Admin", "id": specimens.creds.user_id, "zuid": specimens.creds.user_id}
    module = specimens.get("/crm/v5/settings/modules/Specimens").json()["modules"][0]

    def duplicate(api_name: str) -> dict[str, Any]:
        """The clash of ``api_name`` with the first record."""
        return entry(
            "DUPLICATE_DATA",
            {
                "api_name": api_name,
                "json_path": f"$.data[0].{api_name}",
                "id": first,
                "duplicate_record": {
                    "Owner": owner,
                    "module": {"api_name": "Specimens", "id": module["id"]},
                    "id": first,
                },
                "more_records": False,
            },
            "duplicate data",
        )

    assert item == entry(
        "DUPLICATE_DATA",
        {
            "api_name": "Code",
            "json_path": "$.data[0].Code",
            "id": first,
            "duplicate_record": {
                "Owner": owner,
                "module": {"api_name": "Specimens", "id": module["id"]},
                "id": first,
            },
            "more_records": False,
        },
        "duplicate data",
    )
    # case-sensitive unique field: other case is fine, same case clashes
    specimens.insert("Specimens", {"Name": "c", "Code": "other", "Serial": "xy"})
    _, item = one(specimens, "Specimens", {"Name": "d", "Code": "third", "Serial": "Xy"})
    assert item == duplicate("Serial")
    # two clashes at once
    _, item = one(specimens, "Specimens", {"Name": "e", "Code": "ABC", "Serial": "Xy"})
    assert item == entry(
        "MULTIPLE_OR_MULTI_ERRORS",
        {"errors": [duplicate("Code"), duplicate("Serial")]},
        "Multiple errors in the request",
    )
    names = [r["Name"] for r in specimens.get("/crm/v5/Specimens", params={"fields": "Name"}).json()["data"]]
    assert sorted(names) == ["a", "c"]  # only the records without a clash were stored


def test_unique_clash_inside_one_request(specimens: Api) -> None:
    response = specimens.post(
        "/crm/v5/Specimens", {"data": [{"Name": "a", "Code": "same"}, {"Name": "b", "Code": "SAME"}]}
    )
    assert response.status_code == 207
    first, second = response.json()["data"]
    holder = first["details"]["id"]
    module = specimens.get("/crm/v5/settings/modules/Specimens").json()["modules"][0]
    owner = {"name": "Ada Admin", "id": specimens.creds.user_id, "zuid": specimens.creds.user_id}
    assert second == entry(
        "DUPLICATE_DATA",
        {
            "api_name": "Code",
            "json_path": "$.data[1].Code",
            "id": holder,
            "duplicate_record": {
                "Owner": owner,
                "module": {"api_name": "Specimens", "id": module["id"]},
                "id": holder,
            },
            "more_records": False,
        },
        "duplicate data",
    )
    listed = specimens.get("/crm/v5/Specimens", params={"fields": "Name"}).json()["data"]
    assert [(r["id"], r["Name"]) for r in listed] == [(holder, "a")]


def test_deleting_frees_unique_values(specimens: Api) -> None:
    [record_id] = specimens.insert("Specimens", {"Name": "a", "Code": "free"})
    assert specimens.delete(f"/crm/v5/Specimens/{record_id}").status_code == 200
    specimens.insert("Specimens", {"Name": "b", "Code": "FREE"})


def test_rows_on_insert(specimens: Api) -> None:
    [target] = specimens.insert("Targets", {"Name": "T"})
    _, item = one(specimens, "Specimens", {"Name": "a", "Code": "c", "Parts": [{"Quantity": 1}]})
    assert item == entry(
        "MANDATORY_NOT_FOUND",
        {"api_name": "Part_Name", "json_path": "$.data[0].Parts[0].Part_Name"},
        "required field not found",
    )
    _, item = one(
        specimens, "Specimens", {"Name": "a", "Code": "c", "Parts": [{"Part_Name": "p", "Bogus": 1}]}
    )
    assert item == entry(
        "INVALID_DATA",
        {"api_name": "Bogus", "json_path": "$.data[0].Parts[0].Bogus"},
        "the field api name given seems to be invalid",
    )
    _, item = one(
        specimens, "Specimens", {"Name": "a", "Code": "c", "Parts": [{"Part_Name": "p", "Quantity": "x"}]}
    )
    assert item["details"] == {
        "expected_data_type": "integer",
        "api_name": "Quantity",
        "json_path": "$.data[0].Parts[0].Quantity",
    }
    _, item = one(
        specimens, "Specimens", {"Name": "a", "Code": "c", "Parts": [{"id": "1", "Part_Name": "p"}]}
    )
    assert item == entry("INVALID_DATA", {"api_name": "id", "json_path": "$.data[0].Parts[0].id"}, BAD_ID)
    _, item = one(
        specimens, "Specimens", {"Name": "a", "Code": "c", "Linked_Targets": [{"Target_Ref": {"id": "77"}}]}
    )
    assert item == entry(
        "INVALID_DATA",
        {"api_name": "Target_Ref", "json_path": "$.data[0].Linked_Targets[0].Target_Ref"},
        BAD_ID,
    )
    _, item = one(specimens, "Specimens", {"Name": "a", "Code": "c", "Watchers": [{"User": {"id": "77"}}]})
    assert item["details"] == {"api_name": "User", "json_path": "$.data[0].Watchers[0].User"}
    [record_id] = specimens.insert(
        "Specimens",
        {
            "Name": "a",
            "Code": "c",
            "Parts": [{"Part_Name": "p1", "Quantity": 1}, {"Part_Name": "p2"}],
            "Linked_Targets": [{"Target_Ref": {"id": target}}, {"Target_Ref": target}],
        },
    )
    got = read(specimens, "Specimens", record_id)
    assert [(p["Part_Name"], p["Quantity"]) for p in got["Parts"]] == [("p1", 1), ("p2", None)]
    assert all(p["Parent_Id"] == {"name": "a", "id": record_id} for p in got["Parts"])
    assert [link["Target_Ref"] for link in got["Linked_Targets"]] == [{"name": "T", "id": target}]
    assert got["Watchers"] == [] and got["Photos"] == []


def test_owner_and_layout_defaults_and_choices(api: Api) -> None:
    users = api.get("/crm/v5/users", params={"type": "ActiveUsers"}).json()["users"]
    arjun = next(u for u in users if u["email"] == "arjun.mehta@zylker.test")
    layouts = api.get("/crm/v5/settings/layouts", params={"module": "Leads"}).json()["layouts"]
    [lead_id] = api.insert("Leads", {"Last_Name": "A", "Company": "Z", "Owner": {"id": int(arjun["id"])}})
    got = read(api, "Leads", lead_id)
    assert got["Owner"] == {"name": "Arjun Mehta", "id": arjun["id"], "email": "arjun.mehta@zylker.test"}
    assert got["Layout"] == {"name": layouts[0]["name"], "id": layouts[0]["id"]}
    _, item = one(api, "Leads", {"Last_Name": "A", "Company": "Z", "Layout": {"id": "1234"}})
    assert item == entry("INVALID_DATA", {"api_name": "Layout", "json_path": "$.data[0].Layout"}, BAD_ID)
    _, item = one(api, "Leads", {"Last_Name": "A", "Company": "Z", "Owner": None})
    assert item == entry(
        "MANDATORY_NOT_FOUND",
        {"api_name": "Owner", "json_path": "$.data[0].Owner"},
        "required field not found",
    )


def test_update_doc_sample_fields_exist_on_deals(api: Api) -> None:
    known_files(api, "2cxx2fa")
    [listing] = api.insert("Listings", {"Name": "Sea view"})
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "v5 Update",
            "Stage": "Closed Won",
            "Pipeline": "Standard (Standard)",
            "Closing_Date": "2024-06-01",
            "Foreign_Languages": ["French", "Korean"],
            "Image_Upload": [{"File_Id__s": "2cxx2fa"}],
            "Listings": [{"Interested_Listings": {"id": listing}}],
            "AssociatedUser": [{"User": {"name": "J Smith", "id": api.creds.user_id}}],
            "Competitors": [{"Competitor_Name": "Acme", "Competitor_Price": 10, "Rank": 1}],
        },
    )
    got = read(api, "Deals", deal)
    assert got["Foreign_Languages"] == ["French", "Korean"]
    assert [r["File_Id__s"] for r in got["Image_Upload"]] == ["2cxx2fa"]
    assert got["Listings"][0]["Interested_Listings"] == {"name": "Sea view", "id": listing}
    assert got["AssociatedUser"][0]["User"]["id"] == api.creds.user_id
    assert (
        got["Competitors"][0]["Competitor_Name"] == "Acme"
        and got["Competitors"][0]["Competitor_Price"] == 10.0
    )


def test_events_participant_limit_and_calls_duration(api: Api) -> None:
    participants = [{"type": "email", "participant": f"p{i}@x.test"} for i in range(51)]
    _, item = one(
        api,
        "Events",
        {
            "Event_Title": "e",
            "Start_DateTime": "2024-01-01T10:00:00+00:00",
            "End_DateTime": "2024-01-01T11:00:00+00:00",
            "Participants": participants,
        },
    )
    assert item == entry(
        "LIMIT_EXCEEDED",
        {"api_name": "Participants", "json_path": "$.data[0].Participants", "limit": 50},
        "Only 50 participants can be added to an event.",
    )
    _, item = one(
        api,
        "Calls",
        {
            "Subject": "c",
            "Call_Type": "Outbound",
            "Call_Duration": "00:00",
            "Call_Start_Time": "2024-01-01T10:00:00+00:00",
        },
    )
    assert item == entry(
        "DEPENDENT_MISMATCH",
        {
            "dependee": {"api_name": "Call_Type", "json_path": "$.data[0].Call_Type"},
            "api_name": "Call_Duration",
            "json_path": "$.data[0].Call_Duration",
        },
        "Call Duration can not be zero.",
    )


def test_ids_accepted_as_numbers_beyond_2_53(api: Api) -> None:
    [account] = api.insert("Accounts", {"Account_Name": "Zylker"})
    content = '{"data":[{"Deal_Name":"d","Stage":"Qualification","Closing_Date":"2024-01-01","Account_Name":{"id":%s}}]}'
    response = api.post("/crm/v5/Deals", content=content % account)
    assert response.status_code == 201, response.text
    deal = response.json()["data"][0]["details"]["id"]
    assert read(api, "Deals", deal)["Account_Name"] == {"name": "Zylker", "id": account}


def test_a_datetime_before_standard_time_reads_back_with_a_whole_minute_offset(api: Api) -> None:
    """Found by the fuzzer: the default user's zone (Asia/Kolkata) was +05:21:10 in 1905, and the record read back
    `1905-12-31T23:59:59+05:21:10`, which zcrm itself refused when sent back. It reads `…23:59:49+05:21`, the same
    instant, and an update with that text keeps it."""
    [event] = api.insert(
        "Events",
        {
            "Event_Title": "Old",
            "Start_DateTime": "1905-12-31T18:38:49Z",
            "End_DateTime": "1906-01-01T00:00:00Z",
        },
    )
    record = api.get(f"/crm/v5/Events/{event}").json()["data"][0]
    assert record["Start_DateTime"] == "1905-12-31T23:59:49+05:21"
    updated = api.put(f"/crm/v5/Events/{event}", {"data": [{"Start_DateTime": record["Start_DateTime"]}]})
    assert updated.status_code == 200, updated.text
    assert (
        api.get(f"/crm/v5/Events/{event}").json()["data"][0]["Start_DateTime"] == "1905-12-31T23:59:49+05:21"
    )
