"""The Files API (zoho-v5-related.md §6, §1.4, §1.5): multipart upload of one or several files, download
byte-identical with the documented headers, the size limit refused before the rest is read, content stored once."""

from __future__ import annotations

import os
import re

from sqlalchemy import text

from tests.api.related_world import MB, TOO_LARGE
from tests.conftest import Api
from zcrm.http.downloads import disposition
from zcrm.store.db import Database


def upload(api: Api, *files: tuple[str, bytes, str], **kwargs: object) -> object:
    parts = [("file", f) for f in files]
    return api.client.post("/crm/v5/files", headers=api.headers, files=parts, **kwargs)  # type: ignore[arg-type]


def database(api: Api) -> Database:
    return api.client.app.state.zcrm.db  # type: ignore[attr-defined,no-any-return]


def test_upload_answers_each_file_and_download_is_byte_identical(api: Api) -> None:
    first, second = os.urandom(3 * MB + 17), b"hello, world\n"
    response = upload(api, ("data.bin", first, "application/x-thing"), ("notes.txt", second, "text/plain"))
    assert response.status_code == 200  # type: ignore[attr-defined]
    data = response.json()["data"]  # type: ignore[attr-defined]
    assert [(d["code"], d["message"], d["status"], d["details"]["name"]) for d in data] == [
        ("SUCCESS", "data.bin uploaded Succeessfully", "success", "data.bin"),
        ("SUCCESS", "notes.txt uploaded Succeessfully", "success", "notes.txt"),
    ]
    ids = [d["details"]["id"] for d in data]
    assert all(re.fullmatch("[0-9a-f]{32,64}", i) for i in ids) and ids[0] != ids[1]
    got = api.get("/crm/v5/files", params={"id": ids[0]})
    assert got.status_code == 200 and got.content == first
    assert got.headers["content-type"] == "application/x-thing"
    assert got.headers["content-disposition"] == 'attachment; filename="data.bin"'
    assert got.headers["content-length"] == str(len(first))
    assert got.headers["x-content-type-options"] == "nosniff"
    text_file = api.get("/crm/v5/files", params={"id": ids[1]})
    assert text_file.content == second and text_file.headers["content-type"].startswith("text/plain")


def test_a_name_outside_ascii_gets_a_utf8_filename(api: Api) -> None:
    response = upload(api, ("Überweisung 1.pdf", b"%PDF-1.4", "application/pdf"))
    got = api.get("/crm/v5/files", params={"id": response.json()["data"][0]["details"]["id"]})  # type: ignore[attr-defined]
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"_berweisung 1.pdf\"; filename*=UTF-8''%C3%9Cberweisung%201.pdf"
    )
    assert disposition('a "b" \\c.txt') == (
        "attachment; filename=\"a _b_ _c.txt\"; filename*=UTF-8''a%20%22b%22%20%5Cc.txt"
    )


def test_the_same_content_is_stored_once(api: Api) -> None:
    content = os.urandom(2 * MB + 5)
    a = upload(api, ("a.bin", content, "application/octet-stream")).json()["data"][0]["details"]["id"]  # type: ignore[attr-defined]
    b = upload(api, ("b.bin", content, "application/octet-stream")).json()["data"][0]["details"]["id"]  # type: ignore[attr-defined]
    assert a != b
    with database(api).read() as conn:
        chunks = conn.execute(text("SELECT COUNT(*) FROM blobs")).scalar()
    assert chunks == 3  # 1 MB chunks of one content
    assert api.get("/crm/v5/files", params={"id": b}).content == content


def test_a_file_over_20_mb_is_refused_and_nothing_is_stored(api: Api) -> None:
    small = ("small.txt", b"small", "text/plain")
    big = ("big.bin", b"\0" * (20 * MB + 1), "application/octet-stream")
    response = upload(api, small, big)
    assert (response.status_code, response.json()) == (415, TOO_LARGE)  # type: ignore[attr-defined]
    with database(api).read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM files")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM blobs")).scalar() == 0
    exact = upload(api, ("exact.bin", b"\1" * (20 * MB), "application/octet-stream"))
    assert exact.status_code == 200  # type: ignore[attr-defined]


def test_no_file_or_an_empty_file(api: Api) -> None:
    missing = {
        "code": "REQUIRED_PARAM_MISSING",
        "details": {"param_name": "file"},
        "message": "One of the expected parameter is missing",
        "status": "error",
    }
    for response in (
        api.client.post(
            "/crm/v5/files", headers=api.headers, data={"other": "x"}, files=[("x", ("a", b"1"))]
        ),
        api.client.post("/crm/v5/files", headers=api.headers, json={"file": "x"}),
        api.client.post("/crm/v5/files", headers=api.headers),
        api.client.post(
            "/crm/v5/files",
            headers={**api.headers, "Content-Type": "multipart/form-data; boundary=zz"},
            content=b"--zz\r\nnot a part",
        ),
    ):
        assert (response.status_code, response.json()) == (400, missing)
    empty = upload(api, ("empty.txt", b"", "text/plain"))
    assert (empty.status_code, empty.json()) == (  # type: ignore[attr-defined]
        400,
        {
            "code": "INVALID_DATA",
            "details": {"param_name": "file"},
            "message": "invalid data",
            "status": "error",
        },
    )


def test_download_needs_an_id_and_an_unknown_id_is_204(api: Api) -> None:
    missing = api.get("/crm/v5/files")
    assert (missing.status_code, missing.json()) == (
        400,
        {
            "code": "REQUIRED_PARAM_MISSING",
            "details": {"param_name": "id"},
            "message": "One of the expected parameter is missing",
            "status": "error",
        },
    )
    unknown = api.get("/crm/v5/files", params={"id": "ab" * 16})
    assert (unknown.status_code, unknown.content) == (204, b"")
