"""The review process: records written while it applies wait for a reviewer (``$approval_state``
``review_process_pending``); their writes get NOT_REVIEWED; a reviewer approves or rejects them through
``POST /__zcrm/records/{module}/{id}/review``; a rejected record can be edited (entering review again) or
resubmitted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.org_app import serve
from tests.api.test_approvals import CAT, ORG
from tests.api.test_approvals import Org as Base

NOT_REVIEWED = {"code": "NOT_REVIEWED", "details": {}, "message": "record in review", "status": "error"}
IDLE = {"approve": False, "reject": False, "resubmit": False}


class Org(Base):
    def article(self, **values: Any) -> str:
        response = self.call("POST", "/crm/v5/Articles", {"data": [{"Title": "Hello", **values}]})
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def edit(self, record_id: str, values: dict[str, Any], **body: Any) -> httpx.Response:
        return self.call("PUT", f"/crm/v5/Articles/{record_id}", {"data": [values], **body})

    def read(self, record_id: str, email: str | None = None) -> dict[str, Any]:
        response = self.as_user(email, "GET", f"/crm/v5/Articles/{record_id}")
        assert response.status_code == 200, response.text
        return dict(response.json()["data"][0])

    def review(self, email: str | None, record_id: str, **body: Any) -> httpx.Response:
        return self.as_user(email, "POST", f"/__zcrm/records/Articles/{record_id}/review", body)


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with serve(Org, tmp_path / "review", ORG) as org:
        org.tokens = {}
        yield org


def test_an_edit_enters_review_until_a_reviewer_approves(org: Org) -> None:
    rid = org.article(Body="draft")
    assert org.read(rid)["$approval_state"] == "approved"  # the process runs on edit only
    assert org.read(rid)["$review"] is None
    response = org.edit(rid, {"Body": "final"}, trigger=[])  # whatever the trigger set says
    assert response.status_code == 200
    assert response.json()["data"][0]["details"]["$approval_state"] == "review_process_pending"
    record = org.read(rid)
    assert (record["$approval_state"], record["$review"], record["Body"]) == (
        "review_process_pending",
        "Pending",
        "final",
    )
    assert record["$review_process"] == IDLE
    assert org.read(rid, CAT)["$review_process"] == {"approve": True, "reject": True, "resubmit": False}

    blocked = org.edit(rid, {"Body": "again"})
    assert (blocked.status_code, blocked.json()) == (400, {"data": [NOT_REVIEWED]})
    gone = org.call("DELETE", f"/crm/v5/Articles/{rid}")
    assert (gone.status_code, gone.json()) == (400, {"data": [NOT_REVIEWED]})
    listed = org.call("GET", "/crm/v5/Articles", params={"fields": "Title"})
    assert listed.status_code == 204  # records in review are left out of lists

    not_mine = org.review(None, rid, action="approve")
    assert (not_mine.status_code, not_mine.json()) == (
        403,
        {
            "code": "NO_PERMISSION",
            "details": {"id": rid},
            "message": "you are not a reviewer of this record",
            "status": "error",
        },
    )
    approved = org.review(CAT, rid, action="approve", comments="good")
    assert (approved.status_code, approved.json()) == (
        200,
        {
            "code": "SUCCESS",
            "details": {"id": rid},
            "message": "Record approved successfully",
            "status": "success",
        },
    )
    record = org.read(rid)
    assert (record["$approval_state"], record["$review"], record["$review_process"]) == (
        "approved",
        "Approved",
        IDLE,
    )
    assert (
        org.edit(rid, {"Draft": True, "Body": "v2"}).json()["data"][0]["details"]["$approval_state"]
        == "approved"
    )


def test_criteria_decide(org: Org) -> None:
    rid = org.article()
    response = org.edit(rid, {"Draft": True, "Body": "work in progress"})
    assert response.json()["data"][0]["details"]["$approval_state"] == "approved"


def test_reject_then_edit_or_resubmit(org: Org) -> None:
    rid = org.article()
    org.edit(rid, {"Body": "one"})
    rejected = org.review(CAT, rid, action="reject", comments="no")
    assert rejected.json()["message"] == "Record rejected successfully"
    record = org.read(rid)
    assert (record["$approval_state"], record["$review"]) == ("review_process_rejected", "Rejected")
    assert record["$review_process"] == {"approve": False, "reject": False, "resubmit": True}
    assert org.review(CAT, rid, action="approve").json() == {
        "code": "INVALID_DATA",
        "details": {"id": rid},
        "message": "the record is not waiting for review",
        "status": "error",
    }
    # a rejected record can be edited, and the edit enters review again
    again = org.edit(rid, {"Body": "two"})
    assert again.json()["data"][0]["details"]["$approval_state"] == "review_process_pending"
    assert org.review(CAT, rid, action="reject").status_code == 200
    resubmitted = org.review(None, rid, action="resubmit")
    assert resubmitted.json()["message"] == "Record resubmitted successfully"
    assert org.read(rid)["$approval_state"] == "review_process_pending"
    processes = org.call("GET", f"/__zcrm/records/Articles/{rid}/processes").json()
    review = processes["processes"]["review"]
    assert [h["action"] for h in review["history"]] == [
        "submitted",
        "reject",
        "submitted",
        "reject",
        "resubmit",
    ]
    assert review["status"] == "pending" and processes["approval_state"] == "review_process_pending"


def test_review_input_errors(org: Org) -> None:
    rid = org.article()
    org.edit(rid, {"Body": "x"})
    delegate = org.review(CAT, rid, action="delegate")
    assert (delegate.status_code, delegate.json()) == (
        400,
        {
            "code": "INVALID_DATA",
            "details": {"param_name": "action", "supported_values": ["approve", "reject", "resubmit"]},
            "message": "invalid data",
            "status": "error",
        },
    )
    missing = org.review(CAT, rid)
    assert missing.json() == {
        "code": "REQUIRED_PARAM_MISSING",
        "details": {"param_name": "action"},
        "message": "One of the expected parameter is missing",
        "status": "error",
    }
    unknown = org.as_user(
        CAT, "POST", "/__zcrm/records/Articles/123456789012345/review", {"action": "approve"}
    )
    assert unknown.json() == {
        "code": "INVALID_DATA",
        "details": {"resource_path_index": 1},
        "message": "the id given seems to be invalid",
        "status": "error",
    }
    assert org.read(rid)["$approval_state"] == "review_process_pending"
