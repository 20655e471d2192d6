"""Delete Records, pure: per-record results in input order, and the plan of the records to delete (their rows,
unique values and processes go with them) and their change events."""

from __future__ import annotations

from zcrm.auth.sharing import can_edit
from zcrm.automation.functions import AfterCommit
from zcrm.errors import AuthorizationFailed, InvalidData
from zcrm.records.common import DELETE_BLOCKED, change_row, state_error
from zcrm.records.model import StoredRecord
from zcrm.records.plan import Plan, Stored
from zcrm.records.workflow import apply_rules, runs_workflows
from zcrm.schema.model import Module, OrgSchema, User

DELETE_UNAUTHORIZED = "User does not have sufficient privilege to delete records"


def plan_delete(
    schema: OrgSchema,
    user: User,
    module: Module,
    ids: list[str],
    records: dict[str, StoredRecord],
    stored: Stored,
    now: int,
    triggers: frozenset[str] = frozenset(),
    after: AfterCommit | None = None,
) -> Plan:
    """The results and writes of deleting the records ``ids`` of ``module`` (``records``: those of them stored,
    as stored); delete rules' webhooks and functions go to ``after``, with the record as it was."""
    out = Plan("delete", actor=user.id)
    deleted: list[StoredRecord] = []
    for record_id in ids:
        record = records.get(record_id)
        if record is None or record.parent_id is not None or any(r.id == record_id for r in deleted):
            out.results.append(InvalidData("record not deleted", {"id": record_id}))
            continue
        if not can_edit(schema, user, module, record.owner_id):
            out.results.append(AuthorizationFailed(DELETE_UNAUTHORIZED, {"id": record_id}))
            continue
        error = state_error(record, DELETE_BLOCKED)
        if error is not None:
            out.results.append(error)
            continue
        deleted.append(record)
        out.results.append(
            {
                "code": "SUCCESS",
                "details": {"id": record_id},
                "message": "record deleted",
                "status": "success",
            }
        )
    out.deletes = [r.id for r in deleted]
    change_ids = stored.ids(len(deleted))
    out.changes = [
        change_row(next(change_ids), module, r.id, "delete", user.id, now, triggers, {}, r.data, None)
        for r in deleted
    ]
    if runs_workflows(module, triggers):
        for record in deleted:
            apply_rules(module, "delete", record.id, dict(record.data), {}, after)
    out.written = [(record.id, {}, None) for record in deleted]
    return out
