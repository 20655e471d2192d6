"""End to end: the official SDK's ``QueryOperations().get_records`` (COQL) against a live ``zcrm serve``: records
written over plain HTTP, then queried by ``coql_driver.py`` in a fresh interpreter (lookups and aliases, an
aggregate with GROUP BY, a page with more records, a 204, and Zoho's errors parsed into ``APIException``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("coql_driver.py")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sdk-coql")
    ids: dict[str, str] = {}
    with live.serving(root) as (http, credentials):

        def insert(module: str, *records: dict[str, Any]) -> list[str]:
            made = http.post(f"/crm/v5/{module}", content=json.dumps({"data": list(records)}))
            assert made.status_code == 201, made.text
            return [item["details"]["id"] for item in made.json()["data"]]

        [ids["zylker"]] = insert("Accounts", {"Account_Name": "Zylker"})
        [ids["burns"]] = insert(
            "Contacts",
            {"Last_Name": "Burns", "Email": "burns@zylker.test", "Account_Name": {"id": ids["zylker"]}},
        )
        ids["l1"], ids["l2"], _ = insert(
            "Leads",
            {"Last_Name": "L1", "Company": "C", "Lead_Source": "Web", "Annual_Revenue": 10},
            {"Last_Name": "L2", "Company": "C", "Lead_Source": "Web", "Annual_Revenue": 5.5},
            {"Last_Name": "L3", "Company": "C"},
        )
        result = live.run_driver(DRIVER, credentials, root / "work", {})
    result["ids"] = ids
    return result


def rows(report: dict[str, Any], step: str) -> list[dict[str, Any]]:
    answer = report[step]
    assert (answer["status_code"], answer["object"]) == (200, "ResponseWrapper"), answer
    assert {r["class"] for r in answer["records"]} == {"Record"}
    return [r["values"] for r in answer["records"]]


def test_the_sdk_sends_the_query_as_zoho_documents(report: dict[str, Any]) -> None:
    [entry] = [e for e in live.in_step(report, "lookups") if e["path"] == "/crm/v5/coql"]
    assert entry["method"] == "POST"


def test_the_sdk_reads_lookups_aliases_and_info(report: dict[str, Any]) -> None:
    ids = report["ids"]
    [burns] = rows(report, "lookups")
    assert burns["Last_Name"] == "Burns" and burns["Mail"] == "burns@zylker.test"
    assert burns["Account_Name.Account_Name"] == "Zylker"
    # a query's records carry no module, so the SDK keeps a lookup as the JSON it read
    assert burns["Account_Name"] == {"id": ids["zylker"]}
    assert burns["id"] == int(ids["burns"])
    assert report["lookups"]["info"] == {"class": "Info", "count": 1, "more_records": False}


def test_the_sdk_reads_aggregates(report: dict[str, Any]) -> None:
    assert rows(report, "aggregate") == [
        {"Lead_Source": None, "COUNT(id)": 1, "SUM(Annual_Revenue)": None},
        {"Lead_Source": "Web", "COUNT(id)": 2, "SUM(Annual_Revenue)": 15.5},  # no module: no Choice
    ]


def test_the_sdk_reads_a_page_and_204(report: dict[str, Any]) -> None:
    [second] = rows(report, "paged")
    assert second["id"] == int(report["ids"]["l2"])
    assert report["paged"]["info"] == {"class": "Info", "count": 1, "more_records": True}
    assert report["nothing"] == {"status_code": 204, "object": None}


def test_the_sdk_parses_coql_errors(report: dict[str, Any]) -> None:
    assert report["syntax"]["status_code"] == 400
    assert report["syntax"]["error"] == {
        "code": "SYNTAX_ERROR",
        "status": "error",
        "message": "error occured while parsing the query",
        "details": {"near": "from"},
    }
    assert report["unknown_column"]["error"] == {
        "code": "INVALID_QUERY",
        "status": "error",
        "message": "column given seems to be invalid",
        "details": {"column_name": "Nope"},
    }
    assert report["bad_operator"]["error"] == {
        "code": "INVALID_QUERY",
        "status": "error",
        "message": "invalid query formed",
        "details": {"reason": "invalid operator found", "column_name": "Last_Name", "operator": ">"},
    }
