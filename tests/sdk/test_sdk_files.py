"""End to end: the official SDK's ``FilesOperations`` against a live ``zcrm serve``, run by ``files_driver.py`` in a
fresh interpreter: ``upload_files`` (two files, one multipart request) parsed into ``SuccessResponse`` entries,
``get_file`` downloading the bytes unchanged with the name from ``Content-Disposition``, and a Deal inserted with
an ``ImageUpload`` row naming the uploaded file, read back as ``ImageUpload`` (zoho-v5-related.md §6)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live

DRIVER = Path(__file__).with_name("files_driver.py")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return live.report_of(tmp_path_factory, "sdk-files", DRIVER)


def test_upload_files_sends_one_multipart_request_and_parses_each_file(report: dict[str, Any]) -> None:
    [request] = live.in_step(report, "upload")
    assert (request["method"], request["path"], request["status"]) == ("POST", "/crm/v5/files", 200)
    assert request["content_type"].startswith("multipart/form-data") and request["multipart_bytes"] > 1024
    upload = report["upload"]
    assert (upload["status_code"], upload["object"]) == (200, "ActionWrapper")
    assert [
        (d["kind"], d["code"], d["status"], d["message"], d["details"]["name"]) for d in upload["data"]
    ] == [
        ("SuccessResponse", "SUCCESS", "success", "front.png uploaded Succeessfully", "front.png"),
        ("SuccessResponse", "SUCCESS", "success", "notes.txt uploaded Succeessfully", "notes.txt"),
    ]
    assert all(re.fullmatch("[0-9a-f]{32,64}", d["details"]["id"]) for d in upload["data"])


def test_get_file_downloads_the_bytes_unchanged(report: dict[str, Any]) -> None:
    [request] = live.in_step(report, "download")
    file_id = report["upload"]["data"][0]["details"]["id"]
    assert (request["method"], request["path"], request["query"]) == ("GET", "/crm/v5/files", {"id": file_id})
    download = report["download"]
    assert (download["status_code"], download["object"], download["name"]) == (
        200,
        "FileBodyWrapper",
        "front.png",
    )
    assert download["hex"] == report["png_hex"]


def test_a_deal_takes_the_uploaded_image(report: dict[str, Any]) -> None:
    [request] = [e for e in live.in_step(report, "insert") if e["path"] == "/crm/v5/Deals"]
    file_id = report["upload"]["data"][0]["details"]["id"]
    assert request["json"]["data"][0]["Image_Upload"] == [
        {"File_Id__s": file_id, "Description__s": "front view"}
    ]
    assert report["insert"]["data"][0]["code"] == "SUCCESS"
    [row] = report["read"]["rows"]
    size = str(len(bytes.fromhex(report["png_hex"])))
    assert {k: v for k, v in row.items() if k != "id"} == {
        "class": "ImageUpload",
        "file_id": file_id,
        "name": "front.png",
        "size": size,
        "sequence": 1,
        "description": "front view",
        "state": "save",
    }
    assert isinstance(row["id"], int)


def test_an_unknown_file_id_is_an_sdk_api_exception(report: dict[str, Any]) -> None:
    [entry] = report["bad_id"]["data"]
    assert report["bad_id"]["status_code"] == 400
    assert entry == {
        "kind": "APIException",
        "code": "INVALID_DATA",
        "status": "error",
        "message": "the id given seems to be invalid",
        "details": {"api_name": "File_Id__s", "json_path": "$.data[0].Image_Upload[0].File_Id__s"},
    }
