"""Every API version on one server (docs/api-versions.md): each row of the table of differences
(zcrm/versions.py ``DIFFERENCES``) before and after its version, module names in paths, and one record written,
read, updated, searched, queried and deleted through different versions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Api
from zcrm.versions import V6_REMOVED_MODULE_KEYS

ALL = ("v2", "v2.1", "v3", "v4", "v5", "v6", "v7", "v8")


def before(version: str) -> tuple[str, ...]:
    """The versions older than ``version``."""
    return ALL[: ALL.index(version)]


def error(code: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def coql(api: Api, version: str, query: str) -> httpx.Response:
    return api.post(f"/crm/{version}/coql", {"select_query": query})


# -- list-fields: `fields` optional before v5, mandatory from v5 ------------------------------------------------------
@pytest.mark.parametrize("version", ALL)
def test_a_list_without_fields_answers_every_field_before_v5_and_is_refused_from_v5(
    api: Api, version: str
) -> None:
    (lead,) = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker", "Email": "daly@zylker.test"})
    response = api.get(f"/crm/{version}/Leads")
    if version in before("v5"):
        assert response.status_code == 200, response.text
        (record,) = response.json()["data"]
        assert record["id"] == lead
        assert (record["Last_Name"], record["Company"], record["Email"]) == (
            "Daly",
            "Zylker",
            "daly@zylker.test",
        )
        assert {"Owner", "Created_Time", "Modified_Time", "First_Name", "Lead_Source"} <= set(record)
        assert record["Owner"]["id"] == api.creds.user_id
        assert response.json()["info"]["count"] == 1
    else:
        assert response.status_code == 400
        assert response.json() == error(
            "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {"param_name": "fields"}
        )


@pytest.mark.parametrize("version", ALL)
def test_a_list_with_fields_answers_those_fields_in_every_version(api: Api, version: str) -> None:
    (lead,) = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    response = api.get(f"/crm/{version}/Leads", params={"fields": "Last_Name"})
    assert response.status_code == 200, response.text
    assert response.json()["data"] == [{"Last_Name": "Daly", "id": lead}]


def test_before_v5_an_empty_fields_parameter_is_as_none(api: Api) -> None:
    api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    response = api.get("/crm/v4/Leads", params={"fields": " "})
    assert response.status_code == 200, response.text
    assert response.json()["data"][0]["Company"] == "Zylker"
    assert api.get("/crm/v5/Leads", params={"fields": " "}).json()["code"] == "REQUIRED_PARAM_MISSING"


# -- modules-status and modules-v6-keys: the keys of a module object ---------------------------------------------------
@pytest.mark.parametrize("version", ALL)
def test_module_visibility_keys_follow_the_version(api: Api, version: str) -> None:
    response = api.get(f"/crm/{version}/settings/modules/Leads")
    assert response.status_code == 200, response.text
    (module,) = response.json()["modules"]
    assert module["api_name"] == "Leads"
    assert module["visible"] is True
    if version in before("v5"):
        assert "status" not in module
        assert "sub_menu_available" not in module
    else:
        assert module["status"] == "visible"
        assert module["sub_menu_available"] is False


@pytest.mark.parametrize("version", ALL)
def test_the_keys_v6_removed_are_answered_before_v6_only(api: Api, version: str) -> None:
    response = api.get(f"/crm/{version}/settings/modules")
    assert response.status_code == 200, response.text
    modules = {m["api_name"]: m for m in response.json()["modules"]}
    leads = modules["Leads"]
    if version in before("v6"):
        assert leads["global_search_supported"] is True
        assert leads["isBlueprintSupported"] is True
        assert leads["filter_supported"] is True
        assert leads["webform_supported"] is True
    else:
        for module in modules.values():
            assert not V6_REMOVED_MODULE_KEYS & set(module), module["api_name"]
    assert leads["recycle_bin_on_delete"] is True  # modules-recycle-bin: answered in every version


# -- coql-limit and coql-reach ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ALL)
def test_the_largest_coql_limit_is_200_before_v4_and_2000_from_v4(api: Api, version: str) -> None:
    (lead,) = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    response = coql(api, version, "select Last_Name from Leads where Last_Name is not null limit 201")
    if version in before("v4"):
        assert response.status_code == 400
        assert response.json() == error(
            "LIMIT_EXCEEDED", "limit exceeded", {"limit": 200, "param_name": "limit"}
        )
        assert (
            coql(
                api, version, "select Last_Name from Leads where Last_Name is not null limit 200"
            ).status_code
            == 200
        )
    else:
        assert response.status_code == 200, response.text
        assert response.json()["data"] == [{"Last_Name": "Daly", "id": lead}]
        over = coql(api, version, "select Last_Name from Leads where Last_Name is not null limit 2001")
        assert over.status_code == 400
        assert over.json() == error(
            "LIMIT_EXCEEDED", "limit exceeded", {"limit": 2000, "param_name": "limit"}
        )


@pytest.mark.parametrize("version", ALL)
def test_coql_reaches_10000_records_before_v7_and_100000_from_v7(api: Api, version: str) -> None:
    response = coql(
        api, version, "select Last_Name from Leads where Last_Name is not null limit 100 offset 9901"
    )
    if version in before("v7"):
        assert response.status_code == 400
        assert response.json() == error(
            "LIMIT_EXCEEDED", "limit exceeded", {"limit": 10000, "param_name": "offset"}
        )
        assert (
            coql(
                api, version, "select Last_Name from Leads where Last_Name is not null limit 100 offset 9900"
            ).status_code
            == 204
        )
    else:
        assert response.status_code == 204, response.text
        assert (
            coql(
                api, version, "select Last_Name from Leads where Last_Name is not null limit 100 offset 99900"
            ).status_code
            == 204
        )
        over = coql(
            api, version, "select Last_Name from Leads where Last_Name is not null limit 100 offset 99901"
        )
        assert over.status_code == 400
        assert over.json() == error(
            "LIMIT_EXCEEDED", "limit exceeded", {"limit": 100000, "param_name": "offset"}
        )


# -- activities-module (documented only): no Activities module in any version --------------------------------------------
@pytest.mark.parametrize("version", ALL)
def test_activities_is_an_unknown_module_in_every_version(api: Api, version: str) -> None:
    response = api.get(f"/crm/{version}/Activities", params={"fields": "Subject"})
    assert response.status_code == 400
    assert response.json() == error(
        "INVALID_MODULE", "the module name given seems to be invalid", {"resource_path_index": 0}
    )


# -- module names in paths --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ALL)
@pytest.mark.parametrize("name", ["Leads", "leads", "LEADS"])
def test_a_module_api_name_in_a_path_matches_without_regard_to_case(
    api: Api, version: str, name: str
) -> None:
    (lead,) = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    response = api.get(f"/crm/{version}/{name}", params={"fields": "Last_Name"})
    assert response.status_code == 200, response.text
    assert response.json()["data"] == [{"Last_Name": "Daly", "id": lead}]
    one = api.get(f"/crm/{version}/{name}/{lead}")
    assert one.status_code == 200
    assert one.json()["data"][0]["Last_Name"] == "Daly"


@pytest.mark.parametrize("version", ["v2", "v8"])
def test_purchase_orders_in_lower_case_is_the_module_but_the_scope_spelling_is_not(
    api: Api, version: str
) -> None:
    for name in ("Purchase_Orders", "purchase_orders"):
        response = api.get(f"/crm/{version}/{name}", params={"fields": "Subject"})
        assert response.status_code == 204, (name, response.text)
    response = api.get(f"/crm/{version}/purchaseorders", params={"fields": "Subject"})
    assert response.status_code == 400
    assert response.json() == error(
        "INVALID_MODULE", "the module name given seems to be invalid", {"resource_path_index": 0}
    )


# -- one record through every version ---------------------------------------------------------------------------------
def test_a_record_written_through_v2_lives_through_every_other_version(api: Api) -> None:
    created = api.post("/crm/v2/Leads", {"data": [{"Last_Name": "Daly", "Company": "Zylker"}]})
    assert created.status_code == 201, created.text
    lead = created.json()["data"][0]["details"]["id"]

    read = api.get(f"/crm/v8/Leads/{lead}")
    assert read.status_code == 200
    assert (read.json()["data"][0]["Last_Name"], read.json()["data"][0]["Company"]) == ("Daly", "Zylker")

    updated = api.put(f"/crm/v3/Leads/{lead}", {"data": [{"Company": "Acme"}]})
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"][0]["code"] == "SUCCESS"
    assert api.get(f"/crm/v2.1/Leads/{lead}").json()["data"][0]["Company"] == "Acme"

    found = api.get(
        "/crm/v7/Leads/search", params={"criteria": "(Company:equals:Acme)", "fields": "Last_Name"}
    )
    assert found.status_code == 200, found.text
    assert [r["id"] for r in found.json()["data"]] == [lead]

    queried = coql(api, "v4", "select Last_Name, Company from Leads where Company = 'Acme'")
    assert queried.status_code == 200, queried.text
    assert queried.json()["data"] == [{"Last_Name": "Daly", "Company": "Acme", "id": lead}]

    listed = api.get("/crm/v5/Leads", params={"fields": "Company"})
    assert listed.json()["data"] == [{"Company": "Acme", "id": lead}]

    deleted = api.delete("/crm/v6/Leads", params={"ids": lead})
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["data"][0]["code"] == "SUCCESS"
    for version in ALL:
        assert api.get(f"/crm/{version}/Leads/{lead}").status_code == 204, version


# -- leads-converted-lookups (v3) and leads-converted-field (v4): fields a version does not have -----------------------
CONVERTED_LOOKUPS = {"Converted_Contact", "Converted_Deal", "Converted_Account"}


def expected_converted_fields(version: str) -> set[str]:
    return (CONVERTED_LOOKUPS if version not in before("v3") else set()) | (
        {"Converted__s"} if version not in before("v4") else set()
    )


@pytest.mark.parametrize("version", ALL)
def test_the_leads_fields_metadata_has_the_converted_fields_of_its_version(api: Api, version: str) -> None:
    response = api.get(f"/crm/{version}/settings/fields", params={"module": "Leads"})
    assert response.status_code == 200, response.text
    names = {f["api_name"] for f in response.json()["fields"]}
    assert names & (CONVERTED_LOOKUPS | {"Converted__s"}) == expected_converted_fields(version)
    assert {"Last_Name", "Company", "Email"} <= names
    ids = {
        f["api_name"]: f["id"]
        for f in api.get("/crm/v5/settings/fields", params={"module": "Leads"}).json()["fields"]
    }
    one = api.get(f"/crm/{version}/settings/fields/{ids['Converted__s']}", params={"module": "Leads"})
    if version in before("v4"):
        assert one.status_code == 400
        assert one.json()["code"] == "INVALID_DATA"
    else:
        assert one.status_code == 200
        assert one.json()["fields"][0]["api_name"] == "Converted__s"


@pytest.mark.parametrize("version", ALL)
def test_a_lead_read_through_a_version_has_the_converted_fields_of_that_version(
    api: Api, version: str
) -> None:
    (lead,) = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    converted = CONVERTED_LOOKUPS | {"Converted__s"}
    one = api.get(f"/crm/{version}/Leads/{lead}")
    assert one.status_code == 200, one.text
    assert set(one.json()["data"][0]) & converted == expected_converted_fields(version)
    listed = api.get(f"/crm/{version}/Leads", params={"fields": "Last_Name,Converted__s,Converted_Deal"})
    assert listed.status_code == 200, listed.text
    record = listed.json()["data"][0]
    assert set(record) & converted == expected_converted_fields(version) & {"Converted__s", "Converted_Deal"}
    found = api.get(f"/crm/{version}/Leads/search", params={"criteria": "(Last_Name:equals:Daly)"})
    assert found.status_code == 200, found.text
    assert set(found.json()["data"][0]) & converted == expected_converted_fields(version) & set(
        api.get("/crm/v5/Leads/search", params={"criteria": "(Last_Name:equals:Daly)"}).json()["data"][0]
    )


# -- record-status-field: Record_Status__s from v6 ---------------------------------------------------------------------
@pytest.mark.parametrize("version", ALL)
def test_record_status_is_a_field_from_v6(api: Api, version: str) -> None:
    (lead,) = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    names = {
        f["api_name"]
        for f in api.get(f"/crm/{version}/settings/fields", params={"module": "Leads"}).json()["fields"]
    }
    record = api.get(f"/crm/{version}/Leads/{lead}").json()["data"][0]
    if version in before("v6"):
        assert "Record_Status__s" not in names
        assert "Record_Status__s" not in record
    else:
        assert "Record_Status__s" in names
        assert "Record_Status__s" in record


# -- timeline-api: new in v5 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ALL)
def test_the_timeline_is_an_unknown_path_before_v5(api: Api, version: str) -> None:
    (lead,) = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    response = api.get(f"/crm/{version}/Leads/{lead}/__timeline")
    if version in before("v5"):
        assert response.status_code == 404
        assert response.json() == {
            "code": "INVALID_URL_PATTERN",
            "details": {},
            "message": "Please check if the URL trying to access is a correct one",
            "status": "error",
        }
    else:
        assert response.status_code == 200, response.text
        assert response.json()["__timeline"][0]["action"] == "added"
