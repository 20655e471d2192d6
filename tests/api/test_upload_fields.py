"""Image- and file-upload fields take the ids ``POST /files`` returned (zoho-v5-related.md §6.3, behaviour §3.8):
insert, update and upsert attach the file, unknown ids and non-images in an image field are refused per record,
a single GET shows the rows, ``_delete`` releases them, and the bytes come back through ``GET /files``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api, make_settings, serving
from zcrm.fields.images import image_type

ORG = Path(__file__).parent.parent / "data" / "uploads.yaml"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60  # 68 bytes
GIF = b"GIF89a" + b"\x01" * 10
TEXT = b"just some words\n"


@pytest.fixture
def dossiers(tmp_path: Path) -> Iterator[Api]:
    with serving(make_settings(tmp_path / "uploads", org_file=ORG)) as api:
        yield api


def upload(api: Api, name: str, data: bytes, content_type: str = "application/octet-stream") -> str:
    response = api.client.post(
        "/crm/v5/files", headers=api.headers, files=[("file", (name, data, content_type))]
    )
    assert response.status_code == 200, response.text
    return str(response.json()["data"][0]["details"]["id"])


def read(api: Api, record_id: str) -> dict[str, Any]:
    response = api.get(f"/crm/v5/Dossiers/{record_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["data"][0])


def bad(path: str, message: str = "the id given seems to be invalid") -> dict[str, Any]:
    return {
        "code": "INVALID_DATA",
        "details": {"api_name": "File_Id__s", "json_path": path},
        "message": message,
        "status": "error",
    }


def row(record: dict[str, Any], file_id: str, name: str, size: int, n: int) -> dict[str, Any]:
    return {
        "id": record["id"],
        "File_Id__s": file_id,
        "File_Name__s": name,
        "Size__s": str(size),
        "Sequence_Number__s": n,
        "Description__s": record["Description__s"],
        "Preview_Id__s": file_id,
        "State__s": "save",
    }


def test_image_detection_by_signature() -> None:
    assert image_type(PNG) == "image/png"
    assert image_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert image_type(b"GIF87a...") == image_type(GIF) == "image/gif"
    assert image_type(b"BM\x00\x00") == "image/bmp"
    assert image_type(TEXT) is None and image_type(b"") is None


def test_insert_attaches_files_and_get_shows_the_rows(dossiers: Api) -> None:
    photo, paper = upload(dossiers, "photo.png", PNG, "image/png"), upload(dossiers, "notes.txt", TEXT)
    [record_id] = dossiers.insert(
        "Dossiers",
        {
            "Name": "one",
            "Photos": [{"File_Id__s": photo, "Description__s": "front"}],
            "Papers": [{"File_Id__s": paper}, {"File_Id__s": photo}],
        },
    )
    got = read(dossiers, record_id)
    assert got["Photos"] == [row({**got["Photos"][0], "Description__s": "front"}, photo, "photo.png", 68, 1)]
    assert got["Papers"] == [
        row(got["Papers"][0], paper, "notes.txt", len(TEXT), 1),
        row(got["Papers"][1], photo, "photo.png", 68, 2),
    ]
    assert got["Papers"][0]["Description__s"] is None
    assert len({r["id"] for r in got["Papers"] + got["Photos"]}) == 3
    download = dossiers.get("/crm/v5/files", params={"id": got["Papers"][0]["File_Id__s"]})
    assert download.status_code == 200 and download.content == TEXT


def test_an_unknown_id_is_refused_per_record(dossiers: Api) -> None:
    photo = upload(dossiers, "photo.png", PNG)
    response = dossiers.post(
        "/crm/v5/Dossiers",
        {
            "data": [
                {"Name": "fine", "Photos": [{"File_Id__s": photo}]},
                {"Name": "bad", "Papers": [{"File_Id__s": photo}, {"File_Id__s": "0" * 32}]},
                {"Name": "record id", "Photos": [{"File_Id__s": "4876876000000100053"}]},
            ]
        },
    )
    assert response.status_code == 207
    data = response.json()["data"]
    assert data[0]["code"] == "SUCCESS"
    assert data[1:] == [bad("$.data[1].Papers[1].File_Id__s"), bad("$.data[2].Photos[0].File_Id__s")]
    listed = dossiers.get("/crm/v5/Dossiers", params={"fields": "Name"}).json()["data"]
    assert [r["Name"] for r in listed] == ["fine"]


def test_an_image_field_needs_an_image(dossiers: Api) -> None:
    text_id, gif_id = upload(dossiers, "photo.png", TEXT, "image/png"), upload(dossiers, "g.gif", GIF)
    response = dossiers.post(
        "/crm/v5/Dossiers", {"data": [{"Name": "x", "Photos": [{"File_Id__s": text_id}]}]}
    )
    assert response.status_code == 400
    assert response.json() == {"data": [bad("$.data[0].Photos[0].File_Id__s", "invalid data")]}
    [record_id] = dossiers.insert("Dossiers", {"Name": "y", "Papers": [{"File_Id__s": text_id}]})
    update = dossiers.put(
        "/crm/v5/Dossiers",
        {"data": [{"id": record_id, "Photos": [{"File_Id__s": gif_id}, {"File_Id__s": text_id}]}]},
    )
    assert update.json() == {"data": [bad("$.data[0].Photos[1].File_Id__s", "invalid data")]}
    assert read(dossiers, record_id)["Photos"] == []


def test_update_adds_and_delete_releases(dossiers: Api) -> None:
    first, second = upload(dossiers, "a.png", PNG), upload(dossiers, "b.gif", GIF)
    [record_id] = dossiers.insert("Dossiers", {"Name": "r", "Photos": [{"File_Id__s": first}]})
    [old] = read(dossiers, record_id)["Photos"]
    response = dossiers.put(
        f"/crm/v5/Dossiers/{record_id}",
        {"data": [{"Photos": [{"File_Id__s": second}, {"id": old["id"], "_delete": None}]}]},
    )
    assert response.status_code == 200, response.text
    [now] = read(dossiers, record_id)["Photos"]
    assert now == row(now, second, "b.gif", len(GIF), 1) and now["id"] != old["id"]
    # the released file stays downloadable (uploaded files are kept, docs/files.md)
    assert dossiers.get("/crm/v5/files", params={"id": first}).content == PNG
    unknown = dossiers.put(
        "/crm/v5/Dossiers", {"data": [{"id": record_id, "Papers": [{"File_Id__s": "ab" * 16}]}]}
    )
    assert unknown.json() == {"data": [bad("$.data[0].Papers[0].File_Id__s")]}
    cleared = dossiers.put("/crm/v5/Dossiers", {"data": [{"id": record_id, "Photos": None}]})
    assert cleared.status_code == 200 and read(dossiers, record_id)["Photos"] == []


def test_upsert_attaches_on_both_paths(dossiers: Api) -> None:
    photo, paper = upload(dossiers, "p.png", PNG), upload(dossiers, "doc.txt", TEXT)
    body = {
        "data": [
            {"Name": "u", "Photos": [{"File_Id__s": photo}]},
            {"Name": "v", "Papers": [{"File_Id__s": "f" * 32}]},
        ],
        "duplicate_check_fields": ["Name"],
    }
    first = dossiers.post("/crm/v5/Dossiers/upsert", body).json()["data"]
    assert first[0]["code"] == "SUCCESS" and first[0]["action"] == "insert"
    assert first[1] == bad("$.data[1].Papers[0].File_Id__s")
    again = dossiers.post(
        "/crm/v5/Dossiers/upsert",
        {"data": [{"Name": "u", "Papers": [{"File_Id__s": paper}]}], "duplicate_check_fields": ["Name"]},
    ).json()["data"]
    assert again[0]["action"] == "update"
    got = read(dossiers, first[0]["details"]["id"])
    assert [(r["File_Id__s"], r["File_Name__s"]) for r in got["Photos"] + got["Papers"]] == [
        (photo, "p.png"),
        (paper, "doc.txt"),
    ]


def test_files_of_another_org_are_unknown(dossiers: Api, api: Api) -> None:
    theirs = upload(api, "p.png", PNG)
    response = dossiers.post(
        "/crm/v5/Dossiers", {"data": [{"Name": "z", "Photos": [{"File_Id__s": theirs}]}]}
    )
    assert response.json() == {"data": [bad("$.data[0].Photos[0].File_Id__s")]}


def test_an_existing_row_may_name_another_uploaded_file(dossiers: Api) -> None:
    first, second = upload(dossiers, "a.png", PNG), upload(dossiers, "b.gif", GIF)
    [record_id] = dossiers.insert("Dossiers", {"Name": "w", "Photos": [{"File_Id__s": first}]})
    [old] = read(dossiers, record_id)["Photos"]
    refused = dossiers.put(
        "/crm/v5/Dossiers",
        {"data": [{"id": record_id, "Photos": [{"id": old["id"], "File_Id__s": "c" * 32}]}]},
    )
    assert refused.json() == {"data": [bad("$.data[0].Photos[0].File_Id__s")]}
    done = dossiers.put(
        "/crm/v5/Dossiers", {"data": [{"id": record_id, "Photos": [{"id": old["id"], "File_Id__s": second}]}]}
    )
    assert done.status_code == 200, done.text
    assert read(dossiers, record_id)["Photos"] == [row(old, second, "b.gif", len(GIF), 1)]
