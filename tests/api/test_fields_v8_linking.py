"""The fields metadata of a multi-select lookup and a multi-user lookup by API version (zcrm/versions.py
``LINKING_DETAILS``): v2.1 to v7 spell the linking module flat (``linking_module``, ``connected_module``, ...), v8 in
``linking_details`` and ``connected_details`` objects, which the v8 SDKs read to find the linking module."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


def field(api: Api, version: str, module: str, api_name: str) -> dict[str, Any]:
    response = api.get(f"/crm/{version}/settings/fields", params={"module": module})
    assert response.status_code == 200, response.text
    [found] = [f for f in response.json()["fields"] if f["api_name"] == api_name]
    return found


def ids(api: Api) -> dict[str, str]:
    modules = api.get("/crm/v8/settings/modules").json()["modules"]
    return {m["api_name"]: m["id"] for m in modules}


def field_ids(api: Api, module: str) -> dict[str, str]:
    fields = api.get("/crm/v8/settings/fields", params={"module": module}).json()["fields"]
    return {f["api_name"]: f["id"] for f in fields}


def test_v8_spells_a_multi_select_lookup_in_linking_and_connected_details(api: Api) -> None:
    modules = ids(api)
    linking = field_ids(api, "Deals_X_Listings")
    listings = field(api, "v8", "Deals", "Listings")
    assert listings["multiselectlookup"] == {
        "connected_details": {
            "module": {"api_name": "Listings", "id": modules["Listings"]},
            "field": {
                "api_name": "Interested_Listings",
                "field_label": "Interested Listings",
                "id": linking["Interested_Listings"],
            },
        },
        "linking_details": {
            "module": {
                "api_name": "Deals_X_Listings",
                "id": modules["Deals_X_Listings"],
                "plural_label": "Deals X Listings",
            },
            "lookup_field": {
                "api_name": "Interested_Deals",
                "field_label": "Interested Deals",
                "id": linking["Interested_Deals"],
            },
            "connected_lookup_field": {
                "api_name": "Interested_Listings",
                "field_label": "Interested Listings",
                "id": linking["Interested_Listings"],
            },
        },
        "record_access": False,
    }
    assert listings["multiuserlookup"] == {}


def test_v8_spells_a_multi_user_lookup_the_same_way(api: Api) -> None:
    modules = ids(api)
    users = field(api, "v8", "Deals", "AssociatedUser")["multiuserlookup"]
    assert users["linking_details"]["module"]["api_name"] == "Deals_X_Users"
    assert users["linking_details"]["module"]["id"] == modules["Deals_X_Users"]
    assert users["linking_details"]["lookup_field"]["api_name"] == "Deal"
    assert users["linking_details"]["connected_lookup_field"]["api_name"] == "User"
    assert users["connected_details"]["module"]["api_name"] == "Users"
    assert "linking_module" not in users


@pytest.mark.parametrize("version", ["v2.1", "v5", "v7"])
def test_earlier_versions_keep_the_flat_linking_module(api: Api, version: str) -> None:
    modules = ids(api)
    link = field(api, version, "Deals", "Listings")["multiselectlookup"]
    assert link["linking_module"] == {"api_name": "Deals_X_Listings", "id": modules["Deals_X_Listings"]}
    assert link["connected_module"] == {"api_name": "Listings", "id": modules["Listings"]}
    assert (link["lookup_apiname"], link["connectedlookup_apiname"]) == (
        "Interested_Deals",
        "Interested_Listings",
    )
    assert "linking_details" not in link


def test_a_single_field_by_id_follows_the_version(api: Api) -> None:
    listings = field(api, "v8", "Deals", "Listings")
    response = api.get(f"/crm/v8/settings/fields/{listings['id']}", params={"module": "Deals"})
    assert response.status_code == 200
    [one] = response.json()["fields"]
    assert one["multiselectlookup"] == listings["multiselectlookup"]
