"""Record processes on writes: the approval process, review process and Zia image validation a write puts a
record into (their rows written with the write), and Zia validations whose delay has run out, ended when their
records are next read or written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.sharing import can_edit
from zcrm.automation import zia
from zcrm.automation.approvals import PENDING, REJECTED, Approval, entering, record_state, submit
from zcrm.automation.rules import Event, fires
from zcrm.errors import InvalidData
from zcrm.schema.model import Module, OrgSchema, User
from zcrm.store import processes as process_store
from zcrm.store import records as store
from zcrm.store.ids import allocate
from zcrm.store.processes import ProcessRow
from zcrm.store.records import StoredRecord


def touches_images(module: Module, item: dict[str, Any]) -> bool:
    """Whether an update item changes one of the image fields the module's Zia validation watches: the way out
    of a rejected validation (a new image, or the failed one deleted)."""
    validation = module.zia_validation
    return validation is not None and any(name in item for name in validation.fields)


def enter(
    module: Module,
    operation: str,
    record: StoredRecord,
    changed: dict[str, Any],
    triggers: frozenset[str],
    user_id: str,
    now: int,
    rows: list[ProcessRow],
) -> None:
    """Puts the record written (``operation`` insert | update; ``changed`` what the write changed, with row
    fields as ``{"added", "updated", "deleted"}``) into the processes the write starts, changing its state
    columns in place and adding their rows to ``rows``: Zia validation when a watched image field got a new
    image; the first approval process that matches, when ``approval`` is in the trigger set; otherwise the
    review process when it matches."""
    validation = module.zia_validation
    if validation is not None:
        new_images = [
            name
            for name in validation.fields
            if isinstance(changed.get(name), dict) and changed[name].get("added")
        ]
        if new_images:
            record.lock_state = zia.PROCESSING
            detail = zia.start(validation, new_images, user_id, now)
            rows.append(ProcessRow(record.id, "zia", module.id, PENDING, detail, now))
        elif record.lock_state == zia.REJECTED and any(name in changed for name in validation.fields):
            record.lock_state = None  # the failed image was deleted
            detail = {"history": [{"action": "image_deleted", "user": user_id, "time": now}]}
            rows.append(ProcessRow(record.id, "zia", module.id, "deleted", detail, now))
    event = Event(operation, record.data, changed)
    if "approval" in triggers:
        process = entering(module.approval_processes, event)
        if process is not None:
            approval = submit(process, module.api_name, record.id, user_id, now)
            record.approval_state = record_state(approval)
            rows.append(ProcessRow(record.id, "approval", module.id, PENDING, approval.as_dict(), now))
            return
    review = module.review_process
    if review is not None and review.approvers and fires(review, event):
        approval = submit(review, module.api_name, record.id, user_id, now)
        record.approval_state = record_state(approval, "review")
        rows.append(ProcessRow(record.id, "review", module.id, PENDING, approval.as_dict(), now))


def save(conn: Connection, org_id: str, prefix: str, rows: Sequence[ProcessRow]) -> None:
    """Writes the process rows of a write request: a record's earlier row of the same kind is replaced, its
    history kept in front of the new one's (also when one request enters a record twice); new approvals and
    reviews get their ids."""
    if not rows:
        return
    new = [r for r in rows if r.kind in ("approval", "review") and not r.detail.get("id")]
    for row, approval_id in zip(new, allocate(conn, org_id, prefix, len(new)), strict=True):
        row.detail["id"] = approval_id
    merged: dict[tuple[str, str], ProcessRow] = {}
    for kind in dict.fromkeys(r.kind for r in rows):
        ids = [r.record_id for r in rows if r.kind == kind]
        for record_id, row in process_store.of_records(conn, org_id, kind, ids).items():
            merged[(record_id, kind)] = row
    for row in rows:
        earlier = merged.get((row.record_id, row.kind))
        if earlier is not None:
            history = [*earlier.detail.get("history", []), *row.detail.get("history", [])]
            row = ProcessRow(
                row.record_id,
                row.kind,
                row.module_id,
                row.status,
                {**earlier.detail, **row.detail, "history": history},
                row.updated_time,
            )
        merged[(row.record_id, row.kind)] = row
    written = dict.fromkeys((r.record_id, r.kind) for r in rows)
    process_store.put(conn, org_id, [merged[key] for key in written])


def settle(conn: Connection, org_id: str, records: Iterable[StoredRecord], now: int, persist: bool) -> None:
    """Ends the Zia validations of ``records`` whose delay has run out by ``now``: their lock state changes in
    place, and with ``persist`` (inside a write) in the database too."""
    running = [r for r in records if r.lock_state == zia.PROCESSING]
    if not running:
        return
    rows = process_store.of_records(conn, org_id, "zia", [r.id for r in running])
    ended: list[ProcessRow] = []
    for record in running:
        row = rows.get(record.id)
        outcome = None if row is None else zia.due(row.detail, now)
        if row is None or outcome is None:
            continue
        record.lock_state = zia.lock_after(outcome)
        ended.append(
            ProcessRow(record.id, "zia", row.module_id, outcome, zia.end(row.detail, outcome, now), now)
        )
        if persist:
            store.set_state(conn, org_id, record.id, record.approval_state, record.lock_state)
    if persist:
        process_store.put(conn, org_id, ended)


REVIEW_LABELS = {PENDING: "Pending", "approved": "Approved", "rejected": "Rejected"}


def process_keys(
    schema: OrgSchema, user: User, module: Module, record: StoredRecord, rows: dict[str, ProcessRow]
) -> dict[str, Any]:
    """What a single record's JSON says of its processes for ``user``: ``$approval`` (the approval actions
    they may take now), ``$review_process`` (the review actions) and ``$review`` (where its review stands)."""
    approval = Approval.from_dict(rows["approval"].detail) if "approval" in rows else None
    review = Approval.from_dict(rows["review"].detail) if "review" in rows else None
    editable = can_edit(schema, user, module, record.owner_id)
    mine = approval is not None and user.id in approval.waiting_on()
    reviewer = review is not None and user.id in review.waiting_on()
    return {
        "$approval": {
            "delegate": mine,
            "approve": mine,
            "reject": mine,
            "resubmit": approval is not None and approval.status == REJECTED and editable,
        },
        "$review_process": {
            "approve": reviewer,
            "reject": reviewer,
            "resubmit": review is not None and review.status == REJECTED and editable,
        },
        "$review": None if review is None else REVIEW_LABELS[review.status],
    }


def end_validation(
    conn: Connection, org_id: str, record: StoredRecord, outcome: str, now: int, user_id: str | None
) -> dict[str, Any]:
    """Ends the record's running Zia validation with ``outcome`` now (the control plane's call); returns the
    validation's detail. A record not in validation gives INVALID_DATA."""
    settle(conn, org_id, [record], now, persist=True)
    row = process_store.of_records(conn, org_id, "zia", [record.id]).get(record.id)
    if record.lock_state != zia.PROCESSING or row is None:
        raise InvalidData("the record is not in Zia image validation", {"id": record.id})
    record.lock_state = zia.lock_after(outcome)
    store.set_state(conn, org_id, record.id, record.approval_state, record.lock_state)
    detail = zia.end(row.detail, outcome, now, user_id)
    process_store.put(conn, org_id, [ProcessRow(record.id, "zia", row.module_id, outcome, detail, now)])
    return detail
