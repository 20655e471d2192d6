"""Approval processes, the review process and Zia validation as data: the approval state machine on its own,
and the org file's checks of each section."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.test_orgfile import base_org, error_of, module
from zcrm.automation import zia
from zcrm.automation.approvals import (
    NO_DELEGATE,
    NOT_APPROVER,
    NOT_PENDING,
    NOT_REJECTED,
    Approval,
    ApprovalActionError,
    ApprovalProcess,
    act,
    entering,
    record_state,
    submit,
)
from zcrm.automation.rules import Condition, Event
from zcrm.schema.orgfile import normalise

BIG = ApprovalProcess(
    "p1", "Big", "create_or_edit", ("u1", "u2"), (Condition("Amount", "greater_than", 100),)
)
SEQUENTIAL = ApprovalProcess("p2", "Each", "create", ("u1", "u2"), approve="all")


def reason(approval: Approval, action: str, user: str, **kw: Any) -> str:
    with pytest.raises(ApprovalActionError) as info:
        act(approval, action, user, 2, **kw)
    return info.value.reason


def test_entering_picks_the_first_matching_active_process() -> None:
    off = ApprovalProcess("p0", "Off", "create_or_edit", ("u9",), active=False)
    processes = (off, BIG, SEQUENTIAL)
    assert entering(processes, Event("insert", {"Amount": 500})) is BIG
    assert entering(processes, Event("insert", {"Amount": 5})) is SEQUENTIAL
    assert entering(processes, Event("update", {"Amount": 5})) is None
    assert entering((ApprovalProcess("p3", "Nobody", "create", ()),), Event("insert", {})) is None


def test_any_approver_completes_it() -> None:
    approval = submit(BIG, "Deals", "r1", "u0", 1)
    assert (approval.status, approval.waiting_on(), record_state(approval)) == (
        "pending",
        ["u1", "u2"],
        "approval_process_pending",
    )
    assert reason(approval, "approve", "u0") == NOT_APPROVER
    act(approval, "approve", "u2", 2, "ok")
    assert (approval.status, approval.waiting_on(), record_state(approval)) == ("approved", [], "approved")
    assert reason(approval, "reject", "u1") == NOT_PENDING
    assert [h["action"] for h in approval.history] == ["submitted", "approve"]


def test_each_in_turn_and_delegation() -> None:
    approval = submit(SEQUENTIAL, "Deals", "r1", "u0", 1)
    assert approval.waiting_on() == ["u1"]
    assert reason(approval, "approve", "u2") == NOT_APPROVER
    assert reason(approval, "delegate", "u1") == NO_DELEGATE  # to nobody
    assert reason(approval, "delegate", "u1", to_user="u1") == NO_DELEGATE  # to someone already waited on
    act(approval, "delegate", "u1", 2, to_user="u7")
    assert approval.waiting_on() == ["u7"] and approval.approvers == ["u7", "u2"]
    act(approval, "approve", "u7", 3)
    assert (approval.status, approval.step, approval.waiting_on()) == ("pending", 1, ["u2"])
    act(approval, "approve", "u2", 4)
    assert approval.status == "approved"
    assert approval.history[1] == {
        "action": "delegate",
        "user": "u1",
        "time": 2,
        "comments": None,
        "to": "u7",
    }


def test_reject_and_resubmit() -> None:
    approval = submit(SEQUENTIAL, "Deals", "r1", "u0", 1)
    assert reason(approval, "resubmit", "u0") == NOT_REJECTED
    act(approval, "approve", "u1", 2)
    act(approval, "reject", "u2", 3, "no")
    assert (approval.status, record_state(approval), record_state(approval, "review")) == (
        "rejected",
        "approval_process_rejected",
        "review_process_rejected",
    )
    changed = ApprovalProcess("p2", "Each", "create", ("u5",), approve="any")
    act(approval, "resubmit", "u0", 4, process=changed)
    assert (approval.status, approval.step, approval.waiting_on(), approval.submitted_by) == (
        "pending",
        0,
        ["u5"],
        "u0",
    )
    assert Approval.from_dict(approval.as_dict()) == approval


def test_zia_delay_and_outcome() -> None:
    validation = zia.ZiaValidation(("Photo",), delay=30, outcome="rejected")
    detail = zia.start(validation, ["Photo"], "u1", 100)
    assert (zia.due(detail, 129), zia.due(detail, 130)) == (None, "rejected")
    assert zia.due(zia.start(zia.ZiaValidation(("Photo",)), ["Photo"], "u1", 100), 10**9) is None
    assert (zia.lock_after("rejected"), zia.lock_after("approved")) == ("zia_vision_rejected", None)
    ended = zia.end(detail, "approved", 140, "u2")
    assert ended["until"] is None and ended["history"][-1] == {
        "action": "approved",
        "user": "u2",
        "time": 140,
    }


def with_section(key: str, value: Any, fields: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    raw = base_org()
    things = module(raw, "Things")
    things["fields"] += fields or [{"api_name": "Amount", "data_type": "currency"}]
    things[key] = value
    return raw


def test_org_file_approval_processes() -> None:
    process = {
        "name": "Big",
        "approvers": ["B@x.test"],
        "conditions": [{"field": "Amount", "operator": "is_empty"}],
    }
    result = module(normalise(with_section("approval_processes", [process])), "Things")
    assert result["approval_processes"] == [
        {
            "name": "Big",
            "when": "create_or_edit",
            "match": "all",
            "conditions": [{"field": "Amount", "operator": "is_empty", "value": None}],
            "approvers": ["b@x.test"],
            "approve": "any",
            "active": True,
        }
    ]
    at = "modules.Things.approval_processes[0]"
    cases = [
        ({"approvers": ["b@x.test"]}, f"{at}: 'name' is required"),
        ({**process, "when": "delete"}, f"{at}: when must be one of ['create', 'edit', 'create_or_edit']"),
        ({**process, "approve": "most"}, f"{at}: approve must be one of ['any', 'all']"),
        ({**process, "approvers": []}, f"{at}: 'approvers' must be a non-empty list of user emails"),
        ({**process, "approvers": ["z@x.test"]}, f"{at}: approver 'z@x.test' is not one of the org's users"),
        (
            {**process, "conditions": [{"field": "Nope", "operator": "is_empty"}]},
            f"{at}.conditions[0]: a condition needs 'field', one of the module's fields",
        ),
        ({**process, "match": "some"}, f"{at}: match must be 'all' or 'any'"),
    ]
    for broken, message in cases:
        assert error_of(with_section("approval_processes", [broken])) == message, broken
    assert (
        error_of(with_section("approval_processes", {}))
        == "modules.Things: 'approval_processes' must be a list"
    )


def test_org_file_review_process() -> None:
    result = module(normalise(with_section("review_process", {"reviewers": ["a@x.test"]})), "Things")
    assert result["review_process"] == {
        "name": "Review",
        "when": "create_or_edit",
        "match": "all",
        "conditions": [],
        "approvers": ["a@x.test"],
        "approve": "any",
        "active": True,
    }
    at = "modules.Things.review_process"
    assert (
        error_of(with_section("review_process", {}))
        == f"{at}: 'reviewers' must be a non-empty list of user emails"
    )
    assert error_of(with_section("review_process", {"reviewers": ["q@x.test"]})) == (
        f"{at}: reviewer 'q@x.test' is not one of the org's users"
    )
    assert error_of(with_section("review_process", ["a@x.test"])) == f"{at}: must be a mapping"


def test_org_file_zia_image_validation() -> None:
    images = [{"api_name": "Photo", "data_type": "imageupload"}, {"api_name": "Note", "data_type": "text"}]
    result = module(normalise(with_section("zia_image_validation", {"delay": 5}, images)), "Things")
    assert result["zia_image_validation"] == {"fields": ["Photo"], "delay": 5, "outcome": "approved"}
    at = "modules.Things.zia_image_validation"
    cases = [
        ({"fields": ["Note"]}, f"{at}: 'fields' must list image upload fields of the module ['Photo']"),
        ({"fields": []}, f"{at}: 'fields' must list image upload fields of the module ['Photo']"),
        ({"delay": -1}, f"{at}: 'delay' must be a whole number of seconds (0 or more)"),
        ({"delay": 1.5}, f"{at}: 'delay' must be a whole number of seconds (0 or more)"),
        ({"outcome": "maybe"}, f"{at}: outcome must be one of ['approved', 'rejected']"),
    ]
    for broken, message in cases:
        assert error_of(with_section("zia_image_validation", broken, images)) == message, broken
