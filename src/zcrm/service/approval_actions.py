"""Acting on records in approval and review, and listing the approvals waiting on a user, in the caller's
transaction (the rules: ``records/approval_actions.py``, ``automation/approvals.py``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_edit, can_see
from zcrm.automation.approvals import PENDING, Approval, ApprovalActionError, act, record_state
from zcrm.errors import InvalidData, NoPermission, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.records.approval_actions import (
    DONE,
    NOT_ACTOR,
    NOT_REJECTED_MESSAGE,
    NOT_WAITING,
    Request,
    governs,
    process_of,
    refusal,
)
from zcrm.records.model import ProcessRow
from zcrm.records.present import display_name
from zcrm.schema.model import Module
from zcrm.service.processes import settle
from zcrm.store import processes as process_store
from zcrm.store import records as store
from zcrm.store.orgs import lock as lock_org


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
    settle(conn, ident.org_id, [record], now, persist=True)
    row = process_store.of_records(conn, ident.org_id, kind, [record_id]).get(record_id)
    approval = Approval.from_dict(row.detail) if row is not None else None
    if approval is None:
        if request.action == "resubmit":
            raise InvalidData(NOT_REJECTED_MESSAGE[kind], {"id": record_id})
        raise InvalidData(NOT_WAITING[kind], {"id": record_id})
    current = module.review_process if kind == "review" else process_of(module, approval.process_id)
    if request.action == "resubmit" and not can_edit(ident.schema, ident.user, module, record.owner_id):
        raise NoPermission(NOT_ACTOR[kind], {"id": record_id})
    if request.action == "delegate" and (
        request.to_user is None or request.to_user not in ident.schema.users_by_id
    ):
        raise InvalidData(details={"param_name": "user"})
    try:
        act(approval, request.action, ident.user.id, now, request.comments, request.to_user, current)
    except ApprovalActionError as exc:
        raise refusal(exc.reason, kind, record_id) from None
    if governs(record.approval_state, kind, approval):
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
