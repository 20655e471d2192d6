"""End to end: the official SDK's ``TagsOperations`` (``add_tags``, ``add_tags_to_multiple_records``, ``get_tags``,
``remove_tags``, ``remove_tags_from_multiple_records``) against a live ``zcrm serve``, run by ``tags_driver.py`` in a
fresh interpreter: what went on the wire, what the SDK parsed (``RecordActionWrapper`` with its string counts,
``RecordDetailTag``, ``ResponseWrapper`` with ``Info``), the ``Tag`` field read back through
``RecordOperations().get_record``, and a refused tag id parsed into ``APIException``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("tags_driver.py")
UPDATED = "tags updated successfully"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sdk-tags")
    with live.serving(root) as (http, credentials):
        leads = [
            live.insert(http, "Leads", [{"Last_Name": name, "Company": "Zylker"}])[0]
            for name in ("First", "Second")
        ]
        result = live.run_driver(DRIVER, credentials, root / "work", {"leads": leads})
        result["leads"] = [int(i) for i in leads]
        result["user_id"] = int(json.loads(credentials.read_text())["user_id"])
        return result


def sent(report: dict[str, Any], step: str) -> tuple[Any, ...]:
    [request] = [e for e in live.in_step(report, step) if "tags" in e["path"]]
    return request["method"], request["path"], request["query"], request.get("json"), request["status"]


def success(record_id: int, tags: list[tuple[str, str | None]], ids: dict[str, int]) -> dict[str, Any]:
    shown = [
        {"class": "RecordDetailTag", "name": name, "id": ids[name], "color_code": color}
        for name, color in tags
    ]
    return {
        "kind": "RecordSuccessResponse",
        "code": "SUCCESS",
        "status": "success",
        "message": UPDATED,
        "details": {"id": record_id, "tags": shown},
    }


def test_the_sdk_adds_tags_to_one_record_and_to_several(report: dict[str, Any]) -> None:
    first, second = report["leads"]
    assert sent(report, "add_one") == (
        "POST",
        f"/crm/v5/Leads/{first}/actions/add_tags",
        {"over_write": "false"},
        {"tags": [{"name": "Prime", "color_code": "#F17574"}, {"name": "Active"}]},
        200,
    )
    one = report["add_one"]
    ids = {t["name"]: t["id"] for t in one["data"][0]["details"]["tags"]}
    assert one == {
        "status_code": 200,
        "object": "RecordActionWrapper",
        "data": [success(first, [("Active", None), ("Prime", "#F17574")], ids)],
        "success_count": None,
        "locked_count": None,
    }
    method, path, _, body, status = sent(report, "add_many")
    assert (method, path, body, status) == (
        "POST",
        "/crm/v5/Leads/actions/add_tags",
        {"ids": [first, second], "tags": [{"id": ids["Prime"]}, {"name": "Cold", "color_code": "#57B1FD"}]},
        200,
    )
    many = report["add_many"]
    ids["Cold"] = many["data"][1]["details"]["tags"][0]["id"]
    assert many == {
        "status_code": 200,
        "object": "RecordActionWrapper",
        "data": [
            success(first, [("Active", None), ("Cold", "#57B1FD"), ("Prime", "#F17574")], ids),
            success(second, [("Cold", "#57B1FD"), ("Prime", "#F17574")], ids),
        ],
        "success_count": "2",
        "locked_count": "0",
    }
    assert report["read_after_add"] == [
        {"Tag": {"id": ids[name], "name": name}} for name in ("Active", "Cold", "Prime")
    ]


def test_the_sdk_lists_the_modules_tags(report: dict[str, Any]) -> None:
    assert sent(report, "get_tags") == ("GET", "/crm/v5/settings/tags", {"module": "Leads"}, None, 200)
    listed = report["get_tags"]
    assert listed["object"] == "ResponseWrapper"
    assert listed["info"] == {"count": 3, "allowed_count": 200}
    assert [(t["name"], t["color_code"]) for t in listed["tags"]] == [
        ("Active", None),
        ("Cold", "#57B1FD"),
        ("Prime", "#F17574"),
    ]
    for tag in listed["tags"]:
        assert tag["created_by"]["MinifiedUser"]["id"] == report["user_id"]
        assert set(tag["created_time"]) == {"datetime"}


def test_the_sdk_removes_tags_from_one_record_and_from_several(report: dict[str, Any]) -> None:
    first, second = report["leads"]
    ids = {t["name"]: t["id"] for t in report["add_many"]["data"][0]["details"]["tags"]}
    assert sent(report, "remove_one") == (
        "POST",
        f"/crm/v5/Leads/{first}/actions/remove_tags",
        {},
        {"tags": [{"name": "Active"}]},
        200,
    )
    assert report["remove_one"]["data"] == [success(first, [("Cold", "#57B1FD"), ("Prime", "#F17574")], ids)]
    assert sent(report, "remove_many") == (
        "POST",
        "/crm/v5/Leads/actions/remove_tags",
        {"ids": f"{first},{second}"},
        {"tags": [{"name": "cold"}]},
        200,
    )
    many = report["remove_many"]
    assert many["data"] == [
        success(first, [("Prime", "#F17574")], ids),
        success(second, [("Prime", "#F17574")], ids),
    ]
    assert (many["success_count"], many["locked_count"]) == ("2", "0")
    assert report["read_after_remove"] == [{"Tag": {"id": ids["Prime"], "name": "Prime"}}]


def test_the_sdk_parses_a_refused_tag_id(report: dict[str, Any]) -> None:
    assert report["refused"] == live.refused(
        "INVALID_DATA", "invalid data", {"api_name": "id", "json_path": "$.tags[0].id"}
    )
