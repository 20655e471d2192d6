"""Related records (zoho-v5-related.md §3): GET on lookup-based, many-to-many, activity and multi-select lookup
lists, linking and delinking, and the checks of §1.3 with their envelopes."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.related_world import RELATED_ID, err, one_page, too_many
from tests.conftest import Api


def ok(rid: str, message: str = "relation added") -> dict[str, Any]:
    return {"code": "SUCCESS", "details": {"id": rid}, "message": message, "status": "success"}


def related(api: Api, path: str, **params: str) -> httpx.Response:
    return api.get(f"/crm/v5/{path}", params=params)


def ids_of(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [entry["id"] for entry in response.json()["data"]]


def test_campaign_members_from_both_sides_with_their_status(api: Api) -> None:
    [campaign] = api.insert("Campaigns", {"Campaign_Name": "Spring"})
    daly, kim = api.insert(
        "Leads", {"Last_Name": "Daly", "Company": "Z"}, {"Last_Name": "Kim", "Company": "Z"}
    )
    body = {"data": [{"id": daly, "Member_Status": "Sent"}, {"id": kim, "Last_Name": "ignored"}]}
    response = api.put(f"/crm/v5/Campaigns/{campaign}/Leads", body)
    assert (response.status_code, response.json()) == (200, {"data": [ok(daly), ok(kim)]})
    listed = related(api, f"Campaigns/{campaign}/Leads", fields="Last_Name,Member_Status")
    assert listed.json() == {
        "data": [
            {"Last_Name": "Kim", "id": kim, "Member_Status": None},
            {"Last_Name": "Daly", "id": daly, "Member_Status": "Sent"},
        ],
        "info": one_page(2),
    }
    other_side = related(api, f"Leads/{daly}/Campaigns", fields="Campaign_Name,Member_Status")
    assert other_side.json()["data"] == [{"Campaign_Name": "Spring", "id": campaign, "Member_Status": "Sent"}]
    # updating the link from the other side changes the one relation; no second link
    response = api.put(
        f"/crm/v5/Leads/{kim}/Campaigns/{campaign}", {"data": [{"Member_Status": "Responded"}]}
    )
    assert (response.status_code, response.json()) == (200, {"data": [ok(campaign)]})
    listed = related(api, f"Campaigns/{campaign}/Leads", fields="Member_Status")
    assert listed.json()["data"] == [
        {"id": kim, "Member_Status": "Responded"},
        {"id": daly, "Member_Status": "Sent"},
    ]
    # junction fields only when asked for
    assert related(api, f"Campaigns/{campaign}/Leads", fields="Last_Name").json()["data"][0] == {
        "Last_Name": "Kim",
        "id": kim,
    }
    single = related(api, f"Campaigns/{campaign}/Leads/{daly}", fields="Last_Name,Member_Status")
    assert single.json() == {"data": [{"Last_Name": "Daly", "id": daly, "Member_Status": "Sent"}]}


def test_delink_removes_the_link_and_keeps_both_records(api: Api) -> None:
    [campaign] = api.insert("Campaigns", {"Campaign_Name": "Spring"})
    a, b = api.insert("Contacts", {"Last_Name": "A"}, {"Last_Name": "B"})
    assert (
        api.put(f"/crm/v5/Campaigns/{campaign}/Contacts", {"data": [{"id": a}, {"id": b}]}).status_code == 200
    )
    response = api.delete(f"/crm/v5/Contacts/{a}/Campaigns", params={"ids": f"{campaign},{b}"})
    assert (response.status_code, response.json()) == (
        207,
        {"data": [ok(campaign, "relation removed"), err("INVALID_DATA", {"id": b}, RELATED_ID)]},
    )
    assert ids_of(related(api, f"Campaigns/{campaign}/Contacts", fields="Last_Name")) == [b]
    assert related(api, f"Contacts/{a}/Campaigns", fields="Campaign_Name").status_code == 204
    assert api.get(f"/crm/v5/Contacts/{a}").status_code == 200
    assert api.get(f"/crm/v5/Campaigns/{campaign}").status_code == 200
    response = api.delete(f"/crm/v5/Campaigns/{campaign}/Contacts/{b}")
    assert (response.status_code, response.json()) == (200, {"data": [ok(b, "relation removed")]})
    response = api.delete(f"/crm/v5/Campaigns/{campaign}/Contacts/{b}")
    assert (response.status_code, response.json()) == (
        400,
        {"data": [err("INVALID_DATA", {"id": b}, RELATED_ID)]},
    )


def test_deleting_either_record_removes_its_links(api: Api) -> None:
    [product] = api.insert("Products", {"Product_Name": "Widget", "Unit_Price": 12.5})
    book_a, book_b = api.insert("Price_Books", {"Price_Book_Name": "A"}, {"Price_Book_Name": "B"})
    response = api.put(
        f"/crm/v5/Products/{product}/Price_Books",
        {"data": [{"id": book_a}, {"id": book_b, "list_price": 9.5}]},
    )
    assert response.status_code == 200
    listed = related(api, f"Products/{product}/Price_Books", fields="Price_Book_Name,list_price")
    assert listed.json()["data"] == [
        {"Price_Book_Name": "B", "id": book_b, "list_price": 9.5},
        {"Price_Book_Name": "A", "id": book_a, "list_price": 12.5},  # the product's Unit_Price
    ]
    assert api.delete(f"/crm/v5/Price_Books/{book_b}").status_code == 200
    assert ids_of(related(api, f"Products/{product}/Price_Books", fields="list_price")) == [book_a]
    assert api.delete(f"/crm/v5/Products/{product}").status_code == 200
    assert related(api, f"Price_Books/{book_a}/Products", fields="Product_Name").status_code == 204


def test_junction_fields_are_validated(api: Api) -> None:
    [book] = api.insert("Price_Books", {"Price_Book_Name": "A"})
    [product] = api.insert("Products", {"Product_Name": "Widget"})
    response = api.put(
        f"/crm/v5/Price_Books/{book}/Products",
        {
            "data": [
                {"id": product, "list_price": "cheap"},
                {"Product_Name": "no id"},
                {"id": "12"},
                {"id": book},
            ]
        },
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "data": [
                err(
                    "INVALID_DATA",
                    {
                        "expected_data_type": "double",
                        "api_name": "list_price",
                        "json_path": "$.data[0].list_price",
                    },
                    "invalid data",
                ),
                err(
                    "MANDATORY_NOT_FOUND",
                    {"api_name": "id", "json_path": "$.data[1].id"},
                    "required field not found",
                ),
                err("INVALID_DATA", {"api_name": "id", "json_path": "$.data[2].id"}, RELATED_ID),
                err("INVALID_DATA", {"api_name": "id", "json_path": "$.data[3].id"}, RELATED_ID),
            ]
        },
    )
    assert related(api, f"Price_Books/{book}/Products", fields="Product_Name").status_code == 204


def test_lookup_lists_follow_the_lookup(api: Api) -> None:
    acme, globex = api.insert("Accounts", {"Account_Name": "Acme"}, {"Account_Name": "Globex"})
    ann, bob = api.insert(
        "Contacts", {"Last_Name": "Ann", "Account_Name": acme}, {"Last_Name": "Bob", "Account_Name": acme}
    )
    response = related(api, f"Accounts/{acme}/Contacts", fields="Last_Name,Account_Name")
    assert response.json()["data"] == [
        {"Last_Name": "Bob", "Account_Name": {"name": "Acme", "id": acme}, "id": bob},
        {"Last_Name": "Ann", "Account_Name": {"name": "Acme", "id": acme}, "id": ann},
    ]
    assert api.put(f"/crm/v5/Contacts/{bob}", {"data": [{"Account_Name": globex}]}).status_code == 200
    assert ids_of(related(api, f"Accounts/{acme}/Contacts", fields="Last_Name")) == [ann]
    assert ids_of(related(api, f"Accounts/{globex}/Contacts", fields="Last_Name")) == [bob]
    assert api.delete(f"/crm/v5/Contacts/{ann}").status_code == 200
    assert related(api, f"Accounts/{acme}/Contacts", fields="Last_Name").status_code == 204
    # a lookup-based list cannot be linked
    response = api.put(f"/crm/v5/Accounts/{acme}/Contacts", {"data": [{"id": bob}]})
    assert (response.status_code, response.json()) == (
        400,
        err("INVALID_MODULE", {"resource_path_index": 2}, "the module name given seems to be invalid"),
    )


def test_activities_of_a_record(api: Api) -> None:
    [deal] = api.insert("Deals", {"Deal_Name": "Big", "Closing_Date": "2026-12-01", "Stage": "Qualification"})
    [task] = api.insert("Tasks", {"Subject": "Call back", "What_Id": deal, "$se_module": "Deals"})
    [call] = api.insert(
        "Calls",
        {
            "Subject": "Intro",
            "What_Id": deal,
            "$se_module": "Deals",
            "Call_Type": "Outbound",
            "Call_Start_Time": "2026-01-01T10:00:00+00:00",
        },
    )
    response = related(api, f"Deals/{deal}/Activities", fields="Subject")
    assert response.json()["data"] == [
        {"Subject": "Intro", "id": call, "$module": "Calls"},
        {"Subject": "Call back", "id": task, "$module": "Tasks"},
    ]
    assert related(api, f"Deals/{deal}/Tasks", fields="Subject").json()["data"] == [
        {"Subject": "Call back", "id": task, "$module": "Tasks"}
    ]


def test_multiselect_lookup_lists_the_connected_records(api: Api) -> None:
    one, two = api.insert("Listings", {"Name": "One"}, {"Name": "Two"})
    [deal] = api.insert(
        "Deals",
        {"Deal_Name": "Big", "Closing_Date": "2026-12-01", "Stage": "Qualification",
         "Listings": [{"Interested_Listings": {"id": one}}]},
    )  # fmt: skip
    assert ids_of(related(api, f"Deals/{deal}/Listings", fields="Name")) == [one]
    assert two not in ids_of(related(api, f"Deals/{deal}/Listings", fields="Name"))


def test_paging_sorting_and_ids(api: Api) -> None:
    [campaign] = api.insert("Campaigns", {"Campaign_Name": "Spring"})
    leads = api.insert("Leads", *({"Last_Name": f"L{i}", "Company": "Z"} for i in range(5)))
    assert (
        api.put(f"/crm/v5/Campaigns/{campaign}/Leads", {"data": [{"id": i} for i in leads]}).status_code
        == 200
    )
    first = related(api, f"Campaigns/{campaign}/Leads", fields="Last_Name", per_page="2", sort_order="asc")
    assert ids_of(first) == leads[:2]
    token = first.json()["info"]["next_page_token"]
    assert first.json()["info"]["more_records"] is True
    second = related(
        api,
        f"Campaigns/{campaign}/Leads",
        fields="Last_Name",
        per_page="2",
        sort_order="asc",
        page_token=token,
    )
    assert ids_of(second) == leads[2:4]
    third = related(api, f"Campaigns/{campaign}/Leads", fields="Last_Name", per_page="2", page="3")
    assert ids_of(third) == leads[:1]
    chosen = related(api, f"Campaigns/{campaign}/Leads", fields="Last_Name", ids=f"{leads[1]},{leads[3]}")
    assert ids_of(chosen) == [leads[3], leads[1]]
    response = related(api, f"Campaigns/{campaign}/Leads")
    assert (response.status_code, response.json()) == (
        400,
        err("REQUIRED_PARAM_MISSING", {"param_name": "fields"}, "One of the expected parameter is missing"),
    )
    modified = api.get(
        f"/crm/v5/Campaigns/{campaign}/Leads",
        params={"fields": "Last_Name"},
        headers={"If-Modified-Since": "2100-01-01T00:00:00+00:00"},
    )
    assert (modified.status_code, modified.content) == (304, b"")


def test_converted_leads_are_left_out_unless_asked(api: Api) -> None:
    [campaign] = api.insert("Campaigns", {"Campaign_Name": "Spring"})
    [lead] = api.insert("Leads", {"Last_Name": "Daly", "Company": "Z"})
    assert api.put(f"/crm/v5/Campaigns/{campaign}/Leads/{lead}", {"data": [{}]}).status_code == 200
    assert ids_of(related(api, f"Campaigns/{campaign}/Leads", fields="Last_Name", converted="false")) == [
        lead
    ]
    assert (
        related(api, f"Campaigns/{campaign}/Leads", fields="Last_Name", converted="true").status_code == 204
    )


def test_the_checks_in_order(api: Api) -> None:
    [campaign] = api.insert("Campaigns", {"Campaign_Name": "Spring"})
    [lead] = api.insert("Leads", {"Last_Name": "Daly", "Company": "Z"})
    cases = [
        ("GET", "Nope/1/Leads", err("INVALID_MODULE", {"resource_path_index": 0}, "the module name given seems to be invalid")),
        ("GET", "Campaigns/abc/Nope", err("INVALID_DATA", {"resource_path_index": 1}, "the id given seems to be invalid")),
        ("GET", f"Campaigns/{campaign}/leads", err("INVALID_DATA", {"resource_path_index": 2}, "The relation name given seems to be invalid")),
        ("GET", f"Campaigns/{lead}/Leads", err("INVALID_DATA", {"resource_path_index": 1}, RELATED_ID)),
        ("PUT", f"Campaigns/{campaign}/Deals", err("INVALID_MODULE", {"resource_path_index": 2}, "the module name given seems to be invalid")),
        ("DELETE", f"Campaigns/{lead}/Leads", err("INVALID_DATA", {"resource_path_index": 1}, RELATED_ID)),
        ("DELETE", f"Campaigns/{campaign}/Leads", err("REQUIRED_PARAM_MISSING", {"param_name": "ids"}, "One of the expected parameter is missing")),
    ]  # fmt: skip
    for method, path, expected in cases:
        response = api.client.request(method, f"/crm/v5/{path}", headers=api.headers, params={"fields": "id"})
        assert (response.status_code, response.json()) == (400, expected), (method, path)
    response = api.delete(f"/crm/v5/Campaigns/{campaign}/Leads", params={"ids": ",".join(["1"] * 101)})
    assert response.json() == err("LIMIT_EXCEEDED", {"limit": 100, "param_name": "ids"}, "limit exceeded")
    response = api.delete(f"/crm/v5/Campaigns/{campaign}/Leads", params={"ids": "x"})
    assert response.json() == err(
        "UNABLE_TO_PARSE_DATA_TYPE",
        {"param_name": "ids"},
        "either the request body or parameters is in wrong format",
    )
    response = api.put(f"/crm/v5/Campaigns/{campaign}/Leads", {"data": []})
    assert (response.status_code, response.json()) == (
        400,
        err("MANDATORY_NOT_FOUND", {"api_name": "data", "json_path": "$.data"}, "required field not found"),
    )
    response = api.put(f"/crm/v5/Campaigns/{campaign}/Leads/{lead}", {"data": [{}, {}]})
    assert response.status_code == 400
    assert response.json()["data"][0]["details"] == {"maximum_length": 1, "api_name": "data"}
    assert related(api, f"Campaigns/{campaign}/Leads/{lead}").status_code == 204


def test_body_and_parameter_limits(api: Api) -> None:
    [campaign] = api.insert("Campaigns", {"Campaign_Name": "Spring"})
    [lead] = api.insert("Leads", {"Last_Name": "Daly", "Company": "Z"})
    response = api.put(f"/crm/v5/Campaigns/{campaign}/Leads", {"data": [{"id": lead}] * 101})
    assert (response.status_code, response.json()) == (
        400,
        too_many(100),
    )
    response = api.put(
        f"/crm/v5/Campaigns/{campaign}/Leads", {"data": [{"id": lead, "Member_Status": "x" * 256}]}
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "data": [
                err(
                    "INVALID_DATA",
                    {
                        "maximum_length": 255,
                        "api_name": "Member_Status",
                        "json_path": "$.data[0].Member_Status",
                    },
                    "invalid data",
                )
            ]
        },
    )
    response = related(api, f"Campaigns/{campaign}/Leads", fields=",".join(f"F{i}" for i in range(51)))
    assert (response.status_code, response.json()) == (
        400,
        err("LIMIT_EXCEEDED", {"limit": 50, "param_name": "fields"}, "limit exceeded"),
    )
    assert (
        related(api, f"Campaigns/{campaign}/Leads", fields="Last_Name").status_code == 204
    )  # nothing linked
