"""Record processes on writes, as pure rules: the approval process, review process and Zia image validation a
write puts a record into (``enter``; the service writes their rows with the write: ``service/processes.py``), and
what a record's JSON says of its processes."""

from __future__ import annotations

from typing import Any

from zcrm.auth.sharing import can_edit
from zcrm.automation import zia
from zcrm.automation.approvals import PENDING, REJECTED, Approval, entering, record_state, submit
from zcrm.automation.rules import Event, fires
from zcrm.records.model import ProcessRow, StoredRecord
from zcrm.schema.model import Module, OrgSchema, User


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
