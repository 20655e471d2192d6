"""records/convert.py, the pure part of Convert Lead (zoho-v5-related.md §8): the item's keys, the mapping of a
lead to a contact, an account and a deal, matches, nested error paths, marking the lead, re-parenting notes."""

from __future__ import annotations

from typing import Any

import pytest

from zcrm.errors import MandatoryNotFound, MultipleOrMultiErrors
from zcrm.records import convert as rules
from zcrm.records.model import StoredRecord

BAD_ID = "the id given seems to be invalid"


def record(record_id: str, **data: Any) -> StoredRecord:
    return StoredRecord(record_id, "m", None, data, None, "u", "u", 0, 0)


def failure(item: Any) -> dict[str, Any]:
    with pytest.raises(rules.Failed) as caught:
        rules.parse(item)
    return caught.value.error.as_dict()


def bad(key: str, message: str = "invalid data", **extra: Any) -> dict[str, Any]:
    details = {**extra, "api_name": key, "json_path": f"$.data[0].{key}"}
    return {"code": "INVALID_DATA", "details": details, "message": message, "status": "error"}


def test_an_empty_item_converts_with_defaults() -> None:
    assert rules.parse({}) == rules.Conversion()


def test_every_key_is_read_in_both_id_forms() -> None:
    parsed = rules.parse(
        {
            "overwrite": True,
            "notify_lead_owner": False,
            "notify_new_entity_owner": True,
            "Contacts": {"id": "111"},
            "Accounts": "0222",
            "assign_to": 333,
            "Deals": {"Deal_Name": "D"},
            "carry_over_tags": {"Contacts": ["a"], "Deals": ["b"], "Other": 5},
            "move_attachments_to": {"api_name": "Deals", "id": "9"},
            "unknown": [1],
        }
    )
    assert parsed == rules.Conversion(
        overwrite=True,
        contact_id="111",
        account_id="222",
        assign_to="333",
        deal={"Deal_Name": "D"},
        tags={"Contacts": ["a"], "Deals": ["b"]},
        attachments_to="Deals",
    )


@pytest.mark.parametrize("key", rules.FLAGS)
def test_flags_must_be_booleans(key: str) -> None:
    assert failure({key: "true"}) == bad(key, expected_data_type="boolean")


@pytest.mark.parametrize("key", ["Contacts", "Accounts", "assign_to"])
@pytest.mark.parametrize("value", ["abc", {"id": "x1"}, {"name": "n"}, True, [1], 0])
def test_references_must_be_ids(key: str, value: Any) -> None:
    assert failure({key: value}) == bad(key, BAD_ID)


def test_the_item_deals_tags_and_attachments_have_shapes() -> None:
    assert failure([]) == {
        "code": "INVALID_DATA",
        "details": {"expected_data_type": "jsonobject", "api_name": "data", "json_path": "$.data[0]"},
        "message": "invalid data",
        "status": "error",
    }
    assert failure({"Deals": "x"}) == bad("Deals", expected_data_type="jsonobject")
    assert failure({"carry_over_tags": ["a"]}) == bad("carry_over_tags", expected_data_type="jsonobject")
    assert failure({"carry_over_tags": {"Accounts": "a"}})["details"] == {
        "expected_data_type": "jsonarray",
        "api_name": "Accounts",
        "json_path": "$.data[0].carry_over_tags.Accounts",
    }
    assert failure({"move_attachments_to": {"api_name": "Leads"}}) == bad("move_attachments_to")
    assert failure({"move_attachments_to": "Contacts"}) == bad("move_attachments_to")


def test_checks_run_in_key_order() -> None:
    assert failure({"Contacts": "x", "overwrite": 1})["details"]["api_name"] == "overwrite"
    assert failure({"assign_to": "x", "Accounts": "y"})["details"]["api_name"] == "Accounts"


def test_attachments_go_to_a_deal_or_account_only_when_there_is_one() -> None:
    with pytest.raises(rules.Failed):
        rules.check_attachments(rules.Conversion(attachments_to="Deals"), True)
    with pytest.raises(rules.Failed):
        rules.check_attachments(rules.Conversion(attachments_to="Accounts"), False)
    rules.check_attachments(rules.Conversion(attachments_to="Accounts", deal=None), True)
    rules.check_attachments(rules.Conversion(attachments_to="Deals", deal={}), False)


LEAD = {
    "Salutation": "Mr.",
    "First_Name": "Paul",
    "Last_Name": "Daly",
    "Email": "paul@zylker.test",
    "Designation": "CTO",
    "Company": "Zylker",
    "Phone": "555",
    "Website": "https://zylker.test",
    "No_of_Employees": 40,
    "Annual_Revenue": 1000.5,
    "Street": "1 Main St",
    "Zip_Code": "600001",
    "Lead_Source": "Cold Call",
    "Email_Opt_Out": False,
    "Description": "",
    "Rating": "Hot",
}


