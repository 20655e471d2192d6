"""End to end: the official SDK's ``NotesOperations`` against a live ``zcrm serve``, run by ``notes_driver.py`` in a
fresh interpreter: notes created with both parent forms the SDK can send (``$se_module`` and ``Parent_Id.module``),
listed oldest first with ``$se_module`` and the parent by name, updated, read back, deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("notes_driver.py")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return live.report_of(tmp_path_factory, "sdk-notes", DRIVER)


def sent(report: dict[str, Any], step: str) -> list[tuple[str, str, Any, int]]:
    """(method, path, JSON body, status) of the Notes requests the SDK sent during ``step``."""
    return [
        (e["method"], e["path"], e.get("json"), e["status"])
        for e in live.in_step(report, step)
        if e["path"].startswith("/crm/v5/Notes")
    ]


def test_the_sdk_creates_notes_with_both_parent_forms(report: dict[str, Any]) -> None:
    lead = report["lead"]
    assert sent(report, "create") == [
        (
            "POST",
            "/crm/v5/Notes",
            {
                "data": [
                    {
                        "Note_Content": "first content",
                        "Note_Title": "first",
                        "$se_module": "Leads",
                        "Parent_Id": {"id": lead},
                    },
                    {
                        "Note_Content": "second content",
                        "Note_Title": "second",
                        "Parent_Id": {"id": lead, "module": {"api_name": "Leads"}},
                    },
                ]
            },
            201,
        )
    ]
    created = report["create"]
    assert (created["status_code"], created["object"]) == (201, "ActionWrapper")
    assert [(e["kind"], e["code"], e["message"]) for e in created["data"]] == [
        ("SuccessResponse", "SUCCESS", "record added")
    ] * 2


def test_the_sdk_lists_notes_oldest_first_with_their_parent(report: dict[str, Any]) -> None:
    lead = report["lead"]
    ids = [int(e["details"]["id"]) for e in report["create"]["data"]]
    listed = report["list"]
    assert (listed["status_code"], listed["object"], listed["info"]) == (
        200,
        "ResponseWrapper",
        {"count": 2, "sort_order": "asc"},
    )
    assert listed["notes"] == [
        {
            "class": "Note",
            "id": ids[0],
            "title": "first",
            "content": "first content",
            "se_module": "Leads",
            "parent": {"record": {"name": "Sdk", "id": lead}},
        },
        {
            "class": "Note",
            "id": ids[1],
            "title": "second",
            "content": "second content",
            "se_module": "Leads",
            "parent": {"record": {"name": "Sdk", "id": lead}},
        },
    ]


def test_the_sdk_updates_and_deletes_a_note(report: dict[str, Any]) -> None:
    first, second = (int(e["details"]["id"]) for e in report["create"]["data"])
    assert sent(report, "update") == [
        ("PUT", f"/crm/v5/Notes/{first}", {"data": [{"Note_Title": "first, edited"}]}, 200),
        ("GET", f"/crm/v5/Notes/{first}", None, 200),
    ]
    assert [(e["kind"], e["message"]) for e in report["update"]["data"]] == [
        ("SuccessResponse", "record updated")
    ]
    [after] = report["after_update"]["notes"]
    assert (after["title"], after["content"], after["se_module"]) == (
        "first, edited",
        "first content",
        "Leads",
    )
    assert sent(report, "delete") == [
        ("DELETE", f"/crm/v5/Notes/{second}", None, 200),
        ("GET", f"/crm/v5/Notes/{second}", None, 204),
    ]
    [deleted] = report["delete"]["data"]
    assert (deleted["kind"], deleted["message"], deleted["details"]) == (
        "SuccessResponse",
        "record deleted",
        {"id": str(second)},
    )
    assert report["after_delete"] == {"status_code": 204}
