"""Field and layout metadata as each API version spells it (zcrm/versions.py): before v3 a module is named by its API
name (``lookup.module``, ``linking_module``, ``connected_module``), a subform names its module in ``subform`` too and
picklist values carry no ``forecast_category``; before v4 the record id is not a field. The official v2 and v2.1
Python SDKs need these shapes (tests/sdk/test_sdk_v2.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


def fields_of(api: Api, version: str, module: str) -> dict[str, dict[str, Any]]:
    response = api.get(f"/crm/{version}/settings/fields", params={"module": module})
    assert response.status_code == 200, response.text
    return {f["api_name"]: f for f in response.json()["fields"]}


def module_ids(api: Api) -> dict[str, str]:
    return {m["api_name"]: m["id"] for m in api.get("/crm/v5/settings/modules").json()["modules"]}


@pytest.mark.parametrize("version", ["v2", "v2.1"])
def test_before_v3_field_metadata_names_modules_by_api_name(api: Api, version: str) -> None:
    ids = module_ids(api)
    deals = fields_of(api, version, "Deals")
    assert deals["Account_Name"]["lookup"]["module"] == "Accounts"
    assert deals["Account_Name"]["lookup"]["api_name"] == "Account_Name"
    link = deals["Listings"]["multiselectlookup"]
    assert (link["linking_module"], link["connected_module"]) == ("Deals_X_Listings", "Listings")
    users = deals["AssociatedUser"]["multiuserlookup"]
    assert (users["linking_module"], users["connected_module"]) == ("Deals_X_Users", "Users")
    subform = {"module": "Deal_Competitors", "id": ids["Deal_Competitors"]}
    assert (deals["Competitors"]["subform"], deals["Competitors"]["associated_module"]) == (subform, subform)
    assert deals["Deal_Name"]["subform"] is None
    stage = deals["Stage"]["pick_list_values"]
    assert [v["display_value"] for v in stage][:2] == ["Qualification", "Needs Analysis"]
    assert all("forecast_category" not in v for v in stage)
    assert "id" not in deals
    assert fields_of(api, version, "Calls")["What_Id"]["lookup"]["module"] == "se_module"


@pytest.mark.parametrize("version", ["v3", "v4", "v5", "v8"])
def test_from_v3_field_metadata_has_module_objects(api: Api, version: str) -> None:
    ids = module_ids(api)
    deals = fields_of(api, version, "Deals")
    assert deals["Account_Name"]["lookup"]["module"] == {"api_name": "Accounts", "id": ids["Accounts"]}
    link = deals["Listings"]["multiselectlookup"]
    assert link["linking_module"] == {"api_name": "Deals_X_Listings", "id": ids["Deals_X_Listings"]}
    assert link["connected_module"] == {"api_name": "Listings", "id": ids["Listings"]}
    assert deals["Competitors"]["subform"] is None
    assert deals["Stage"]["pick_list_values"][0]["forecast_category"]["name"] == "Pipeline"
    assert ("id" in deals) is (version != "v3")


def test_before_v4_the_id_field_cannot_be_read_by_its_id(api: Api) -> None:
    field_id = fields_of(api, "v5", "Leads")["id"]["id"]
    assert api.get(f"/crm/v5/settings/fields/{field_id}", params={"module": "Leads"}).status_code == 200
    response = api.get(f"/crm/v2/settings/fields/{field_id}", params={"module": "Leads"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_DATA",
        "details": {"resource_path_index": 2},
        "message": "the id given seems to be invalid",
        "status": "error",
    }


@pytest.mark.parametrize("version", ["v2", "v2.1"])
def test_layouts_before_v3_spell_fields_the_same_way(api: Api, version: str) -> None:
    response = api.get(f"/crm/{version}/settings/layouts", params={"module": "Deals"})
    assert response.status_code == 200
    [section] = response.json()["layouts"][0]["sections"]
    fields = {f["api_name"]: f for f in section["fields"]}
    assert fields["Account_Name"]["lookup"]["module"] == "Accounts"
    assert fields["Competitors"]["subform"]["module"] == "Deal_Competitors"
    assert "id" not in fields
