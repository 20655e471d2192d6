"""A record's photo (zoho-v5-related.md §7, with §1.3-§1.6): upload (format from the bytes, 10 MB), download with
the detected type, replace, delete; ``Record_Image`` holds the photo's file and ``Modified_Time`` stays; the checks
and envelopes, scopes and sharing, and the photo going with its record."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import httpx

from tests.api.related_world import MB, error
from tests.api.sharing_org import as_user, sharing_org
from tests.conftest import Api, sql

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(60))
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg body" * 10
UPLOADED = {"code": "SUCCESS", "details": {}, "message": "photo uploaded successfully", "status": "success"}
DELETED = {"code": "SUCCESS", "details": {}, "message": "Photo deleted", "status": "success"}


INVALID_MODULE = error("INVALID_MODULE", "the module name given seems to be invalid", resource_path_index=0)
RELATED_ID = error("INVALID_DATA", "the related id given seems to be invalid", resource_path_index=1)
BAD_IMAGE = error("INVALID_DATA", "The image format is invalid.", param_name="file")


def upload(
    api: Api, path: str, name: str, content: bytes, kind: str = "image/png", **kw: Any
) -> httpx.Response:
    return api.client.post(path, headers=api.headers, files=[("file", (name, content, kind))], **kw)


def record(api: Api, path: str) -> dict[str, Any]:
    data: dict[str, Any] = api.get(path).json()["data"][0]
    return data


def test_upload_download_replace_and_delete(api: Api) -> None:
    (lead,) = api.insert("Leads", {"Last_Name": "Daly", "Company": "Z"})
    path = f"/crm/v5/Leads/{lead}/photo"
    before = record(api, f"/crm/v5/Leads/{lead}")
    assert before["Record_Image"] is None
    assert api.get(path).status_code == 204
    response = upload(api, path, "me.png", PNG, params={"restrict_triggers": "workflow"})
    assert (response.status_code, response.json()) == (200, UPLOADED)
    after = record(api, f"/crm/v5/Leads/{lead}")
    first_file = after["Record_Image"]
    assert isinstance(first_file, str) and first_file
    assert after["Modified_Time"] == before["Modified_Time"] and after["Last_Name"] == "Daly"
    got = api.get(path)
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"] == 'attachment; filename="me.png"'
    assert got.headers["content-length"] == str(len(PNG))
    # a second upload replaces the photo and removes the first one's file
    replaced = upload(api, path, "me.jpg", JPEG, "application/octet-stream")
    assert (replaced.status_code, replaced.json()) == (200, UPLOADED)
    second_file = record(api, f"/crm/v5/Leads/{lead}")["Record_Image"]
    assert second_file != first_file
    got = api.get(path)
    assert (got.content, got.headers["content-type"]) == (JPEG, "image/jpeg")
    assert api.get("/crm/v5/files", params={"id": first_file}).status_code == 204
    assert api.get("/crm/v5/files", params={"id": second_file}).content == JPEG
    # delete, and delete again
    for _ in range(2):
        deleted = api.delete(path)
        assert (deleted.status_code, deleted.json()) == (200, DELETED)
        assert api.get(path).status_code == 204
    final = record(api, f"/crm/v5/Leads/{lead}")
    assert final["Record_Image"] is None and final["Modified_Time"] == before["Modified_Time"]
    assert sql(api, "SELECT COUNT(*) FROM files")[0][0] == 0
    assert sql(api, "SELECT COUNT(*) FROM blobs")[0][0] == 0


def test_the_format_comes_from_the_bytes(api: Api) -> None:
    (contact,) = api.insert("Contacts", {"Last_Name": "Daly"})
    path = f"/crm/v5/Contacts/{contact}/photo"
    for head, media in (
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"BM", "image/bmp"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
    ):
        content = head + b"\0" * 20
        assert upload(api, path, "photo.txt", content, "text/plain").json() == UPLOADED
        got = api.get(path)
        assert (got.content, got.headers["content-type"]) == (content, media)
    for content in (b"not an image", b"\x89PNG", b"GIF88a...", b"B"):
        response = upload(api, path, "photo.png", content)
        assert (response.status_code, response.json()) == (400, BAD_IMAGE)
    assert api.get(path).headers["content-type"] == "image/png"  # the last good photo stays


def test_file_errors_and_the_size_limit(api: Api) -> None:
    (account,) = api.insert("Accounts", {"Account_Name": "Zylker"})
    path = f"/crm/v5/Accounts/{account}/photo"
    missing = error("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", param_name="file")
    assert (api.post(path).status_code, api.post(path).json()) == (400, missing)
    empty = upload(api, path, "empty.png", b"")
    assert (empty.status_code, empty.json()) == (
        400,
        error("INVALID_DATA", "invalid data", param_name="file"),
    )
    big = upload(api, path, "big.png", PNG + b"\0" * (10 * MB + 1 - len(PNG)))
    assert (big.status_code, big.json()) == (
        415,
        error("FILE_SIZE_MORE_THAN_ALLOWED_SIZE", "please check if the file size is in the correct range"),
    )
    assert sql(api, "SELECT COUNT(*) FROM files")[0][0] == 0
    exact = PNG + b"\0" * (10 * MB - len(PNG))
    assert upload(api, path, "exact.png", exact).json() == UPLOADED
    assert api.get(path).content == exact


def test_modules_and_order_of_checks(api: Api) -> None:
    (deal,) = api.insert(
        "Deals", {"Deal_Name": "Big", "Stage": "Qualification", "Closing_Date": "2026-12-31"}
    )
    (product,) = api.insert("Products", {"Product_Name": "Widget"})
    (vendor,) = api.insert("Vendors", {"Vendor_Name": "Acme"})
    (listing,) = api.insert("Listings", {"Name": "Custom"})
    for module, record_id in (("Products", product), ("Vendors", vendor), ("Listings", listing)):
        assert upload(api, f"/crm/v5/{module}/{record_id}/photo", "p.png", PNG).json() == UPLOADED
        assert api.get(f"/crm/v5/{module}/{record_id}/photo").content == PNG
    cases = [
        (f"/crm/v5/Deals/{deal}/photo", INVALID_MODULE),
        ("/crm/v5/Services__s/1/photo", INVALID_MODULE),
        ("/crm/v5/Nothing/1/photo", INVALID_MODULE),
        (
            "/crm/v5/Leads/1x/photo",
            error("INVALID_DATA", "the id given seems to be invalid", resource_path_index=1),
        ),
        ("/crm/v5/Leads/111111111111111/photo", RELATED_ID),
        (f"/crm/v5/Leads/{product}/photo", RELATED_ID),
    ]
    for path, expected in cases:
        for response in (api.get(path), api.delete(path), upload(api, path, "p.png", PNG)):
            assert (response.status_code, response.json()) == (400, expected), path
    # the record is checked before the body is read
    big = upload(api, "/crm/v5/Leads/111111111111111/photo", "big.png", b"\0" * (11 * MB))
    assert (big.status_code, big.json()) == (400, RELATED_ID)


def test_deleting_the_record_deletes_its_photo(api: Api) -> None:
    first, kept = api.insert(
        "Leads", {"Last_Name": "Gone", "Company": "Z"}, {"Last_Name": "Kept", "Company": "Z"}
    )
    upload(api, f"/crm/v5/Leads/{first}/photo", "a.png", PNG + b"a")
    upload(api, f"/crm/v5/Leads/{kept}/photo", "b.png", PNG + b"b")
    gone_file = record(api, f"/crm/v5/Leads/{first}")["Record_Image"]
    assert api.delete(f"/crm/v5/Leads/{first}").status_code == 200
    assert api.get("/crm/v5/files", params={"id": gone_file}).status_code == 204
    assert sql(api, "SELECT COUNT(*) FROM files")[0][0] == 1
    assert api.get(f"/crm/v5/Leads/{kept}/photo").content == PNG + b"b"


SCOPES = [
    "ZohoCRM.modules.ALL",
    "ZohoCRM.modules.custom.READ",
    "ZohoCRM.modules.custom.CREATE",
    "ZohoCRM.modules.custom.DELETE",
]


def test_scopes_sharing_and_permissions(tmp_path: Path) -> None:
    mismatch = error("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL")
    with sharing_org(tmp_path / "data", SCOPES) as (client, tokens):
        call = partial(as_user, client, tokens)

        photo = {"files": [("file", ("p.png", PNG, "image/png"))]}
        created = call("ria", SCOPES[0], "POST", "/crm/v5/Vault", json={"data": [{"Name": "Ria's"}]})
        path = f"/crm/v5/Vault/{created.json()['data'][0]['details']['id']}/photo"
        assert call("ria", SCOPES[1], "POST", path, **photo).json() == mismatch
        assert call("ria", SCOPES[2], "POST", path, **photo).json() == UPLOADED
        assert call("ria", SCOPES[2], "GET", path).json() == mismatch
        assert call("ria", SCOPES[1], "GET", path).content == PNG
        assert call("ria", SCOPES[1], "DELETE", path).json() == mismatch
        assert call("ria", SCOPES[3], "DELETE", path).json() == DELETED
        assert call("ria", SCOPES[0], "POST", path, **photo).json() == UPLOADED
        # Vault is private: another rep does not see the record, her manager does
        for method in ("GET", "DELETE"):
            assert call("ray", SCOPES[0], method, path).json() == RELATED_ID
        assert call("ray", SCOPES[0], "POST", path, **photo).json() == RELATED_ID
        assert call("max", SCOPES[0], "GET", path).content == PNG
        # the Viewer profile reads a photo but does not change it
        board = call("ria", SCOPES[0], "POST", "/crm/v5/Board", json={"data": [{"Name": "B"}]})
        board_path = f"/crm/v5/Board/{board.json()['data'][0]['details']['id']}/photo"
        assert call("ria", SCOPES[0], "POST", board_path, **photo).json() == UPLOADED
        assert call("val", SCOPES[0], "GET", board_path).content == PNG
        denied = call("val", SCOPES[0], "DELETE", board_path)
        assert (denied.status_code, denied.json()) == (
            403,
            error("NO_PERMISSION", "Permission denied to update", permissions=["Crm_Implied_Edit_Board"]),
        )
