"""Zia image validation: a new image in a validated image field locks the record (RECORD_LOCKED,
``zia_vision_processing``) until the validation ends, after the module's delay (with its outcome) or through
``POST /__zcrm/records/{module}/{id}/zia_validation``; a rejected validation blocks writes (NOT_APPROVED) but
a new image or the failed one's deletion."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.org_app import OrgClient, serve
from tests.api.test_approvals import ORG
from tests.conftest import FakeClock, sql
from tests.known_files import known_files

LOCKED = "Cannot update record that is not approved yet"


class Org(OrgClient):
    clock: FakeClock

    def create(self, module: str, **values: Any) -> str:
        response = self.call("POST", f"/crm/v5/{module}", {"data": [{"Name": "shot", **values}]})
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def put(self, module: str, record_id: str, **values: Any) -> httpx.Response:
        return self.call("PUT", f"/crm/v5/{module}/{record_id}", {"data": [values]})

    def state(self, module: str, record_id: str) -> str:
        response = self.call("GET", f"/crm/v5/{module}/{record_id}")
        assert response.status_code == 200, response.text
        return str(response.json()["data"][0]["$approval_state"])

    def photo_rows(self, module: str, record_id: str) -> list[str]:
        got = self.call("GET", f"/crm/v5/{module}/{record_id}").json()["data"][0]
        return [row["id"] for row in got["Photo"]]

    def end(self, module: str, record_id: str, outcome: Any) -> httpx.Response:
        return self.call("POST", f"/__zcrm/records/{module}/{record_id}/zia_validation", {"outcome": outcome})


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    clock = FakeClock(int(time.time()))
    with serve(Org, tmp_path / "zia", ORG, clock=clock) as org:
        org.clock = clock
        yield org


def locked(record_id: str) -> dict[str, Any]:
    return {
        "code": "RECORD_LOCKED",
        "details": {"id": record_id, "action": "zia_vision_processing"},
        "message": LOCKED,
        "status": "error",
    }


def not_approved(record_id: str, message: str = LOCKED) -> dict[str, Any]:
    return {"code": "NOT_APPROVED", "details": {"id": record_id}, "message": message, "status": "error"}


def test_a_new_image_locks_the_record_until_the_delay_ends(org: Org) -> None:
    known_files(org, "first", "second")
    rid = org.create("Shots", Photo=[{"File_Id__s": "first"}])
    assert org.state("Shots", rid) == "zia_vision_processing"
    blocked = org.put("Shots", rid, Caption="hi")
    assert (blocked.status_code, blocked.json()) == (400, {"data": [locked(rid)]})
    gone = org.call("DELETE", f"/crm/v5/Shots/{rid}")
    assert gone.json()["data"][0] == {
        **locked(rid),
        "message": "cannot delete record that is not approved yet",
    }
    org.clock.current += 29
    assert org.put("Shots", rid, Caption="hi").json() == {"data": [locked(rid)]}
    org.clock.current += 1  # 30 seconds: the validation ends, rejected (the module's outcome)
    assert org.state("Shots", rid) == "zia_vision_rejected"
    stored = sql(org.data_dir, "SELECT lock_state FROM records WHERE id = :id", {"id": rid})
    assert stored == [("zia_vision_processing",)]  # a read does not write; the next write does
    rejected = org.put("Shots", rid, Caption="hi")
    assert (rejected.status_code, rejected.json()) == (400, {"data": [not_approved(rid)]})
    stored = sql(org.data_dir, "SELECT lock_state FROM records WHERE id = :id", {"id": rid})
    assert stored == [("zia_vision_rejected",)]
    assert org.call("DELETE", f"/crm/v5/Shots/{rid}").json()["data"][0] == not_approved(
        rid, "cannot delete record that is not approved yet"
    )

    # a new image: validated again
    [row] = org.photo_rows("Shots", rid)
    again = org.put("Shots", rid, Photo=[{"File_Id__s": "second"}, {"id": row, "_delete": None}])
    assert again.status_code == 200, again.text
    assert again.json()["data"][0]["details"]["$approval_state"] == "zia_vision_processing"
    org.clock.current += 30
    assert org.state("Shots", rid) == "zia_vision_rejected"
    # deleting the failed image unlocks it
    [row] = org.photo_rows("Shots", rid)
    cleared = org.put("Shots", rid, Photo=[{"id": row, "_delete": None}])
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["data"][0]["details"]["$approval_state"] == "approved"
    assert org.put("Shots", rid, Caption="at last").status_code == 200
    history = org.call("GET", f"/__zcrm/records/Shots/{rid}/processes").json()["processes"]["zia"]["history"]
    assert [h["action"] for h in history] == [
        "submitted",
        "rejected",
        "submitted",
        "rejected",
        "image_deleted",
    ]


def test_only_new_images_in_validated_fields(org: Org) -> None:
    known_files(org, "logo", "new")
    plain = org.create("Shots", Caption="no image")
    assert org.state("Shots", plain) == "approved"
    logo = org.create("Shots", Logo=[{"File_Id__s": "logo"}])  # Logo is not validated
    assert org.state("Shots", logo) == "approved"
    assert (
        org.put("Shots", plain, Photo=[{"File_Id__s": "new"}]).json()["data"][0]["details"]["$approval_state"]
        == "zia_vision_processing"
    )
    # a caption change of another record is not held up by it
    assert org.put("Shots", logo, Caption="fine").status_code == 200


def test_without_a_delay_the_control_plane_ends_it(org: Org) -> None:
    known_files(org, "p")
    rid = org.create("Manual_Shots", Photo=[{"File_Id__s": "p"}])
    org.clock.current += 3_000  # (tokens last an hour)
    assert org.state("Manual_Shots", rid) == "zia_vision_processing"
    bad = org.end("Manual_Shots", rid, "maybe")
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "code": "INVALID_DATA",
            "details": {"api_name": "outcome", "supported_values": ["approved", "rejected"]},
            "message": "invalid data",
            "status": "error",
        },
    )
    ended = org.end("Manual_Shots", rid, "approved")
    assert (ended.status_code, ended.json()) == (200, {"id": rid, "outcome": "approved", "lock_state": None})
    assert org.state("Manual_Shots", rid) == "approved"
    assert org.put("Manual_Shots", rid, Name="ok").status_code == 200
    twice = org.end("Manual_Shots", rid, "rejected")
    assert (twice.status_code, twice.json()) == (
        400,
        {
            "code": "INVALID_DATA",
            "details": {"id": rid},
            "message": "the record is not in Zia image validation",
            "status": "error",
        },
    )


def test_rejection_through_the_control_plane(org: Org) -> None:
    known_files(org, "p")
    rid = org.create("Manual_Shots", Photo=[{"File_Id__s": "p"}])
    ended = org.end("Manual_Shots", rid, "rejected")
    assert ended.json() == {"id": rid, "outcome": "rejected", "lock_state": "zia_vision_rejected"}
    assert org.put("Manual_Shots", rid, Name="x").json() == {"data": [not_approved(rid)]}
