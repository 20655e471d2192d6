"""End to end: the official SDK's ``RecordOperations().upsert_records`` against a live ``zcrm serve``, run by
``upsert_driver.py`` in a fresh interpreter: an insert and an update matched on Email (``get_action()``,
``get_duplicate_field()``), what went on the wire, the record read back, and a refused ``duplicate_check_fields``
parsed into ``APIException``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("upsert_driver.py")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return live.report_of(tmp_path_factory, "sdk-upsert", DRIVER)


def sent(report: dict[str, Any], step: str) -> dict[str, Any]:
    """The one upsert request the SDK sent during ``step``."""
    return live.the_request(report, step, "/upsert", ("method", "path", "json", "status"))


def test_the_sdk_upserts_an_insert_then_an_update(report: dict[str, Any]) -> None:
    assert sent(report, "insert") == {
        "method": "POST",
        "path": "/crm/v5/Leads/upsert",
        "json": {
            "data": [{"Last_Name": "Sdk", "Company": "Zylker", "Email": "sdk@upsert.test"}],
            "trigger": ["workflow"],
        },
        "status": 200,
    }
    [inserted] = report["insert"]["data"]
    assert report["insert"]["status_code"] == 200 and report["insert"]["object"] == "ActionWrapper"
    assert (inserted["kind"], inserted["action"], inserted["duplicate_field"]) == (
        "SuccessResponse",
        "insert",
        None,
    )
    assert (inserted["code"], inserted["status"], inserted["message"]) == (
        "SUCCESS",
        "success",
        "record added",
    )
    record = report["after_insert"]["record"]
    assert (record["Last_Name"], record["Email"]) == ("Sdk", "sdk@upsert.test")

    assert sent(report, "update")["json"] == {
        "data": [{"Email": "SDK@upsert.test", "Company": "Updated by SDK"}],
        "duplicate_check_fields": ["Email"],
        "trigger": ["workflow"],
    }
    [updated] = report["update"]["data"]
    assert (updated["kind"], updated["action"], updated["duplicate_field"]) == (
        "SuccessResponse",
        "update",
        "Email",
    )
    assert updated["message"] == "record updated"
    assert int(updated["details"]["id"]) == report["inserted"]
    record = report["after_update"]["record"]
    assert (record["Company"], record["Email"], record["Last_Name"]) == (
        "Updated by SDK",
        "SDK@upsert.test",
        "Sdk",
    )


def test_the_sdk_parses_a_refused_check_field(report: dict[str, Any]) -> None:
    assert report["bad_check"]["status_code"] == 400
    assert report["bad_check"]["object"] == "APIException"
    assert report["bad_check"]["error"] == {
        "code": "INVALID_DATA",
        "status": "error",
        "message": "invalid data",
        "details": {"api_name": "duplicate_check_fields", "json_path": "$.duplicate_check_fields[0]"},
    }
