"""Acting on records in approval (approve, reject, delegate, resubmit) and review (approve, reject, resubmit), and
listing the approvals waiting on a user: over the engine and the store, in the caller's transaction.

The approval API's paths and inputs follow what Zoho's own clients use (docs/automation.md, "Approval
processes"); the errors for actions a record's state or the user does not allow are zcrm's (**Decision**).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_edit, can_see
from zcrm.automation.approvals import (
    NO_DELEGATE,
    NOT_APPROVER,
    NOT_PENDING,
    NOT_REJECTED,
    PENDING,
    Approval,
    ApprovalActionError,
    act,
    record_state,
)
from zcrm.errors import InvalidData, NoPermission, ZohoError, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.records import processes
from zcrm.records.present import display_name
from zcrm.schema.model import Module
from zcrm.store import processes as process_store
from zcrm.store import records as store
from zcrm.store.orgs import lock as lock_org
from zcrm.store.processes import ProcessRow

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


def act_on_record(
    conn: Connection,
    ident: Identity,
    module: Module,
    raw_id: str,
    kind: str,
    request: Request,
    now: int,
) -> dict[str, Any]:
    """Applies ``request`` by the identity's user to the record's ``kind`` (approval | review) process; returns
    the success entry, or raises the Zoho error that says why it cannot be done."""
    record_id = parse_id(raw_id)
    if record_id is None:
        raise invalid_id({"resource_path_index": 1})
    lock_org(conn, ident.org_id)
    record = store.fetch(conn, ident.org_id, [record_id], module_id=module.id, for_update=True).get(record_id)
    if record is None or record.parent_id is not None:
        raise invalid_id({"resource_path_index": 1})
    if not can_see(ident.schema, ident.user, module, record.owner_id):
        raise invalid_id({"resource_path_index": 1})
    processes.settle(conn, ident.org_id, [record], now, persist=True)
    row = process_store.of_records(conn, ident.org_id, kind, [record_id]).get(record_id)
    approval = Approval.from_dict(row.detail) if row is not None else None
    if approval is None:
        if request.action == "resubmit":
            raise InvalidData(NOT_REJECTED_MESSAGE[kind], {"id": record_id})
        raise InvalidData(NOT_WAITING[kind], {"id": record_id})
    current = module.review_process if kind == "review" else _process(module, approval.process_id)
    if request.action == "resubmit" and not can_edit(ident.schema, ident.user, module, record.owner_id):
        raise NoPermission(NOT_ACTOR[kind], {"id": record_id})
    if request.action == "delegate" and (
        request.to_user is None or request.to_user not in ident.schema.users_by_id
    ):
        raise InvalidData(details={"param_name": "user"})
    try:
        act(approval, request.action, ident.user.id, now, request.comments, request.to_user, current)
    except ApprovalActionError as exc:
        raise _refusal(exc.reason, kind, record_id) from None
    if _governs(record.approval_state, kind, approval):
        record.approval_state = record_state(approval, kind)
        store.set_state(conn, ident.org_id, record.id, record.approval_state, record.lock_state)
    detail = approval.as_dict()
    process_store.put(
        conn, ident.org_id, [ProcessRow(record_id, kind, module.id, approval.status, detail, now)]
    )
    return {
        "code": "SUCCESS",
        "details": {"id": record_id},
        "message": f"Record {DONE[request.action]} successfully",
        "status": "success",
    }


def _process(module: Module, process_id: str) -> Any:
    return next((p for p in module.approval_processes if p.id == process_id), None)


def _governs(state: str, kind: str, approval: Approval) -> bool:
    """Whether the record's ``approval_state`` follows this process now: it does while the record is in it, and
    when it enters it again (a resubmission)."""
    return state.startswith(f"{kind}_process_") or approval.status == PENDING


def _refusal(reason: str, kind: str, record_id: str) -> ZohoError:
    if reason == NOT_PENDING:
        return InvalidData(NOT_WAITING[kind], {"id": record_id})
    if reason == NOT_REJECTED:
        return InvalidData(NOT_REJECTED_MESSAGE[kind], {"id": record_id})
    if reason == NO_DELEGATE:
        return InvalidData(details={"param_name": "user"})
    assert reason == NOT_APPROVER
    return NoPermission(NOT_ACTOR[kind], {"id": record_id})


def waiting(
    conn: Connection, ident: Identity, kind: str, others: bool
) -> list[tuple[Approval, Module, dict[str, Any]]]:
    """The pending approvals waiting on the identity's user (``others``: waiting on anyone else), oldest first,
    with their module and the record's name and owner."""
    rows = process_store.with_status(conn, ident.org_id, kind, PENDING)
    user_id = ident.user.id
    chosen = []
    for row in rows:
        approval = Approval.from_dict(row.detail)
        if (user_id in approval.waiting_on()) != others:
            chosen.append((row, approval))
    records = store.fetch(conn, ident.org_id, [row.record_id for row, _ in chosen])
    out = []
    for row, approval in chosen:
        record = records.get(row.record_id)
        module = ident.schema.by_module_id.get(row.module_id)
        if record is None or module is None:
            continue
        info = {"name": display_name(module, record.data, record.id), "owner": record.owner_id}
        out.append((approval, module, info))
    return out


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
