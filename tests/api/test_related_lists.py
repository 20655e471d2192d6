"""Related lists metadata (zoho-v5-related.md §2.1, §2.3): GET /settings/related_lists, its entries and errors."""

from __future__ import annotations

import httpx

from tests.api.related_world import err
from tests.conftest import Api


def lists(api: Api, module: str, **params: str) -> httpx.Response:
    return api.get("/crm/v5/settings/related_lists", params={"module": module, **params})


def names(api: Api, module: str) -> list[str]:
    response = lists(api, module)
    assert response.status_code == 200, response.text
    return [entry["api_name"] for entry in response.json()["related_lists"]]


def module_id(api: Api, name: str) -> str:
    return str(api.get(f"/crm/v5/settings/modules/{name}").json()["modules"][0]["id"])


def test_the_standard_lists_of_each_module(api: Api) -> None:
    activities = ["Activities", "Tasks", "Events", "Calls"]
    assert names(api, "Leads") == ["Notes", "Attachments", *activities, "Campaigns", "Products"]
    assert names(api, "Accounts") == [
        "Notes", "Attachments", *activities, "Contacts", "Deals", "Products", "Cases", "Quotes", "SalesOrders",
        "Invoices",
    ]  # fmt: skip
    assert names(api, "Deals") == [
        "Notes", "Attachments", *activities, "Products", "Quotes", "SalesOrders", "Invoices", "Cases", "Listings",
    ]  # fmt: skip
    assert names(api, "Campaigns") == ["Notes", "Attachments", *activities, "Leads", "Contacts", "Deals"]
    assert names(api, "Products") == [
        "Notes", "Attachments", *activities, "Leads", "Accounts", "Contacts", "Deals", "Price_Books", "Cases",
        "Solutions",
    ]  # fmt: skip
    assert names(api, "Price_Books") == ["Notes", "Attachments", *activities, "Products"]
    assert names(api, "Tasks") == ["Notes", "Attachments"]
    assert names(api, "Notes") == ["Attachments"]
    assert names(api, "Services__s") == ["Notes", "Attachments", "Appointments__s"]
    assert names(api, "Appointments_Rescheduled_History__s") == []


def test_an_entry_has_exactly_the_documented_keys(api: Api) -> None:
    response = lists(api, "Leads", layout_id="123")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    notes, *_, campaigns, _ = response.json()["related_lists"]
    assert notes == {
        "id": notes["id"],
        "sequence_number": "1",
        "display_label": "Notes",
        "api_name": "Notes",
        "name": "Notes",
        "module": {"api_name": "Notes", "id": module_id(api, "Notes")},
        "type": "default",
        "href": "Leads/{ENTITYID}/Notes",
        "action": None,
        "status": "visible",
        "visible": True,
        "customize_sort": True,
        "customize_fields": True,
        "customize_display_label": False,
        "sort_by": None,
        "sort_order": None,
        "connectedmodule": None,
        "linkingmodule": None,
    }
    assert len(notes["id"]) == 19 and notes["id"].isdigit()
    assert campaigns["module"] == {"api_name": "Campaigns", "id": module_id(api, "Campaigns")}
    assert campaigns["sequence_number"] == "7"
    assert campaigns["href"] == "Leads/{ENTITYID}/Campaigns"


def test_the_multiselect_lookup_list(api: Api) -> None:
    [listings] = [e for e in lists(api, "Deals").json()["related_lists"] if e["api_name"] == "Listings"]
    assert listings["type"] == "multiselectlookup"
    assert listings["module"] == {"api_name": "Deals_X_Listings", "id": module_id(api, "Deals_X_Listings")}
    assert (listings["connectedmodule"], listings["linkingmodule"]) == ("Listings", "Deals_X_Listings")


def test_one_list_by_id_and_ids_are_stable(api: Api) -> None:
    entries = lists(api, "Contacts").json()["related_lists"]
    again = lists(api, "Contacts").json()["related_lists"]
    assert entries == again
    assert len({e["id"] for e in entries}) == len(entries)
    deals = next(e for e in entries if e["api_name"] == "Deals")
    response = api.get(f"/crm/v5/settings/related_lists/{deals['id']}", params={"module": "Contacts"})
    assert (response.status_code, response.json()) == (200, {"related_lists": [deals]})
    # the same list name on another module is another list
    accounts_deals = next(
        e for e in lists(api, "Accounts").json()["related_lists"] if e["api_name"] == "Deals"
    )
    assert accounts_deals["id"] != deals["id"]
    response = api.get(
        f"/crm/v5/settings/related_lists/{accounts_deals['id']}", params={"module": "Contacts"}
    )
    assert (response.status_code, response.json()) == (
        400,
        err("INVALID_DATA", {"resource_path_index": 2}, "the id given seems to be invalid"),
    )


def test_errors(api: Api) -> None:
    response = api.get("/crm/v5/settings/related_lists")
    assert (response.status_code, response.json()) == (
        400,
        err("REQUIRED_PARAM_MISSING", {"param_name": "module"}, "One of the expected parameter is missing"),
    )
    response = lists(api, "Nope")
    assert (response.status_code, response.json()) == (
        400,
        err("INVALID_MODULE", {"param_name": "module"}, "the module name given seems to be invalid"),
    )
