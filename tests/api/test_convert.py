"""POST /crm/v5/Leads/{id}/actions/convert (zoho-v5-related.md §8): the new contact, account and deal and how they
point at each other, matches, ``overwrite``, owners, the lead marked converted (read by id, left out of lists and
search, refused by update, deleted as usual), and the errors; every outcome read back through the API. What moves
with the lead, and all-or-nothing: test_convert_moves.py."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.api.related_world import err, too_many
from tests.api.test_request_errors import token_with
from tests.conftest import Api, sql

BAD_ID = "the id given seems to be invalid"
DEAL = {"Deal_Name": "Big deal", "Closing_Date": "2026-12-31", "Stage": "Qualification"}
PAUL = {
    "Salutation": "Mr.",
    "First_Name": "Paul",
    "Last_Name": "Daly",
    "Email": "paul@daly.test",
    "Designation": "CTO",
    "Company": "Zylker",
    "Phone": "555-0100",
    "No_of_Employees": 40,
    "City": "Chennai",
    "Zip_Code": "600001",
    "Lead_Source": "Cold Call",
    "Rating": "Hot",
}


def item_error(key: str, message: str = BAD_ID, **extra: Any) -> dict[str, Any]:
    return {
        "data": [err("INVALID_DATA", {**extra, "api_name": key, "json_path": f"$.data[0].{key}"}, message)]
    }


def convert(api: Api, lead_id: str, item: Any = None, module: str = "Leads", **kw: Any) -> httpx.Response:
    return api.post(
        f"/crm/v5/{module}/{lead_id}/actions/convert", {"data": [{} if item is None else item]}, **kw
    )


def converted(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    [entry] = response.json()["data"]
    assert list(entry) == ["code", "details", "message", "status"]
    assert (entry["code"], entry["message"], entry["status"]) == (
        "SUCCESS",
        "The record has been converted successfully",
        "success",
    )
    assert list(entry["details"]) == ["Contacts", "Deals", "Accounts"]
    return dict(entry["details"])


def read(api: Api, module: str, record_id: str) -> dict[str, Any]:
    response = api.get(f"/crm/v5/{module}/{record_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["data"][0])


def ids_of(api: Api, module: str, **params: str) -> list[str]:
    response = api.get(f"/crm/v5/{module}", params={"fields": "id", **params})
    return [] if response.status_code == 204 else [r["id"] for r in response.json()["data"]]


def ref(name: str, record_id: str) -> dict[str, str]:
    return {"name": name, "id": record_id}


def a_lead(name: str, **values: Any) -> dict[str, Any]:
    return {"Last_Name": name, "Company": f"{name} Inc", **values}


def drop_company(api: Api, lead_id: str) -> None:
    """Company is required in the standard layout: a lead without one is made in the database."""
    [(data,)] = sql(api, "SELECT data FROM records WHERE id = :id", {"id": lead_id})
    data = {k: v for k, v in json.loads(data).items() if k != "Company"}
    sql(api, "UPDATE records SET data = :d WHERE id = :id", {"d": json.dumps(data), "id": lead_id})


def users(api: Api) -> dict[str, str]:
    rows = sql(api, "SELECT email, id FROM users WHERE org_id = :o", {"o": api.creds.org_id})
    return {email.split("@")[0]: user_id for email, user_id in rows}


def test_a_lead_becomes_a_contact_an_account_and_a_deal(api: Api) -> None:
    [lead] = api.insert("Leads", PAUL)
    details = converted(convert(api, lead, {"Deals": DEAL, "notify_lead_owner": True, "Whatever": 1}))
    contact, account, deal = details["Contacts"]["id"], details["Accounts"]["id"], details["Deals"]["id"]
    assert details == {
        "Contacts": ref("Paul Daly", contact),
        "Deals": ref("Big deal", deal),
        "Accounts": ref("Zylker", account),
    }
    owner = read(api, "Leads", lead)["Owner"]
    got = read(api, "Contacts", contact)
    assert {k: got[k] for k in ("Salutation", "First_Name", "Last_Name", "Email", "Title", "Phone")} == {
        "Salutation": "Mr.",
        "First_Name": "Paul",
        "Last_Name": "Daly",
        "Email": "paul@daly.test",
        "Title": "CTO",
        "Phone": "555-0100",
    }
    assert (got["Mailing_City"], got["Mailing_Zip"], got["Lead_Source"]) == ("Chennai", "600001", "Cold Call")
    assert (got["Account_Name"], got["Owner"]) == (ref("Zylker", account), owner)
    got = read(api, "Accounts", account)
    assert (
        got["Account_Name"],
        got["Phone"],
        got["Employees"],
        got["Billing_City"],
        got["Billing_Code"],
    ) == (
        "Zylker",
        "555-0100",
        40,
        "Chennai",
        "600001",
    )
    got = read(api, "Deals", deal)
    assert (got["Deal_Name"], got["Stage"], got["Lead_Source"], got["Owner"]) == (
        "Big deal",
        "Qualification",
        "Cold Call",
        owner,
    )
    assert (got["Account_Name"], got["Contact_Name"]) == (ref("Zylker", account), ref("Paul Daly", contact))
    got = read(api, "Leads", lead)
    assert got["Converted__s"] is True
    assert (got["Converted_Contact"], got["Converted_Account"], got["Converted_Deal"]) == (
        ref("Paul Daly", contact),
        ref("Zylker", account),
        ref("Big deal", deal),
    )
    assert got["Converted_Date_Time"] == got["Modified_Time"]
    # the timeline: the new records' inserts, the lead's insert and its update
    ops = sql(
        api,
        "SELECT record_id, operation FROM changes WHERE record_id IN (:a, :c, :d, :l)",
        locals_of(lead, contact, account, deal),
    )
    assert sorted(ops) == sorted(
        [(account, "insert"), (contact, "insert"), (deal, "insert"), (lead, "insert"), (lead, "update")]
    )


def locals_of(lead: str, contact: str, account: str, deal: str) -> dict[str, str]:
    return {"l": lead, "c": contact, "a": account, "d": deal}


def test_a_converted_lead_leaves_lists_and_search_but_reads_by_id(api: Api) -> None:
    kept, gone = api.insert("Leads", a_lead("Kept"), a_lead("Gone"))
    converted(convert(api, gone))
    assert ids_of(api, "Leads") == [kept]
    assert ids_of(api, "Leads", converted="true") == [gone]
    assert sorted(ids_of(api, "Leads", converted="both")) == sorted([kept, gone])
    found = api.get("/crm/v5/Leads/search", params={"criteria": "(Last_Name:starts_with:Gone)"})
    assert found.status_code == 204
    found = api.get(
        "/crm/v5/Leads/search", params={"criteria": "(Last_Name:starts_with:Gone)", "converted": "true"}
    )
    assert [r["id"] for r in found.json()["data"]] == [gone]
    assert read(api, "Leads", gone)["Converted__s"] is True


def test_a_lead_without_company_gets_no_account(api: Api) -> None:
    [lead] = api.insert("Leads", a_lead("Solo", Email="solo@x.test"))
    drop_company(api, lead)
    details = converted(convert(api, lead))
    assert details["Accounts"] is None and details["Deals"] is None
    assert read(api, "Contacts", details["Contacts"]["id"])["Account_Name"] is None
    assert ids_of(api, "Accounts") == []
    lead_read = read(api, "Leads", lead)
    assert (lead_read["Converted_Account"], lead_read["Converted_Deal"]) == (None, None)


def test_an_existing_contact_and_account_are_matched(api: Api) -> None:
    [account] = api.insert("Accounts", {"Account_Name": "ZYLKER"})
    by_mail, by_name = api.insert(
        "Contacts",
        {"Last_Name": "Someone", "Email": "PAUL@daly.test"},
        {"First_Name": "Paul", "Last_Name": "Daly"},
    )
    [lead] = api.insert("Leads", PAUL)
    details = converted(convert(api, lead))
    assert details["Contacts"] == ref("Someone", by_mail) and details["Accounts"] == ref("ZYLKER", account)
    assert read(api, "Contacts", by_mail)["Account_Name"] == ref("ZYLKER", account)  # it had none
    [lead] = api.insert("Leads", {**PAUL, "Email": "other@daly.test"})
    details = converted(convert(api, lead))
    assert details["Contacts"] == ref("Paul Daly", by_name)
    assert sorted(ids_of(api, "Contacts")) == sorted([by_mail, by_name])
    assert ids_of(api, "Accounts") == [account]


def test_given_records_and_overwrite(api: Api) -> None:
    old, other = api.insert("Accounts", {"Account_Name": "Old name"}, {"Account_Name": "Other"})
    [contact] = api.insert("Contacts", {"Last_Name": "Held", "Account_Name": {"id": other}})
    [lead] = api.insert("Leads", PAUL)
    details = converted(convert(api, lead, {"Accounts": {"id": old}, "Contacts": contact}))
    assert details["Accounts"] == ref("Old name", old) and details["Contacts"] == ref("Held", contact)
    assert read(api, "Contacts", contact)["Account_Name"] == ref("Other", other)  # overwrite false: kept
    [lead] = api.insert("Leads", PAUL)
    details = converted(convert(api, lead, {"Accounts": old, "Contacts": {"id": contact}, "overwrite": True}))
    assert details["Accounts"] == ref("Zylker", old)
    assert read(api, "Accounts", old)["Account_Name"] == "Zylker"
    assert read(api, "Contacts", contact)["Account_Name"] == ref("Zylker", old)


def test_assign_to_owns_the_new_records(api: Api) -> None:
    arjun = users(api)["arjun.mehta"]
    [lead] = api.insert("Leads", PAUL)
    details = converted(convert(api, lead, {"assign_to": {"id": arjun}, "Deals": DEAL}))
    for module in ("Contacts", "Accounts", "Deals"):
        assert read(api, module, details[module]["id"])["Owner"]["id"] == arjun


@pytest.mark.parametrize("raw", ["abc", "0", "123"])
def test_a_bad_lead_id(api: Api, raw: str) -> None:
    response = convert(api, raw)
    assert (response.status_code, response.json()) == (400, err("INVALID_DATA", {"resource_path_index": 1}))


def test_converting_twice_and_the_module(api: Api) -> None:
    [lead] = api.insert("Leads", a_lead("Twice"))
    converted(convert(api, lead))
    response = convert(api, lead)
    assert (response.status_code, response.json()) == (
        400,
        err("ID_ALREADY_CONVERTED", {"resource_path_index": 1}, "id already converted"),
    )
    [contact] = ids_of(api, "Contacts")
    for module in ("Contacts", "Nope"):
        response = convert(api, contact, module=module)
        assert (response.status_code, response.json()) == (
            400,
            err("INVALID_MODULE", {"resource_path_index": 0}, "the module name given seems to be invalid"),
        )


def test_item_errors(api: Api) -> None:
    [lead] = api.insert("Leads", PAUL)
    [account] = api.insert("Accounts", {"Account_Name": "A"})
    lena = users(api)["lena.fischer"]
    cases = [
        ({"overwrite": "true"}, item_error("overwrite", "invalid data", expected_data_type="boolean")),
        (
            {"notify_new_entity_owner": 1},
            item_error("notify_new_entity_owner", "invalid data", expected_data_type="boolean"),
        ),
        ({"Contacts": {"id": account}}, item_error("Contacts")),
        ({"Contacts": "x"}, item_error("Contacts")),
        ({"Accounts": {"id": lead}}, item_error("Accounts")),
        ({"assign_to": {"id": lena}}, item_error("assign_to")),
        ({"assign_to": account}, item_error("assign_to")),
        ({"move_attachments_to": {"api_name": "Deals"}}, item_error("move_attachments_to", "invalid data")),
        (
            {"Deals": {"Deal_Name": "D", "Stage": "Qualification"}},
            {
                "data": [
                    err(
                        "MANDATORY_NOT_FOUND",
                        {"api_name": "Closing_Date", "json_path": "$.data[0].Deals.Closing_Date"},
                        "required field not found",
                    )
                ]
            },
        ),
        (
            {"Deals": {**DEAL, "Amount": "lots"}},
            {
                "data": [
                    err(
                        "INVALID_DATA",
                        {
                            "expected_data_type": "currency",
                            "api_name": "Amount",
                            "json_path": "$.data[0].Deals.Amount",
                        },
                    )
                ]
            },
        ),
    ]
    for item, body in cases:
        response = convert(api, lead, item)
        assert (response.status_code, response.json()) == (400, body), item
    assert read(api, "Leads", lead)["Converted__s"] is None
    assert ids_of(api, "Accounts") == [account] and ids_of(api, "Contacts") == []


def test_body_errors(api: Api) -> None:
    [lead] = api.insert("Leads", a_lead("Body"))
    url = f"/crm/v5/Leads/{lead}/actions/convert"
    response = api.post(url, {"data": [{}, {}]})
    assert (response.status_code, response.json()) == (
        400,
        too_many(1),
    )
    response = api.post(url, {"data": []})
    assert (response.status_code, response.json()) == (
        400,
        err("MANDATORY_NOT_FOUND", {"api_name": "data", "json_path": "$.data"}, "required field not found"),
    )
    response = api.post(url, {"data": ["x"]})
    assert response.json() == {
        "data": [
            err(
                "INVALID_DATA",
                {"expected_data_type": "jsonobject", "api_name": "data", "json_path": "$.data[0]"},
            )
        ]
    }


def test_scopes(api: Api) -> None:
    [lead, other] = api.insert("Leads", a_lead("Scoped"), a_lead("Other"))
    token = token_with(api, "ZohoCRM.modules.leads.READ,ZohoCRM.modules.contacts.ALL")
    response = convert(api, lead, headers={"Authorization": f"Zoho-oauthtoken {token}"})
    assert (response.status_code, response.json()["code"]) == (401, "OAUTH_SCOPE_MISMATCH")
    token = token_with(api, "ZohoCRM.modules.leads.CREATE")
    converted(convert(api, other, headers={"Authorization": f"Zoho-oauthtoken {token}"}))


def test_a_converted_lead_is_not_updated_but_deleted(api: Api) -> None:
    [lead] = api.insert("Leads", a_lead("Done"))
    converted(convert(api, lead))
    response = api.put(f"/crm/v5/Leads/{lead}", {"data": [{"Company": "New"}]})
    assert (response.status_code, response.json()) == (
        400,
        {"data": [err("CONVERTED_RECORD", {"id": lead}, "can't update the converted record")]},
    )
    response = api.put("/crm/v5/Leads", {"data": [{"id": lead, "Company": "New"}]})
    assert response.json()["data"][0]["code"] == "CONVERTED_RECORD"
    assert read(api, "Leads", lead)["Company"] == "Done Inc"
    response = api.delete(f"/crm/v5/Leads/{lead}")
    assert (response.status_code, response.json()["data"][0]["code"]) == (200, "SUCCESS")


@pytest.mark.parametrize(
    ("column", "value", "body"),
    [
        (
            "approval_state",
            "approval_process_pending",
            err("NOT_APPROVED", {}, "cannot convert record that is not approved yet"),
        ),
        (
            "lock_state",
            "record_locking",
            err(
                "RECORD_LOCKED",
                {"action": "record_locking"},
                "You cannot perform this operation as the record is locked.",
            ),
        ),
    ],
)
def test_lead_states_block_conversion(api: Api, column: str, value: str, body: dict[str, Any]) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Stuck", "Company": "Stuck Inc"})
    sql(api, f"UPDATE records SET {column} = :v WHERE id = :id", {"v": value, "id": lead})
    response = convert(api, lead, {"overwrite": "x"})  # the state is checked before the keys
    body["details"] = {"id": lead, **body["details"]}
    assert (response.status_code, response.json()) == (400, {"data": [body]})
    assert ids_of(api, "Accounts") == [] and ids_of(api, "Contacts") == []


def test_workflow_rules_run_on_the_new_records(api: Api) -> None:
    rule = {"name": "Tag new contacts", "when": "create"}
    rules = {
        "workflow_rules": [
            {**rule, "actions": [{"type": "field_update", "field": "Department", "value": "Converted"}]}
        ]
    }
    response = api.put("/__zcrm/modules/Contacts/workflow_rules", rules)
    assert response.status_code == 200, response.text
    [lead] = api.insert("Leads", PAUL)
    details = converted(convert(api, lead))
    assert read(api, "Contacts", details["Contacts"]["id"])["Department"] == "Converted"
