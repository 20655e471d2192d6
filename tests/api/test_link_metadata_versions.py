"""The one field-metadata difference between API versions the official SDKs need (zcrm/versions.py,
``Version.linking_details``): up to v7 a multi-select or multi-user lookup names its linking module as
``linking_module``; from v8 as ``linking_details.module`` with ``connected_details`` (what the v8 SDK reads to find
the linking module it must fetch next). Same data, same ids, through /settings/fields and /settings/layouts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


def field(api: Api, version: str, name: str, via: str = "fields") -> dict[str, Any]:
    response = api.get(f"/crm/{version}/settings/{via}", params={"module": "Deals"})
    assert response.status_code == 200, response.text
    body = response.json()
    fields = body["layouts"][0]["sections"][0]["fields"] if via == "layouts" else body["fields"]
    [found] = [f for f in fields if f["api_name"] == name]
    return found


def ids(api: Api, module: str) -> dict[str, str]:
    """The module's id and its fields' ids, by api_name."""
    modules = {m["api_name"]: m["id"] for m in api.get("/crm/v5/settings/modules").json()["modules"]}
    response = api.get("/crm/v5/settings/fields", params={"module": module})
    return {"module": modules[module], **{f["api_name"]: f["id"] for f in response.json()["fields"]}}


@pytest.mark.parametrize("version", ["v3", "v5", "v6", "v7"])
def test_from_v3_to_v7_the_linking_module_is_named_directly(api: Api, version: str) -> None:
    link = field(api, version, "Listings")["multiselectlookup"]
    assert link["linking_module"] == {
        "api_name": "Deals_X_Listings",
        "id": ids(api, "Deals_X_Listings")["module"],
    }
    assert (link["lookup_apiname"], link["connectedlookup_apiname"]) == (
        "Interested_Deals",
        "Interested_Listings",
    )
    assert "linking_details" not in link


@pytest.mark.parametrize("via", ["fields", "layouts"])
def test_from_v8_the_linking_module_is_in_linking_details(api: Api, via: str) -> None:
    linking, listings = ids(api, "Deals_X_Listings"), ids(api, "Listings")
    deals = field(api, "v8", "Listings", via)
    assert deals["multiuserlookup"] == {}
    assert deals["multiselectlookup"] == {
        "linking_details": {
            "module": {
                "visibility": 1,
                "plural_label": "Deals X Listings",
                "api_name": "Deals_X_Listings",
                "id": linking["module"],
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
        "connected_details": {
            "field": None,  # Listings has no multi-select lookup back to Deals
            "module": {"plural_label": "Listings", "api_name": "Listings", "id": listings["module"]},
            "layouts": [],
        },
        "record_access": False,
    }


def test_from_v8_a_multiuser_lookup_has_the_same_shape(api: Api) -> None:
    linking = ids(api, "Deals_X_Users")
    users = field(api, "v8", "AssociatedUser")
    assert users["multiselectlookup"] == {}
    link = users["multiuserlookup"]
    assert link["linking_details"]["module"]["api_name"] == "Deals_X_Users"
    assert link["linking_details"]["module"]["id"] == linking["module"]
    assert link["linking_details"]["lookup_field"]["id"] == linking["Deal"]
    assert link["linking_details"]["connected_lookup_field"]["id"] == linking["User"]
    assert link["connected_details"]["module"] == {
        "plural_label": "Users",
        "api_name": "Users",
        "id": users["id"],
    }
