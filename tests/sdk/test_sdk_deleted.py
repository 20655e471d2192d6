"""End to end: the official SDK's ``RecordOperations().get_deleted_records`` against a live ``zcrm serve``: three
leads deleted over plain HTTP in one request, then listed by ``deleted_driver.py`` in a fresh interpreter (every
type, ``GetDeletedRecordsParam`` paging, the ``If-Modified-Since`` header, a 204, and ``PATTERN_NOT_MATCHED``
parsed into ``APIException``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("deleted_driver.py")
LEADS = [
    {"First_Name": "Patricia", "Last_Name": "Boyle", "Company": "Zylker"},
    {"Last_Name": "Kate", "Company": "Acme"},
    {"Last_Name": "Burns", "Company": "Globex"},
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sdk-deleted")
    with live.serving(root) as (http, credentials):
        ids = live.insert(http, "Leads", LEADS)
        gone = http.delete("/crm/v5/Leads", params={"ids": ",".join(ids)})
        assert gone.status_code == 200, gone.text
        listed = http.get("/crm/v5/Leads/deleted")
        assert listed.status_code == 200, listed.text
        deleted_time = int(dt.datetime.fromisoformat(listed.json()["data"][0]["deleted_time"]).timestamp())
        user = http.get("/crm/v5/users", params={"type": "CurrentUser"}).json()["users"][0]
        result = live.run_driver(DRIVER, credentials, root / "work", {"deleted_time": deleted_time})
    result["ids"] = [int(i) for i in ids]  # the SDK's ids are ints
    result["user"] = {"name": user["full_name"], "id": int(user["id"])}
    result["deleted_time"] = deleted_time
    return result


def sent(report: dict[str, Any], step: str) -> dict[str, Any]:
    """The one deleted-records request the SDK sent during ``step`` (on first use it also reads the module's
    metadata)."""
    return live.the_request(report, step, "/deleted", ("method", "path", "query", "status"))


def ids(report: dict[str, Any], step: str) -> list[int]:
    answer = report[step]
    assert (answer["status_code"], answer["object"]) == (200, "DeletedRecordsWrapper"), answer
    return [entry["id"] for entry in answer["data"]]


def test_the_sdk_reads_the_recycle_bin(report: dict[str, Any]) -> None:
    boyle, kate, burns = report["ids"]
    assert sent(report, "all") == {
        "method": "GET",
        "path": "/crm/v5/Leads/deleted",
        "query": {},
        "status": 200,
    }
    answer = report["all"]
    assert answer["info"] == {
        "class": "Info",
        "per_page": 200,
        "count": 3,
        "page": 1,
        "more_records": False,
    }
    user = {"name": report["user"]["name"], "id": report["user"]["id"]}
    # one request deleted the three: most recent first, ties by id descending
    assert answer["data"] == [
        {
            "class": "DeletedRecord",
            "id": record_id,
            "display_name": name,
            "type": "recycle",
            "deleted_by": user,
            "created_by": user,
            "deleted_time": report["deleted_time"],
        }
        for record_id, name in ((burns, "Burns"), (kate, "Kate"), (boyle, "Patricia Boyle"))
    ]


def test_the_sdk_pages_by_type(report: dict[str, Any]) -> None:
    boyle, kate, burns = report["ids"]
    assert sent(report, "recycle")["query"] == {"type": "recycle", "per_page": "2", "page": "1"}
    assert ids(report, "recycle") == [burns, kate]
    assert report["recycle"]["info"]["more_records"] is True
    assert ids(report, "recycle_page_2") == [boyle]
    assert report["recycle_page_2"]["info"] == {
        "class": "Info",
        "per_page": 2,
        "count": 1,
        "page": 2,
        "more_records": False,
    }
    assert sent(report, "permanent")["status"] == 204
    assert report["permanent"] == {"status_code": 204, "object": None}


def test_the_sdk_sends_if_modified_since(report: dict[str, Any]) -> None:
    assert ids(report, "since_before") == sorted(report["ids"], reverse=True)
    assert report["since_then"] == {"status_code": 204, "object": None}
    [request] = [e for e in live.in_step(report, "since_then") if e["path"].endswith("/deleted")]
    assert request["status"] == 204


def test_the_sdk_parses_a_bad_type(report: dict[str, Any]) -> None:
    assert sent(report, "bad_type")["query"] == {"type": "deleted"}
    assert report["bad_type"] == {
        "status_code": 400,
        "object": "APIException",
        "error": {
            "code": "PATTERN_NOT_MATCHED",
            "status": "error",
            "message": "Please check whether the input values are correct",
            "details": {"param_name": "type"},
        },
    }
