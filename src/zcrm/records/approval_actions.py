"""Acting on records in approval (approve, reject, delegate, resubmit) and review (approve, reject, resubmit), and
listing the approvals waiting on a user, pure parts: the actions, their refusals and a list entry (acting and
listing in the store: ``service/approval_actions.py``).

The approval API's paths and inputs follow what Zoho's own clients use (docs/automation.md, "Approval
processes"); the errors for actions a record's state or the user does not allow are zcrm's (**Decision**).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zcrm.automation.approvals import (
    NO_DELEGATE,
    NOT_APPROVER,
    NOT_PENDING,
    NOT_REJECTED,
    PENDING,
    Approval,
)
from zcrm.errors import InvalidData, NoPermission, ZohoError
from zcrm.fields.render import Renderer
from zcrm.schema.model import Module

APPROVAL_ACTIONS = ["approve", "delegate", "reject", "resubmit"]
REVIEW_ACTIONS = ["approve", "reject", "resubmit"]
DONE = {"approve": "approved", "reject": "rejected", "delegate": "delegated", "resubmit": "resubmitted"}
NOT_WAITING = {
    "approval": "the record is not waiting for approval",
    "review": "the record is not waiting for review",
}
NOT_REJECTED_MESSAGE = {
    "approval": "the record's approval was not rejected",
    "review": "the record's review was not rejected",
}
NOT_ACTOR = {
    "approval": "you are not an approver of this record",
    "review": "you are not a reviewer of this record",
}


@dataclass(frozen=True, slots=True)
class Request:
    action: str
    comments: str | None = None
    to_user: str | None = None  # delegate: the user id the approval passes to


def process_of(module: Module, process_id: str) -> Any:
    return next((p for p in module.approval_processes if p.id == process_id), None)


def governs(state: str, kind: str, approval: Approval) -> bool:
    """Whether the record's ``approval_state`` follows this process now: it does while the record is in it, and
    when it enters it again (a resubmission)."""
    return state.startswith(f"{kind}_process_") or approval.status == PENDING


def refusal(reason: str, kind: str, record_id: str) -> ZohoError:
    if reason == NOT_PENDING:
        return InvalidData(NOT_WAITING[kind], {"id": record_id})
    if reason == NOT_REJECTED:
        return InvalidData(NOT_REJECTED_MESSAGE[kind], {"id": record_id})
    if reason == NO_DELEGATE:
        return InvalidData(details={"param_name": "user"})
    assert reason == NOT_APPROVER
    return NoPermission(NOT_ACTOR[kind], {"id": record_id})


def list_item(
    renderer: Renderer, approval: Approval, module: Module, info: dict[str, Any], user_id: str
) -> dict[str, Any]:
    """One entry of ``GET /Approvals`` in the shape Zoho's clients read."""
    waiting_on = approval.waiting_on()
    waiting_for = user_id if user_id in waiting_on else (waiting_on[0] if waiting_on else None)
    owner = renderer.user_ref(info["owner"])
    return {
        "owner": None if owner is None else {"phone": None, "mobile": None, **owner},
        "initiated_time": renderer.datetime(approval.submitted_time),
        "module": module.api_name,
        "rule": {"name": approval.process, "id": approval.process_id},
        "id": approval.id or approval.record_id,
        "type": "approval",
        "entity": {"name": info["name"], "id": approval.record_id},
        "default_layout": True,
        "waiting_for": renderer.user_ref(waiting_for, with_email=False),
    }
