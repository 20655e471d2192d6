"""End to end: the official SDK's ``RecordOperations().convert_lead`` against a live ``zcrm serve``, run by
``convert_driver.py`` in a fresh interpreter: a conversion with a deal (the body the SDK sends, the contact, deal and
account it parses from the answer, the lead and deal read back), converting the same lead again, and a per-item
error (``assign_to`` no user), both parsed into ``APIException``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("convert_driver.py")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return live.report_of(tmp_path_factory, "sdk-convert", DRIVER)


def sent(report: dict[str, Any], step: str) -> dict[str, Any]:
    """The one conversion request the SDK sent during ``step``."""
    return live.the_request(report, step, "/actions/convert", ("method", "path", "json", "status"))


def test_the_sdk_converts_a_lead_with_a_deal(report: dict[str, Any]) -> None:
    lead_id = report["ids"]["lead"]
    assert sent(report, "convert") == {
        "method": "POST",
        "path": f"/crm/v5/Leads/{lead_id}/actions/convert",
        "json": {
            "data": [
                {
                    "notify_lead_owner": True,
                    "Deals": {
                        "Deal_Name": "SDK deal",
                        "Closing_Date": "2026-12-31",
                        "Stage": "Qualification",
                    },
                    "overwrite": True,
                    "notify_new_entity_owner": False,
                    "move_attachments_to": {"api_name": "Contacts"},
                }
            ]
        },
        "status": 200,
    }
    answer = report["convert"]
    assert (answer["status_code"], answer["object"]) == (200, "ActionWrapper")
    [entry] = answer["data"]
    assert (entry["kind"], entry["code"], entry["status"], entry["message"]) == (
        "SuccessResponse",
        "SUCCESS",
        "success",
        "The record has been converted successfully",
    )
    details = entry["details"]
    assert list(details) == ["Contacts", "Deals", "Accounts"]
    contact, deal, account = (details[k]["record"] for k in ("Contacts", "Deals", "Accounts"))
    assert (contact["name"], deal["name"], account["name"]) == ("Convert Sdk", "SDK deal", "Zylker SDK")
    assert all(isinstance(r["id"], int) for r in (contact, deal, account))

    [lead] = report["lead"]["data"]
    assert lead["Converted__s"] is True
    assert lead["Converted_Contact"] == {"record": contact}
    assert lead["Converted_Account"] == {"record": account}
    assert lead["Converted_Deal"] == {"record": deal}
    assert set(lead["Converted_Date_Time"]) == {"datetime"}
    [got] = report["deal"]["data"]
    assert (got["Deal_Name"], got["Stage"], got["Closing_Date"]) == (
        "SDK deal",
        {"choice": "Qualification"},
        {"date": "2026-12-31"},
    )
    assert (got["Contact_Name"], got["Account_Name"]) == ({"record": contact}, {"record": account})


def test_the_sdk_parses_a_second_conversion_and_a_bad_owner(report: dict[str, Any]) -> None:
    assert report["again"] == {
        "status_code": 400,
        "object": "APIException",
        "error": {
            "kind": "APIException",
            "code": "ID_ALREADY_CONVERTED",
            "status": "error",
            "message": "id already converted",
            "details": {"resource_path_index": 1},
        },
    }
    assert sent(report, "bad_owner")["json"]["data"][0]["assign_to"] == {"id": 1234567000000000001}
    assert report["bad_owner"] == {
        "status_code": 400,
        "object": "ActionWrapper",
        "data": [
            {
                "kind": "APIException",
                "code": "INVALID_DATA",
                "status": "error",
                "message": "the id given seems to be invalid",
                "details": {"api_name": "assign_to", "json_path": "$.data[0].assign_to"},
            }
        ],
    }
