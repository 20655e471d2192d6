"""Update Records: field values (§3.5), ignored and unknown fields (§3.10), mandatory fields (§3.4 step 8),
$append_values (§3.7) and unique fields (§3.5, §4)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.test_update import (
    ARJUN,
    BAD_FIELD,
    BAD_ID,
    INVALID,
    REQUIRED,
    bad_id,
    err,
    lead,
    ok,
    one,
    put,
    read,
    user_id,
)
from tests.conftest import Api, sql
from tests.known_files import known_files

DUPLICATE = "duplicate data"


def specimen(api: Api, **fields: Any) -> str:
    [record_id] = api.insert("Specimens", {"Name": "spec", "Code": "c0", **fields})
    return record_id


def invalid(field: str, details: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return err(
        "INVALID_DATA", {**details, "api_name": field, "json_path": f"$.data[{index}].{field}"}, INVALID
    )


def without_audit(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("Modified_Time", "Modified_By")}


# -- value validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "details"),
    [
        ("Name", "x" * 21, {"maximum_length": 20}),
        ("Name", True, {"expected_data_type": "text"}),
        ("Name", {"a": 1}, {"expected_data_type": "text"}),
        ("Name", ["x"], {"expected_data_type": "text"}),
        ("Code", "x" * 11, {"maximum_length": 10}),
        ("Code", 12345678901, {"maximum_length": 10}),
        ("Notes_Text", "x" * 2001, {"maximum_length": 2000}),
        ("Rich", "x" * 50001, {"maximum_length": 50000}),
        ("Rich", 5, {"expected_data_type": "textarea"}),
        ("Email", "not-an-email", {"expected_data_type": "email"}),
        ("Email", "a b@c.co", {"expected_data_type": "email"}),
        ("Email", "a@b", {"expected_data_type": "email"}),
        ("Email", "@b.co", {"expected_data_type": "email"}),
        ("Email", "a@b@c.co", {"expected_data_type": "email"}),
        ("Email", 5, {"expected_data_type": "email"}),
        ("Email", "a" * 96 + "@b.co", {"maximum_length": 100}),
        ("Phone", "call me", {"expected_data_type": "phone"}),
        ("Phone", "---", {"expected_data_type": "phone"}),
        ("Phone", True, {"expected_data_type": "phone"}),
        ("Phone", "1" * 31, {"maximum_length": 30}),
        ("Site", 5, {"expected_data_type": "website"}),
        ("Site", "x" * 256, {"maximum_length": 255}),
        ("Colour", 3, {"expected_data_type": "picklist"}),
        ("Colour", ["Red"], {"expected_data_type": "picklist"}),
        ("Tags_Multi", "A", {"expected_data_type": "multiselectpicklist"}),
        ("Tags_Multi", ["A", 1], {"expected_data_type": "multiselectpicklist"}),
        ("Count", 1.5, {"expected_data_type": "integer"}),
        ("Count", "12a", {"expected_data_type": "integer"}),
        ("Count", True, {"expected_data_type": "integer"}),
        ("Count", 1234567890, {"maximum_length": 9}),
        ("Big", "12x", {"expected_data_type": "bigint"}),
        ("Big", 1.5, {"expected_data_type": "bigint"}),
        ("Big", 1234567890123456789, {"maximum_length": 18}),
        ("Ratio", "abc", {"expected_data_type": "double"}),
        ("Ratio", True, {"expected_data_type": "double"}),
        ("Ratio", 12345678901234567.0, {"maximum_length": 16}),
        ("Share", [1], {"expected_data_type": "percent"}),
        ("Share", "ten", {"expected_data_type": "percent"}),
        ("Price", True, {"expected_data_type": "currency"}),
        ("Price", {"amount": 1}, {"expected_data_type": "currency"}),
        ("Flag", "true", {"expected_data_type": "boolean"}),
        ("Flag", 1, {"expected_data_type": "boolean"}),
        ("Day", "2024-02-30", {"expected_data_type": "date"}),
        ("Day", "02-05-2024", {"expected_data_type": "date"}),
        ("Day", "2024-05-02T00:00:00+00:00", {"expected_data_type": "date"}),
        ("Day", 20240502, {"expected_data_type": "date"}),
        ("Moment", "2024-05-02 11:17:33+05:30", {"expected_data_type": "datetime"}),
        ("Moment", "2024-05-02T11:17:33.123+05:30", {"expected_data_type": "datetime"}),
        ("Moment", "2024-05-02T11:17:33", {"expected_data_type": "datetime"}),
        ("Moment", "2024-05-02", {"expected_data_type": "datetime"}),
        ("Moment", 1714628853, {"expected_data_type": "datetime"}),
        ("Target", True, {"expected_data_type": "lookup"}),
        ("Target", [1], {"expected_data_type": "lookup"}),
        ("Target", {"name": "T1"}, {"expected_data_type": "lookup"}),
        ("Reviewer", [1], {"expected_data_type": "userlookup"}),
        ("Reviewer", True, {"expected_data_type": "userlookup"}),
        ("Owner", False, {"expected_data_type": "ownerlookup"}),
        ("Layout", True, {"expected_data_type": "layout"}),
    ],
)
def test_value_errors(specimens: Api, field: str, value: Any, details: dict[str, Any]) -> None:
    record = specimen(specimens, Email="keep@x.co", Count=7)
    before = read(specimens, "Specimens", record)
    status, entry = one(specimens, "Specimens", {"id": record, "Notes_Text": "changed", field: value})
    assert status == 400
    assert entry == invalid(field, details)
    assert read(specimens, "Specimens", record) == before


def test_value_error_in_the_path_form_and_at_index_n(specimens: Api) -> None:
    first, second = specimen(specimens), specimen(specimens, Code="c1")
    response = specimens.put(f"/crm/v5/Specimens/{first}", {"data": [{"Count": "x"}]})
    assert response.status_code == 400
    assert response.json() == {"data": [invalid("Count", {"expected_data_type": "integer"})]}
    response = put(specimens, "Specimens", {"id": first, "Count": 1}, {"id": second, "Count": "x"})
    assert response.status_code == 207
    assert response.json()["data"][1] == invalid("Count", {"expected_data_type": "integer"}, index=1)


def test_every_type_is_updated_and_read_back(specimens: Api) -> None:
    t1, t2 = specimens.insert("Targets", {"Name": "T1"}, {"Name": "T2"})
    reviewer = specimens.creds.user_id
    record = specimen(
        specimens,
        Serial="S0",
        Email="old@x.co",
        Colour="Red",
        Tags_Multi=["A"],
        Count=1,
        Target={"id": t1},
        Flag=True,
    )
    ok(
        specimens,
        "Specimens",
        {
            "id": record,
            "Name": 12345,
            "Code": "C1",
            "Serial": "S1",
            "Notes_Text": "n",
            "Rich": "r" * 600,
            "Email": "a@b.co",
            "Phone": 5550100,
            "Site": "https://example.test",
            "Colour": "Purple",
            "Tags_Multi": ["C", "B", "C"],
            "Count": "42",
            "Big": 123456789012345678,
            "Ratio": "1.005",
            "Share": 12.5,
            "Price": "2.005",
            "Flag": False,
            "Day": "2024-02-29",
            "Moment": "2024-05-02T05:47:33Z",
            "Target": int(t2),
            "Reviewer": {"id": reviewer, "name": "ignored"},
        },
    )
    got = read(specimens, "Specimens", record)
    expected = {
        "Name": "12345",
        "Code": "C1",
        "Serial": "S1",
        "Notes_Text": "n",
        "Rich": "r" * 600,
        "Email": "a@b.co",
        "Phone": "5550100",
        "Site": "https://example.test",
        "Colour": "Purple",
        "Tags_Multi": ["C", "B"],
        "Count": 42,
        "Big": "123456789012345678",
        "Ratio": 1.01,
        "Share": 12.5,
        "Price": 2.01,
        "Flag": False,
        "Day": "2024-02-29",
        "Moment": "2024-05-02T11:17:33+05:30",
        "Target": {"name": "T2", "id": t2},
        "Reviewer": {"name": "Ada Admin", "id": reviewer, "email": "ada@specimen.test"},
        "Number": "SP-100",
    }
    assert {k: got[k] for k in expected} == expected


def test_null_clears_optional_fields_and_fields_not_mentioned_keep_their_values(specimens: Api) -> None:
    [target] = specimens.insert("Targets", {"Name": "T1"})
    record = specimen(
        specimens, Email="a@b.co", Count=3, Target={"id": target}, Serial="S", Flag=True, Colour="Red"
    )
    ok(specimens, "Specimens", {"id": record, "Email": None, "Count": None, "Target": None, "Serial": ""})
    got = read(specimens, "Specimens", record)
    assert (got["Email"], got["Count"], got["Target"], got["Serial"]) == (None, None, None, None)
    assert (got["Name"], got["Code"], got["Flag"], got["Colour"]) == ("spec", "c0", True, "Red")


def test_owner_and_layout_can_be_changed(api: Api) -> None:
    record = lead(api)
    arjun = user_id(api, ARJUN)
    layouts = api.get("/crm/v5/settings/layouts", params={"module": "Leads"}).json()["layouts"]
    ok(api, "Leads", {"id": record, "Owner": arjun, "Layout": {"id": int(layouts[0]["id"])}})
    got = read(api, "Leads", record)
    assert got["Owner"] == {"name": "Arjun Mehta", "id": arjun, "email": ARJUN}
    assert got["Layout"] == {"name": layouts[0]["name"], "id": layouts[0]["id"]}
    ok(api, "Leads", {"id": record, "Owner": {"id": api.creds.user_id, "name": "whatever"}})
    assert read(api, "Leads", record)["Owner"]["id"] == api.creds.user_id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Target", {"id": "1234567890123456789"}),
        ("Target", "1234567890123456789"),
        ("Target", "abc"),
        ("Target", {"id": "abc"}),
        ("Target", {"id": -1}),
        ("Reviewer", {"id": "1"}),
        ("Reviewer", "1234567890123456789"),
        ("Owner", {"id": "5"}),
        ("Owner", "1234567890123456789"),
        ("Layout", {"id": "1234"}),
    ],
)
def test_unknown_related_ids(specimens: Api, field: str, value: Any) -> None:
    record = specimen(specimens)
    before = read(specimens, "Specimens", record)
    status, entry = one(specimens, "Specimens", {"id": record, "Name": "changed", field: value})
    assert status == 400
    assert entry == err("INVALID_DATA", {"api_name": field, "json_path": f"$.data[0].{field}"}, BAD_ID)
    assert read(specimens, "Specimens", record) == before


def test_related_ids_of_the_wrong_kind(specimens: Api) -> None:
    record = specimen(specimens)
    other = specimen(specimens, Code="c1")
    inactive = next(
        u["id"]
        for u in specimens.get("/crm/v5/users", params={"type": "AllUsers"}).json()["users"]
        if u["email"] == "ina@specimen.test"
    )
    [gone] = specimens.insert("Targets", {"Name": "gone"})
    assert specimens.delete(f"/crm/v5/Targets/{gone}").status_code == 200
    targets_layout = specimens.get("/crm/v5/settings/layouts", params={"module": "Targets"}).json()[
        "layouts"
    ][0]
    for field, value in (
        ("Target", {"id": other}),  # a record, but not of the lookup's module
        ("Target", {"id": gone}),  # a deleted record
        ("Target", {"id": specimens.creds.user_id}),  # a user, not a record
        ("Reviewer", {"id": inactive}),
        ("Owner", {"id": inactive}),
        ("Reviewer", {"id": other}),  # a record, not a user
        ("Layout", {"id": targets_layout["id"]}),  # a layout of another module
    ):
        _, entry = one(specimens, "Specimens", {"id": record, field: value})
        assert entry == err("INVALID_DATA", {"api_name": field, "json_path": f"$.data[0].{field}"}, BAD_ID), (
            field
        )


def test_first_error_in_key_order_wins(specimens: Api) -> None:
    record = specimen(specimens)
    _, entry = one(specimens, "Specimens", {"id": record, "Target": {"id": "99"}, "Count": "x"})
    assert entry["details"]["api_name"] == "Target"
    _, entry = one(specimens, "Specimens", {"id": record, "Count": "x", "Target": {"id": "99"}})
    assert entry["details"]["api_name"] == "Count"
    _, entry = one(specimens, "Specimens", {"id": record, "Email": "bad", "Nope": 1})
    assert entry["details"]["api_name"] == "Email"
    _, entry = one(specimens, "Specimens", {"id": record, "Nope": 1, "Email": "bad"})
    assert entry["details"]["api_name"] == "Nope"


def test_key_errors_come_before_mandatory_fields(specimens: Api) -> None:
    record = specimen(specimens)
    _, entry = one(specimens, "Specimens", {"id": record, "Name": None, "Count": "x"})
    assert entry == invalid("Count", {"expected_data_type": "integer"})
    _, entry = one(specimens, "Specimens", {"id": record, "Name": None, "Target": {"id": "99"}})
    assert entry["details"] == {"api_name": "Target", "json_path": "$.data[0].Target"}
    _, entry = one(specimens, "Specimens", {"id": record, "Name": None, "Nope": 1})
    assert entry["message"] == BAD_FIELD


# -- unknown and ignored fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Nickname", "name", "CODE", "Parts_X", "Part_Name", "Target_Ref", "File_Id__s"]
)
def test_unknown_field_names(specimens: Api, name: str) -> None:
    record = specimen(specimens)
    status, entry = one(specimens, "Specimens", {"id": record, "Name": "changed", name: "x"})
    assert status == 400
    assert entry == err("INVALID_DATA", {"api_name": name, "json_path": f"$.data[0].{name}"}, BAD_FIELD)
    assert read(specimens, "Specimens", record)["Name"] == "spec"


def test_system_computed_and_read_only_fields_are_ignored(specimens: Api) -> None:
    record = specimen(specimens, Count=2)
    before = read(specimens, "Specimens", record)
    ok(
        specimens,
        "Specimens",
        {
            "id": record,
            "Name": "renamed",
            "Computed": 99,
            "Number": "mine",
            "Locked_Value": "ignored",
            "Created_Time": "2020-01-01T00:00:00+00:00",
            "Created_By": {"id": "1"},
            "Modified_Time": "2020-01-01T00:00:00+00:00",
            "Modified_By": {"id": "1"},
            "Tag": [{"name": "vip"}],
            "Locked__s": True,
            "Record_Status__s": "x",
            "Converted__s": True,
            "$approval_state": "rejected",
            "$editable": False,
            "$anything": {"deep": [1]},
        },
    )
    got = read(specimens, "Specimens", record)
    assert got["Name"] == "renamed"
    for key in ("Computed", "Number", "Locked_Value", "Created_Time", "Created_By", "Tag", "$approval_state"):
        assert got[key] == before[key], key
    assert got["Number"] == "SP-100"
    assert got["Modified_By"]["id"] == specimens.creds.user_id


def test_read_only_fields_of_the_default_org_are_ignored(api: Api) -> None:
    record = lead(api, "Daly", First_Name="Ann")
    ok(
        api,
        "Leads",
        {
            "id": record,
            "Full_Name": "Someone Else",
            "Last_Activity_Time": "2020-01-01T00:00:00+00:00",
            "Converted_Account": {"id": "1"},
            "Visitor_Score": "x",
            "Designation": "CTO",
        },
    )
    got = read(api, "Leads", record)
    assert got["Designation"] == "CTO"
    assert got["Full_Name"] in (None, "Ann Daly")
    assert got["Last_Activity_Time"] is None and got["Converted_Account"] is None


def test_a_get_response_sent_back_as_input(specimens: Api) -> None:
    known_files(specimens, "img-1")
    [target] = specimens.insert("Targets", {"Name": "T1"})
    record = specimen(
        specimens,
        Serial="S1",
        Email="a@b.co",
        Rich="r" * 600,
        Tags_Multi=["B", "A"],
        Count=3,
        Big=12,
        Ratio=1.5,
        Day="2024-02-29",
        Moment="2024-05-02T05:47:33Z",
        Target={"id": target},
        Reviewer=specimens.creds.user_id,
        Parts=[{"Part_Name": "p1", "Quantity": 1}, {"Part_Name": "p2"}],
        Linked_Targets=[{"Target_Ref": {"id": target}}],
        Watchers=[{"User": {"id": specimens.creds.user_id}}],
        Photos=[{"File_Id__s": "img-1"}],
    )
    before = read(specimens, "Specimens", record)
    response = put(specimens, "Specimens", before)
    assert response.status_code == 200, response.text
    assert without_audit(read(specimens, "Specimens", record)) == without_audit(before)
    response = specimens.put(f"/crm/v5/Specimens/{record}", {"data": [before]})
    assert response.status_code == 200, response.text
    assert without_audit(read(specimens, "Specimens", record)) == without_audit(before)


def test_a_deal_get_response_sent_back_as_input(api: Api) -> None:
    known_files(api, "img")
    [listing] = api.insert("Listings", {"Name": "Sea view"})
    [account] = api.insert("Accounts", {"Account_Name": "Zylker"})
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "d",
            "Stage": "Qualification",
            "Closing_Date": "2024-06-01",
            "Amount": 10.5,
            "Account_Name": {"id": account},
            "Foreign_Languages": ["French"],
            "Image_Upload": [{"File_Id__s": "img"}],
            "Listings": [{"Interested_Listings": {"id": listing}}],
            "AssociatedUser": [{"User": {"id": api.creds.user_id}}],
            "Competitors": [{"Competitor_Name": "Acme", "Competitor_Price": 10, "Rank": 1}],
        },
    )
    before = read(api, "Deals", deal)
    response = put(api, "Deals", before)
    assert response.status_code == 200, response.text
    assert without_audit(read(api, "Deals", deal)) == without_audit(before)


# -- mandatory fields ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", []])
@pytest.mark.parametrize(("module", "field"), [("Specimens", "Name"), ("Specimens", "Code")])
def test_emptying_a_mandatory_field(specimens: Api, module: str, field: str, value: Any) -> None:
    record = specimen(specimens)
    before = read(specimens, module, record)
    status, entry = one(specimens, module, {"id": record, "Email": "new@x.co", field: value})
    assert status == 400
    assert entry == err(
        "MANDATORY_NOT_FOUND", {"api_name": field, "json_path": f"$.data[0].{field}"}, REQUIRED
    )
    assert read(specimens, module, record) == before


@pytest.mark.parametrize("value", [None, "", []])
@pytest.mark.parametrize(
    ("module", "field"),
    [
        ("Leads", "Last_Name"),
        ("Leads", "Company"),
        ("Deals", "Deal_Name"),
        ("Deals", "Stage"),
        ("Deals", "Closing_Date"),
    ],
)
def test_emptying_a_mandatory_field_of_the_default_org(api: Api, module: str, field: str, value: Any) -> None:
    if module == "Leads":
        record = lead(api)
    else:
        [record] = api.insert(
            "Deals", {"Deal_Name": "d", "Stage": "Qualification", "Closing_Date": "2024-01-01"}
        )
    before = read(api, module, record)
    response = api.put(f"/crm/v5/{module}/{record}", {"data": [{field: value}]})
    assert response.status_code == 400
    assert response.json() == {
        "data": [err("MANDATORY_NOT_FOUND", {"api_name": field, "json_path": f"$.data[0].{field}"}, REQUIRED)]
    }
    assert read(api, module, record) == before


def test_owner_cannot_be_emptied(api: Api) -> None:
    record = lead(api)
    _, entry = one(api, "Leads", {"id": record, "Owner": None})
    assert entry == err(
        "MANDATORY_NOT_FOUND", {"api_name": "Owner", "json_path": "$.data[0].Owner"}, REQUIRED
    )
    assert read(api, "Leads", record)["Owner"]["id"] == api.creds.user_id


def test_fields_not_mentioned_are_not_checked(api: Api) -> None:
    record = lead(api, "Daly")
    # a record stored without its layout-required Company (as an import might leave it)
    [(stored,)] = sql(api, "SELECT data FROM records WHERE id = :id", {"id": record})
    data = json.loads(stored)
    del data["Company"]
    sql(api, "UPDATE records SET data = :data WHERE id = :id", {"data": json.dumps(data), "id": record})
    assert read(api, "Leads", record)["Company"] is None
    ok(api, "Leads", {"id": record, "First_Name": "Ann"})
    got = read(api, "Leads", record)
    assert (got["First_Name"], got["Company"]) == ("Ann", None)
    _, entry = one(api, "Leads", {"id": record, "Company": ""})
    assert entry == {
        "code": "MANDATORY_NOT_FOUND",
        "details": {"api_name": "Company", "json_path": "$.data[0].Company"},
        "message": "required field not found",
        "status": "error",
    }


def test_mandatory_check_comes_before_uniqueness(specimens: Api) -> None:
    specimen(specimens, Serial="taken")
    record = specimen(specimens, Code="c1")
    _, entry = one(specimens, "Specimens", {"id": record, "Serial": "taken", "Name": None})
    assert entry == err("MANDATORY_NOT_FOUND", {"api_name": "Name", "json_path": "$.data[0].Name"}, REQUIRED)


# -- $append_values ---------------------------------------------------------------------------------------


def test_append_values_true_appends_without_duplicates(specimens: Api) -> None:
    record = specimen(specimens, Tags_Multi=["B", "A"])
    ok(
        specimens,
        "Specimens",
        {"id": record, "Tags_Multi": ["A", "C", "D", "C"], "$append_values": {"Tags_Multi": True}},
    )
    assert read(specimens, "Specimens", record)["Tags_Multi"] == ["B", "A", "C", "D"]
    # the object may come before the field
    ok(
        specimens,
        "Specimens",
        {"id": record, "$append_values": {"Tags_Multi": True}, "Tags_Multi": ["E", "B"]},
    )
    assert read(specimens, "Specimens", record)["Tags_Multi"] == ["B", "A", "C", "D", "E"]
    ok(specimens, "Specimens", {"id": record, "Tags_Multi": [], "$append_values": {"Tags_Multi": True}})
    assert read(specimens, "Specimens", record)["Tags_Multi"] == ["B", "A", "C", "D", "E"]


def test_append_values_to_an_empty_field(specimens: Api) -> None:
    record = specimen(specimens)
    ok(
        specimens,
        "Specimens",
        {"id": record, "Tags_Multi": ["C", "C", "A"], "$append_values": {"Tags_Multi": True}},
    )
    assert read(specimens, "Specimens", record)["Tags_Multi"] == ["C", "A"]


@pytest.mark.parametrize("append", [{"Tags_Multi": False}, {}, None])
def test_append_values_false_or_absent_replaces(specimens: Api, append: dict[str, Any] | None) -> None:
    record = specimen(specimens, Tags_Multi=["B", "A"])
    item: dict[str, Any] = {"id": record, "Tags_Multi": ["C", "A"]}
    if append is not None:
        item["$append_values"] = append
    ok(specimens, "Specimens", item)
    assert read(specimens, "Specimens", record)["Tags_Multi"] == ["C", "A"]


def test_append_values_for_a_field_absent_from_the_item_has_no_effect(specimens: Api) -> None:
    record = specimen(specimens, Tags_Multi=["B", "A"])
    ok(specimens, "Specimens", {"id": record, "Name": "renamed", "$append_values": {"Tags_Multi": True}})
    ok(specimens, "Specimens", {"id": record, "Name": "again", "$append_values": {"Tags_Multi": False}})
    got = read(specimens, "Specimens", record)
    assert (got["Name"], got["Tags_Multi"]) == ("again", ["B", "A"])


def test_append_values_on_deals(api: Api) -> None:
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "d",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Foreign_Languages": ["Korean"],
        },
    )
    response = api.put(
        f"/crm/v5/Deals/{deal}",
        {
            "data": [
                {
                    "Foreign_Languages": ["Hindi", "Korean", "Klingon"],
                    "$append_values": {"Foreign_Languages": True},
                }
            ],
            "trigger": [],
        },
    )
    assert response.status_code == 200
    assert read(api, "Deals", deal)["Foreign_Languages"] == ["Korean", "Hindi", "Klingon"]


@pytest.mark.parametrize("value", ["yes", [], ["Tags_Multi"], True, 1, None])
def test_append_values_not_an_object(specimens: Api, value: Any) -> None:
    record = specimen(specimens, Tags_Multi=["A"])
    status, entry = one(specimens, "Specimens", {"id": record, "Tags_Multi": ["B"], "$append_values": value})
    assert status == 400
    assert entry == err(
        "INVALID_DATA",
        {
            "expected_data_type": "jsonobject",
            "api_name": "$append_values",
            "json_path": "$.data[0].$append_values",
        },
        INVALID,
    )
    assert read(specimens, "Specimens", record)["Tags_Multi"] == ["A"]


@pytest.mark.parametrize(
    ("append", "key", "message"),
    [
        ({"Nope": True}, "Nope", BAD_FIELD),
        ({"tags_multi": True}, "tags_multi", BAD_FIELD),
        ({"Tags_Multi": True, "Nope": False}, "Nope", BAD_FIELD),
        ({"Name": True}, "Name", INVALID),
        ({"Colour": True}, "Colour", INVALID),
        ({"Linked_Targets": True}, "Linked_Targets", INVALID),
        ({"Tags_Multi": "true"}, "Tags_Multi", INVALID),
        ({"Tags_Multi": 1}, "Tags_Multi", INVALID),
        ({"Tags_Multi": None}, "Tags_Multi", INVALID),
        ({"Tags_Multi": False, "Name": False}, "Name", INVALID),
    ],
)
def test_append_values_key_errors(specimens: Api, append: dict[str, Any], key: str, message: str) -> None:
    record = specimen(specimens, Tags_Multi=["A"])
    _, entry = one(specimens, "Specimens", {"id": record, "Tags_Multi": ["B"], "$append_values": append})
    assert entry == err(
        "INVALID_DATA", {"api_name": key, "json_path": f"$.data[0].$append_values.{key}"}, message
    )
    assert read(specimens, "Specimens", record)["Tags_Multi"] == ["A"]


def test_append_values_error_index(specimens: Api) -> None:
    record = specimen(specimens)
    response = put(specimens, "Specimens", {"id": record}, {"id": record, "$append_values": {"Nope": True}})
    assert response.json()["data"][1]["details"] == {
        "api_name": "Nope",
        "json_path": "$.data[1].$append_values.Nope",
    }


# -- unique fields ----------------------------------------------------------------------------------------


def duplicate(
    api: Api, field: str, holder: str, owner: dict[str, str], index: int = 0, module_name: str = "Specimens"
) -> dict[str, Any]:
    module = api.get(f"/crm/v5/settings/modules/{module_name}").json()["modules"][0]
    return err(
        "DUPLICATE_DATA",
        {
            "api_name": field,
            "json_path": f"$.data[{index}].{field}",
            "id": holder,
            "duplicate_record": {
                "Owner": owner,
                "module": {"api_name": module_name, "id": module["id"]},
                "id": holder,
            },
            "more_records": False,
        },
        DUPLICATE,
    )


def ada(api: Api) -> dict[str, str]:
    return {"name": "Ada Admin", "id": api.creds.user_id, "zuid": api.creds.user_id}


def test_duplicate_data_exact_shape(specimens: Api) -> None:
    first = specimen(specimens, Code="AbC", Serial="Xy")
    second = specimen(specimens, Code="other")
    before = read(specimens, "Specimens", second)
    status, entry = one(specimens, "Specimens", {"id": second, "Name": "renamed", "Code": "abc"})
    assert status == 400
    assert entry == duplicate(specimens, "Code", first, ada(specimens))
    assert list(entry["details"]) == ["api_name", "json_path", "id", "duplicate_record", "more_records"]
    assert read(specimens, "Specimens", second) == before


def test_case_sensitive_unique_field(specimens: Api) -> None:
    first = specimen(specimens, Code="a", Serial="Xy")
    second = specimen(specimens, Code="b")
    ok(specimens, "Specimens", {"id": second, "Serial": "xy"})
    assert read(specimens, "Specimens", second)["Serial"] == "xy"
    _, entry = one(specimens, "Specimens", {"id": second, "Serial": "Xy"})
    assert entry == duplicate(specimens, "Serial", first, ada(specimens))
    assert read(specimens, "Specimens", second)["Serial"] == "xy"


def test_two_clashing_unique_fields(specimens: Api) -> None:
    first = specimen(specimens, Code="AbC", Serial="Xy")
    second = specimen(specimens, Code="b")
    status, entry = one(specimens, "Specimens", {"id": second, "Serial": "Xy", "Code": "ABC"})
    assert status == 400
    assert entry == err(
        "MULTIPLE_OR_MULTI_ERRORS",
        {
            "errors": [
                duplicate(specimens, "Code", first, ada(specimens)),
                duplicate(specimens, "Serial", first, ada(specimens)),
            ]
        },
        "Multiple errors in the request",
    )
    got = read(specimens, "Specimens", second)
    assert (got["Code"], got["Serial"]) == ("b", None)


def test_two_clashes_with_two_different_records(specimens: Api) -> None:
    first = specimen(specimens, Code="one")
    second = specimen(specimens, Code="two", Serial="S2")
    third = specimen(specimens, Code="three")
    _, entry = one(specimens, "Specimens", {"id": third, "Code": "ONE", "Serial": "S2"})
    assert entry == err(
        "MULTIPLE_OR_MULTI_ERRORS",
        {
            "errors": [
                duplicate(specimens, "Code", first, ada(specimens)),
                duplicate(specimens, "Serial", second, ada(specimens)),
            ]
        },
        "Multiple errors in the request",
    )
    assert read(specimens, "Specimens", third)["Code"] == "three"


def test_keeping_ones_own_value_is_fine(specimens: Api) -> None:
    record = specimen(specimens, Code="AbC", Serial="Xy")
    ok(specimens, "Specimens", {"id": record, "Code": "AbC", "Serial": "Xy"})
    ok(specimens, "Specimens", {"id": record, "Code": "ABC"})
    assert read(specimens, "Specimens", record)["Code"] == "ABC"
    # and the value is still held, under its new case
    other = specimen(specimens, Code="other")
    _, entry = one(specimens, "Specimens", {"id": other, "Code": "abc"})
    assert entry == duplicate(specimens, "Code", record, ada(specimens))


def test_duplicate_record_shows_the_holders_owner(api: Api) -> None:
    arjun = user_id(api, ARJUN)
    holder = lead(api, "Holder", Lead_Code="LC-1", Owner={"id": arjun})
    record = lead(api, "Other")
    _, entry = one(api, "Leads", {"id": record, "Lead_Code": "lc-1"})
    modules = api.get("/crm/v5/settings/modules/Leads").json()["modules"][0]
    assert entry == err(
        "DUPLICATE_DATA",
        {
            "api_name": "Lead_Code",
            "json_path": "$.data[0].Lead_Code",
            "id": holder,
            "duplicate_record": {
                "Owner": {"name": "Arjun Mehta", "id": arjun, "zuid": arjun},
                "module": {"api_name": "Leads", "id": modules["id"]},
                "id": holder,
            },
            "more_records": False,
        },
        DUPLICATE,
    )


def test_leads_unique_fields(api: Api) -> None:
    holder = lead(api, "Holder", Lead_Code="LC-1", Passport_Number="P-ab")
    record = lead(api, "Other")
    _, entry = one(api, "Leads", {"id": record, "Passport_Number": "P-ab"})
    priya = {"name": "Priya Raman", "id": api.creds.user_id, "zuid": api.creds.user_id}
    assert entry == duplicate(api, "Passport_Number", holder, priya, module_name="Leads")
    ok(api, "Leads", {"id": record, "Passport_Number": "P-AB"})
    _, entry = one(api, "Leads", {"id": record, "Lead_Code": "Lc-1", "Passport_Number": "P-ab"})
    assert entry == err(
        "MULTIPLE_OR_MULTI_ERRORS",
        {
            "errors": [
                duplicate(api, "Lead_Code", holder, priya, module_name="Leads"),
                duplicate(api, "Passport_Number", holder, priya, module_name="Leads"),
            ]
        },
        "Multiple errors in the request",
    )
    assert read(api, "Leads", record)["Passport_Number"] == "P-AB"  # the failed item changed nothing


def test_null_never_clashes_and_clearing_frees_the_value(specimens: Api) -> None:
    first = specimen(specimens, Code="a", Serial="S")
    second = specimen(specimens, Code="b")
    ok(specimens, "Specimens", {"id": second, "Serial": None})
    ok(specimens, "Specimens", {"id": first, "Serial": None})
    ok(specimens, "Specimens", {"id": second, "Serial": "S"})
    assert read(specimens, "Specimens", second)["Serial"] == "S"


def test_value_released_earlier_in_the_request_can_be_taken_later(specimens: Api) -> None:
    first = specimen(specimens, Code="AbC")
    second = specimen(specimens, Code="b")
    ok(specimens, "Specimens", {"id": first, "Code": "new-a"}, {"id": second, "Code": "abc"})
    assert read(specimens, "Specimens", first)["Code"] == "new-a"
    assert read(specimens, "Specimens", second)["Code"] == "abc"
    third = specimen(specimens, Code="c")
    _, entry = one(specimens, "Specimens", {"id": third, "Code": "ABC"})
    assert entry == duplicate(specimens, "Code", second, ada(specimens))
    _, entry = one(specimens, "Specimens", {"id": third, "Code": "NEW-A"})
    assert entry == duplicate(specimens, "Code", first, ada(specimens))
    _, entry = one(specimens, "Specimens", {"id": third, "Code": "b"})  # released by second
    assert entry["code"] == "SUCCESS"


def test_value_released_later_in_the_request_is_not_free_earlier(specimens: Api) -> None:
    first = specimen(specimens, Code="AbC")
    second = specimen(specimens, Code="b")
    response = put(specimens, "Specimens", {"id": second, "Code": "abc"}, {"id": first, "Code": "new-a"})
    assert response.status_code == 207
    data = response.json()["data"]
    assert data[0] == duplicate(specimens, "Code", first, ada(specimens))
    assert data[1]["code"] == "SUCCESS"
    assert read(specimens, "Specimens", second)["Code"] == "b"
    ok(specimens, "Specimens", {"id": second, "Code": "abc"})


def test_a_value_taken_earlier_in_the_request_clashes_later(specimens: Api) -> None:
    first = specimen(specimens, Code="a")
    second = specimen(specimens, Code="b")
    response = put(specimens, "Specimens", {"id": first, "Code": "Same"}, {"id": second, "Code": "SAME"})
    assert response.status_code == 207
    assert response.json()["data"][1] == duplicate(specimens, "Code", first, ada(specimens), index=1)
    assert read(specimens, "Specimens", second)["Code"] == "b"


def test_swapping_values_between_two_records_in_one_request(specimens: Api) -> None:
    first = specimen(specimens, Code="one", Serial="S1")
    second = specimen(specimens, Code="two", Serial="S2")
    # through a temporary value: every step sees the one before
    ok(
        specimens,
        "Specimens",
        {"id": first, "Code": "tmp", "Serial": "T"},
        {"id": second, "Code": "one", "Serial": "S1"},
        {"id": first, "Code": "two", "Serial": "S2"},
    )
    assert (read(specimens, "Specimens", first)["Code"], read(specimens, "Specimens", first)["Serial"]) == (
        "two",
        "S2",
    )
    assert (read(specimens, "Specimens", second)["Code"], read(specimens, "Specimens", second)["Serial"]) == (
        "one",
        "S1",
    )
    # "tmp" and "T" were released again
    third = specimen(specimens, Code="tmp", Serial="T")
    # directly: items run in order, so the first still clashes with the second's value and fails,
    # and then the second clashes with the value the first kept
    response = put(specimens, "Specimens", {"id": first, "Code": "one"}, {"id": second, "Code": "two"})
    assert response.status_code == 400
    assert response.json()["data"] == [
        duplicate(specimens, "Code", second, ada(specimens), index=0),
        duplicate(specimens, "Code", first, ada(specimens), index=1),
    ]
    assert read(specimens, "Specimens", first)["Code"] == "two"
    assert read(specimens, "Specimens", third)["Code"] == "tmp"


def test_unique_value_of_a_failed_item_is_not_taken(specimens: Api) -> None:
    first = specimen(specimens, Code="a")
    second = specimen(specimens, Code="b")
    response = put(
        specimens,
        "Specimens",
        {"id": first, "Code": "wanted", "Serial": "W", "Count": "x"},
        {"id": second, "Code": "WANTED", "Serial": "W"},
    )
    assert response.status_code == 207
    assert [e["code"] for e in response.json()["data"]] == ["INVALID_DATA", "SUCCESS"]
    assert read(specimens, "Specimens", first)["Code"] == "a"
    # the first record still holds its old value
    _, entry = one(specimens, "Specimens", {"id": second, "Code": "A"})
    assert entry == duplicate(specimens, "Code", first, ada(specimens))


def test_unique_values_and_ids_of_bad_items(specimens: Api) -> None:
    holder = specimen(specimens, Code="x")
    response = put(specimens, "Specimens", {"id": "1234567890123456789", "Code": "x"}, {"Code": "x"})
    assert response.status_code == 400
    assert response.json()["data"][0] == bad_id(0)
    assert read(specimens, "Specimens", holder)["Code"] == "x"
