"""End to end: the official SDK's ``RecordOperations().search_records`` against a live ``zcrm serve``: records
written over plain HTTP, then searched by ``search_driver.py`` in a fresh interpreter (criteria, email, phone,
word, paging, a 204, and Zoho's errors parsed into ``APIException``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("search_driver.py")
LEADS = [
    {"Last_Name": "Burns", "Company": "Zylker", "Email": "burns@zylker.test", "Phone": "+1 (555) 010-2030"},
    {"Last_Name": "Kate", "Company": "Acme", "Email": "kate@acme.test"},
    {"Last_Name": "Burnside", "Company": "Globex"},
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sdk-search")
    with live.serving(root) as (http, credentials):
        ids = live.insert(http, "Leads", LEADS)
        result = live.run_driver(DRIVER, credentials, root / "work", {})
    result["ids"] = dict(zip(("burns", "kate", "burnside"), ids, strict=True))
    return result


def sent(report: dict[str, Any], step: str) -> dict[str, Any]:
    """The one search request the SDK sent during ``step`` (on first use it also reads the module's metadata):
    method, path and query."""
    return live.the_request(report, step, "/search", ("method", "path", "query"))


def found(report: dict[str, Any], step: str) -> list[int]:
    answer = report[step]
    assert (answer["status_code"], answer["object"]) == (200, "ResponseWrapper"), answer
    assert {r["class"] for r in answer["records"]} == {"Record"}
    return [r["id"] for r in answer["records"]]


def test_the_sdk_searches_by_criteria_email_phone_and_word(report: dict[str, Any]) -> None:
    ids = {name: int(value) for name, value in report["ids"].items()}  # the SDK's ids are ints
    assert sent(report, "criteria") == {
        "method": "GET",
        "path": "/crm/v5/Leads/search",
        "query": {"criteria": "((Last_Name:starts_with:burn)and(Company:equals:zylker))"},
    }
    assert found(report, "criteria") == [ids["burns"]]
    assert found(report, "email") == [ids["kate"]]
    assert found(report, "phone") == [ids["burns"]]
    assert found(report, "word") == [ids["burnside"]]
    [burnside] = report["word"]["records"]
    assert burnside["values"]["Last_Name"] == "Burnside" and burnside["values"]["Company"] == "Globex"


def test_the_sdk_reads_paging_info_and_204(report: dict[str, Any]) -> None:
    ids = {name: int(value) for name, value in report["ids"].items()}
    assert found(report, "paged") == [ids["burnside"], ids["kate"]]  # id, descending
    assert report["paged"]["info"] == {
        "class": "Info",
        "per_page": 2,
        "count": 2,
        "page": 1,
        "more_records": True,
    }
    assert report["nothing"] == {"status_code": 204, "object": None}


def test_the_sdk_parses_search_errors(report: dict[str, Any]) -> None:
    assert report["malformed"]["status_code"] == 400
    assert report["malformed"]["object"] == "APIException"
    assert report["malformed"]["error"] == {
        "code": "INVALID_QUERY",
        "status": "error",
        "message": "invalid query formed",
        "details": {"param_name": "criteria"},
    }
    assert report["bad_operator"]["error"] == {
        "code": "INVALID_QUERY",
        "status": "error",
        "message": "invalid query formed",
        "details": {"reason": "invalid operator found", "api_name": "Last_Name", "operator": "greater_than"},
    }
