"""``POST /__zcrm/records/{module}/{id}/restore`` (docs/deleted-records.md "Restoring a record"): a record of the
recycle bin comes back as it was stored (id, data, owner, audit columns, child rows), with its unique values and
search keys; its entry goes; a ``restore`` change event shows in its timeline; anything else is refused whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.api.test_update import token_for
from tests.conftest import SPECIMENS, Api, make_settings, sql
from zcrm.app import create_app
from zcrm.service import restore as restore_service

T0 = 1_893_553_445  # 2030-01-02T03:04:05+00:00
DAY = 86400
YEARS = 100 * 365 * DAY
COLUMNS = (
    "id, module_id, parent_id, data, owner_id, created_by, modified_by, created_time, modified_time,"
    " approval_state, lock_state, converted"
)
BAD_ID = {
    "code": "INVALID_DATA",
    "details": {"resource_path_index": 3},
    "message": "the id given seems to be invalid",
    "status": "error",
}


@pytest.fixture
def timed(tmp_path: Path) -> Iterator[Api]:
    """The specimens org with 100-year access tokens, its clock frozen at ``T0``."""
    settings = make_settings(tmp_path / "timed", org_file=SPECIMENS, access_token_ttl=YEARS)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        api = Api(client, app.state.credentials, settings.data_dir)
        frozen = api.put("/__zcrm/clock", {"time": T0, "frozen": True})
        assert frozen.status_code == 200, frozen.text
        yield api
    app.state.zcrm.db.dispose()


def restore(api: Api, module: str, record_id: str, **kwargs: Any) -> tuple[int, Any]:
    response = api.post(f"/__zcrm/records/{module}/{record_id}/restore", **kwargs)
    return response.status_code, response.json()


def restored(api: Api, module: str, record_id: str) -> dict[str, Any]:
    return {
        "code": "SUCCESS",
        "details": {"id": record_id, "module": {"api_name": module, "id": module_id(api, module)}},
        "message": "record restored",
        "status": "success",
    }


def module_id(api: Api, module: str) -> str:
    return str(api.get(f"/crm/v5/settings/modules/{module}").json()["modules"][0]["id"])


def delete(api: Api, module: str, *ids: str) -> None:
    response = api.delete(f"/crm/v5/{module}", params={"ids": ",".join(ids)})
    assert response.status_code == 200, response.text
    assert {item["status"] for item in response.json()["data"]} == {"success"}


def rows(api: Api, record_id: str) -> list[tuple[Any, ...]]:
    found = sql(
        api, f"SELECT {COLUMNS} FROM records WHERE id = :id OR parent_id = :id ORDER BY id", {"id": record_id}
    )
    return [
        (*row[:3], json.loads(row[3]), *row[4:7], int(row[7]), int(row[8]), *row[9:11], bool(row[11]))
        for row in found
    ]


def in_bin(api: Api, module: str) -> list[str]:
    response = api.get(f"/crm/v5/{module}/deleted")
    return [] if response.status_code == 204 else [e["id"] for e in response.json()["data"]]


def advance(api: Api, seconds: int) -> None:
    response = api.post("/__zcrm/clock/advance", {"seconds": seconds})
    assert response.status_code == 200, response.text


def full_specimen(api: Api, code: str = "C-1", serial: str = "S-1") -> tuple[str, str]:
    target = api.insert("Targets", {"Name": "T1"})[0]
    record = {
        "Name": "Full",
        "Code": code,
        "Serial": serial,
        "Target": {"id": target},
        "Parts": [{"Part_Name": "bolt", "Quantity": 2}, {"Part_Name": "nut"}],
        "Linked_Targets": [{"Target_Ref": {"id": target}}],
    }
    return api.insert("Specimens", record)[0], target


# -- the record comes back --------------------------------------------------------------------------------------
def test_a_restored_record_is_back_as_it_was(specimens: Api) -> None:
    api = specimens
    full, _ = full_specimen(api)
    stored = rows(api, full)
    assert len(stored) == 4  # the record, two subform rows, one linking row
    shown = api.get(f"/crm/v5/Specimens/{full}").json()
    delete(api, "Specimens", full)
    assert api.get(f"/crm/v5/Specimens/{full}").status_code == 204

    assert restore(api, "Specimens", full) == (200, restored(api, "Specimens", full))

    assert rows(api, full) == stored  # same id, data, owner, audit columns, child rows
    assert api.get(f"/crm/v5/Specimens/{full}").json() == shown
    assert in_bin(api, "Specimens") == []  # the entry is gone
    listed = api.get("/crm/v5/Specimens", params={"fields": "Name"}).json()["data"]
    assert [r["id"] for r in listed] == [full]
    searched = api.get("/crm/v5/Specimens/search", params={"criteria": "(Code:equals:C-1)"})
    assert [r["id"] for r in searched.json()["data"]] == [full]  # its search keys are back
    coql = api.post("/crm/v5/coql", {"select_query": "select Name from Specimens where Serial = 'S-1'"})
    assert [r["id"] for r in coql.json()["data"]] == [full]
    # its unique values are claimed again
    clash = api.post("/crm/v5/Specimens", {"data": [{"Name": "Other", "Code": "c-1"}]}).json()["data"][0]
    assert (clash["code"], clash["details"]["id"]) == ("DUPLICATE_DATA", full)
    # restoring it again: it is no longer in the bin
    assert restore(api, "Specimens", full) == (400, BAD_ID)


def test_the_timeline_shows_the_restore(specimens: Api) -> None:
    api = specimens
    full, _ = full_specimen(api)
    delete(api, "Specimens", full)
    assert restore(api, "Specimens", full)[0] == 200
    body = api.get(f"/crm/v5/Specimens/{full}/__timeline").json()
    entries = body["__timeline"]
    assert [e["action"] for e in entries] == ["restored", "deleted", "added"]
    first = entries[0]
    assert first["record"] == {
        "module": {"api_name": "Specimens", "id": module_id(api, "Specimens")},
        "name": "Full",
        "id": full,
    }
    assert first["field_history"] is None
    assert first["done_by"]["id"] == api.creds.user_id


def test_a_lookup_to_a_record_gone_meanwhile_is_kept_as_stored(specimens: Api) -> None:
    api = specimens
    full, target = full_specimen(api)
    delete(api, "Specimens", full)
    delete(api, "Targets", target)
    assert restore(api, "Specimens", full)[0] == 200
    assert rows(api, full)[0][3]["Target"] == target  # as stored
    assert (
        api.get(f"/crm/v5/Specimens/{full}", params={"fields": "Target"}).json()["data"][0]["Target"] is None
    )
    assert restore(api, "Targets", target) == (200, restored(api, "Targets", target))
    shown = api.get(f"/crm/v5/Specimens/{full}", params={"fields": "Target"}).json()["data"][0]["Target"]
    assert shown == {"name": "T1", "id": target}


def test_notes_deleted_with_the_record_stay_deleted(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Boyle", "Company": "Zylker"})
    added = api.post(f"/crm/v5/Leads/{lead}/Notes", {"data": [{"Note_Content": "call back"}]})
    assert added.status_code == 201, added.text
    delete(api, "Leads", lead)
    assert restore(api, "Leads", lead) == (200, restored(api, "Leads", lead))
    assert api.get(f"/crm/v5/Leads/{lead}/Notes", params={"fields": "Note_Content"}).status_code == 204
    assert api.get(f"/crm/v5/Leads/{lead}").status_code == 200


def test_the_restore_is_one_unit_under_the_orgs_write_lock(
    specimens: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    full, _ = full_specimen(specimens)
    delete(specimens, "Specimens", full)
    locked: list[str] = []
    real = restore_service.lock_org
    monkeypatch.setattr(restore_service, "lock_org", lambda conn, org: (locked.append(org), real(conn, org)))
    assert restore(specimens, "Specimens", full)[0] == 200
    assert locked == [specimens.creds.org_id]


# -- what is refused ---------------------------------------------------------------------------------------------
def test_a_taken_unique_value_refuses_the_restore_and_writes_nothing(specimens: Api) -> None:
    api = specimens
    full, _ = full_specimen(api)
    delete(api, "Specimens", full)
    [other] = api.insert("Specimens", {"Name": "Other", "Code": "c-1"})  # Code ignores case
    me = api.get(f"/crm/v5/users/{api.creds.user_id}").json()["users"][0]
    holder = {
        "Owner": {"name": me["full_name"], "id": api.creds.user_id, "zuid": api.creds.user_id},
        "module": {"api_name": "Specimens", "id": module_id(api, "Specimens")},
        "id": other,
    }
    code = {
        "code": "DUPLICATE_DATA",
        "details": {"api_name": "Code", "id": other, "duplicate_record": holder, "more_records": False},
        "message": "duplicate data",
        "status": "error",
    }
    assert restore(api, "Specimens", full) == (400, code)
    assert rows(api, full) == []
    assert in_bin(api, "Specimens") == [full]
    # two values taken: one error per field
    serial = api.put(f"/crm/v5/Specimens/{other}", {"data": [{"Serial": "S-1"}]})
    assert serial.status_code == 200, serial.text
    status, body = restore(api, "Specimens", full)
    assert (status, body["code"]) == (400, "MULTIPLE_OR_MULTI_ERRORS")
    assert [(e["code"], e["details"]["api_name"]) for e in body["details"]["errors"]] == [
        ("DUPLICATE_DATA", "Code"),
        ("DUPLICATE_DATA", "Serial"),
    ]
    assert rows(api, full) == []
    # the value freed: the record comes back
    assert api.delete(f"/crm/v5/Specimens/{other}").status_code == 200
    assert restore(api, "Specimens", full)[0] == 200


def test_only_an_entry_still_in_the_recycle_bin_is_restored(timed: Api) -> None:
    api = timed
    full, _ = full_specimen(api)
    [other] = api.insert("Specimens", {"Name": "Other", "Code": "C-2"})
    delete(api, "Specimens", full)
    assert restore(api, "Specimens", "1234567890123") == (400, BAD_ID)  # not in the bin
    assert restore(api, "Specimens", "abc") == (400, BAD_ID)
    assert restore(api, "Specimens", other) == (400, BAD_ID)  # not deleted
    assert restore(api, "Targets", full) == (400, BAD_ID)  # another module's entry
    assert restore(api, "Nope", full) == (
        400,
        {
            "code": "INVALID_MODULE",
            "details": {"resource_path_index": 2},
            "message": "the module name given seems to be invalid",
            "status": "error",
        },
    )
    advance(api, 60 * DAY)  # permanent now
    permanent = {
        "code": "INVALID_DATA",
        "details": {"resource_path_index": 3, "type": "permanent"},
        "message": "the record is permanently deleted and can no longer be restored",
        "status": "error",
    }
    assert restore(api, "Specimens", full) == (400, permanent)
    advance(api, 60 * DAY)  # gone from the bin
    assert restore(api, "Specimens", full) == (400, BAD_ID)
    assert rows(api, full) == []


def test_the_last_second_in_the_recycle_bin_still_restores(timed: Api) -> None:
    api = timed
    full, _ = full_specimen(api)
    delete(api, "Specimens", full)
    advance(api, 60 * DAY - 1)
    assert restore(api, "Specimens", full)[0] == 200


def test_only_an_org_administrator_restores(specimens: Api) -> None:
    full, _ = full_specimen(specimens)
    delete(specimens, "Specimens", full)
    headers = token_for(specimens, "vic@specimen.test")
    assert restore(specimens, "Specimens", full, headers=headers) == (
        403,
        {
            "code": "NO_PERMISSION",
            "details": {"permissions": ["administrator"]},
            "message": "Permission denied",
            "status": "error",
        },
    )
    assert in_bin(specimens, "Specimens") == [full]
