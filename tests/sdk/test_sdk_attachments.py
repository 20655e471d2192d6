"""End to end: the official SDK's ``AttachmentsOperations`` (upload a file, attach a link, list, download, delete
one and several) and ``RecordOperations``' photo methods (upload, download, delete) against a live ``zcrm serve``,
run by ``attachments_driver.py`` in a fresh interpreter: what the SDK parsed and what went on the wire."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("attachments_driver.py")
FILE_BYTES = bytes(range(256)) * 40 + b"%%EOF"  # what the driver uploads
PHOTO_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(100))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sdk-attachments")
    with live.serving(root) as (http, credentials):
        [record_id] = live.insert(http, "Leads", [{"Last_Name": "Sdk", "Company": "Zylker"}])
        result = live.run_driver(DRIVER, credentials, root / "work", {"record_id": record_id})
        result["record_id"] = record_id
        return result


def sent(report: dict[str, Any], step: str) -> list[dict[str, Any]]:
    """The requests the SDK sent during ``step``: method, path, query, multipart size and answer status."""
    keys = ("method", "path", "query", "multipart_bytes", "status")
    return [{k: e.get(k) for k in keys} for e in live.in_step(report, step)]


def test_the_sdk_uploads_a_file_and_attaches_a_link(report: dict[str, Any]) -> None:
    path = f"/crm/v5/Leads/{report['record_id']}/Attachments"
    [upload] = sent(report, "upload")
    assert (upload["method"], upload["path"], upload["query"], upload["status"]) == ("POST", path, {}, 200)
    assert upload["multipart_bytes"] > len(FILE_BYTES)
    assert sent(report, "link") == [
        {
            "method": "POST",
            "path": path,
            "query": {"attachmentUrl": "https://www.zoho.com/crm", "title": "Zoho CRM"},
            "multipart_bytes": None,
            "status": 200,
        }
    ]
    for step in ("upload", "link"):
        assert report[step]["status_code"] == 200 and report[step]["object"] == "ActionWrapper"
        [entry] = report[step]["data"]
        assert (entry["kind"], entry["code"], entry["message"]) == (
            "SuccessResponse",
            "SUCCESS",
            "attachment uploaded successfully",
        )
        details = entry["details"]
        assert sorted(details) == ["Created_By", "Created_Time", "Modified_By", "Modified_Time", "id"]
        assert isinstance(details["id"], int) and details["Created_By"] == details["Modified_By"]


def test_the_sdk_lists_attachments(report: dict[str, Any]) -> None:
    listed = report["list"]
    assert (listed["status_code"], listed["object"], listed["info"]) == (
        200,
        "ResponseWrapper",
        {"count": 2, "more_records": False},
    )
    link, document = listed["attachments"]  # newest first
    owner = link["owner"]
    record = int(report["record_id"])
    assert link == {
        "id": report["link"]["data"][0]["details"]["id"],
        "file_name": "Zoho CRM",
        "size": "0",
        "type": "Link URL",
        "se_module": "Leads",
        "file_id": None,
        "link_url": "https://www.zoho.com/crm",
        "editable": True,
        "parent": [record, "Sdk"],
        "owner": owner,
        "created_time": link["created_time"],
    }
    assert document["file_name"] == "report.pdf" and document["size"] == str(len(FILE_BYTES))
    assert (document["type"], document["link_url"], document["parent"]) == ("File", None, [record, "Sdk"])
    assert document["id"] == report["upload"]["data"][0]["details"]["id"]
    assert isinstance(document["file_id"], str) and len(document["file_id"]) == 32


def test_the_sdk_downloads_the_file_byte_identical(report: dict[str, Any]) -> None:
    download = report["download"]
    assert (download["status_code"], download["object"], download["name"]) == (
        200,
        "FileBodyWrapper",
        "report.pdf",
    )
    assert bytes.fromhex(download["bytes"]) == FILE_BYTES
    assert report["download_link"] == {
        "status_code": 400,
        "object": "APIException",
        "code": "DOWNLOAD_NOT_ALLOWED",
        "status": "error",
        "message": "As it is a linked attachment, you can not download it",
        "details": {},
    }


def test_the_sdk_deletes_attachments(report: dict[str, Any]) -> None:
    file_id, link_id = (
        report["upload"]["data"][0]["details"]["id"],
        report["link"]["data"][0]["details"]["id"],
    )
    assert report["delete_one"] == {
        "status_code": 200,
        "object": "ActionWrapper",
        "data": [live.success("record deleted", {"id": file_id})],
    }
    [request] = sent(report, "delete_many")
    assert (request["method"], request["query"], request["status"]) == (
        "DELETE",
        {"ids": f"{link_id},{file_id}"},
        207,
    )
    assert report["delete_many"]["data"] == [
        live.success("record deleted", {"id": link_id}),
        {**live.success("record not deleted", {"id": file_id}), "code": "INVALID_DATA", "status": "error"},
    ]
    assert report["list_after"] == {"status_code": 204, "object": "NoneType"}


def test_the_sdk_uploads_downloads_and_deletes_a_photo(report: dict[str, Any]) -> None:
    path = f"/crm/v5/Leads/{report['record_id']}/photo"
    assert [(r["method"], r["path"], r["status"]) for r in sent(report, "upload_photo")][-1] == (
        "POST",
        path,
        200,
    )
    bare = {
        "status_code": 200,
        "object": "SuccessResponse",
        "code": "SUCCESS",
        "status": "success",
        "details": {},
    }
    assert report["upload_photo"] == {**bare, "message": "photo uploaded successfully"}
    photo = report["get_photo"]
    assert (photo["status_code"], photo["object"], photo["name"]) == (200, "FileBodyWrapper", "face.png")
    assert bytes.fromhex(photo["bytes"]) == PHOTO_BYTES
    assert report["delete_photo"] == {**bare, "message": "Photo deleted"}
    assert report["get_photo_after"] == {"status_code": 204, "object": "NoneType"}
