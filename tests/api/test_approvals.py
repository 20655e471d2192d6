"""Approval processes end to end: a create or update with ``approval`` in the trigger set that matches a process
leaves the record pending; writes of a pending record get NOT_APPROVED; approvers approve, reject, delegate and
resubmit through ``POST /crm/v5/{module}/{id}/actions/approvals``; ``GET /crm/v5/Approvals`` lists what waits on
whom; the state shows in GET (``$approval_state``, ``$approval``) and in lists (``approved``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.org_app import OrgClient, serve
from zcrm.client import Zoho

ORG = Path(__file__).parent.parent / "data" / "approvals.yaml"


class Org(OrgClient):
    tokens: dict[str, str]

    def token_of(self, email: str) -> str:
        if email not in self.tokens:
            response = self.call("POST", "/__zcrm/tokens", {"email": email, "scope": "ZohoCRM.modules.ALL"})
            assert response.status_code == 201, response.text
            self.tokens[email] = response.json()["access_token"]
        return self.tokens[email]

    def as_user(
        self, email: str | None, method: str, path: str, body: Any = None, **kw: Any
    ) -> httpx.Response:
        token = self.token if email is None else self.token_of(email)
        headers = {"Authorization": f"Zoho-oauthtoken {token}"}
        return self.client.request(method, path, json=body, headers=headers, **kw)

    def create(self, record: dict[str, Any], **body: Any) -> tuple[str, dict[str, Any]]:
        response = self.call("POST", "/crm/v5/Orders", {"data": [record], **body})
        assert response.status_code == 201, response.text
        entry = response.json()["data"][0]
        return str(entry["details"]["id"]), entry

    def get(self, record_id: str, email: str | None = None) -> dict[str, Any]:
        response = self.as_user(email, "GET", f"/crm/v5/Orders/{record_id}")
        assert response.status_code == 200, response.text
        return dict(response.json()["data"][0])

    def act(self, email: str | None, record_id: str, **params: str) -> httpx.Response:
        return self.as_user(email, "POST", f"/crm/v5/Orders/{record_id}/actions/approvals", params=params)

    def update(self, record_id: str, values: dict[str, Any], **body: Any) -> httpx.Response:
        return self.call("PUT", f"/crm/v5/Orders/{record_id}", {"data": [values], **body})

    def user_id(self, email: str) -> str:
        users = self.call("GET", "/crm/v5/users", params={"type": "AllUsers"}).json()["users"]
        return str(next(u["id"] for u in users if u["email"] == email))


ANN, BOB, CAT = "ann@appr.test", "bob@appr.test", "cat@appr.test"
NO_ACTIONS = {"delegate": False, "approve": False, "reject": False, "resubmit": False}
ALL_ACTIONS = {"delegate": True, "approve": True, "reject": True, "resubmit": False}


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with serve(Org, tmp_path / "approvals", ORG) as org:
        org.tokens = {}
        yield org


def success(record_id: str, done: str) -> dict[str, Any]:
    return {
        "code": "SUCCESS",
        "details": {"id": record_id},
        "message": f"Record {done} successfully",
        "status": "success",
    }


def test_end_to_end_pending_not_approved_approve_then_update(org: Org) -> None:
    rid, entry = org.create({"Subject": "Laptops", "Amount": 5000})
    assert entry["details"]["$approval_state"] == "approval_process_pending"
    record = org.get(rid)
    assert record["$approval_state"] == "approval_process_pending"
    assert record["$approval"] == NO_ACTIONS  # the admin is no approver
    assert org.get(rid, ANN)["$approval"] == ALL_ACTIONS

    blocked = org.update(rid, {"Subject": "More laptops"})
    assert blocked.status_code == 400
    assert blocked.json() == {
        "data": [
            {
                "code": "NOT_APPROVED",
                "details": {"id": rid},
                "message": "Cannot update record that is not approved yet",
                "status": "error",
            }
        ]
    }
    deleted = org.call("DELETE", f"/crm/v5/Orders/{rid}")
    assert deleted.json()["data"][0] == {
        "code": "NOT_APPROVED",
        "details": {"id": rid},
        "message": "cannot delete record that is not approved yet",
        "status": "error",
    }

    approved = org.act(ANN, rid, action="approve", comments="fine")
    assert (approved.status_code, approved.json()) == (200, success(rid, "approved"))
    record = org.get(rid)
    assert record["$approval_state"] == "approved" and record["$approval"] == NO_ACTIONS
    assert record["Subject"] == "Laptops"

    changed = org.update(rid, {"Subject": "More laptops"}, trigger=[])
    assert changed.status_code == 200, changed.text
    assert org.get(rid)["Subject"] == "More laptops"


def test_only_matching_writes_with_approval_in_the_trigger_set_enter(org: Org) -> None:
    small, entry = org.create({"Subject": "Pens", "Amount": 10})
    assert entry["details"]["$approval_state"] == "approved"
    for trigger in ([], ["workflow"], ["workflow", "blueprint"]):
        _, entry = org.create({"Subject": "Desks", "Amount": 5000}, trigger=trigger)
        assert entry["details"]["$approval_state"] == "approved", trigger
    _, entry = org.create({"Subject": "Desks", "Amount": 5000}, trigger=["approval"])
    assert entry["details"]["$approval_state"] == "approval_process_pending"
    # an edit that makes a record match enters it; the inactive process never applies
    response = org.update(small, {"Amount": 2000}, trigger=["approval"])
    assert response.json()["data"][0]["details"]["$approval_state"] == "approval_process_pending"
    processes = org.call("GET", f"/__zcrm/records/Orders/{small}/processes").json()
    assert processes["processes"]["approval"]["process"] == "Large orders"


def test_a_field_change_process_on_edit_only(org: Org) -> None:
    rid, entry = org.create({"Subject": "Boxes", "Amount": 5, "Status": "Shipped"})
    assert entry["details"]["$approval_state"] == "approved"  # "Shipping" runs on edit only
    org.update(rid, {"Status": "Placed"})
    response = org.update(rid, {"Status": "Shipped"})
    assert response.json()["data"][0]["details"]["$approval_state"] == "approval_process_pending"
    assert org.get(rid, BOB)["$approval"] == ALL_ACTIONS
    assert org.get(rid, ANN)["$approval"] == NO_ACTIONS


def test_reject_then_edit_and_resubmit(org: Org) -> None:
    rid, _ = org.create({"Subject": "Chairs", "Amount": 5000})
    rejected = org.act(BOB, rid, action="reject", comments="too dear")
    assert (rejected.status_code, rejected.json()) == (200, success(rid, "rejected"))
    record = org.get(rid)
    assert record["$approval_state"] == "approval_process_rejected"
    assert record["$approval"] == {**NO_ACTIONS, "resubmit": True}  # whoever may edit it may resubmit
    # a rejected record can be edited; without approval in the trigger set it stays rejected
    assert org.update(rid, {"Subject": "Cheaper chairs"}, trigger=[]).status_code == 200
    assert org.get(rid)["$approval_state"] == "approval_process_rejected"
    again = org.act(None, rid, action="resubmit", comments="cheaper now")
    assert (again.status_code, again.json()) == (200, success(rid, "resubmitted"))
    assert org.get(rid)["$approval_state"] == "approval_process_pending"
    assert org.act(ANN, rid, action="approve").status_code == 200
    history = org.call("GET", f"/__zcrm/records/Orders/{rid}/processes").json()["processes"]["approval"]
    assert [h["action"] for h in history["history"]] == ["submitted", "reject", "resubmit", "approve"]
    assert [h["comments"] for h in history["history"]] == [None, "too dear", "cheaper now", None]
    assert history["status"] == "approved"


def test_each_approver_in_turn(org: Org) -> None:
    rid, _ = org.create({"Subject": "Servers", "Amount": 500000})
    assert org.get(rid, BOB)["$approval"] == NO_ACTIONS  # Ann first
    early = org.act(BOB, rid, action="approve")
    assert (early.status_code, early.json()) == (
        403,
        {
            "code": "NO_PERMISSION",
            "details": {"id": rid},
            "message": "you are not an approver of this record",
            "status": "error",
        },
    )
    assert org.act(ANN, rid, action="approve").status_code == 200
    assert org.get(rid)["$approval_state"] == "approval_process_pending"  # Bob's turn now
    assert org.get(rid, BOB)["$approval"] == ALL_ACTIONS
    assert org.act(BOB, rid, action="approve").status_code == 200
    assert org.get(rid)["$approval_state"] == "approved"


def test_delegate_passes_the_turn(org: Org) -> None:
    rid, _ = org.create({"Subject": "Vans", "Amount": 5000})
    cat = org.user_id(CAT)
    delegated = org.act(ANN, rid, action="delegate", user=cat, comments="on leave")
    assert (delegated.status_code, delegated.json()) == (200, success(rid, "delegated"))
    assert org.get(rid, CAT)["$approval"] == ALL_ACTIONS
    assert org.get(rid, ANN)["$approval"] == NO_ACTIONS
    assert org.act(ANN, rid, action="approve").status_code == 403
    # the JSON body form works as the query does
    body = {"data": [{"action": "approve", "comments": "ok"}]}
    response = org.as_user(CAT, "POST", f"/crm/v5/Orders/{rid}/actions/approvals", body)
    assert (response.status_code, response.json()) == (200, success(rid, "approved"))


@pytest.mark.parametrize(
    ("params", "status", "expected"),
    [
        (
            {},
            400,
            {
                "code": "REQUIRED_PARAM_MISSING",
                "details": {"param_name": "action"},
                "message": "One of the expected parameter is missing",
                "status": "error",
            },
        ),
        (
            {"action": "approve_all"},
            400,
            {
                "code": "INVALID_DATA",
                "details": {
                    "param_name": "action",
                    "supported_values": ["approve", "delegate", "reject", "resubmit"],
                },
                "message": "invalid data",
                "status": "error",
            },
        ),
        (
            {"action": "delegate"},
            400,
            {
                "code": "REQUIRED_PARAM_MISSING",
                "details": {"param_name": "user"},
                "message": "One of the expected parameter is missing",
                "status": "error",
            },
        ),
        (
            {"action": "delegate", "user": "123456789012345"},
            400,
            {
                "code": "INVALID_DATA",
                "details": {"param_name": "user"},
                "message": "invalid data",
                "status": "error",
            },
        ),
        (
            {"action": "delegate", "user": "not-an-id"},
            400,
            {
                "code": "INVALID_DATA",
                "details": {"param_name": "user"},
                "message": "invalid data",
                "status": "error",
            },
        ),
    ],
)
def test_bad_action_input(org: Org, params: dict[str, str], status: int, expected: dict[str, Any]) -> None:
    rid, _ = org.create({"Subject": "Lamps", "Amount": 5000})
    response = org.act(ANN, rid, **params)
    assert (response.status_code, response.json()) == (status, expected)
    assert org.get(rid)["$approval_state"] == "approval_process_pending"  # nothing changed


def test_actions_the_state_does_not_allow(org: Org) -> None:
    plain, _ = org.create({"Subject": "Clips", "Amount": 1})
    response = org.act(ANN, plain, action="approve")
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "INVALID_DATA",
            "details": {"id": plain},
            "message": "the record is not waiting for approval",
            "status": "error",
        },
    )
    rid, _ = org.create({"Subject": "Tables", "Amount": 5000})
    not_rejected = org.act(None, rid, action="resubmit")
    assert (not_rejected.status_code, not_rejected.json()) == (
        400,
        {
            "code": "INVALID_DATA",
            "details": {"id": rid},
            "message": "the record's approval was not rejected",
            "status": "error",
        },
    )
    bob = org.user_id(BOB)
    to_waiting = org.act(ANN, rid, action="delegate", user=bob)  # Bob is already an approver here
    assert to_waiting.json()["details"] == {"param_name": "user"}
    unknown = org.act(ANN, "123456789012345", action="approve")
    assert (unknown.status_code, unknown.json()) == (
        400,
        {
            "code": "INVALID_DATA",
            "details": {"resource_path_index": 1},
            "message": "the id given seems to be invalid",
            "status": "error",
        },
    )
    assert org.call("GET", f"/crm/v5/Orders/{rid}/actions/approvals").json() == {
        "code": "INVALID_REQUEST_METHOD",
        "details": {},
        "message": "The http request method type is not a valid one",
        "status": "error",
    }


def test_pending_records_are_left_out_of_lists_by_default(org: Org) -> None:
    approved, _ = org.create({"Subject": "Ink", "Amount": 1})
    pending, _ = org.create({"Subject": "Printers", "Amount": 5000})
    listed = org.call("GET", "/crm/v5/Orders", params={"fields": "Subject"}).json()["data"]
    assert [r["id"] for r in listed] == [approved]
    both = org.call("GET", "/crm/v5/Orders", params={"fields": "Subject", "approved": "both"}).json()["data"]
    assert sorted(r["id"] for r in both) == sorted([approved, pending])
    waiting = org.call("GET", "/crm/v5/Orders", params={"fields": "Subject", "approved": "false"}).json()
    assert [r["id"] for r in waiting["data"]] == [pending]


def test_list_of_approvals_waiting(org: Org) -> None:
    first, _ = org.create({"Subject": "Forklift", "Amount": 5000})
    second, _ = org.create({"Subject": "Crane", "Amount": 500000})  # Ann, then Bob
    response = org.as_user(ANN, "GET", "/crm/v5/Approvals")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["info"] == {"per_page": 200, "count": 2, "page": 1, "more_records": False}
    item = body["data"][0]
    ann = org.user_id(ANN)
    wes = org.get(first)["Owner"]
    assert item["entity"] == {"name": "Forklift", "id": first}
    assert item["module"] == "Orders" and item["type"] == "approval"
    assert item["rule"]["name"] == "Large orders"
    assert item["waiting_for"] == {"name": "Ann Approver", "id": ann}
    assert item["owner"]["id"] == wes["id"] and item["owner"]["phone"] is None
    assert item["initiated_time"].endswith("+00:00") and item["default_layout"] is True
    assert item["id"] not in (first, second)
    assert [i["entity"]["id"] for i in body["data"]] == [first, second]
    # Bob waits on the first only (the second is Ann's turn)
    bob_items = org.as_user(BOB, "GET", "/crm/v5/Approvals").json()["data"]
    assert [i["entity"]["id"] for i in bob_items] == [first]
    paged = org.as_user(ANN, "GET", "/crm/v5/Approvals", params={"per_page": 1, "page": 2}).json()
    assert [i["entity"]["id"] for i in paged["data"]] == [second]
    assert paged["info"] == {"per_page": 1, "count": 1, "page": 2, "more_records": False}
    # nothing waits on Cat, and the admin (no approver here) sees what waits on others
    assert org.as_user(CAT, "GET", "/crm/v5/Approvals").status_code == 204
    assert org.as_user(CAT, "GET", "/crm/v5/Approvals", params={"type": "others_awaiting"}).status_code == 204
    others = org.call("GET", "/crm/v5/Approvals", params={"type": "others_awaiting"}).json()["data"]
    assert [i["entity"]["id"] for i in others] == [first, second]
    assert org.act(ANN, first, action="approve").status_code == 200
    assert [i["entity"]["id"] for i in org.as_user(ANN, "GET", "/crm/v5/Approvals").json()["data"]] == [
        second
    ]
    bad = org.call("GET", "/crm/v5/Approvals", params={"type": "mine"})
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "code": "INVALID_DATA",
            "details": {"param_name": "type", "supported_values": ["awaiting", "others_awaiting"]},
            "message": "invalid data",
            "status": "error",
        },
    )


def test_bulk_update_enters_each_matching_record(org: Org) -> None:
    a, _ = org.create({"Subject": "A", "Amount": 1})
    b, _ = org.create({"Subject": "B", "Amount": 1})
    response = org.call(
        "PUT",
        "/crm/v5/Orders",
        {"data": [{"id": a, "Amount": 2000}, {"id": b, "Amount": 2}, {"id": a, "Amount": 3}]},
    )
    states = [
        e.get("details", {}).get("$approval_state") if e["status"] == "success" else e["code"]
        for e in response.json()["data"]
    ]
    # the third item names a record the first one just sent for approval
    assert states == ["approval_process_pending", "approved", "NOT_APPROVED"]
    assert response.status_code == 207
    assert org.get(a)["Amount"] == 2000


def test_the_deluge_client_sends_records_for_approval_by_default(org: Org) -> None:
    rid, _ = org.create({"Subject": "Paper", "Amount": 10})
    zoho = Zoho("http://127.0.0.1:8000", org.token, http=org.client)
    details = zoho.crm.updateRecord("Orders", rid, {"Amount": 5000})  # Deluge's default holds approval
    assert details["$approval_state"] == "approval_process_pending"
    other, _ = org.create({"Subject": "Card", "Amount": 10})
    details = zoho.crm.updateRecord("Orders", other, {"Amount": 5000}, {"trigger": ["workflow"]})
    assert details["$approval_state"] == "approved"
    blocked = zoho.crm.updateRecord("Orders", rid, {"Amount": 6000})
    assert blocked == {
        "code": "NOT_APPROVED",
        "details": {"id": rid},
        "message": "Cannot update record that is not approved yet",
        "status": "error",
    }
