"""A snapshot whose record world is broken is refused with the snapshot checks' envelope (docs/snapshots.md, Checks)
and changes nothing: blob content that is not base64, a file whose content is missing or not whole (its download
would stop short of its Content-Length), an attachment whose file is missing, a record tag naming a missing tag or
another module's, two tags of one name. The snapshot is a real one (tests/admin/test_record_world_snapshots.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.admin.test_org_snapshots import admin, call, error, export
from tests.admin.test_record_world_snapshots import content, populate
from tests.conftest import Api, sql
from zcrm.schema.snapshot import BLOB_CHUNK_BYTES
from zcrm.store.files import CHUNK_BYTES


def test_the_snapshot_checks_know_the_stored_chunk_size() -> None:
    assert BLOB_CHUNK_BYTES == CHUNK_BYTES


Broken = tuple[
    dict[str, Any], str, str, dict[str, Any]
]  # the snapshot, where it is wrong, the message, details
INVALID, MISSING = "invalid data", "the snapshot refers to an id it does not hold"


def bad_blob(snap: dict[str, Any]) -> Broken:
    snap["blobs"][1]["data"] = snap["blobs"][1]["data"][:-1] + "*"
    return snap, "blobs[1].data", INVALID, {"expected_data_type": "base64"}


def dangling_tag(snap: dict[str, Any]) -> Broken:
    snap["record_tags"][1]["tag_id"] = "1111111000000000001"
    return snap, "record_tags[1].tag_id", MISSING, {}


def foreign_tag(snap: dict[str, Any]) -> Broken:
    contact = next(r["id"] for r in snap["records"] if r["data"].get("Last_Name") == "Lee")
    snap["record_tags"][0]["record_id"] = contact  # a Leads tag on a contact
    snap["record_tags"].sort(key=lambda row: (row["record_id"], row["tag_id"]))
    index = next(i for i, row in enumerate(snap["record_tags"]) if row["record_id"] == contact)
    return snap, f"record_tags[{index}].tag_id", INVALID, {}


def twin_tag(snap: dict[str, Any]) -> Broken:
    twin = {**snap["tags"][0], "id": "1111111000000000001", "name": snap["tags"][0]["name"].upper()}
    snap["tags"].append(twin)
    return snap, f"tags[{len(snap['tags']) - 1}].name", "duplicate data", {}


def missing_content(snap: dict[str, Any]) -> Broken:
    index = next(i for i, f in enumerate(snap["files"]) if f["name"] == "report.bin")
    snap["blobs"] = [b for b in snap["blobs"] if b["sha256"] != snap["files"][index]["sha256"]]
    return snap, f"files[{index}].sha256", MISSING, {}


def missing_file(snap: dict[str, Any]) -> Broken:
    index = next(i for i, a in enumerate(snap["attachments"]) if a["file_id"] is not None)
    snap["files"] = [f for f in snap["files"] if f["id"] != snap["attachments"][index]["file_id"]]
    return snap, f"attachments[{index}].file_id", MISSING, {}


def wrong_size(snap: dict[str, Any]) -> Broken:
    index = next(i for i, f in enumerate(snap["files"]) if f["name"] == "deal.png")
    snap["files"][index]["size"] += 10  # its download would claim 10 bytes more than it sends
    return snap, f"files[{index}].size", INVALID, {}


def missing_chunk(snap: dict[str, Any]) -> Broken:
    index = next(i for i, f in enumerate(snap["files"]) if f["name"] == "report.bin")
    sha = snap["files"][index]["sha256"]
    snap["blobs"] = [b for b in snap["blobs"] if (b["sha256"], b["seq"]) != (sha, 0)]
    return snap, f"files[{index}].size", INVALID, {}


@pytest.mark.parametrize(
    "breaking",
    [bad_blob, dangling_tag, foreign_tag, twin_tag, missing_content, missing_file, wrong_size, missing_chunk],
    ids=[
        "bad base64",
        "missing tag",
        "foreign tag",
        "twin tag",
        "no content",
        "no file",
        "wrong size",
        "chunk",
    ],
)
def test_a_snapshot_with_a_broken_world_is_refused_and_nothing_changes(api: Api, breaking: Any) -> None:
    populate(api)
    org_id = api.creds.org_id
    snap = export(api, org_id)
    bad, where, message, extra = breaking(copy.deepcopy(snap))
    orgs = sql(api, "SELECT COUNT(*) FROM orgs")
    into = call(api, "POST", f"/__zcrm/orgs/{org_id}/snapshot", bad)
    code = "DUPLICATE_DATA" if message == "duplicate data" else "INVALID_DATA"
    assert (into.status_code, into.json()) == (
        400,
        error(code, message, {"api_name": "snapshot", "json_path": f"$.{where}", **extra}),
    )
    new = call(api, "POST", "/__zcrm/orgs", {"snapshot": bad}, admin(api))
    assert (new.status_code, new.json()) == (
        400,
        error(code, message, {"api_name": "snapshot", "json_path": f"$.snapshot.{where}", **extra}),
    )
    assert sql(api, "SELECT COUNT(*) FROM orgs") == orgs
    assert content(export(api, org_id)) == content(snap)