def test_a_new_contact_takes_the_default_mapping() -> None:
    assert rules.contact_item(LEAD, "9", "7") == {
        "Salutation": "Mr.",
        "First_Name": "Paul",
        "Last_Name": "Daly",
        "Email": "paul@zylker.test",
        "Phone": "555",
        "Title": "CTO",
        "Lead_Source": "Cold Call",
        "Email_Opt_Out": False,
        "Mailing_Street": "1 Main St",
        "Mailing_Zip": "600001",
        "Account_Name": {"id": "9"},
        "Owner": {"id": "7"},
    }
    assert "Account_Name" not in rules.contact_item(LEAD, None, None)


def test_a_new_account_takes_the_company_and_its_details() -> None:
    assert rules.account_item(LEAD, "7") == {
        "Account_Name": "Zylker",
        "Phone": "555",
        "Website": "https://zylker.test",
        "Annual_Revenue": 1000.5,
        "Employees": 40,
        "Billing_Street": "1 Main St",
        "Billing_Code": "600001",
        "Owner": {"id": "7"},
    }


def test_the_deal_links_the_contact_and_account_and_keeps_what_is_given() -> None:
    assert rules.deal_item({"Deal_Name": "D"}, LEAD, "1", "2", "7") == {
        "Deal_Name": "D",
        "Account_Name": {"id": "2"},
        "Contact_Name": {"id": "1"},
        "Lead_Source": "Cold Call",
        "Owner": {"id": "7"},
    }
    given = {"Deal_Name": "D", "Lead_Source": "Chat", "Owner": {"id": "8"}, "Account_Name": {"id": "5"}}
    assert rules.deal_item(given, LEAD, "1", None, "7") == {
        "Deal_Name": "D",
        "Lead_Source": "Chat",
        "Owner": {"id": "8"},
        "Account_Name": None,
        "Contact_Name": {"id": "1"},
    }


def test_a_contact_matches_by_email_then_by_names_smallest_id_first() -> None:
    by_name = [
        record("30", First_Name="Paul", Last_Name="Daly"),
        record("20", First_Name="Paul", Last_Name="Daly"),
    ]
    by_mail = [
        record("900", Email="PAUL@zylker.test", Last_Name="Other"),
        record("1000", Email="paul@zylker.test"),
    ]
    assert rules.match_contact(LEAD, by_name + by_mail) == "900"
    assert rules.match_contact(LEAD, by_name) == "20"
    assert rules.match_contact(LEAD, [record("1", First_Name="paul", Last_Name="Daly")]) is None
    assert rules.match_contact({"Last_Name": "Daly"}, [record("5", Last_Name="Daly")]) == "5"
    assert (
        rules.match_contact({"Last_Name": "Daly", "Email": ""}, [record("5", Last_Name="Daly", Email="")])
        == "5"
    )


def test_an_account_matches_the_company_ignoring_case() -> None:
    found = [
        record("12", Account_Name="ZYLKER"),
        record("11", Account_Name="zylker"),
        record("3", Account_Name="Z"),
    ]
    assert rules.match_account("Zylker", found) == "11"
    assert rules.match_account("", found) is None


def test_errors_of_a_created_record_point_under_its_key() -> None:
    error = MandatoryNotFound(details={"api_name": "Deal_Name", "json_path": "$.data[0].Deal_Name"})
    moved = rules.nested(error, "Deals")
    assert type(moved) is MandatoryNotFound and moved.message == error.message
    assert moved.details == {"api_name": "Deal_Name", "json_path": "$.data[0].Deals.Deal_Name"}
    several = MultipleOrMultiErrors(details={"errors": [{"details": {"json_path": "$.data[0].A"}}]})
    assert rules.nested(several, "Contacts").details == {
        "errors": [{"details": {"json_path": "$.data[0].Contacts.A"}}]
    }


def test_the_lead_is_marked_converted() -> None:
    lead = record("1", Last_Name="Daly")
    changed = rules.mark_converted(lead, "2", None, "4", "u2", 99)
    assert lead.converted and (lead.modified_by, lead.modified_time) == ("u2", 99)
    assert lead.data == {
        "Last_Name": "Daly",
        "Converted__s": True,
        "Converted_Contact": "2",
        "Converted_Account": None,
        "Converted_Deal": "4",
        "Converted_Date_Time": 99,
    }
    assert changed == {
        "Converted__s": [None, True],
        "Converted_Contact": [None, "2"],
        "Converted_Deal": [None, "4"],
        "Converted_Date_Time": [None, 99],
    }


def test_notes_are_reparented_in_their_form() -> None:
    assert rules.reparent_note({"Parent_Id": "1", "$se_module": "Leads", "Note_Content": "c"}, "2") == {
        "Parent_Id": "2",
        "$se_module": "Contacts",
        "Note_Content": "c",
    }
    assert rules.reparent_note({"Parent_Id": {"id": "1"}, "se_module": "Leads"}, "2") == {
        "Parent_Id": {"id": "2"},
        "$se_module": "Contacts",
        "se_module": "Contacts",
    }


def test_the_answer_names_the_three_records() -> None:
    assert rules.answer(("Paul Daly", "1"), None, ("D", "3")) == {
        "code": "SUCCESS",
        "details": {
            "Contacts": {"name": "Paul Daly", "id": "1"},
            "Deals": {"name": "D", "id": "3"},
            "Accounts": None,
        },
        "message": "The record has been converted successfully",
        "status": "success",
    }
