"""A record's attachments (zoho-v5-related.md §5, with §1.3-§1.6): upload a file or attach a link, list, download
byte-identical, delete; the checks and envelopes, scopes and sharing, and attachments going with their record."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from tests.api.related_world import MB, TOO_LARGE, error, one_page
from tests.api.sharing_org import as_user, sharing_org
from tests.conftest import Api, sql

FIELDS = "File_Name,Size,Parent_Id,Owner,Created_Time,Modified_Time,Created_By,Modified_By"


RELATED_ID = error("INVALID_DATA", "the related id given seems to be invalid", resource_path_index=1)


def lead(api: Api, name: str = "Daly") -> str:
    return api.insert("Leads", {"Last_Name": name, "Company": "Zylker"})[0]


def upload(api: Api, path: str, *files: tuple[str, bytes, str], **kwargs: Any) -> httpx.Response:
    parts = [("file", f) for f in files]
    return api.client.post(path, headers=api.headers, files=parts or None, **kwargs)


def listing(api: Api, path: str, **params: str) -> httpx.Response:
    return api.get(path, params={"fields": FIELDS, **params})


def me(api: Api) -> dict[str, Any]:
    user = api.get(f"/crm/v5/users/{api.creds.user_id}").json()["users"][0]
    return {"name": user["full_name"], "id": user["id"]}


def test_upload_list_and_download_a_file(api: Api) -> None:
    record = lead(api)
    content = os.urandom(2 * MB + 3)
    path = f"/crm/v5/Leads/{record}/Attachments"
    response = upload(api, path, ("report.pdf", content, "application/pdf"))
    assert response.status_code == 200
    (entry,) = response.json()["data"]
    details = entry.pop("details")
    assert entry == {"code": "SUCCESS", "message": "attachment uploaded successfully", "status": "success"}
    assert list(details) == ["Modified_Time", "Modified_By", "Created_Time", "id", "Created_By"]
    assert details["Created_By"] == details["Modified_By"] == me(api)
    assert details["Created_Time"] == details["Modified_Time"]

    listed = listing(api, path)
    assert listed.status_code == 200
    body = listed.json()
    (item,) = body["data"]
    file_id = item["$file_id"]
    assert item == {
        "File_Name": "report.pdf",
        "Size": str(len(content)),
        "Parent_Id": {"name": "Daly", "id": record},
        "Owner": {**me(api), "email": item["Owner"]["email"]},
        "Created_Time": details["Created_Time"],
        "Modified_Time": details["Modified_Time"],
        "Created_By": me(api),
        "Modified_By": me(api),
        "id": details["id"],
        "$type": "File",
        "$se_module": "Leads",
        "$file_id": file_id,
        "$editable": True,
    }
    assert body["info"] == one_page(1)
    for got in (api.get(f"{path}/{details['id']}"), api.get("/crm/v5/files", params={"id": file_id})):
        assert got.status_code == 200 and got.content == content
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"] == 'attachment; filename="report.pdf"'
        assert got.headers["content-length"] == str(len(content))


def test_one_attachment_per_request_and_fields_as_asked(api: Api) -> None:
    record = lead(api)
    path = f"/crm/v5/Leads/{record}/Attachments"
    response = upload(api, path, ("a.txt", b"first", "text/plain"), ("b.txt", b"second", "text/plain"))
    assert response.status_code == 200 and len(response.json()["data"]) == 1
    (item,) = api.get(path, params={"fields": "File_Name,Unknown"}).json()["data"]
    assert set(item) == {"File_Name", "id", "$type", "$se_module", "$file_id", "$editable"}
    assert item["File_Name"] == "a.txt"
    assert api.get(f"{path}/{item['id']}").content == b"first"


def test_attach_a_link_by_query_or_form(api: Api) -> None:
    record = lead(api)
    path = f"/crm/v5/Leads/{record}/Attachments"
    by_query = api.post(path, params={"attachmentUrl": "https://zylker.com/a", "title": "Zylker"})
    assert by_query.status_code == 200
    assert by_query.json()["data"][0]["message"] == "attachment uploaded successfully"
    by_form = api.client.post(
        path, headers=api.headers, files={"attachmentUrl": (None, "http://zylker.com/b")}
    )
    assert by_form.status_code == 200
    items = listing(api, path).json()["data"]
    assert [(i["File_Name"], i["Size"], i["$type"], i["$file_id"], i["$link_url"]) for i in items] == [
        ("http://zylker.com/b", "0", "Link URL", None, "http://zylker.com/b"),
        ("Zylker", "0", "Link URL", None, "https://zylker.com/a"),
    ]
    download = api.get(f"{path}/{items[0]['id']}")
    assert (download.status_code, download.json()) == (
        400,
        error("DOWNLOAD_NOT_ALLOWED", "As it is a linked attachment, you can not download it"),
    )


def test_link_errors(api: Api) -> None:
    record = lead(api)
    path = f"/crm/v5/Leads/{record}/Attachments"
    bad = error("INVALID_DATA", "invalid data", param_name="attachmentUrl")
    for url in ("zylker.com/a", "ftp://zylker.com/a", "https://", "", "http://a b.com/"):
        response = api.post(path, params={"attachmentUrl": url})
        assert (response.status_code, response.json()) == (400, bad), url
    both = upload(api, path, ("a.txt", b"x", "text/plain"), params={"attachmentUrl": "https://zylker.com"})
    assert (both.status_code, both.json()) == (400, bad)
    assert api.post(path, params={"attachmentUrl": "https://zylker.com"}).status_code == 200
    again = api.post(path, params={"attachmentUrl": "https://zylker.com", "title": "Other"})
    assert (again.status_code, again.json()) == (
        400,
        error("DUPLICATE_DATA", "duplicate data", param_name="attachmentUrl"),
    )
    other = lead(api, "Other")  # unique per record only
    assert (
        api.post(
            f"/crm/v5/Leads/{other}/Attachments", params={"attachmentUrl": "https://zylker.com"}
        ).status_code
        == 200
    )
    assert len(listing(api, path).json()["data"]) == 1


def test_file_errors_and_the_size_limit(api: Api) -> None:
    record = lead(api)
    path = f"/crm/v5/Leads/{record}/Attachments"
    missing = error("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", param_name="file")
    for response in (
        api.post(path),
        api.post(path, {"file": "x"}),
        api.client.post(path, headers=api.headers, files={"title": (None, "no file")}),
    ):
        assert (response.status_code, response.json()) == (400, missing)
    empty = upload(api, path, ("empty.txt", b"", "text/plain"))
    assert (empty.status_code, empty.json()) == (
        400,
        error("INVALID_DATA", "invalid data", param_name="file"),
    )
    big = upload(api, path, ("big.bin", b"\0" * (20 * MB + 1), "application/octet-stream"))
    assert (big.status_code, big.json()) == (415, TOO_LARGE)
    assert sql(api, "SELECT COUNT(*) FROM files")[0][0] == 0
    assert sql(api, "SELECT COUNT(*) FROM attachments")[0][0] == 0
    assert api.get(path, params={"fields": "File_Name"}).status_code == 204
    exact = upload(api, path, ("exact.bin", b"\1" * (20 * MB), None))  # type: ignore[arg-type]
    assert exact.status_code == 200
    (item,) = listing(api, path).json()["data"]
    assert item["Size"] == str(20 * MB)
    assert api.get(f"{path}/{item['id']}").headers["content-type"] == "application/octet-stream"


def test_order_of_checks(api: Api) -> None:
    record = lead(api)
    cases = [
        (
            "/crm/v5/Nothing/1/Attachments",
            error("INVALID_MODULE", "the module name given seems to be invalid", resource_path_index=0),
        ),
        (
            "/crm/v5/Appointments_Rescheduled_History__s/1/Attachments",
            error("INVALID_DATA", "The relation name given seems to be invalid", resource_path_index=2),
        ),
        (
            "/crm/v5/Leads/12x/Attachments",
            error("INVALID_DATA", "the id given seems to be invalid", resource_path_index=1),
        ),
        ("/crm/v5/Leads/111111111111111/Attachments", RELATED_ID),
        (f"/crm/v5/Contacts/{record}/Attachments", RELATED_ID),
    ]
    for path, expected in cases:
        for response in (
            api.get(path, params={"fields": "File_Name"}),
            api.post(path, params={"attachmentUrl": "https://zylker.com"}),
            api.delete(path, params={"ids": "1"}),
            api.get(f"{path}/1"),
            api.delete(f"{path}/1"),
        ):
            assert (response.status_code, response.json()) == (400, expected), path
    # the parent is checked before the body is read: a large file to an unknown record is refused as such
    big = upload(api, "/crm/v5/Leads/111111111111111/Attachments", ("b", b"\0" * (21 * MB), "x/y"))
    assert (big.status_code, big.json()) == (400, RELATED_ID)
    missing = api.get(f"/crm/v5/Leads/{record}/Attachments")
    assert (missing.status_code, missing.json()) == (
        400,
        error("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", param_name="fields"),
    )


def test_newest_first_paging_and_page_tokens(api: Api) -> None:
    record = lead(api)
    path = f"/crm/v5/Leads/{record}/Attachments"
    names = [f"f{i}.txt" for i in range(5)]
    for name in names:
        assert upload(api, path, (name, name.encode(), "text/plain")).status_code == 200
    everything = api.get(path, params={"fields": "File_Name"}).json()["data"]
    assert [i["File_Name"] for i in everything] == names[::-1]
    second = api.get(path, params={"fields": "File_Name", "page": "2", "per_page": "2"}).json()
    assert [i["File_Name"] for i in second["data"]] == ["f2.txt", "f1.txt"]
    assert (second["info"]["page"], second["info"]["count"], second["info"]["more_records"]) == (2, 2, True)
    first = api.get(path, params={"fields": "File_Name", "per_page": "3"}).json()
    token = first["info"]["next_page_token"]
    assert token and first["info"]["page_token_expiry"]
    rest = api.get(path, params={"fields": "File_Name", "per_page": "3", "page_token": token}).json()
    assert [i["File_Name"] for i in rest["data"]] == ["f1.txt", "f0.txt"]
    assert rest["info"]["previous_page_token"] == token and rest["info"]["more_records"] is False
    wanted = ",".join(i["id"] for i in everything[1:3])
    only = api.get(path, params={"fields": "File_Name", "ids": wanted}).json()["data"]
    assert [i["File_Name"] for i in only] == ["f3.txt", "f2.txt"]
    both = api.get(path, params={"fields": "File_Name", "page": "1", "page_token": token})
    assert both.json()["code"] == "AMBIGUITY_DURING_PROCESSING"


def test_download_of_an_attachment_not_of_this_record_is_204(api: Api) -> None:
    first, second = lead(api), lead(api, "Other")
    response = upload(api, f"/crm/v5/Leads/{first}/Attachments", ("a.txt", b"a", "text/plain"))
    attachment = response.json()["data"][0]["details"]["id"]
    for path in (
        f"/crm/v5/Leads/{second}/Attachments/{attachment}",
        f"/crm/v5/Leads/{first}/Attachments/1",
        f"/crm/v5/Leads/{first}/Attachments/abc",
    ):
        got = api.get(path)
        assert (got.status_code, got.content) == (204, b"")


def test_delete_one_and_many(api: Api) -> None:
    record = lead(api)
    path = f"/crm/v5/Leads/{record}/Attachments"
    ids = [
        upload(api, path, (f"{i}.txt", f"content {i}".encode(), "text/plain")).json()["data"][0]["details"][
            "id"
        ]
        for i in range(3)
    ]
    file_ids = {i["id"]: i["$file_id"] for i in listing(api, path).json()["data"]}
    one = api.delete(f"{path}/{ids[0]}")
    deleted = {"code": "SUCCESS", "details": {"id": ids[0]}, "message": "record deleted", "status": "success"}
    assert (one.status_code, one.json()) == (200, {"data": [deleted]})
    assert api.get("/crm/v5/files", params={"id": file_ids[ids[0]]}).status_code == 204
    again = api.delete(f"{path}/{ids[0]}")
    not_deleted = error("INVALID_DATA", "record not deleted", id=ids[0])
    assert (again.status_code, again.json()) == (400, {"data": [not_deleted]})
    many = api.delete(path, params={"ids": f"{ids[1]},{ids[0]},{ids[2]}"})
    assert many.status_code == 207
    assert [e["code"] for e in many.json()["data"]] == ["SUCCESS", "INVALID_DATA", "SUCCESS"]
    assert many.json()["data"][1] == not_deleted
    assert api.get(path, params={"fields": "File_Name"}).status_code == 204
    assert sql(api, "SELECT COUNT(*) FROM files")[0][0] == 0
    assert sql(api, "SELECT COUNT(*) FROM blobs")[0][0] == 0
    malformed = api.delete(f"{path}/abc")
    assert (malformed.status_code, malformed.json()) == (
        400,
        {"data": [error("INVALID_DATA", "record not deleted", id="abc")]},
    )


def test_delete_ids_rules(api: Api) -> None:
    path = f"/crm/v5/Leads/{lead(api)}/Attachments"
    missing = api.delete(path)
    assert (missing.status_code, missing.json()) == (
        400,
        error("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", param_name="ids"),
    )
    many = api.delete(path, params={"ids": ",".join(str(10**15 + i) for i in range(101))})
    assert (many.status_code, many.json()) == (
        400,
        error("LIMIT_EXCEEDED", "limit exceeded", limit=100, param_name="ids"),
    )
    bad = api.delete(path, params={"ids": "1,x"})
    assert (bad.status_code, bad.json()) == (
        400,
        error(
            "UNABLE_TO_PARSE_DATA_TYPE",
            "either the request body or parameters is in wrong format",
            param_name="ids",
        ),
    )


def test_notes_have_attachments(api: Api) -> None:
    record = lead(api)
    note = api.insert("Notes", {"Note_Content": "call back", "Parent_Id": record, "$se_module": "Leads"})[0]
    path = f"/crm/v5/Notes/{note}/Attachments"
    assert upload(api, path, ("minutes.txt", b"minutes", "text/plain")).status_code == 200
    (item,) = listing(api, path).json()["data"]
    assert (item["$se_module"], item["Parent_Id"]["id"]) == ("Notes", note)
    assert api.get(f"{path}/{item['id']}").content == b"minutes"


def test_deleting_the_record_deletes_its_attachments_and_files(api: Api) -> None:
    record, kept = lead(api), lead(api, "Kept")
    path = f"/crm/v5/Leads/{record}/Attachments"
    upload(api, path, ("a.bin", os.urandom(1000), "application/octet-stream"))
    api.post(path, params={"attachmentUrl": "https://zylker.com"})
    upload(api, f"/crm/v5/Leads/{kept}/Attachments", ("k.txt", b"kept", "text/plain"))
    file_id = next(i["$file_id"] for i in listing(api, path).json()["data"] if i["$file_id"])
    assert api.delete(f"/crm/v5/Leads/{record}").status_code == 200
    gone = api.get(path, params={"fields": "File_Name"})
    assert (gone.status_code, gone.json()) == (400, RELATED_ID)
    assert api.get("/crm/v5/files", params={"id": file_id}).status_code == 204
    assert sql(api, "SELECT COUNT(*) FROM attachments")[0][0] == 1
    assert sql(api, "SELECT COUNT(*) FROM files")[0][0] == 1
    (left,) = listing(api, f"/crm/v5/Leads/{kept}/Attachments").json()["data"]
    assert api.get(f"/crm/v5/Leads/{kept}/Attachments/{left['id']}").content == b"kept"


SCOPES = [
    "ZohoCRM.modules.ALL",
    "ZohoCRM.modules.custom.ALL",
    "ZohoCRM.modules.custom.ALL,ZohoCRM.modules.attachments.READ",
    "ZohoCRM.modules.custom.ALL,ZohoCRM.modules.attachments.CREATE",
    "ZohoCRM.modules.custom.READ,ZohoCRM.modules.attachments.ALL",
    "ZohoCRM.modules.custom.ALL,ZohoCRM.modules.attachments.DELETE",
]


def test_scopes_sharing_and_permissions(tmp_path: Path) -> None:
    mismatch = error("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL")
    with sharing_org(tmp_path / "data", SCOPES) as (client, tokens):
        call = partial(as_user, client, tokens)

        full = SCOPES[0]
        created = call("ria", full, "POST", "/crm/v5/Vault", json={"data": [{"Name": "Ria's"}]})
        vault = created.json()["data"][0]["details"]["id"]
        path = f"/crm/v5/Vault/{vault}/Attachments"
        link = {"params": {"attachmentUrl": "https://zylker.com"}}
        assert call("ria", full, "POST", path, **link).status_code == 200
        # scopes: the module's and the attachments' (ZohoCRM.modules.ALL is both)
        read = {"params": {"fields": "File_Name"}}
        assert call("ria", SCOPES[1], "GET", path, **read).json() == mismatch
        assert call("ria", SCOPES[2], "GET", path, **read).status_code == 200
        assert call("ria", SCOPES[2], "POST", path, **link).json() == mismatch
        created_again = call("ria", SCOPES[3], "POST", path, params={"attachmentUrl": "https://zylker.com/2"})
        assert created_again.status_code == 200
        assert call("ria", SCOPES[4], "POST", path, **link).json() == mismatch  # the module's READ
        assert call("ria", SCOPES[4], "GET", path, **read).status_code == 200
        first = call("ria", full, "GET", path, **read).json()["data"][0]["id"]
        assert call("ria", SCOPES[2], "DELETE", f"{path}/{first}").json() == mismatch
        assert call("ria", SCOPES[5], "DELETE", f"{path}/{first}").status_code == 200
        # sharing: Vault is private; Ray (another rep) cannot see Ria's record nor its attachments
        assert call("ray", full, "GET", path, **read).json() == RELATED_ID
        assert (
            call("ray", full, "POST", path, params={"attachmentUrl": "https://ray.com"}).json() == RELATED_ID
        )
        assert call("max", full, "GET", path, **read).status_code == 200  # her manager does
        # permissions: the Viewer profile reads but does not attach
        board = call("ria", full, "POST", "/crm/v5/Board", json={"data": [{"Name": "B"}]})
        board_path = f"/crm/v5/Board/{board.json()['data'][0]['details']['id']}/Attachments"
        assert call("ria", full, "POST", board_path, **link).status_code == 200
        assert call("val", full, "GET", board_path, **read).status_code == 200
        denied = call("val", full, "POST", board_path, params={"attachmentUrl": "https://val.com"})
        assert (denied.status_code, denied.json()) == (
            403,
            error("NO_PERMISSION", "Permission denied to update", permissions=["Crm_Implied_Edit_Board"]),
        )
        with client.app.state.zcrm.db.read() as conn:  # type: ignore[attr-defined]
            assert conn.execute(text("SELECT COUNT(*) FROM attachments")).scalar() == 2
