"""Approval processes as data, and the state machine of one record's approval (a module's review process is
the same machine: one process whose reviewers approve or reject, without delegation).

A process belongs to a module and says *when* a record enters it (on create, on edit, or either), *which
records* (criteria over field values, as workflow rules have them) and *who approves* (users, in order): with
``approve: any`` one approver's approval completes it; with ``approve: all`` each approver approves in turn. A
record that enters is pending until it is approved (it can then be edited again) or rejected (it can be edited,
and resubmitted). Approvers may delegate their turn to another user. Nothing here knows about HTTP or SQL: the
record engine asks :func:`entering` on each write, the approval API applies :func:`act` to the stored instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zcrm.automation.rules import Condition, Event, fires

APPROVAL_WHEN = ("create", "edit", "create_or_edit")
APPROVE_MODES = ("any", "all")
ACTIONS = ("approve", "reject", "delegate", "resubmit")
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


@dataclass(frozen=True, slots=True)
class ApprovalProcess:
    id: str
    name: str
    when: str  # create | edit | create_or_edit
    approvers: tuple[str, ...]  # user ids, in order
    conditions: tuple[Condition, ...] = ()
    match: str = "all"
    approve: str = "any"  # any | all (each approver, in order)
    active: bool = True
    field: str | None = None  # (no field-update moment for approvals; kept for :func:`fires`)


def entering(processes: tuple[ApprovalProcess, ...], event: Event) -> ApprovalProcess | None:
    """The first active process (in definition order) that the write puts the record into, if any."""
    for process in processes:
        if process.approvers and fires(process, event):
            return process
    return None


@dataclass(slots=True)
class Approval:
    """One record's approval: its process, where it stands, whose turn it is, and what happened so far."""

    record_id: str
    module: str
    process_id: str
    process: str
    approve: str
    approvers: list[str]  # user ids, in order; a delegation replaces the delegating approver's entry
    status: str = PENDING
    step: int = 0  # with ``approve: all``: the index of the approver whose turn it is
    submitted_by: str = ""
    submitted_time: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    id: str = ""  # the approval's own id (given when it is stored)

    def waiting_on(self) -> list[str]:
        """The users who may act now: every approver (``any``) or the one whose turn it is (``all``)."""
        if self.status != PENDING:
            return []
        if self.approve == "all":
            return self.approvers[self.step : self.step + 1]
        return list(self.approvers)

    def as_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "module": self.module,
            "process_id": self.process_id,
            "process": self.process,
            "approve": self.approve,
            "approvers": self.approvers,
            "status": self.status,
            "step": self.step,
            "submitted_by": self.submitted_by,
            "submitted_time": self.submitted_time,
            "history": self.history,
            "id": self.id,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Approval:
        return cls(
            record_id=d["record_id"],
            module=d["module"],
            process_id=d["process_id"],
            process=d["process"],
            approve=d["approve"],
            approvers=list(d["approvers"]),
            status=d["status"],
            step=int(d["step"]),
            submitted_by=d["submitted_by"],
            submitted_time=int(d["submitted_time"]),
            history=list(d["history"]),
            id=d.get("id", ""),
        )


def submit(process: ApprovalProcess, module: str, record_id: str, user_id: str, now: int) -> Approval:
    """A record entering ``process``: pending, the first approver's turn."""
    approval = Approval(
        record_id=record_id,
        module=module,
        process_id=process.id,
        process=process.name,
        approve=process.approve,
        approvers=list(process.approvers),
        submitted_by=user_id,
        submitted_time=now,
    )
    approval.history.append({"action": "submitted", "user": user_id, "time": now, "comments": None})
    return approval


class ApprovalActionError(Exception):
    """An action the approval's state or the acting user does not allow; ``reason`` names which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


NOT_PENDING = "not_pending"  # approve, reject or delegate on a record that awaits no approval
NOT_APPROVER = "not_approver"  # the user is not (or not yet) an approver of this record
NOT_REJECTED = "not_rejected"  # resubmit on a record that was not rejected
NO_DELEGATE = "no_delegate"  # delegate without a user to delegate to, or to an approver already waited on


def act(
    approval: Approval,
    action: str,
    user_id: str,
    now: int,
    comments: str | None = None,
    to_user: str | None = None,
    process: ApprovalProcess | None = None,
) -> Approval:
    """Applies ``action`` by ``user_id`` to ``approval`` (in place) and returns it; raises
    :class:`ApprovalActionError` when the action is not allowed. ``resubmit`` starts over with ``process`` (the
    process as it is now) when given, by whoever resubmits."""
    entry: dict[str, Any] = {"action": action, "user": user_id, "time": now, "comments": comments}
    if action == "resubmit":
        if approval.status != REJECTED:
            raise ApprovalActionError(NOT_REJECTED)
        if process is not None:
            approval.process_id, approval.process = process.id, process.name
            approval.approve, approval.approvers = process.approve, list(process.approvers)
        approval.status, approval.step = PENDING, 0
        approval.submitted_by, approval.submitted_time = user_id, now
        approval.history.append(entry)
        return approval
    if approval.status != PENDING:
        raise ApprovalActionError(NOT_PENDING)
    waiting = approval.waiting_on()
    if user_id not in waiting:
        raise ApprovalActionError(NOT_APPROVER)
    if action == "delegate":
        if to_user is None or to_user in waiting:
            raise ApprovalActionError(NO_DELEGATE)
        approval.approvers[approval.approvers.index(user_id)] = to_user
        entry["to"] = to_user
    elif action == "reject":
        approval.status = REJECTED
    elif action == "approve":
        if approval.approve == "all" and approval.step + 1 < len(approval.approvers):
            approval.step += 1
        else:
            approval.status = APPROVED
    else:
        raise ValueError(f"unknown approval action {action!r}")
    approval.history.append(entry)
    return approval


def record_state(approval: Approval | None, kind: str = "approval") -> str:
    """The record's ``approval_state`` column for an approval (or, ``kind`` "review", a review) in this state:
    ``approved``, ``approval_process_pending``, ``approval_process_rejected``, ``review_process_pending`` or
    ``review_process_rejected``."""
    if approval is None or approval.status == APPROVED:
        return "approved"
    return f"{kind}_process_{approval.status}"
