"""End to end: the official SDK's ``RelatedListsOperations.get_related_lists`` and ``RelatedRecordsOperations``
(``update_related_records``, ``get_related_records``, ``delink_records``) against a live ``zcrm serve``, run by
``related_driver.py`` in a fresh interpreter: a campaign's members linked with their ``Member_Status``, read back,
one delinked, and what went on the wire."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("related_driver.py")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sdk-related")
    with live.serving(root) as (http, credentials):
        [campaign] = live.insert(http, "Campaigns", [{"Campaign_Name": "Spring"}])
        leads = live.insert(
            http, "Leads", [{"Last_Name": "Daly", "Company": "Z"}, {"Last_Name": "Kim", "Company": "Z"}]
        )
        args = {"campaign": campaign, "leads": leads}
        result = live.run_driver(DRIVER, credentials, root / "work", args)
        result["ids"] = args
        return result


def test_the_sdk_reads_the_related_lists(report: dict[str, Any]) -> None:
    lists = report["lists"]
    assert (lists["status_code"], lists["object"]) == (200, "ListsWrapper")
    leads = next(item for item in lists["lists"] if item["api_name"] == "Leads")
    assert (leads["module"], leads["type"], leads["href"]) == (
        "Leads",
        "default",
        "Campaigns/{ENTITYID}/Leads",
    )
    assert [item["api_name"] for item in lists["lists"]][-3:] == ["Leads", "Contacts", "Deals"]


def test_the_sdk_links_reads_and_delinks(report: dict[str, Any]) -> None:
    campaign, (daly, kim) = report["ids"]["campaign"], report["ids"]["leads"]
    [put] = [e for e in live.in_step(report, "link") if e["method"] == "PUT"]
    assert (put["path"], put["status"]) == (f"/crm/v5/Campaigns/{campaign}/Leads", 200)
    assert put["json"] == {"data": [{"id": int(daly), "Member_Status": "Sent"}, {"id": int(kim)}]}
    assert report["link"]["data"] == [
        {"kind": "SuccessResponse", "code": "SUCCESS", "status": "success", "message": "relation added",
         "details": {"id": int(lead)}}
        for lead in (daly, kim)
    ]  # fmt: skip
    read = report["read"]
    assert (read["status_code"], read["object"], read["info"]) == (
        200,
        "ResponseWrapper",
        {"count": 2, "more_records": False},
    )
    assert [(r["id"], r["values"]["Last_Name"], r["values"]["Member_Status"]) for r in read["records"]] == [
        (int(kim), "Kim", None),
        (int(daly), "Daly", "Sent"),
    ]
    [delete] = [e for e in live.in_step(report, "delink") if e["method"] == "DELETE"]
    assert (delete["path"], delete["status"]) == (f"/crm/v5/Campaigns/{campaign}/Leads", 200)
    assert report["delink"]["data"][0]["message"] == "relation removed"
    assert [r["id"] for r in report["read_again"]["records"]] == [int(daly)]
